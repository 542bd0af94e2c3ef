/*
 * otab.h - the flows open now, as the writer (ctparse) knows them: what a
 * snapshot of the log lists (csv.h, "open" records).
 *
 * A flow is its key, the log's fields proto;src;sport;dst;dport;nat;
 * natport;id exactly as a log line writes them (the id keeps apart the
 * flows of a reused tuple), and the instant it began ("from": the time of
 * its start line, or the kernel's start from a dump, whole seconds: kern
 * is set), OT_NOTIME when not known.  Two flows never share a key: a
 * put with the key of an open flow replaces it (two live conntrack
 * entries never share id and tuple, so the old one's stop was lost).
 *
 * Memory: one malloc(3) of the key and 32 bytes per flow, and a pointer
 * per flow for the buckets (about 125 bytes a flow, measured).  The
 * caller bounds it: ot_put refuses a flow beyond max and leaves the table
 * as it was.  Iteration order is the buckets', not the order of puts.
 */
#ifndef CT_OTAB_H
#define CT_OTAB_H

#include <stddef.h>
#include <stdint.h>

#define OT_NOTIME INT64_MIN

struct oflow {
	struct oflow *next;	/* in its bucket */
	uint64_t hash;
	int64_t from;		/* microseconds since the Epoch, or OT_NOTIME */
	uint32_t n;
	uint32_t kern;		/* from is the kernel's: whole seconds */
	char key[];		/* n bytes, no ';' at the end, no NUL */
};

struct otab {
	struct oflow **bucket;
	size_t nbucket;		/* 0 or a power of 2, >= count */
	size_t count;		/* flows in the table */
	size_t max;		/* ot_put refuses more */
};

void ot_init(struct otab *t, size_t max);

/* ot_put: add a flow or replace the one with its key: 0, or -1 when full */
int ot_put(struct otab *t, const char *key, size_t n, int64_t from,
    int kern);

/* ot_del: remove the flow with this key: 1, or 0 when there was none */
int ot_del(struct otab *t, const char *key, size_t n);

/* ot_clear: remove every flow and give back the memory */
void ot_clear(struct otab *t);

/*
 * ot_next: the flow after prev (NULL: the first) in the table; *i is the
 * caller's cursor (set it to 0 with prev NULL).  NULL after the last.  The
 * table must not change during an iteration.
 */
const struct oflow *ot_next(const struct otab *t, size_t *i,
    const struct oflow *prev);

#endif
