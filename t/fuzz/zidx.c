/*
 * Fuzz harness: the ctzip index parser (lib/zidx): any text is either
 * refused or gives blocks that tile both files exactly, as the contract
 * says, with filters of the length their count says (version 2; none in
 * version 1); a lookup then stays within the blocks, a key of a filter
 * (when its digits are hex and ascend) is found in it, and a selection never chooses a block before zidx_first's nor, for
 * a key, fewer than the near blocks.  The compressed size the caller would
 * give is taken from the text's own header.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zidx.h"

/* hex: 8 lower-case hex digits */
static int
hex(const char *s, uint32_t *v)
{
	int k;

	for (*v = 0, k = 0; k < 8; k++, s++)
		if (*s >= '0' && *s <= '9')
			*v = *v << 4 | (uint32_t)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			*v = *v << 4 | (uint32_t)(*s - 'a' + 10);
		else
			return -1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct zidx x;
	struct zquery q;
	char *s = malloc(n + 1);
	unsigned char *sel;
	long long zsize = 0, coff = 0, uoff = 0;
	size_t i, j, first, nsel;
	uint32_t fp[2];
	int ok;

	memcpy(s, d, n);
	s[n] = '\0';
	if (sscanf(s, "ctzip-index %*d %*d %lld", &zsize) != 1)
		zsize = 0;
	if (zidx_parse(&x, s, n, zsize) == 0) {
		for (i = 0; i < x.n; i++) {
			if (x.b[i].coff != coff || x.b[i].uoff != uoff ||
			    x.b[i].clen <= 0 || x.b[i].ulen < 0 ||
			    (x.b[i].hastime && x.b[i].tmin > x.b[i].tmax))
				abort();
			if ((x.lsec < 0 && x.b[i].nfp > 0) ||
			    (x.b[i].nfp > 0) != (x.b[i].keys != NULL))
				abort();
			/* fingerprints that are hex and ascend are found */
			for (j = 0, ok = 1; j < x.b[i].nfp && ok; j++)
				ok = hex(x.b[i].keys + 8 * j, &fp[j % 2]) == 0 &&
				    (j == 0 || fp[(j - 1) % 2] < fp[j % 2]);
			for (j = 0; ok && j < x.b[i].nfp; j++)
				if (hex(x.b[i].keys + 8 * j, &fp[0]) < 0 ||
				    !zidx_has(&x.b[i], fp[0]))
					abort();
			coff += x.b[i].clen;
			uoff += x.b[i].ulen;
		}
		if (coff != x.zsize || uoff != x.srcsize || x.zsize != zsize)
			abort();
		if (zidx_first(&x, INT64_MIN) > x.n ||
		    zidx_first(&x, 0) > x.n || zidx_first(&x, INT64_MAX) > x.n)
			abort();
		/* a query in the middle of the times, with the key of a filter */
		if ((sel = malloc(x.n + 1)) == NULL)
			abort();
		memset(&q, 0, sizeof(q));
		q.lo = x.n > 0 && x.b[x.n / 2].hastime ? x.b[x.n / 2].tmin : 0;
		q.hi = q.lo + 10000000;
		q.start = q.lo - 86400000000LL;
		first = zidx_first(&x, q.start);
		for (q.haskey = 0; q.haskey < 2; q.haskey++) {
			for (i = 0; i < x.n && x.b[i].nfp == 0; i++)
				;
			if (i == x.n || hex(x.b[i].keys, &q.fp) < 0)
				q.fp = 0;
			nsel = zidx_select(&x, &q, sel);
			for (i = j = 0; i < x.n; j += sel[i++])
				if (sel[i] > 1 || (sel[i] && i < first &&
				    first < x.n) || (!sel[i] && i >= first &&
				    (!q.haskey || x.lsec < 0 ||
				    zidx_has(&x.b[i], q.fp))))
					abort();
			if (j != nsel)
				abort();
		}
		free(sel);
		zidx_free(&x);
	}
	free(s);
	return 0;
}
