/*
 * zidx.h - the block index that ctzip(1) writes beside a compressed log.
 *
 * ctzip cuts a log at line boundaries into blocks and compresses each as
 * an independent gzip member (or zstd frame): FILE.csv.gz is an ordinary
 * multi-member file, and any member can be decompressed alone, from its
 * offset.  FILE.csv.gz.idx tells where the members are, which times they
 * hold, and which NAT keys of long flows.  It is text, one record a line,
 * numbers in decimal:
 *
 *	ctzip-index 2 SRCSIZE ZSIZE NBLOCKS LONG
 *	COFF CLEN UOFF ULEN LINES TFIRST TLAST TMIN TMAX NKEYS KEYS
 *						(NBLOCKS lines)
 *	fnv1a64 HHHHHHHHHHHHHHHH
 *
 * "2" is the format version; SRCSIZE the bytes of the plain log, ZSIZE of
 * the compressed file; LONG the seconds beyond which a flow is long (ctzip
 * -L).  Per block: compressed offset and length, plain offset and length,
 * line count, and the times (microseconds since the Epoch) of its first
 * and last lines that have one, and the least and the greatest of its
 * times (the log is in time order only up to a skew, so lookups use TMIN
 * and TMAX).  A block without any time has "-" for all four.  The last
 * line is the FNV-1a 64-bit hash of every byte before it, in 16 lower-case
 * hex digits.
 *
 * The long-flow filter (NKEYS KEYS): the fingerprints of the NAT keys
 * (the nat and natport fields with the ';' between, "192.0.2.7;40123",
 * exactly as the line has them) whose lines a query must see in this
 * block even when the block is far from the time asked about: NKEYS, then
 * that many fingerprints as one word of 8 lower-case hex digits each,
 * strictly ascending ("-" when NKEYS is 0).  Which keys, and why that is
 * enough, is lib/zmark.h's contract and zidx_select's comment.  A
 * fingerprint is the FNV-1a 64 hash of the key folded to 32 bits
 * (zidx_fp).
 *
 * Why sorted 32-bit fingerprints and not a Bloom filter: a query tests
 * every block from a day before T to the end of the day (thousands of
 * blocks on a busy day), so the false positive rate per block must be
 * tiny: with a Bloom filter of 1 % (10 bits a key) a 10 GB day of 2400
 * blocks would decompress ~24 blocks for nothing, 96 MiB.  A 32-bit
 * fingerprint errs with probability NKEYS / 2^32 per block (2000 keys:
 * 5e-7), so almost never, for 32 bits a key, and is exact to look up
 * (bisection).  Size, measured on gen.pl's campus profile (10 million
 * events a day, 5 million flows, 1.1 GB of CSV, 352 MB of .gz): with L =
 * 300 s, 11 % of the flows give a key to a block (4 % are long, each
 * names two blocks; the closure and the doubtful ones add the rest), an
 * index of 4.5 MB, 1.3 % of the .gz; with L = 600 s, 8.8 % and 3.6 MB.
 * A 10 GB day (80 million events) has about 8 times as much: ~36 MB
 * beside 2.8 GB, read and checked in ~150 ms per query (~18 ms measured
 * for 4.5 MB).
 *
 * Version 1 (no LONG in the header, no NKEYS KEYS on the block lines) is
 * still read: its blocks have no filter (zidx.long is -1), and a query
 * reads from the first block it needs to the end, as before.
 *
 * Contract of zidx_load: the index is accepted only if it parses, its
 * hash is right, its blocks tile both files exactly (offsets contiguous
 * from 0, lengths adding up to SRCSIZE and ZSIZE), each filter is as
 * long as its count says, and ZSIZE is the size the caller gives (the
 * compressed file's, from fstat): anything else is a stale or corrupt
 * index, and the caller reads the whole file instead.  The digits of the
 * fingerprints are read only when looked up (zidx_has; a 10 GB day has
 * millions): one that is not 8 hex digits counts as a hit, which only
 * costs a block.
 */
#ifndef CT_ZIDX_H
#define CT_ZIDX_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ZIDX_VERSION 2
#define ZIDX_LONG 300		/* seconds: ctzip -L default */

struct zblock {
	long long coff, clen;	/* member in the compressed file */
	long long uoff, ulen;	/* its text in the plain file */
	long long lines;
	int hastime;		/* 0: no line of the block has a time */
	int64_t tfirst, tlast;	/* first and last time, in line order */
	int64_t tmin, tmax;	/* least and greatest time */
	size_t nfp;		/* the long-flow filter: NFP NAT key */
	uint32_t *fp;		/* fingerprints, ascending (ctzip), */
	const char *keys;	/* or as 8 * NFP hex digits (zidx_parse) */
};

struct zidx {
	long long srcsize, zsize;
	long long lsec;		/* LONG, seconds; -1: version 1, no filters */
	size_t n;
	struct zblock *b;
	char *text;		/* zidx_load: the text, which keys point into */
};

/* zidx_hash: FNV-1a 64 of p[0..n), continuing from h (start: ZIDX_HASH0) */
#define ZIDX_HASH0 0xcbf29ce484222325ULL
uint64_t zidx_hash(uint64_t h, const void *p, size_t n);

/* zidx_fp: the fingerprint of a NAT key "nat;natport" */
uint32_t zidx_fp(const char *key, size_t n);

/* zidx_format: the whole index text in a malloc'd buffer; NULL: no memory */
char *zidx_format(const struct zidx *x, size_t *len);

/* zidx_load: read and check path against zsize; 0, or -1 (see above) */
int zidx_load(struct zidx *x, const char *path, long long zsize);

/*
 * zidx_parse: the same checks on the index text t[0..n), which it changes
 * (the last newline becomes a NUL) and which the filters point into: free
 * t after zidx_free.  On -1, x holds nothing to free.
 */
int zidx_parse(struct zidx *x, char *t, size_t n, long long zsize);
void zidx_free(struct zidx *x);

/*
 * zidx_first: the first block that may hold a time >= t: every block
 * before it has TMAX < t (blocks without times are passed over).  x->n if
 * none.
 */
size_t zidx_first(const struct zidx *x, int64_t t);

/* zidx_has: block b's filter may hold fingerprint fp (see above) */
int zidx_has(const struct zblock *b, uint32_t fp);

/* a query, for zidx_select (times in microseconds) */
struct zquery {
	int64_t start;		/* first instant that matters, minus the skew */
	int64_t lo, hi;		/* the window [T-w, T+w] */
	int haskey;		/* 1: only the flows of one NAT key matter */
	uint32_t fp;		/* its fingerprint */
	int hasend;		/* 1: the reader stops at END (below) */
	int64_t end;		/* its last instant that matters, plus skew */
};

/*
 * zidx_select: which blocks a query must decompress, in sel[0..x->n)
 * (1: read it); returns how many.  Without a key or without filters
 * (version 1): every block from zidx_first(start) on.  See zidx.c for
 * the rule with a key and why no answer changes.  With hasend, the first
 * block whose TMIN is after END, and every block after it, are not read:
 * the caller stops reading at its first line later than some instant E
 * and gives END = E + skew.  Then every line of that block is after E,
 * and every line after it in the file is after E too (the log steps back
 * at most the skew), so the caller would stop at the first of them it
 * sees (whatever it filters) and use none.
 */
size_t zidx_select(const struct zidx *x, const struct zquery *q,
    unsigned char *sel);

#endif
