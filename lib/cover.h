/*
 * cover.h - what a log covers: the times at which it saw everything
 * conntrack delivered, judged from its coverage records (csv.h).
 *
 * A reader feeds every coverage record it reads, in log order
 * (cover_record), and the time of every other line (cover_line).  Then
 * cover_gaps() lists the parts of an interval that the log does not cover,
 * each with the reason the log gives, and cover_snapshot() finds the
 * latest complete snapshot at or before an instant.  The records are few
 * (a heartbeat a minute, and the rare breaks), so everything is kept.
 *
 * The rules (csv.h says what each record means):
 * - An alive, end or snapshot record vouches for [from, t]: the run of
 *   ctparse that wrote it (it began at from) logged everything up to t.
 *   A begin record vouches for its own instant.  What no record vouches
 *   for is not covered: before a run's begin the log may have a gap, after
 *   its last record nothing is known (a run killed without an end record
 *   is a gap from its last record on).
 * - The breaks take away from that: restart (from, t]; lost [from, t]
 *   when it has from (events ctparse itself dropped), else [t - skew, t]
 *   (conntrack's ENOBUFS: it reads events within the skew of when they
 *   happen);
 *   nolog and unread [t, to), to being the record's to field, else the
 *   time of the next line; eof (t, +inf).  A nolog record with from
 *   set says why: the log's days before from were deleted by retention
 *   (CW_RETAIN, at: from).
 * - A log that has no begin, alive, end or snapshot record at all was
 *   written before they existed ("legacy"): it is taken to cover every
 *   time, less the breaks (lost records, and what the reader adds: nolog,
 *   unread, eof), as the tools did before.  One such record anywhere in
 *   what was read makes the rules above apply to all of it.
 * Times may step back by up to the skew in a log; a break is applied
 * where its record says, whatever its place in the stream.
 */
#ifndef CT_COVER_H
#define CT_COVER_H

#include <stddef.h>
#include <stdint.h>

#include "csv.h"
#include "span.h"

/* why a part of the log is not covered */
enum cwhy {
	CW_NONE,		/* no record vouches for it */
	CW_BEFORE,		/* before the first record read */
	CW_BEGIN,		/* ctparse was not logging: it began again */
	CW_END,			/* logging ended (an end record) */
	CW_AFTER,		/* after the last record read */
	CW_RESTART,		/* conntrack restarted */
	CW_LOST,		/* conntrack lost events */
	CW_NOLOG,		/* no log file (CW_RETAIN: deleted) */
	CW_UNREAD,		/* the log could not be read */
	CW_EOF,			/* after the end of the log */
	CW_RETAIN		/* no log file: deleted by retention (at:
				   the first day kept, its midnight UTC) */
};

/* a part of the log not covered: [from, to], INT64_MIN/MAX: unbounded */
struct cgap {
	int64_t from, to;
	enum cwhy why;
	int64_t at;		/* the record that tells it, or INT64_MIN */
	long long n;		/* lost: events, -1 unknown */
};

struct cspan {
	int64_t from, to;
};

struct cover {
	int64_t skew;		/* microseconds */
	int recorded;		/* begin, alive, end or snapshot seen */
	struct cspan *v;	/* vouched for, as read */
	size_t nv, vcap;
	struct cgap *b;		/* breaks */
	size_t nb, bcap;
	int64_t *snap;		/* snapshot instants */
	size_t nsnap, scap;
	int64_t *beg, *end;	/* begin and end instants */
	size_t nbeg, begcap, nend, endcap;
	int open;		/* b[nb - 1] waits for its end (to) */
	int seen;		/* a line was fed */
	int64_t first, last;	/* least and greatest time fed */
};

void cover_init(struct cover *c, int64_t skew);
void cover_free(struct cover *c);

/*
 * cover_record: a coverage record (ev one of EV_BEGIN .. EV_EOF) at t
 * with fields f (csv_fields: from, to and id are read).  Returns -1 when
 * a field it needs is not a time or number, after which the record is
 * taken as a break of its own instant (unknown is never covered).
 */
int cover_record(struct cover *c, enum csvevent ev, int64_t t,
    const struct span *f);

/* cover_line: the time of any other line read */
void cover_line(struct cover *c, int64_t t);

/* cover_vouched: the latest instant some record vouches for, or INT64_MIN */
int64_t cover_vouched(const struct cover *c);

/* cover_snapshot: the latest snapshot at or before t, or INT64_MIN */
int64_t cover_snapshot(const struct cover *c, int64_t t);

/*
 * cover_gaps: the parts of [lo, hi] the log does not cover, in time
 * order, at most max of them in g; returns how many there are.
 */
size_t cover_gaps(const struct cover *c, int64_t lo, int64_t hi,
    struct cgap *g, size_t max);

/* cover_why: a short name of a reason ("restart", "lost", ...) */
const char *cover_why(enum cwhy w);

#endif
