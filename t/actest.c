/*
 * actest - randomised test of lib/ac.h: every path (prefilter with AVX2
 * and scalar, table, lists) against a naive leftmost-longest search, on
 * random hays and pattern sets (NULs included, case folding with
 * AC_ICASE): sets of patterns sharing a few prefixes (the NAT key case,
 * one to six groups), prefixes and suffixes of each other, duplicates,
 * empty patterns; every occurrence found in turn, trained and not.
 *
 *	t/actest SEED COUNT
 *
 * Prints "N cases, N failed" and exits 1 on a failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ac.h"
#include "acpath.h"

static const char *alpha[] = {
	"0123456789.;\n", "0;.", "aAbB", "ab", "a", "aAbBzZ\0\r\n;",
};

static int
fold(int c, int icase)
{
	return icase && c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* naive: leftmost occurrence of any pattern, longest there */
static const char *
naive(const char *h, size_t n, const struct span *p, size_t np, int icase,
    size_t *len)
{
	size_t i, j, k;
	int found;

	for (i = 0; i <= n; i++) {
		found = 0;
		*len = 0;
		for (k = 0; k < np; k++) {
			if (p[k].n > n - i)
				continue;
			for (j = 0; j < p[k].n; j++)
				if (fold((unsigned char)h[i + j], icase) !=
				    fold((unsigned char)p[k].p[j], icase))
					break;
			if (j == p[k].n) {
				found = 1;
				if (p[k].n > *len)
					*len = p[k].n;
			}
		}
		if (found)
			return h + i;
	}
	return NULL;
}

/* path: the path ac_find took (ac.h) */
static const char *
path(const struct ac *a)
{
	return a->npat == 0 ? "none" : a->empty ? "empty" : a->filter ?
	    (a->avx2 ? "filter-avx2" : "filter") : a->next ? "dfa" : "nfa";
}

static void
rnd(char *s, size_t n, const char *a, size_t alen)
{
	size_t i;

	for (i = 0; i < n; i++)
		s[i] = a[(size_t)rand() % alen];
}

int
main(int argc, char *argv[])
{
	static const int flags[] = { 0, AC_PORTABLE, AC_NOFILTER,
	    AC_NOFILTER | AC_NFA, AC_NFA };
	static char hay[8192 + 64], pbuf[64][40], base[6][16];
	struct span pat[64];
	unsigned long cases = 0, failed = 0, count;
	size_t n, np, i, k, off, alen, nbase, wl, gl;
	const char *a, *want, *got, *h;
	struct ac ac;
	int f, icase, train;

	if (argc != 3)
		return 2;
	srand((unsigned)strtoul(argv[1], NULL, 10));
	count = strtoul(argv[2], NULL, 10);
	while (cases < count) {
		a = alpha[(size_t)rand() % (sizeof(alpha) / sizeof(alpha[0]))];
		alen = strlen(a) + (a == alpha[5]);	/* with its NUL */
		n = (size_t)rand() % (rand() % 4 ? 300 : 8192);
		rnd(hay, n, a, alen);
		np = (size_t)rand() % (rand() % 3 ? 8 : 64);
		nbase = 1 + (size_t)rand() % 6;
		for (i = 0; i < nbase; i++)
			rnd(base[i], 16, a, alen);
		for (i = 0; i < np; i++) {
			gl = rand() % 3 ? (size_t)rand() % 10 : 0;
			pat[i].n = gl + (size_t)rand() % (rand() % 8 ? 6 : 30);
			if (pat[i].n == 0 && rand() % 40 != 0)
				pat[i].n = 1;	/* empty: now and then */
			if (gl > pat[i].n)
				gl = pat[i].n;
			memcpy(pbuf[i], base[(size_t)rand() % nbase], gl);
			rnd(pbuf[i] + gl, pat[i].n - gl, a, alen);
			pat[i].p = pbuf[i];
			if (i > 0 && rand() % 8 == 0)	/* part of another */
				pat[i] = pat[(size_t)rand() % i];
			if (pat[i].n > 0 && rand() % 8 == 0) {
				k = (size_t)rand() % pat[i].n;
				pat[i].p += k;
				pat[i].n -= k;
			}
			/* plant it in the hay now and then */
			if (n > pat[i].n && rand() % 2) {
				off = (size_t)rand() % (n - pat[i].n);
				memcpy(hay + off, pat[i].p, pat[i].n);
			}
		}
		icase = rand() % 4 == 0;
		train = rand() % 2;
		for (f = 0; f < (int)(sizeof(flags) / sizeof(flags[0])); f++) {
			if (ac_init(&ac, pat, np, flags[f] |
			    (icase ? AC_ICASE : 0)) < 0) {
				perror("ac_init");
				return 2;
			}
			if (train)
				ac_train(&ac, hay, n);

			for (h = hay;; h = want + 1) {
				want = naive(h, n - (size_t)(h - hay), pat, np,
				    icase, &wl);
				got = ac_find(&ac, h, n - (size_t)(h - hay), &k);
				if (got != want || (want != NULL && k != wl)) {
					if (failed++ < 10)
						printf("case %lu path %s flags %d "
						    "icase %d: n %zu np %zu: got "
						    "%td/%zu want %td/%zu\n",
						    cases, path(&ac), flags[f],
						    icase, n, np,
						    got ? got - hay : -1, k,
						    want ? want - hay : -1, wl);
					break;
				}
				if (want == NULL || want == hay + n)
					break;
			}
			ac_free(&ac);
		}
		cases++;
	}
	printf("%lu cases, %lu failed\n", cases, failed);
	return failed > 0;
}
