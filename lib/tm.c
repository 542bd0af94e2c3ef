/* tm.c - see tm.h */
#define _GNU_SOURCE	/* tm_gmtoff: glibc and Linux */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tm.h"

/*
 * Days from civil date and back, by the era method: shift the year to
 * start in March so the leap day is last, then count 400-year eras of
 * 146097 days.  Valid for any year representable in int64_t days.
 */
int64_t
tm_days(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
tm_civil(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int64_t
floordiv(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

long
tm_offset(int64_t sec)
{
	time_t t = (time_t)sec;
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return 0;
	return tm.tm_gmtoff;
}

void
tm_fmtinit(struct tmfmt *c, int flags)
{
	memset(c, 0, sizeof(*c));
	c->flags = flags;
	c->sec = INT64_MIN;
}

static void
put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

/* cache the text of second sec: the head and the zone */
static void
fmtsec(struct tmfmt *c, int64_t sec)
{
	int64_t y, days, s;
	int m, d;
	long off = 0;

	if (c->flags & TM_LOCAL) {
		off = tm_offset(sec);
		if (off % 60 != 0)	/* no hh:mm form: say it in UTC */
			off = 0;
	}
	s = sec + off;
	days = floordiv(s, 86400);
	s -= days * 86400;
	tm_civil(days, &y, &m, &d);
	if (y >= 0 && y <= 9999) {
		c->head[0] = (char)('0' + y / 1000);
		c->head[1] = (char)('0' + y / 100 % 10);
		c->head[2] = (char)('0' + y / 10 % 10);
		c->head[3] = (char)('0' + y % 10);
		c->head[4] = '-';
		put2(c->head + 5, m);
		c->head[7] = '-';
		put2(c->head + 8, d);
		c->head[10] = 'T';
		put2(c->head + 11, (int)(s / 3600));
		c->head[13] = ':';
		put2(c->head + 14, (int)(s / 60 % 60));
		c->head[16] = ':';
		put2(c->head + 17, (int)(s % 60));
		c->headn = 19;
	} else {
		c->headn = (size_t)snprintf(c->head, sizeof(c->head),
		    "%lld-%02d-%02dT%02d:%02d:%02d", (long long)y, m, d,
		    (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
	}
	if (!(c->flags & TM_LOCAL) || (off == 0 && tm_offset(sec) % 60 != 0)) {
		c->zone[0] = 'Z';
		c->zonen = 1;
	} else {
		long a = off < 0 ? -off : off;

		c->zone[0] = off < 0 ? '-' : '+';
		put2(c->zone + 1, (int)(a / 3600));
		c->zone[3] = ':';
		put2(c->zone + 4, (int)(a / 60 % 60));
		c->zonen = 6;
	}
	c->sec = sec;
}

size_t
tm_fmt(struct tmfmt *c, char *dst, int64_t usec)
{
	int64_t sec = floordiv(usec, TM_USEC);
	int64_t frac = usec - sec * TM_USEC;
	size_t n;
	int i;

	if (sec != c->sec)
		fmtsec(c, sec);
	memcpy(dst, c->head, c->headn);
	n = c->headn;
	if (!(c->flags & TM_SECONDS)) {
		dst[n] = '.';
		for (i = 6; i >= 1; i--) {
			dst[n + (size_t)i] = (char)('0' + frac % 10);
			frac /= 10;
		}
		n += 7;
	}
	memcpy(dst + n, c->zone, c->zonen);
	return n + c->zonen;
}

/* digits: exactly k decimal digits at s into *v */
static int
digits(const char *s, int k, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < k; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

static int
mdays(int64_t y, int m)
{
	static const int md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
		31 };

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return md[m - 1];
}

/*
 * The last date and minute wall() parsed ("YYYY-MM-DDTHH:MM", valid) and
 * their seconds: a log's lines come thousands a minute, so most of them
 * need only their seconds parsed.  One entry, per process (the tools have
 * no threads); it only ever holds what parsing the same bytes gives.
 */
static struct {
	char key[16];
	int64_t sec;
	int valid;
} lastmin;

/* minute: the seconds of "YYYY-MM-DD?HH:MM" at s (n >= 16), separator
 * checked by the caller; -1 when not a date and time */
static int
minute(const char *s, int64_t *sec)
{
	int y, mo, d, h, mi;

	if (lastmin.valid && memcmp(s, lastmin.key, 16) == 0) {
		*sec = lastmin.sec;
		return 0;
	}
	if (digits(s, 4, &y) < 0 || s[4] != '-' ||
	    digits(s + 5, 2, &mo) < 0 || s[7] != '-' ||
	    digits(s + 8, 2, &d) < 0 || digits(s + 11, 2, &h) < 0 ||
	    s[13] != ':' || digits(s + 14, 2, &mi) < 0 ||
	    mo < 1 || mo > 12 || d < 1 || d > mdays(y, mo) || h > 23 ||
	    mi > 59)
		return -1;
	*sec = tm_days(y, mo, d) * 86400 + h * 3600 + mi * 60;
	memcpy(lastmin.key, s, 16);
	lastmin.sec = *sec;
	lastmin.valid = 1;
	return 0;
}

/*
 * wall: parse "YYYY-MM-DD" SEP "HH:MM[:SS[.f]]" at s[0..n) into seconds
 * of a UTC-like wall clock and microseconds; *end is what follows.
 * seps lists the accepted date/time separators; optsec allows no seconds.
 */
static int
wall(const char *s, size_t n, const char *seps, int optsec, int64_t *wsec,
    int64_t *wusec, size_t *end)
{
	int se = 0, k;
	size_t i;
	int64_t us = 0, min;

	if (n < 16 || s[10] == '\0' || strchr(seps, s[10]) == NULL ||
	    minute(s, &min) < 0)
		return -1;
	i = 16;
	if (i < n && s[i] == ':') {
		if (n < 19 || digits(s + 17, 2, &se) < 0)
			return -1;
		i = 19;
		if (i < n && (s[i] == '.' || s[i] == ',')) {
			i++;
			for (k = 0; i < n && s[i] >= '0' && s[i] <= '9';
			    i++, k++)
				if (k < 6)
					us = us * 10 + (s[i] - '0');
			if (k == 0 || k > 9)
				return -1;
			for (; k < 6; k++)
				us *= 10;
		}
	} else if (!optsec)
		return -1;
	if (se > 60)
		return -1;
	if (se == 60)		/* a leap second: POSIX time has none */
		se = 59, us = 999999;
	*wsec = min + se;
	*wusec = us;
	*end = i;
	return 0;
}

/* zone: "Z", or +hh:mm, +hhmm, +hh at s[0..n) exactly; offset seconds */
static int
zone(const char *s, size_t n, long *off)
{
	int h, m = 0;

	if (n == 1 && (s[0] == 'Z' || s[0] == 'z')) {
		*off = 0;
		return 0;
	}
	if (n < 3 || (s[0] != '+' && s[0] != '-') || digits(s + 1, 2, &h) < 0)
		return -1;
	if (n == 6 && s[3] == ':') {
		if (digits(s + 4, 2, &m) < 0)
			return -1;
	} else if (n == 5) {
		if (digits(s + 3, 2, &m) < 0)
			return -1;
	} else if (n != 3)
		return -1;
	if (h > 23 || m > 59)
		return -1;
	*off = (h * 3600L + m * 60L) * (s[0] == '-' ? -1 : 1);
	return 0;
}

int
tm_parse(const char *s, size_t n, int64_t *usec)
{
	int64_t ws, wus;
	size_t i;
	long off;

	if (wall(s, n, "T", 0, &ws, &wus, &i) < 0 || zone(s + i, n - i, &off) < 0)
		return -1;
	*usec = (ws - off) * TM_USEC + wus;
	return 0;
}

static void
fmtoff(char *b, size_t bn, long off)
{
	int a = (int)((off < 0 ? -off : off) % 86400);

	snprintf(b, bn, "%c%02d:%02d", off < 0 ? '-' : '+', a / 3600,
	    a / 60 % 60);
}

int
tm_parsearg(const char *s, int64_t *usec, char *why, size_t whylen)
{
	size_t n = strlen(s), i;
	int64_t ws, wus, cand[3], sol[3];
	long off, o;
	int nc = 0, ns = 0, j, k;
	char a[16], b[16];

	if (s[0] == '@') {	/* @EPOCH[.fraction] */
		int neg = s[1] == '-';
		int64_t v = 0, f = 0;

		i = 1 + (size_t)neg;
		if (s[i] < '0' || s[i] > '9')
			goto bad;
		for (; s[i] >= '0' && s[i] <= '9'; i++) {
			if (v > (INT64_MAX / TM_USEC - 9) / 10)
				goto bad;
			v = v * 10 + (s[i] - '0');
		}
		if (s[i] == '.') {
			for (i++, k = 0; s[i] >= '0' && s[i] <= '9'; i++, k++)
				if (k < 6)
					f = f * 10 + (s[i] - '0');
			if (k == 0)
				goto bad;
			for (; k < 6; k++)
				f *= 10;
		}
		if (s[i] != '\0')
			goto bad;
		*usec = (v * TM_USEC + f) * (neg ? -1 : 1);
		return 0;
	}
	if (wall(s, n, "T ", 1, &ws, &wus, &i) < 0)
		goto bad;
	if (i < n) {
		if (zone(s + i, n - i, &off) < 0)
			goto bad;
		*usec = (ws - off) * TM_USEC + wus;
		return 0;
	}
	/*
	 * Local time: find every instant t with t + offset(t) == ws.  The
	 * offsets in force a day either side are the only candidates (zones
	 * change at most once a day), so this finds the one answer, none (a
	 * time skipped when clocks go forward) or two (repeated when they go
	 * back).
	 */
	for (j = -1; j <= 1; j++) {
		o = tm_offset(ws + j * 86400);
		for (k = 0; k < nc && cand[k] != o; k++)
			;
		if (k == nc)
			cand[nc++] = o;
	}
	for (j = 0; j < nc; j++)
		if (tm_offset(ws - cand[j]) == cand[j])
			sol[ns++] = cand[j];
	if (ns == 1) {
		*usec = (ws - sol[0]) * TM_USEC + wus;
		return 0;
	}
	if (ns == 0) {
		fmtoff(a, sizeof(a), cand[0]);
		fmtoff(b, sizeof(b), nc > 1 ? cand[1] : cand[0]);
		snprintf(why, whylen, "%s: no such local time (skipped by a "
		    "clock change); give an offset, e.g. %s%s or %s%s", s, s,
		    a, s, b);
	} else {
		fmtoff(a, sizeof(a), sol[0]);
		fmtoff(b, sizeof(b), sol[1]);
		snprintf(why, whylen, "%s: ambiguous local time (it happened "
		    "twice, at %s and at %s); give the offset, e.g. %s%s", s,
		    a, b, s, a);
	}
	return -1;
bad:
	snprintf(why, whylen, "%s: bad time; use 2026-11-27T10:06:49Z, "
	    "2026-11-27T10:06:49+01:00, '2026-11-27 10:06:49' (local) or "
	    "@EPOCH", s);
	return -1;
}

/* fromlocal: tm_fromlocal without the cache, by tm_parsearg's method */
static int
fromlocal(int64_t ws, int64_t sol[2])
{
	long cand[3], o;
	int nc = 0, ns = 0, j, k;

	for (j = -1; j <= 1; j++) {
		o = tm_offset(ws + j * 86400);
		for (k = 0; k < nc && cand[k] != o; k++)
			;
		if (k == nc)
			cand[nc++] = o;
	}
	for (j = 0; j < nc; j++)
		if (tm_offset(ws - cand[j]) == cand[j] && ns < 2)
			sol[ns++] = ws - cand[j];
	if (ns == 2 && sol[0] > sol[1]) {
		int64_t t = sol[0];

		sol[0] = sol[1];
		sol[1] = t;
	}
	return ns;
}

/*
 * The cache: an hour of local time is kept when its first and its last
 * second each have one instant, at the same offset: then so has every
 * second between (zones change their offset at most once an hour).  The
 * hours of a clock change are resolved second by second, uncached.
 */
#define HOURCACHE 64

int
tm_fromlocal(int64_t wall, int64_t sol[2])
{
	static struct {
		int64_t hour;	/* INT64_MIN: empty */
		long off;
	} hc[HOURCACHE];
	static int init;
	int64_t h = floordiv(wall, 3600), a[2], b[2];
	unsigned slot = (unsigned)((uint64_t)h % HOURCACHE);
	int n, i;

	if (!init) {
		for (i = 0; i < HOURCACHE; i++)
			hc[i].hour = INT64_MIN;
		init = 1;
	}
	if (hc[slot].hour == h) {
		sol[0] = wall - hc[slot].off;
		return 1;
	}
	if ((n = fromlocal(wall, sol)) == 1 &&
	    fromlocal(h * 3600, a) == 1 && fromlocal(h * 3600 + 3599, b) == 1 &&
	    h * 3600 - a[0] == wall - sol[0] &&
	    h * 3600 + 3599 - b[0] == wall - sol[0]) {
		hc[slot].hour = h;
		hc[slot].off = (long)(wall - sol[0]);
	}
	return n;
}

int64_t
tm_day(int64_t usec, int local)
{
	int64_t s = floordiv(usec, TM_USEC);

	if (local)
		s += tm_offset(s);
	return floordiv(s, 86400);
}

int64_t
tm_daystart(int64_t d, int local)
{
	int64_t lo = d * 86400 - 2 * 86400, hi = d * 86400 + 2 * 86400, mid;

	while (lo < hi) {	/* the first second of a day >= d */
		mid = lo + (hi - lo) / 2;
		if (tm_day(mid * TM_USEC, local) >= d)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo * TM_USEC;
}

int
tm_seconds(const char *s, int64_t max, int64_t *usec)
{
	int64_t v = 0, f = 0;
	int k = 0;
	const char *p = s;

	for (; *p >= '0' && *p <= '9' && v <= max; p++)
		v = v * 10 + (*p - '0');
	if (p == s || v > max)
		return -1;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, k++)
			if (k < 6)
				f = f * 10 + (*p - '0');
	for (; k < 6; k++)
		f *= 10;
	if (*p != '\0')
		return -1;
	*usec = v * TM_USEC + f;
	return 0;
}
