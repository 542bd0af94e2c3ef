/*
 * zidx.h - the block index that ctzip(1) writes beside a compressed log.
 *
 * ctzip cuts a log at line boundaries into blocks and compresses each as
 * an independent gzip member (or zstd frame): FILE.csv.gz is an ordinary
 * multi-member file, and any member can be decompressed alone, from its
 * offset.  FILE.csv.gz.idx tells where the members are and which times
 * they hold.  It is text, one record a line, numbers in decimal:
 *
 *	ctzip-index 1 SRCSIZE ZSIZE NBLOCKS
 *	COFF CLEN UOFF ULEN LINES TFIRST TLAST TMIN TMAX	(NBLOCKS lines)
 *	fnv1a64 HHHHHHHHHHHHHHHH
 *
 * "1" is the format version; SRCSIZE the bytes of the plain log, ZSIZE of
 * the compressed file.  Per block: compressed offset and length, plain
 * offset and length, line count, and the times (microseconds since the
 * Epoch) of its first and last lines that have one, and the least and the
 * greatest of its times (the log is in time order only up to a skew, so
 * lookups use TMIN and TMAX).  A block without any time has "-" for all
 * four.  The last line is the FNV-1a 64-bit hash of every byte before it,
 * in 16 lower-case hex digits.
 *
 * Contract of zidx_load: the index is accepted only if it parses, its
 * hash is right, its blocks tile both files exactly (offsets contiguous
 * from 0, lengths adding up to SRCSIZE and ZSIZE) and ZSIZE is the size
 * the caller gives (the compressed file's, from fstat): anything else is a
 * stale or corrupt index, and the caller reads the whole file instead.
 */
#ifndef CT_ZIDX_H
#define CT_ZIDX_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ZIDX_VERSION 1

struct zblock {
	long long coff, clen;	/* member in the compressed file */
	long long uoff, ulen;	/* its text in the plain file */
	long long lines;
	int hastime;		/* 0: no line of the block has a time */
	int64_t tfirst, tlast;	/* first and last time, in line order */
	int64_t tmin, tmax;	/* least and greatest time */
};

struct zidx {
	long long srcsize, zsize;
	size_t n;
	struct zblock *b;
};

/* zidx_hash: FNV-1a 64 of p[0..n), continuing from h (start: ZIDX_HASH0) */
#define ZIDX_HASH0 0xcbf29ce484222325ULL
uint64_t zidx_hash(uint64_t h, const void *p, size_t n);

/* zidx_format: the whole index text in a malloc'd buffer; NULL: no memory */
char *zidx_format(const struct zidx *x, size_t *len);

/* zidx_load: read and check path against zsize; 0, or -1 (see above) */
int zidx_load(struct zidx *x, const char *path, long long zsize);

/*
 * zidx_parse: the same checks on the index text t[0..n), which it changes
 * (the last newline becomes a NUL).  On -1, x holds nothing to free.
 */
int zidx_parse(struct zidx *x, char *t, size_t n, long long zsize);
void zidx_free(struct zidx *x);

/*
 * zidx_first: the first block that may hold a time >= t: every block
 * before it has TMAX < t (blocks without times are passed over).  x->n if
 * none.
 */
size_t zidx_first(const struct zidx *x, int64_t t);

#endif
