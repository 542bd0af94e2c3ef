/*
 * Fuzz harness: the CSV field splitter (lib/csv): the fields, joined
 * again with ';', are the line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct span f[F_NFIELDS], line;
	char *s = malloc(n ? n : 1);
	int k, i;
	size_t at = 0;

	memcpy(s, d, n);
	line.p = s;
	line.n = n;
	k = csv_split(line, f, F_NFIELDS);
	if (k < 1)
		abort();
	if (k <= F_NFIELDS) {
		for (i = 0; i < k; i++) {
			if (f[i].p != s + at || memcmp(f[i].p, d + at, f[i].n))
				abort();
			at += f[i].n + 1;
		}
		if (at != n + 1)
			abort();
	}
	free(s);
	return 0;
}
