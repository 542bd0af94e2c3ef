/*
 * zmark.h - which NAT keys each block of a log must name in its long-flow
 * key table (zidx.h), found by pairing start, open and stop lines.
 *
 * ctzip feeds every line of the log, in order, with its block number.
 * Lines pair as lib/flow.h pairs them (the same key: id and the whole
 * tuple; a stop closes the open flow with its key; a start ends an open
 * flow with its key, whose stop was lost; an open record, a snapshot's
 * entry (csv.h), is the start of a flow when no flow with its key is
 * open, and else the same flow seen again, and ignored), but nothing is
 * copied: an open flow keeps a pointer to its start line (or open
 * record), which the caller keeps mapped.  A flow first seen in an open
 * record starts, for L, at that record's time: a reader that skips the
 * blocks before it sees the same start.
 * A (block, NAT key) pair is "marked" when the block must be read for
 * that key even far from the time asked about:
 *   1. the start and the end of a long flow: its stop minus its start
 *      exceeds L, or it has no stop in the file (open at the end), or it
 *      was ended by a start of the same key (a lost stop: doubtful), or
 *      its stop has no start in the file (began in an earlier file), or
 *      an open record of it is in another block than its start (a reader
 *      of that block alone takes the record for its start; the record's
 *      block is marked too): every doubtful case counts as long;
 *   2. closure: a flow that starts in a marked block and stops in another
 *      marks the stop's block, so a reader that sees the start of a short
 *      flow also sees its stop.  When the flow stops, its start block may
 *      still become marked later, by a long flow of the same key that
 *      started there and is still open; then the stop's block is marked
 *      at once (this errs only by marking too much).
 * A mark can only be too much, never missing: that is what lets a reader
 * skip the far blocks that do not name its key (see zidx_select).
 *
 * Each mark also says until when it matters (index version 6): UNTIL, the
 * latest end of a flow that made it or that a reader of its block may
 * hold, so that a trace skips the far blocks of the long flows of its key
 * that ended before its window (zidx_select says why that is safe).  The
 * end of a flow is the time of its stop, or of the start that ended it
 * (a lost stop); a flow without a stop in the file, and a stop without
 * its start (it may close a flow of an earlier file, which that file's
 * index says never ends), never end (INT64_MAX).  Then:
 *   a. the blocks that a long or doubtful flow marks get at least its
 *      end: its start, its end, and the blocks of its open records;
 *   b. a flow whose start ended by reuse a flow that began with an open
 *      record, or was seen in one in another block, gives its end to that
 *      flow's first block too: a reader that holds that flow from an open
 *      record merges the start with it (flow.h, FLOW_MERGE), and the
 *      merged flow ends where the later one does;
 *   c. closure: every flow whose start block is marked (or whose lines
 *      span marked blocks) ties the blocks it touches in line order, each
 *      to the next: a block's UNTIL is at least that of every block tied
 *      to it before it.  So a reader that reads a block for its UNTIL
 *      reads, of every flow begun there, every later block of it.
 * zmark_end computes (c) over the ties, in block order, once every end
 * is known; a mark that gets no UNTIL that way (a closure mark whose
 * start block was never marked after all) is left out: no reader needs
 * it.
 * Lines that a flow reader ignores (no time, fewer than 14 fields, events
 * other than start, stop and open) take no part.
 *
 * Memory: one entry (64 bytes) per open flow, 16 bytes (32 reserved) per
 * mark, 12 per tie; the log itself is the caller's.
 */
#ifndef CT_ZMARK_H
#define CT_ZMARK_H

#include <stddef.h>
#include <stdint.h>

struct zopen;
struct ztie;

struct zmark {
	int64_t lusec;		/* L, microseconds */
	struct zopen *o;	/* open flows; o[0] unused (0: none) */
	uint32_t no, ocap, ofree;	/* used, allocated, free list */
	uint32_t nopen;
	uint32_t *bykey, *bynat;	/* chains by key hash, by NAT key */
	size_t nbkt;		/* buckets of each, a power of 2 */
	uint64_t *set;		/* marks: (block + 1) << 32 | fingerprint */
	int64_t *until;		/* each one's UNTIL so far (INT64_MIN:
				   none yet) */
	size_t nset, setcap;	/* setcap a power of 2 */
	struct ztie *tie;	/* the ties of (c), in the order made */
	size_t ntie, tiecap;
};

/* a mark, as zmark_end gives them */
struct zment {
	uint32_t blk, fp;	/* block, NAT key fingerprint */
	int64_t until;		/* UNTIL, microseconds; INT64_MAX: never
				   ends */
};

void zmark_init(struct zmark *m, long long lsec);

/* zmark_line: the next line (no '\n'), its time t, in block blk */
void zmark_line(struct zmark *m, const char *line, size_t n, int64_t t,
    uint32_t blk);

/*
 * zmark_end: mark the flows still open, and compute the UNTIL of every
 * mark; then the marks that have one, sorted (by block, then
 * fingerprint), as a new array of *n (free(3) it).  m is freed.
 */
struct zment *zmark_end(struct zmark *m, size_t *n);

#endif
