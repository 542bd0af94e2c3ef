/*
 * ac.h - many fixed strings in one pass: Aho-Corasick, with a vectorised
 * prefilter on the patterns' common prefixes.
 *
 * Contract:
 * - ac_init() compiles npat patterns (spans of any bytes, NUL included;
 *   duplicates and patterns that are prefixes, suffixes or parts of others
 *   are fine; the bytes are not kept, so the caller may free them).
 *   ac_find() returns the leftmost occurrence of any pattern in hay[0..n),
 *   and in *len the length of the longest pattern occurring there; NULL
 *   when none occurs.  ac_free() releases it.  ac_find() does not modify
 *   the struct: one compiled set serves any number of calls.
 * - AC_ICASE: ASCII case-insensitive (A-Z = a-z, every other byte only
 *   itself), independent of the locale, as BMH_ICASE.
 * - Special cases first: no pattern never matches; an empty pattern
 *   matches at hay[0] (also when n is 0).
 * - Paths (all return the same):
 *   "dfa": the Aho-Corasick automaton as a full transition table over byte
 *   classes, one table lookup per hay byte whatever the number of patterns.
 *   "nfa": the same automaton with its trie's edges in lists and failure
 *   links followed at run time, when the table would take more than
 *   AC_DFAMAX bytes (many long patterns of many different bytes).
 *   "filter": when the patterns fall into at most AC_GROUPS groups of
 *   AC_PREFIXMIN or more common leading bytes (NAT keys ";NATIP;PORT;"
 *   of a few NAT addresses), every match starts with the common prefix of
 *   its group; three bytes of each group's prefix are tested at 32 hay
 *   positions at once (AVX2; a scalar loop elsewhere) and the trie is
 *   walked from the few positions that pass.  The bytes are chosen as
 *   lib/bmh.h chooses its three, and ac_train() chooses them on the input.
 * - Memory: 23 bytes per trie node (the arrays below), at most one node
 *   per pattern byte plus the root: 23 x (total pattern bytes + 1); plus the
 *   table, (nodes) x (byte classes) x 4 bytes, built only when that is at
 *   most AC_DFAMAX; plus 10 KiB per prefix group.  10,000 NAT keys (~20 bytes, ~16 classes): about 5 MB.
 *   The total of the pattern bytes must stay below 2^31.
 */
#ifndef CT_AC_H
#define CT_AC_H

#include <stddef.h>
#include <stdint.h>

#include "bmh.h"
#include "span.h"

/* ac_init flags; the tests force a path with more (acpath.h) */
enum {
	AC_ICASE = 1,		/* ASCII case-insensitive */
};

/*
 * AC_GROUPS: at most 4 prefix groups: each costs three more loads and
 * compares per 32 bytes in the prefilter's loop (two groups, an IPv4 pool
 * and an IPv6 address, measured about twice the time of lib/bmh's loop);
 * with more the table is used.
 * AC_PREFIXMIN: a group's prefix is at least 4 bytes, so that three of
 * them can be chosen among at least 4 (";192" alone already beats ";").
 * AC_DFAMAX: 64 MiB of table at most (then "nfa"): 10,000 patterns of 100
 * bytes over 16 classes still fit.
 */
#define AC_GROUPS 4
#define AC_PREFIXMIN 4
#define AC_DFAMAX (64u * 1024 * 1024)

/*
 * AC_HASHBITS: the prefilter's second test, a set of 2^16 bits (8 KiB a
 * group, in L1 cache) of the hashes of the AC_HASHMAX (8) bytes that follow
 * the group's prefix in its patterns (fewer when a pattern is shorter;
 * none when one has fewer than 2 after the prefix): with 1,000 NAT keys
 * on a pool of addresses about one nat field in 60 gets past it to the
 * trie walk, rather than each (the prefix is on every line).
 */
#define AC_HASHBITS 16
#define AC_HASHMAX 8

struct ac {
	size_t nnode;		/* trie nodes, the root (0) included */
	size_t maxlen;		/* the longest pattern */
	unsigned ncls;		/* byte classes */
	unsigned char cls[256];	/* byte -> class */
	uint32_t *child;	/* node -> first child (0: none) */
	uint32_t *sib;		/* node -> next sibling (0: none) */
	uint16_t *lab;		/* node -> class of the edge into it */
	uint32_t *fail;		/* node -> longest proper suffix node */
	uint32_t *depth;	/* node -> its string's length */
	uint32_t *out;		/* node -> longest pattern ending here, or 0 */
	unsigned char *term;	/* node -> 1: a pattern ends here */
	uint32_t *next;		/* the table, or NULL: see ac.c */
	uint32_t root[256];	/* class -> child of the root (0: none) */
	size_t npat;		/* 0: nothing matches */
	int empty;		/* a pattern is empty */
	int ngroup;		/* prefix groups found (0: no prefilter) */
	int filter;		/* the prefilter is used (ac_train may stop it) */
	int avx2;		/* the prefilter's loop uses AVX2 */
	int icase;		/* AC_ICASE */
	struct bmh grp[AC_GROUPS];	/* each group's prefix and bytes */
	uint32_t gnode[AC_GROUPS];	/* the node of each group's prefix */
	size_t glen[AC_GROUPS];		/* its length */
	size_t ghb[AC_GROUPS];		/* bytes hashed after it, or 0 */
	uint64_t *gbits[AC_GROUPS];	/* their hashes: AC_HASHBITS bits */
};

/* ac_init: 0, or -1 with errno (ENOMEM; EOVERFLOW: patterns too long) */
int ac_init(struct ac *a, const struct span *pat, size_t npat, int flags);

/*
 * ac_train: choose the prefilter's bytes on a sample of the hay (see
 * bmh_train), and give the prefilter up for the table when it lets more
 * than one position in AC_DENSE of the sample through.  Results never
 * change, only speed.  1 when done, 0 when the sample was too short.
 */
#define AC_DENSE 8
int ac_train(struct ac *a, const char *sample, size_t n);

const char *ac_find(const struct ac *a, const char *hay, size_t n,
    size_t *len);
void ac_free(struct ac *a);

#endif
