/*
 * Fuzz harness: the ctzip index parser (lib/zidx): any text is either
 * refused or gives blocks that tile both files exactly, as the contract
 * says; a lookup then stays within the blocks.  The compressed size the
 * caller would give is taken from the text's own header.
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
	char *s = malloc(n + 1);
	long long zsize = 0, coff = 0, uoff = 0;
	size_t i;

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
			coff += x.b[i].clen;
			uoff += x.b[i].ulen;
		}
		if (coff != x.zsize || uoff != x.srcsize || x.zsize != zsize)
			abort();
		if (zidx_first(&x, INT64_MIN) > x.n ||
		    zidx_first(&x, 0) > x.n || zidx_first(&x, INT64_MAX) > x.n)
			abort();
		zidx_free(&x);
	}
	free(s);
	return 0;
}
