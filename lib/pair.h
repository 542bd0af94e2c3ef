/*
 * pair.h - pairing a flow's start, open and stop lines: the one rule that
 * cttime's ranking (flow.h) and ctzip's index (zmark.h) both follow.  The
 * index is only right while the two pair alike, so they share this code,
 * and each keeps only its own policy (what a flow holds, what is marked).
 *
 * A flow is one conntrack entry.  Its start line (NEW) and stop line
 * (DESTROY) share the key id;proto;src;sport;dst;dport;nat;natport (the
 * original tuple never changes, and the destination keeps apart the flows
 * of one socket to several hosts, which share src:sport and nat:natport,
 * when the log has no ids).  The id is not unique over time: the kernel
 * derives it from the entry's address and tuple, so a freed entry's id
 * comes back, often with the same tuple (a client reusing its source
 * port).  Pairing therefore follows input order:
 * - a stop closes the open flow with its key; with none open, it stands
 *   alone: a flow whose start is unknown (before the part of the log
 *   read, or lost);
 * - a start while a flow with the same key is open ends that flow at the
 *   new start, stop line unknown: two live entries never share id and
 *   tuple, so its stop event was lost; the start opens a new flow;
 * - an open record (a snapshot's entry, csv.h) is the start of a flow
 *   when none with its key is open, and else the same flow seen again.
 * So at most one flow of a key is open at a time.  Lines of other events
 * take no part.
 *
 * The key is the one span of a line from proto to id (fields 2 to 9 of
 * csv.h are adjacent; no field holds ';', so two keys are the same text
 * when their eight fields are): an open flow keeps a pointer to the key
 * in a line that the caller keeps in memory while it is open (ctzip's
 * mapped log; flow.c's copy of the line), never a copy.
 *
 * The table: the open flows by key, each an entry numbered from 1 (0:
 * none) with room for the caller's data (pair_data, zeroed when the flow
 * opens).  An entry keeps its number while it is open; after it is ended
 * or closed, its data stays readable until the next call that opens a
 * flow (which takes free entries first).  A pointer from pair_data is
 * good until then too: opening a flow may move every entry.  A caller may
 * keep a flow in the table that it takes as ended for its own reasons
 * (flow.h: not listed by a snapshot, so that its stop line still pairs);
 * it takes part in pairing as an open flow.
 */
#ifndef CT_PAIR_H
#define CT_PAIR_H

#include <stddef.h>
#include <stdint.h>

#include "csv.h"
#include "hash.h"
#include "span.h"

struct pairkey {
	const char *p;		/* proto;src;sport;dst;dport;nat;natport;id */
	size_t n;
	uint64_t h;		/* hash_bytes(p, n) */
};

struct pairtab {
	unsigned char *e;	/* entries, stride bytes each; e[0] unused */
	size_t stride;		/* struct pairent and the caller's data */
	uint32_t n, cap, free;	/* entries used, allocated; free list */
	uint32_t nopen;		/* open flows */
	uint32_t *bkt;		/* chains of open flows by key hash */
	size_t nbkt;		/* a power of 2 */
};

/* what a line did (pair_line) */
enum pairwhat {
	PAIR_NONE,		/* not a start, open or stop line */
	PAIR_OPENED,		/* a start, or an open record, opens a flow */
	PAIR_AGAIN,		/* an open record of a flow already open */
	PAIR_CLOSED,		/* a stop closes an open flow */
	PAIR_ALONE		/* a stop with no flow open: start unknown */
};

struct pairstep {
	enum pairwhat what;
	uint32_t cur;		/* the flow opened (0: not kept), seen again
				   or closed (no longer open); else 0 */
	uint32_t ended;		/* PAIR_OPENED by a start: the open flow of
				   the same key that it ended (lost stop),
				   no longer open, or 0 */
};

/*
 * pair_key: the key of a flow line, from its fields f (csv_fields of the
 * line itself: the spans must point into it)
 */
static inline void
pair_key(struct pairkey *k, const struct span *f)
{
	k->p = f[F_PROTO].p;
	k->n = (size_t)(f[F_ID].p + f[F_ID].n - f[F_PROTO].p);
	k->h = hash_bytes(k->p, k->n);
}

/* pair_init: an empty table whose entries hold datasize bytes each */
void pair_init(struct pairtab *pt, size_t datasize);
void pair_free(struct pairtab *pt);

/*
 * pair_line: what a line of event ev and key k does to the open flows
 * (the rules above).  A start or an open record that opens a flow opens
 * it only if keep is set (else cur is 0; a start still ends the flow it
 * ends); the key of a flow opened must stay where k points while it is
 * open, or be moved (pair_rekey) before the next call.  The caller fills
 * in the data of a flow opened.
 */
struct pairstep pair_line(struct pairtab *pt, enum csvevent ev,
    const struct pairkey *k, int keep);

/* pair_find: the open flow with key k, or 0 */
uint32_t pair_find(const struct pairtab *pt, const struct pairkey *k);

/* pair_rekey: open flow i's key is now at p (the same text) */
void pair_rekey(struct pairtab *pt, uint32_t i, const char *p);

/* pair_close: open flow i is no longer open (the caller's own reasons) */
void pair_close(struct pairtab *pt, uint32_t i);

/* pair_next: the open flow after i (0: the first), or 0; any order */
uint32_t pair_next(const struct pairtab *pt, uint32_t i);

/* the header of an entry; the caller's data follows */
struct pairent {
	uint64_t h;
	const char *p;		/* its key (NULL: not open) */
	size_t n;
	uint32_t next;		/* chain, or free list */
};

#define PAIR_HDR ((sizeof(struct pairent) + 7) & ~(size_t)7)

/* pair_data: the caller's data of entry i */
static inline void *
pair_data(const struct pairtab *pt, uint32_t i)
{
	return pt->e + (size_t)i * pt->stride + PAIR_HDR;
}

#endif
