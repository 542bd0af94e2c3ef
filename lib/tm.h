/*
 * tm.h - instants as microseconds since the Epoch (UTC), and their text.
 *
 * The log format's time field (see csv.h) is ISO 8601 with a 'T', whole
 * seconds or microseconds, and either 'Z' or a numeric offset "+hh:mm":
 *	2026-11-27T05:31:09.677741Z
 *	2026-10-25T01:30:00.000000+01:00
 * Instants are compared as numbers, never as text: the same instant can be
 * written with different offsets.
 *
 * Calendar arithmetic is done here (proleptic Gregorian, 64-bit days) rather
 * than with timegm(3), which is not in C11 or POSIX.  Local time comes from
 * localtime_r(3) and its tm_gmtoff, so TZ rules (DST) are the system's.
 */
#ifndef CT_TM_H
#define CT_TM_H

#include <stddef.h>
#include <stdint.h>

#define TM_USEC 1000000LL
#define TM_FMTMAX 48		/* room for any tm_fmt() output */

enum { TM_LOCAL = 1, TM_SECONDS = 2 };

/* days since 1970-01-01 of a date, and back */
int64_t tm_days(int64_t y, int m, int d);
void tm_civil(int64_t days, int64_t *y, int *m, int *d);

/* tm_fmt: the log text of an instant.  c caches the last second's text. */
struct tmfmt {
	int flags;		/* TM_LOCAL, TM_SECONDS */
	int64_t sec;		/* second cached in head/zone */
	size_t headn, zonen;
	char head[32];		/* "YYYY-MM-DDTHH:MM:SS" */
	char zone[16];		/* "Z" or "+hh:mm" */
};
void tm_fmtinit(struct tmfmt *c, int flags);
size_t tm_fmt(struct tmfmt *c, char *dst, int64_t usec);

/*
 * tm_parse: a time field of the log, exactly s[0..n): date 'T' time,
 * optional fraction (up to 9 digits, cut to microseconds), then 'Z' or
 * +hh:mm / +hhmm / +hh.  0 and *usec set, or -1.
 */
int tm_parse(const char *s, size_t n, int64_t *usec);

/*
 * tm_parsearg: a TIME given by a person:
 *	ISO 8601 date 'T' or ' ' time [fraction] with 'Z' or an offset,
 *	the same without a zone: local time per TZ,
 *	@EPOCH[.fraction]
 * Seconds may be left out.  0 on success; -1 with a one-line reason in
 * why (a local time that a DST change skips or repeats is an error that
 * says so and names the offsets to choose from).
 */
int tm_parsearg(const char *s, int64_t *usec, char *why, size_t whylen);

/*
 * tm_seconds: a length of time given by a person, "SECONDS[.fraction]"
 * (a fraction beyond microseconds is cut), in *usec: 0, or -1 when s is
 * not that or is more than max seconds
 */
int tm_seconds(const char *s, int64_t max, int64_t *usec);

/* tm_offset: local UTC offset in seconds at an instant (seconds). */
long tm_offset(int64_t sec);

/*
 * tm_day: the day (days since 1970-01-01) an instant (microseconds) falls
 * in, UTC or local (per TZ); tm_daystart: the first instant of day d,
 * found by bisection on tm_day, so that a local midnight a clock change
 * skips needs no rule of its own.
 */
int64_t tm_day(int64_t usec, int local);
int64_t tm_daystart(int64_t d, int local);

/*
 * tm_fromlocal: the instants (seconds) at which the local clock, per TZ,
 * read wall (seconds since 1970-01-01T00:00 of that clock), in increasing
 * order in sol; returns how many: 1, 2 for a time repeated when clocks go
 * back, 0 for one skipped when they go forward.  What it learns about an
 * hour is cached (64 hours), so a run of times costs no localtime_r(3)
 * each: TZ must not change while the process runs, and the cache is not
 * thread-safe (the tools have one thread).
 */
int tm_fromlocal(int64_t wall, int64_t sol[2]);

#endif
