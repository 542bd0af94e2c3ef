/*
 * bmh.h - fixed-string search: Boyer-Moore-Horspool, with a vectorised
 * "packed pair" prefilter (of three bytes) on x86-64.
 *
 * Contract:
 * - bmh_init() compiles a needle of m bytes (any bytes, NUL included; the
 *   needle is copied) and picks the fastest path the CPU has, unless flags
 *   force one; bmh_find() returns the first occurrence in hay[0..n), or NULL;
 *   bmh_free() releases it.  bmh_find() does not modify the struct, so one
 *   compiled needle serves any number of calls.
 * - BMH_ICASE: ASCII case-insensitive (A-Z = a-z, every other byte only
 *   itself), independent of the locale.
 * - Special cases first: an empty needle matches at hay[0] (also when n is
 *   0); a needle longer than the hay never matches; a 1-byte needle is
 *   memchr(3) (under BMH_ICASE, when it is not a letter).
 * - Paths: BMH_PORTABLE is plain C (Horspool); the SSE2 and AVX2 paths
 *   test three needle bytes across 16 or 32 positions at once and verify
 *   the candidates.  bmh_init() takes AVX2 when the CPU has it, else SSE2
 *   (the x86-64 baseline), else (other CPUs) the portable path.  Forcing a
 *   path the CPU lacks gives the best one it has.  All paths return the
 *   same.  The three bytes come from a static table of byte frequencies,
 *   or better from bmh_train(), which changes the struct (call it before
 *   sharing one between threads).
 */
#ifndef CT_BMH_H
#define CT_BMH_H

#include <stddef.h>

enum {
	BMH_ICASE = 1,		/* ASCII case-insensitive */
	BMH_PORTABLE = 2,	/* force the portable path (tests) */
	BMH_SSE2 = 4,		/* force at most SSE2 (tests) */
};

struct bmh {
	const char *(*find)(const struct bmh *, const char *, size_t);
	unsigned char *pat;	/* the needle; lower case under BMH_ICASE */
	size_t m;
	int icase;
	size_t skip[256];	/* Horspool: shift by the window's last byte */
	size_t at[3];		/* prefilter: offsets of three rare bytes */
	unsigned char byte[3];	/* pat[at[k]] */
	unsigned char fold[3];	/* 0x20 for a letter under BMH_ICASE, else 0 */
};

/* bmh_init: 0, or -1 with errno (out of memory) */
int bmh_init(struct bmh *b, const char *pat, size_t m, int flags);

/*
 * bmh_train: choose the prefilter's bytes again by counting on a sample of
 * the hay (its start: the first block read) rather than by the static
 * byte table: greedily the needle offset whose byte lets the fewest sample
 * windows through, then the one that lets the fewest of those through, and
 * so on.  The table cannot know that bytes come together: in the log
 * ";192.76.8.21;45097;" has its rarest digits in the NAT address, which
 * a NAT gateway has on every eighth line, while the port is what tells the
 * lines apart.  Results never change, only speed.  Returns 1 when done
 * (or there is nothing to choose), 0 when the sample was too short (try
 * again with a longer one).
 */
int bmh_train(struct bmh *b, const char *sample, size_t n);
#define bmh_find(b, hay, n) ((b)->find((b), (hay), (n)))
void bmh_free(struct bmh *b);

#endif
