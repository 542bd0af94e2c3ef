/*
 * bmhtest - randomised test of lib/bmh.h: every search path (portable
 * Horspool, SSE2 and AVX2 packed pair, memchr) against a naive search, on
 * random hays and needles (NULs included, case folding with BMH_ICASE),
 * at every alignment, finding every occurrence in turn, with the
 * prefilter's bytes chosen by the table or by bmh_train().
 *
 *	t/bmhtest SEED COUNT
 *
 * Prints "N cases, N failed" and exits 1 on a failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmh.h"

static const char *alpha[] = {
	"0123456789.;\n", "0;.", "aAbB", "ab", "a", "aAbBzZ\0\r\n;",
};

static int
fold(int c, int icase)
{
	return icase && c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static const char *
naive(const char *h, size_t n, const char *p, size_t m, int icase)
{
	size_t i, j;

	for (i = 0; i + m <= n; i++) {
		for (j = 0; j < m; j++)
			if (fold((unsigned char)h[i + j], icase) !=
			    fold((unsigned char)p[j], icase))
				break;
		if (j == m)
			return h + i;
	}
	return NULL;
}

int
main(int argc, char *argv[])
{
	static char buf[16384 + 64];
	char pat[80];
	static const int flags[] = { BMH_PORTABLE, BMH_SSE2, 0 };
	unsigned long cases = 0, failed = 0, count;
	size_t n, m, i, off, alen;
	const char *a, *want, *got, *h;
	struct bmh b;
	int f, icase;

	if (argc != 3)
		return 2;
	srand((unsigned)strtoul(argv[1], NULL, 10));
	count = strtoul(argv[2], NULL, 10);
	while (cases < count) {
		i = (size_t)rand() % (sizeof(alpha) / sizeof(alpha[0]));
		a = alpha[i];
		alen = i == 5 ? 11 : strlen(a);
		n = (size_t)rand() % (rand() % 8 == 0 ? rand() % 4 == 0 ? 16384 :
		    4096 : 100);
		off = (size_t)rand() % 32;
		for (i = 0; i < n; i++)
			buf[off + i] = rand() % 50 == 0 ? (char)(rand() % 256) :
			    a[(size_t)rand() % alen];
		m = (size_t)rand() % (rand() % 4 == 0 ? 70 : 10);
		if (n > 0 && rand() % 2 == 0) {		/* a piece of hay */
			i = (size_t)rand() % n;
			if (m > n - i)
				m = n - i;
			memcpy(pat, buf + off + i, m);
		} else
			for (i = 0; i < m; i++)
				pat[i] = a[(size_t)rand() % alen];
		icase = rand() % 3 == 0;
		if (icase && rand() % 2 == 0)
			for (i = 0; i < m; i++)
				if (pat[i] >= 'a' && pat[i] <= 'z')
					pat[i] -= 32;
		h = buf + off;
		for (f = 0; f < 3; f++) {
			if (bmh_init(&b, pat, m, flags[f] |
			    (icase ? BMH_ICASE : 0)) < 0)
				return 2;
			if (rand() % 2 == 0)	/* on the hay, or another */
				bmh_train(&b, rand() % 2 ? h : buf, n);
			for (i = 0; i <= n; i = (size_t)(want - h) + 1) {
				want = naive(h + i, n - i, pat, m, icase);
				got = bmh_find(&b, h + i, n - i);
				if (got != want) {
					if (failed++ < 5)
						printf("seed %s case %lu flags "
						    "%d: n %zu m %zu icase %d "
						    "from %zu: want %ld got "
						    "%ld\n", argv[1], cases,
						    flags[f], n, m, icase, i,
						    want ? (long)(want - h) :
						    -1L, got ? (long)(got - h) :
						    -1L);
					break;
				}
				if (want == NULL)
					break;
			}
			bmh_free(&b);
		}
		cases++;
	}
	printf("%lu cases, %lu failed\n", cases, failed);
	return failed > 0;
}
