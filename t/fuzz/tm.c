/*
 * Fuzz harness: time parsing (lib/tm): the log's time field and the TIME
 * a person gives.  A parsed log time, written back by tm_fmt (UTC and
 * local, with DST), must parse to the same instant.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tm.h"

static void
roundtrip(int64_t t, int flags)
{
	struct tmfmt f;
	char b[TM_FMTMAX];
	size_t k;
	int64_t u;

	tm_fmtinit(&f, flags);
	k = tm_fmt(&f, b, t);
	if (k > TM_FMTMAX)
		abort();
	if (b[4] != '-' || b[0] == '-')	/* years outside 0000-9999 */
		return;
	if (tm_parse(b, k, &u) != 0 || u != t)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char *s = malloc(n + 1), why[256];
	int64_t t;

	setenv("TZ", "Europe/London", 0);
	memcpy(s, d, n);
	s[n] = '\0';
	if (tm_parse(s, n, &t) == 0) {
		roundtrip(t, 0);
		roundtrip(t, TM_LOCAL);
	}
	why[0] = '\0';
	if (tm_parsearg(s, &t, why, sizeof(why)) != 0 && why[0] == '\0')
		abort();
	free(s);
	return 0;
}
