/*
 * natset.h - a batch of NAT keys, and the log lines that are theirs: the
 * search of ctgrep --nat-file and of several -N.
 *
 * A batch's keys share their few public addresses, so searched for as
 * strings (lib/ac.h) every line's nat field is a candidate, and each costs
 * a check.  But a log line (csv.h) has its key in a known place, the nat
 * and natport fields after its 7th ';': so each line's key is read where
 * it is and looked up in a hash set, and a line that is not a key's costs
 * only the walk over its separators.
 *
 * The scan: the ';' and '\n' of the buffer are found 64 bytes at a time
 * as two bit masks (AVX2: two 32-byte compares each; SSE2: four 16-byte;
 * portable: a byte loop), and the set bits walked: a '\n' starts a line,
 * the 7th ';' of a line starts its key, the 9th ends it; the rest of the
 * line's ';' are skipped by keeping only the newline bits until its end.
 * With records set, a coverage record (csv.h: its proto field empty, the
 * one thing no flow line has) is a match too.
 *
 * Contract: keys are "nat;natport" exactly as the log writes them (see
 * natkey.h); natset_find returns the start of the first line in
 * [p, p + n) that matches, its length without the '\n' in *len, or NULL.
 * p must be the start of a line.  A last line without '\n' is a line.
 */
#ifndef CT_NATSET_H
#define CT_NATSET_H

#include <stddef.h>
#include <stdint.h>

struct natset {
	struct natkeyent *tab;	/* open addressing, a power of 2 */
	size_t mask, n;
	int avx2;
	int portable;		/* the byte loop only (t/natsettest) */
};

void natset_init(struct natset *s);
void natset_add(struct natset *s, const char *key, size_t n);
int natset_has(const struct natset *s, const char *key, size_t n);
const char *natset_find(const struct natset *s, const char *p, size_t n,
    int records, size_t *len);
void natset_free(struct natset *s);

#endif
