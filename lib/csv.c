/* csv.c - see csv.h */
#include <string.h>

#include "csv.h"

int
csv_split(struct span line, struct span *f, int max)
{
	const char *p = line.p, *e = line.p + line.n, *q;
	int k = 0;

	for (;;) {
		q = memchr(p, ';', (size_t)(e - p));
		if (k < max) {
			f[k].p = p;
			f[k].n = (size_t)((q != NULL ? q : e) - p);
		}
		k++;
		if (q == NULL)
			return k;
		p = q + 1;
	}
}

int
csv_isheader(struct span line)
{
	return line.n >= 5 && memcmp(line.p, "time;", 5) == 0;
}
