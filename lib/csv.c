/* csv.c - see csv.h */
#include <string.h>

#include "csv.h"

static const char *const evname[] = {
	[EV_START] = "start", [EV_STOP] = "stop", [EV_UPDATE] = "update",
	[EV_OPEN] = "open", [EV_BEGIN] = "begin", [EV_ALIVE] = "alive",
	[EV_END] = "end", [EV_SNAPSHOT] = "snapshot",
	[EV_RESTART] = "restart", [EV_LOST] = "lost", [EV_NOLOG] = "nolog",
	[EV_UNREAD] = "unread", [EV_EOF] = "eof",
};

enum csvevent
csv_event(struct span e)
{
	size_t i;

	/* the first byte tells most apart; then the whole word */
	for (i = 1; i < sizeof(evname) / sizeof(evname[0]); i++)
		if (e.n > 0 && evname[i][0] == e.p[0] &&
		    strlen(evname[i]) == e.n && memcmp(evname[i], e.p, e.n) == 0)
			return (enum csvevent)i;
	return EV_OTHER;
}

const char *
csv_evname(enum csvevent ev)
{
	return ev > EV_OTHER && ev <= EV_EOF ? evname[ev] : NULL;
}

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
csv_fields(struct span line, struct span *f)
{
	int k = csv_split(line, f, F_NFIELDS), i;

	if (k < F_NFIELDS_OLD)
		return 0;
	for (i = k; i < F_NFIELDS; i++) {
		f[i].p = line.p + line.n;
		f[i].n = 0;
	}
	return k;
}

int
csv_isheader(struct span line)
{
	return line.n >= 5 && memcmp(line.p, "time;", 5) == 0;
}
