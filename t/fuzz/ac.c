/*
 * Fuzz harness: the many-pattern search (lib/ac) on every path (prefilter
 * with AVX2 where the CPU has it and scalar, table, lists), trained and
 * not, case-sensitive and not, against a naive leftmost-longest search
 * done here, every occurrence in turn.  Input: one byte of flags, one byte
 * of pattern count (mod 16), then each pattern as a length byte (mod 32)
 * and its bytes, then the hay.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ac.h"
#include "acpath.h"

static int
fold(int c, int icase)
{
	return icase && c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* the leftmost occurrence, longest there, the slow and obvious way */
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

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const int paths[] = { 0, AC_PORTABLE, AC_NOFILTER,
	    AC_NOFILTER | AC_NFA };
	struct span pat[16];
	struct ac a;
	size_t np, i, m, hn, k, wl, gl;
	int flags;
	char *buf, *hay;
	const char *want, *got, *h;

	if (n < 2)
		return 0;
	flags = d[0];
	np = d[1] % 16;
	d += 2;
	n -= 2;
	buf = malloc(n ? n : 1);	/* exact sizes: overreads are caught */
	memcpy(buf, d, n);
	for (i = 0, k = 0; i < np; i++) {
		m = k < n ? (unsigned char)buf[k++] % 32 : 0;
		if (m > n - k)
			m = n - k;
		pat[i].p = buf + k;
		pat[i].n = m;
		k += m;
	}
	hn = n - k;
	hay = malloc(hn ? hn : 1);
	memcpy(hay, buf + k, hn);
	for (k = 0; k < sizeof(paths) / sizeof(paths[0]); k++) {
		if (ac_init(&a, pat, np, paths[k] |
		    (flags & 1 ? AC_ICASE : 0)) < 0)
			abort();
		if (flags & 2)
			ac_train(&a, hay, hn);
		for (h = hay;; h = want + 1) {
			want = naive(h, hn - (size_t)(h - hay), pat, np,
			    flags & 1, &wl);
			got = ac_find(&a, h, hn - (size_t)(h - hay), &gl);
			if (got != want || (want != NULL && gl != wl))
				abort();
			if (want == NULL || want == hay + hn)
				break;
		}
		ac_free(&a);
	}
	free(hay);
	free(buf);
	return 0;
}
