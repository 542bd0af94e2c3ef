/*
 * Fuzz harness: the ctzip index parser (lib/zidx): any text is either
 * refused or gives blocks that tile both files exactly, as the contract
 * says, with filters that ascend strictly (version 2; none in version 1);
 * a lookup then stays within the blocks, a key of a filter is found in
 * it, and a selection never chooses a block before zidx_first's nor, for
 * a key, fewer than the near blocks.  The compressed size the caller would
 * give is taken from the text's own header.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zidx.h"

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct zidx x;
	struct zquery q;
	char *s = malloc(n + 1);
	unsigned char *sel;
	long long zsize = 0, coff = 0, uoff = 0;
	size_t i, j, first, nsel;

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
			    (x.b[i].nfp > 0) != (x.b[i].fp != NULL))
				abort();
			for (j = 0; j < x.b[i].nfp; j++)
				if ((j > 0 && x.b[i].fp[j - 1] >= x.b[i].fp[j]) ||
				    !zidx_has(&x.b[i], x.b[i].fp[j]))
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
			q.fp = i < x.n ? x.b[i].fp[0] : 0;
			nsel = zidx_select(&x, &q, sel);
			for (i = j = 0; i < x.n; j += sel[i++])
				if (sel[i] > 1 || (sel[i] && i < first &&
				    first < x.n) || (!sel[i] && i >= first &&
				    (!q.haskey || x.lsec < 0 || (x.b[i].nfp > 0 &&
				    x.b[i].fp[0] == q.fp))))
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
