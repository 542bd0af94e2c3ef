/*
 * zmark.h - which NAT keys each block of a log must name in its long-flow
 * key table (zidx.h), found by pairing start, open and stop lines.
 *
 * ctzip feeds every line of the log, in order, with its block number.
 * Lines pair by lib/pair.h's rules, with pair.c, the code that cttime's
 * ranking (flow.h) pairs with: the index is right only while the two
 * pair alike.  Nothing is copied: an open flow keeps a pointer to its key
 * in its start line (or open record), which the caller keeps mapped.
 * zmark leaves out flow.h's snapshot rules (a flow that a snapshot does
 * not list has ended; a start just after an open record of its key is
 * that flow's start): it takes such a flow for a longer or a doubtful
 * one, which can only mark more.  A flow first seen in an open record
 * starts, for L, at that record's time: a reader that skips the
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
 * Lines that a flow reader ignores (no time, fewer than 14 fields, events
 * other than start, stop and open) take no part.
 *
 * Memory: one entry (56 bytes) per open flow, 8 bytes (16 reserved) per
 * mark; the log itself is the caller's.
 */
#ifndef CT_ZMARK_H
#define CT_ZMARK_H

#include <stddef.h>
#include <stdint.h>

#include "pair.h"

struct zmark {
	int64_t lusec;		/* L, microseconds */
	struct pairtab pt;	/* open flows, by key (pair.h) */
	uint32_t *bynat;	/* open flows, chained by NAT key */
	size_t nbkt;		/* buckets of bynat, a power of 2 */
	uint64_t *set;		/* marks: (block + 1) << 32 | fingerprint */
	size_t nset, setcap;	/* setcap a power of 2 */
};

void zmark_init(struct zmark *m, long long lsec);

/* zmark_line: the next line (no '\n'), its time t, in block blk */
void zmark_line(struct zmark *m, const char *line, size_t n, int64_t t,
    uint32_t blk);

/*
 * zmark_end: mark the flows still open; then the marks, sorted (by block,
 * then fingerprint), as a new array of *n values (block + 1) << 32 | fp
 * (free(3) it).  m is freed.
 */
uint64_t *zmark_end(struct zmark *m, size_t *n);

#endif
