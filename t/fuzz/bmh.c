/*
 * Fuzz harness: the literal search (lib/bmh) on every path (portable
 * Horspool, SSE2, AVX2 where the CPU has it), trained and not, case-
 * sensitive and not, against a naive search done here.  Input: one byte
 * of flags, one byte of needle length, the needle, then the hay.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bmh.h"

static int
eq(unsigned char a, unsigned char b, int icase)
{
	if (icase) {
		if (a >= 'A' && a <= 'Z')
			a += 32;
		if (b >= 'A' && b <= 'Z')
			b += 32;
	}
	return a == b;
}

/* the first occurrence, the slow and obvious way */
static const char *
naive(const char *h, size_t n, const char *p, size_t m, int icase)
{
	size_t i, j;

	if (m > n)
		return NULL;
	for (i = 0; i + m <= n; i++) {
		for (j = 0; j < m && eq((unsigned char)h[i + j],
		    (unsigned char)p[j], icase); j++)
			;
		if (j == m)
			return h + i;
	}
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const int paths[] = { BMH_PORTABLE, BMH_SSE2, 0 };
	struct bmh b;
	size_t m, hn, k;
	int flags, icase, train;
	char *pat, *hay;
	const char *want, *got;

	if (n < 2)
		return 0;
	flags = d[0];
	m = d[1] % 64;
	if (m > n - 2)
		m = n - 2;
	icase = flags & 1;
	train = flags & 2;
	pat = malloc(m ? m : 1);	/* exact sizes: overreads are caught */
	memcpy(pat, d + 2, m);
	hn = n - 2 - m;
	hay = malloc(hn ? hn : 1);
	memcpy(hay, d + 2 + m, hn);
	want = naive(hay, hn, pat, m, icase);
	for (k = 0; k < sizeof(paths) / sizeof(paths[0]); k++) {
		if (bmh_init(&b, pat, m, paths[k] | (icase ? BMH_ICASE : 0)) < 0)
			abort();
		if (train)
			bmh_train(&b, hay, hn);
		got = bmh_find(&b, hay, hn);
		if (got != want)
			abort();
		bmh_free(&b);
	}
	free(pat);
	free(hay);
	return 0;
}
