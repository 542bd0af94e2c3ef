/*
 * flow.h - conntrack flows rebuilt from the log's start and stop lines, and
 * ranked by how well they explain an instant.
 *
 * A flow is one conntrack entry.  Lines pair into flows by lib/pair.h's
 * rules (the key, and which line opens, ends or closes a flow), with the
 * code that ctzip's index (zmark.h) pairs with; what follows is what
 * flows hold here, and how they rank.
 *
 * What the logged times mean (measured on a kernel NAT): a start time is
 * when conntrack read the event, microseconds to milliseconds after the
 * first packet.  A stop time is exact when the kernel evicted the entry to
 * give its port to a new flow (whose start follows within microseconds),
 * or late by up to the garbage collector's delay (seconds) otherwise.  So
 * a logged interval [start, stop] may overlap the next holder's, and the
 * later start is the better answer.  The ranking (flow_rank) is:
 *   1. flows whose interval contains T (unknown start: from the beginning
 *      of time; no stop: still open), the latest start first, a later
 *      line first on equal starts: a later holder of the same port proves
 *      the earlier one had ended;
 *   2. then the others, nearest interval first (distance from T to the
 *      interval), the earlier line first on equal distance; a start is
 *      taken to be up to 10 ms early, as it is logged late: when T falls
 *      between the exact stop of one holder and the start of the next a
 *      few microseconds later, T was after the handover (the stop is the
 *      moment the next flow's first packet took the port).
 *
 * Snapshots (csv.h): an open record says a flow was open at its time.  If
 * a flow with its key is open it is that flow (pair.h); else it is a flow
 * whose start is its from field when known (the kernel's or ctparse's),
 * else unknown, and whose stop may come later.  Beyond pair.h's rules, a
 * start line of its key within FLOW_MERGE of the open record is that
 * flow's own start (ctparse logs the events that happened while the
 * kernel's table was dumped after the dump), not a new flow.
 *
 * A snapshot record says that the open records just before it were every
 * flow open then.  So an open flow that none of them listed had ended by
 * then, its stop unknown (lost in an outage, say): it is ended at the
 * snapshot's time, so that it never looks active after it; it stays in
 * pair.h's table (FL_SNAPEND), so that its stop line, logged later, still
 * pairs with it.  "Just before"
 * is the run of open records since the last other line the reader gave
 * (flow_mark): ctparse writes a dump's or a day's open records and then
 * its snapshot record with nothing between them but, perhaps, heartbeats.
 *
 * The kernel's times (stop lines with from and to, csv.h): a stop line's
 * time is when conntrack read the DESTROY, up to the garbage collector's
 * delay (seconds) after the flow expired; the kernel's end "to" is the
 * expiry, in whole seconds.  So the end is taken as the earlier of the
 * line's time and the end of the kernel's second, so that an expired flow
 * does not look active for the collector's delay.  A stop line's from
 * gives the start of a flow whose start line is not in what was read.
 * Kernel times that contradict the line (an end after it, a start after
 * the end) are ignored: a time zone mismatch, say.
 *
 * Lines are copied into the flows.  Open flows are in pair.h's table,
 * their keys in their copies of their lines; every flow kept is also on a
 * list in input order until dropped.
 */
#ifndef CT_FLOW_H
#define CT_FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "pair.h"
#include "span.h"

enum {
	FL_START = 1,		/* t0 valid: start line, or from (FL_KSTART) */
	FL_STOP = 2,		/* stop line seen: l1 valid */
	FL_ENDED = 4,		/* t1 valid: stop seen, or ended by reuse */
	FL_OPEN = 8,		/* l0 is an open record, not a start line */
	FL_KSTART = 16,		/* t0 is a from field, not a start line's */
	FL_SNAPEND = 32		/* ended by a snapshot, still in the table */
};

#define FLOW_MERGE (60 * 1000000LL)	/* see above: microseconds */

struct flow {
	struct flow *prev, *next;	/* every flow kept, in input order */
	uint32_t pi;		/* its entry in the open flows (0: none) */
	unsigned long long seq;	/* input order of its first line */
	int flags;
	int64_t t0, t1;		/* start, end: microseconds */
	int64_t topen;		/* FL_OPEN: the open record's time */
	unsigned long srun;	/* the run of open records that last listed it */
	int tag;		/* its table's tag */
	char *l0, *l1;		/* start or open line, stop line (no '\n'),
				   or NULL */
	size_t n0, n1;
};

struct flowtab {
	struct pairtab pt;	/* open flows (and FL_SNAPEND ones) by key;
				   pt.bkt is NULL before flow_init and
				   after flow_free */
	size_t nopen;		/* open flows, not FL_SNAPEND */
	struct flow *head, *tail;	/* every flow kept */
	unsigned long long seq;
	unsigned long run;	/* the current run of open records */
	int tag;		/* the caller's: which log (gateway) */
};

void flow_init(struct flowtab *ft);
void flow_free(struct flowtab *ft);

/*
 * flow_start: a start line (f: its fields, see csv.h) at t.  Returns the
 * open flow with the same key that this ends, or NULL.  A new open flow is
 * made only if keep is set.
 */
struct flow *flow_start(struct flowtab *ft, const struct span *f,
    struct span line, int64_t t, int keep);

/*
 * flow_open: an open record at t.  Returns the open flow with the same
 * key (the same flow: nothing changes), else, if keep is set, a new open
 * flow, else NULL.
 */
struct flow *flow_open(struct flowtab *ft, const struct span *f,
    struct span line, int64_t t, int keep);

/*
 * flow_stop: a stop line at t.  Returns the open flow it closes, else (if
 * orphan is set) a new flow with unknown start, else NULL.
 */
struct flow *flow_stop(struct flowtab *ft, const struct span *f,
    struct span line, int64_t t, int orphan);

/* flow_mark: a line that is not an open record: a run of them ends */
void flow_mark(struct flowtab *ft);

/*
 * flow_snapshot: a snapshot record at t: every open flow that the run of
 * open records before it did not list ended by t (see above); those that
 * ended before drop are forgotten.
 */
void flow_snapshot(struct flowtab *ft, int64_t t, int64_t drop);

/* flow_drop: forget a flow that is no longer open */
void flow_drop(struct flowtab *ft, struct flow *fl);

/*
 * flow_rank: every flow kept, best first for instant t (rules above), in
 * a new array of *n flows (free(3) it).
 */
struct flow **flow_rank(struct flowtab *ft, int64_t t, size_t *n);

/*
 * flow_rankv: the same over the flows of several tables (the logs of
 * several gateways), by one rule: of two flows equal in every way, the
 * one of the table with the lower tag first
 */
struct flow **flow_rankv(struct flowtab *const *ft, size_t nft, int64_t t,
    size_t *n);

/* flow_contains: the flow's logged interval contains t */
int flow_contains(const struct flow *fl, int64_t t);

#endif
