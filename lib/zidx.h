/*
 * zidx.h - the block index that ctzip(1) writes beside a compressed log.
 *
 * ctzip cuts a log at line boundaries into blocks and compresses each as
 * an independent gzip member (or zstd frame): FILE.csv.gz is an ordinary
 * multi-member file, and any member can be decompressed alone, from its
 * offset.  FILE.csv.gz.idx tells where the members are, which times they
 * hold, which coverage records they hold, and which blocks hold the NAT
 * keys of long flows.  It is text, numbers in decimal, in two parts: a
 * head, read whole by every query, and the key table, of which a query
 * reads one line.
 *
 *	ctzip-index 6 SRCSIZE ZSIZE NBLOCKS LONG NKEYS NBUCKETS NRECORDS
 *	    FBITS FSIZE UNIT
 *	COFF CLEN UOFF ULEN LINES TFIRST TLAST TMIN TMAX NKF FLEN
 *	                                          (NBLOCKS lines)
 *	BLOCK RECORD                              (NRECORDS lines)
 *	C0 C1 ... C(NBUCKETS-1)
 *	fnv1a64 HHHHHHHHHHHHHHHH
 *	HHHHHHHHHHHHHHHH ENTRIES                  (NBUCKETS lines, no blank)
 *	the key filters                           (FSIZE bytes, binary)
 *
 * "6" is the format version; SRCSIZE the bytes of the plain log, ZSIZE of
 * the compressed file; LONG the seconds beyond which a flow is long (ctzip
 * -L).  Per block: compressed offset and length, plain offset and length,
 * line count, and the times (microseconds since the Epoch) of its first
 * and last lines that have one, and the least and the greatest of its
 * times (the log is in time order only up to a skew, so lookups use TMIN
 * and TMAX).  A block without any time has "-" for all four.
 *
 * The records: every line of the log that is a begin, end, snapshot,
 * restart or lost record (csv.h: a line of 14 fields or more whose event
 * csv_event() names so), in file order, each after the number of its
 * block and one blank, verbatim (any byte but a newline).  A reader that
 * skips blocks passes on the records they hold, where they were, so that
 * a coverage reader sees no false gap, and misses no real one, because a
 * block was skipped.  Alive records are left out: each names in "from"
 * the begin of its run, so the alive records that are read vouch for the
 * time back to there, and a day has thousands of them.  Open records are
 * flow records (zmark.h counts them as starts).
 *
 * Version 5 keeps besides, among the records, every other line that
 * holds CSV_RECORD (csv.h) and is shorter than ZIDX_FLINE: the alive
 * records, and any line that ctgrep --records passes whatever the key.
 * They are passed on only for the blocks skipped by their key filter
 * (below), never for the others (so that what a reader sees of the far
 * blocks is what version 4 gave it).
 *
 * The "fnv1a64" line ends the head: the FNV-1a 64-bit hash of every byte
 * before it, in 16 lower-case hex digits.
 *
 * The key table: NKEYS entries (block, NAT key) saying that the block
 * must be read for that key even far from the time asked about (which
 * keys, and why that is enough, is lib/zmark.h's contract and
 * zidx_select's comment).  A key is written as its fingerprint, the
 * FNV-1a 64 hash of "nat;natport" exactly as the line has them
 * ("192.0.2.7;40123"), folded to 32 bits (zidx_fp).  The entries are
 * sorted by fingerprint, then block, and cut into NBUCKETS buckets (a
 * power of 2) by the top bits of the fingerprint; the head's line of
 * counts says how many entries each holds.  Bucket j is one line: the
 * FNV-1a 64 hash, started from ZIDX_HASH0 ^ j, of its ENTRIES, then the
 * ENTRIES, each FW hex digits of fingerprint, BW hex digits of block
 * number and (version 6) 2 hex digits of UNTIL (below).  With NBUCKETS = 2^b, the bucket gives the top b bits of the
 * fingerprint and the entry the low 4 * FW bits, FW = ceil((32 - b) / 4)
 * (the bits both give must agree); BW is the digits NBLOCKS - 1 needs in
 * hex (at least 1).  All hex is lower-case.  Its offset follows from the counts, so a query
 * reads the head and the one line of its key's bucket (ctzip makes
 * buckets of ~256 entries, a few KB), whatever the size of the index;
 * a whole day's, on a 10 GB day, is ~50 MB and would take a query longer
 * to read and hash than the blocks it saves.
 *
 * Why 32-bit fingerprints and not a Bloom filter: a query tests every
 * block from a day before T to the end of the day (thousands on a busy
 * day), so the false positive rate per block must be tiny: with 1 %, a 10
 * GB day of 2400 blocks would decompress ~24 blocks for nothing, 96 MiB.
 * A 32-bit fingerprint names a block wrongly with probability ~2000 /
 * 2^32 per block (a block of 2000 keys): almost never, and is exact to
 * look up.  Size, on gen.pl's campus profile with L = 300 s: 11 % of the
 * flows give a key to a block, an entry per ~1,800 bytes of log, 8 or 9
 * bytes each.
 *
 * UNTIL (version 6): until when the entry matters (zmark.h: the latest
 * end of a flow that a reader of the block may hold, ties included), in
 * steps of UNIT seconds after the block's TMAX, rounded up: D means "at
 * most TMAX + D * UNIT"; 0 "at most TMAX"; ff (ZIDX_UNEVER) "never ends"
 * (a flow without a stop in the file, say).  ctzip takes UNIT so that
 * ZIDX_USTEPS steps span the file's times (341 s on a day: a query reads
 * an entry's block for at most that long after it stopped mattering).  A
 * query skips a far block whose entries of its key all end before its
 * window (zidx_select).  2 digits: 4.3 M entries on a 9 GB day, 8.5 MB;
 * a third would cost 4.3 MB more to save reads of far blocks in the
 * 6 minutes after they stopped mattering (RESULTS-ctzip.md).
 *
 * The key filters (version 5): for each block, whether it may hold a line
 * of a NAT key at all, a Golomb-coded set of the keys of its lines.  A
 * line's key is the text between its 7th and 9th ';' (nat;natport: where
 * ctgrep -N finds a key; zidx_linekey), its hash the FNV-1a 64 of that
 * text (kh).  A block's NKF is the number of distinct keys (0: no line
 * has one; "-" for NKF and FLEN: the block has no filter, because a line
 * of it is ZIDX_FLINE bytes or longer, which a reader might cut), FLEN the
 * bytes of its filter: 8 bytes, the FNV-1a 64 hash, started from
 * ZIDX_HASH0 ^ (2^63 | block), of the rest, little-endian; then the code:
 * each key's value, splitmix64's finaliser of kh ^ (block + 1) *
 * 0x9e3779b97f4a7c15, modulo NKF * 2^FBITS, sorted, and the differences
 * from one to the next (the first from 0) each as a Rice code of
 * parameter FBITS: the quotient in ones then a zero, the remainder in
 * FBITS bits, most significant bit first, the last byte padded with
 * zeros.  No filter (NKF 0) takes 0 bytes.  The filters are in block
 * order, each at the sum of the FLEN before it; FSIZE is their sum.  A
 * key not in a block's filter is found there with probability about
 * 2^-FBITS, at FBITS + ~1.6 bits a key (ctzip -F, ZIDX_FBITS).
 * A query reads the filters of the near blocks only (one read: they are
 * contiguous) and checks the hash of each; a bad one is a corrupt index.
 *
 * Versions 1 to 5 are still read.  Version 5 is version 6 without UNIT
 * and the UNTIL digits (an entry matters all day), and with the marks
 * whose UNTIL zmark would leave out.  Version 4 is version 5 without FBITS,
 * FSIZE, NKF, FLEN, the filters and the extra records.  Version 3 is version 4 without
 * NRECORDS and the records (a reader that skips its blocks cannot pass
 * their records on).  Version 1 has no LONG, no key table:
 * its blocks have no filter (zidx.lsec is -1), and a query reads from the
 * first block it needs to the end.  Version 2 has LONG and, at the end of
 * each block line, "NKEYS KEYS": that block's fingerprints, 8 hex digits
 * each, ascending ("-" when none); the hash line is the last, and a
 * query reads the whole index.
 *
 * Bounds: a bucket holds at most ZIDX_BUCKETMAX entries (ctzip makes
 * about 256; a lookup reads one bucket, so this bounds what it reads and
 * allocates, a few MB at most, whatever the table's length says: a
 * sparse file can say terabytes), there are at most ZIDX_NBKTMAX
 * buckets, a block has no more lines than bytes, and a time is within
 * ZIDX_TIMEMAX of the Epoch, so that a reader can add a window to it.
 * ZIDX_BUCKETMAX is far beyond what fingerprints make (a bucket of 65536
 * entries would need some 2^40 keys); ctzip adds buckets while one
 * exceeds it.
 *
 * Contract of zidx_load: the index is accepted only if its head parses,
 * its hash is right, its records are records of blocks that exist, in
 * block order, its blocks tile both files exactly (offsets
 * contiguous from 0, lengths adding up to SRCSIZE and ZSIZE: each is
 * checked against what the total leaves before it is added, so no sum of
 * them overflows, whatever the numbers), its numbers are within the
 * bounds above, ZSIZE is the
 * size the caller gives (the compressed file's, from fstat) and the file
 * is as long as the head says: anything else is a stale or corrupt index,
 * and the caller reads the whole file instead (version 5: and the
 * filters' lengths are within what their NKF keys can take, and tile
 * FSIZE exactly; version 6: UNIT is 1 to ZIDX_UNITMAX).  zidx_key then reads and
 * checks the bucket of one key: its hash, its entries (hex, ascending, in
 * that bucket, blocks that exist); a bad bucket is a corrupt index too.
 * Buckets not read are not checked: they cannot change an answer.
 */
#ifndef CT_ZIDX_H
#define CT_ZIDX_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ZIDX_VERSION 6
#define ZIDX_FBITS 7		/* ctzip: the filters' Rice parameter */
#define ZIDX_FBITSMAX 16	/* at most */
#define ZIDX_FLINE 4096		/* a longer line makes its block unfiltered */
#define ZIDX_FREADMAX (64LL * 1024 * 1024)	/* filters read, at most */
#define ZIDX_BUCKET 256		/* entries a bucket, about */
#define ZIDX_BUCKETMAX 65536	/* entries a bucket, at most */
#define ZIDX_NBKTMAX (1 << 24)	/* buckets, at most */
#define ZIDX_TIMEMAX (1LL << 60)	/* |a time|, microseconds: 36000 years */
#define ZIDX_LONG 300		/* seconds: ctzip -L default */
#define ZIDX_USTEPS 254		/* version 6: steps of an UNTIL, at most, */
#define ZIDX_UNEVER 255		/* and the value for "never ends" */
#define ZIDX_UNITMAX 1000000000LL	/* UNIT, seconds, at most */

struct zblock {
	long long coff, clen;	/* member in the compressed file */
	long long uoff, ulen;	/* its text in the plain file */
	long long lines;
	int hastime;		/* 0: no line of the block has a time */
	int64_t tfirst, tlast;	/* first and last time, in line order */
	int64_t tmin, tmax;	/* least and greatest time */
	size_t nfp;		/* version 2: the block's filter, */
	const char *keys;	/* as 8 * NFP hex digits */
	long long nkf;		/* version 5: keys in its key filter, */
	long long flen;		/* its bytes; nkf -1: no filter */
	long long foff;		/* its offset in the filter section */
};

/* version 4: a coverage record of the log, in the block it is in */
struct zrec {
	size_t blk;
	const char *p;		/* the line, without its newline */
	size_t n;
	int extra;		/* version 5: not a version 4 record (alive) */
};

struct zidx {
	int version;
	long long srcsize, zsize;
	long long lsec;		/* LONG, seconds; -1: version 1, no filters */
	size_t n;
	struct zblock *b;
	char *text;		/* zidx_load: the text (version 3, 4: the head) */
	struct zrec *rec;	/* version 4: the records, in file order */
	size_t nrec;		/* (zidx_format: spans the caller keeps) */
	/* version 3, 4: the key table */
	uint64_t *keys;		/* zidx_format: fp << 32 | block, ascending */
	int64_t *kuntil;	/* and each one's UNTIL (zmark.h) */
	long long unit;		/* version 6: UNIT, seconds */
	size_t nkeys, nbkt;	/* entries, buckets */
	size_t *count;		/* entries per bucket (zidx_load, _parse) */
	long long headlen;	/* bytes of the head, up to the table */
	const char *table;	/* zidx_parse: the table in memory, */
	int fd;			/* else zidx_load: the index, open */
	uint32_t kfp;		/* zidx_key: the key looked up, */
	uint32_t *kblk;		/* the blocks that name it, ascending, */
	int64_t *kupto;		/* and their UNTIL (up to; version 6) */
	size_t nkblk;
	int haskey;		/* 1: kfp looked up */
	/* version 5: the key filters */
	int fbits;		/* FBITS */
	long long fsize;	/* FSIZE: bytes of the filter section */
	long long tablelen;	/* bytes of the key table */
	const unsigned char *filt;	/* zidx_parse: the section in memory;
					   zidx_format: the blocks' filters */
	unsigned char *fbuf;	/* zidx_near: filters of blocks [fb0, fb1) */
	unsigned char *fmay;	/* and their answers for the key kh */
	uint64_t kh;
	size_t fb0, fb1;
};

/* zidx_hash: FNV-1a 64 of p[0..n), continuing from h (start: ZIDX_HASH0) */
#define ZIDX_HASH0 0xcbf29ce484222325ULL
uint64_t zidx_hash(uint64_t h, const void *p, size_t n);

/* zidx_fp: the fingerprint of a NAT key "nat;natport" */
uint32_t zidx_fp(const char *key, size_t n);

/*
 * zidx_format: the whole index text (version 6) in a malloc'd buffer, from
 * x's blocks, its records x->rec[0..x->nrec), its keys
 * x->keys[0..x->nkeys) with their UNTIL x->kuntil[0..x->nkeys), and its
 * filters; NULL: no memory
 */
char *zidx_format(const struct zidx *x, size_t *len);

/*
 * zidx_load: read the head of path (versions 3, 4; all of versions 1 and
 * 2) and check it against zsize; 0, or -1 (see above).  A version 3 or 4
 * index stays open for zidx_key until zidx_free.
 */
int zidx_load(struct zidx *x, const char *path, long long zsize);

/*
 * zidx_parse: the same checks on the whole index text t[0..n), which it
 * changes (a newline becomes a NUL) and which x points into: free t after
 * zidx_free.  On -1, x holds nothing to free.
 */
int zidx_parse(struct zidx *x, char *t, size_t n, long long zsize);

/*
 * zidx_key: look up fingerprint fp in the key table (versions 3, 4): the
 * blocks that name it in x->kblk[0..x->nkblk).  0, or -1: the bucket is
 * bad (a corrupt index; see above) or cannot be read.  Nothing to do for
 * versions 1 and 2 (0): zidx_select reads their filters itself.
 */
int zidx_key(struct zidx *x, uint32_t fp);
void zidx_free(struct zidx *x);

/*
 * zidx_filter: block i's key filter (version 5) of the keys whose
 * zidx_hash is kh[0..n) (repeats allowed; kh is reordered), appended to
 * *buf (a malloc'd buffer of *len bytes, grown); its length (0 for no
 * key), and in *nk the keys in it; or -1: no memory.  fbits: FBITS.
 */
long long zidx_filter(uint64_t *kh, size_t n, size_t i, int fbits,
    unsigned char **buf, size_t *len, long long *nk);

/*
 * zidx_near: read and check the key filters (version 5) of the blocks
 * near q's window (see zidx_select) into x->fbuf; 0, 1 when there are
 * none to read (not version 5, or too many: the blocks are then read),
 * or -1: a filter is bad (a corrupt index) or cannot be read.
 */
struct zquery;
int zidx_near(struct zidx *x, const struct zquery *q);

/*
 * zidx_first: the first block that may hold a time >= t: every block
 * before it has TMAX < t (blocks without times are passed over).  x->n if
 * none.
 */
size_t zidx_first(const struct zidx *x, int64_t t);

/* zidx_has: block i may hold the key of fingerprint fp (see above) */
int zidx_has(const struct zidx *x, size_t i, uint32_t fp);

/*
 * zidx_until: how long block i matters to the key of fingerprint fp: its
 * entry's UNTIL (version 6: at or after the UNTIL zmark gave it), or
 * INT64_MAX (versions 2 to 5, or a key not looked up), or INT64_MIN when
 * no entry of the key names the block
 */
int64_t zidx_until(const struct zidx *x, size_t i, uint32_t fp);

/* a query, for zidx_select (times in microseconds) */
struct zquery {
	int64_t start;		/* first instant that matters, minus the skew */
	int64_t lo, hi;		/* the window [T-w, T+w] (several: the
				   first's start, the last's end) */
	int haskey;		/* 1: only the flows of one NAT key matter */
	uint32_t fp;		/* its fingerprint */
	int hasend;		/* 1: the reader stops at END (below) */
	int64_t end;		/* its last instant that matters, plus skew */
	size_t first, cut;	/* set by zidx_select: blocks before first
				   and from cut on are not read whatever
				   the key; [first, cut) are its choice */
	int filter;		/* 1: skip near blocks by their key filter
				   (version 5, after zidx_near; needs key,
				   hasend, and a caller that passes on all
				   the records of such a block: ZSEL_NEAR) */
	uint64_t kh;		/* zidx_hash of the key, for the filters */
};

/* what zidx_select says of a block */
#define ZSEL_SKIP 0		/* not read: pass its version 4 records */
#define ZSEL_READ 1		/* read */
#define ZSEL_NEAR 2		/* not read, by its key filter: pass on all
				   its records (zrec.extra too) */

/*
 * zidx_select: which blocks a query must decompress, in sel[0..x->n)
 * (ZSEL_READ: read it); returns how many.  Without a key or without filters
 * (version 1): every block from zidx_first(start) on.  With a key, a
 * version 3 or 4 index must have had zidx_key(x, q->fp).  See zidx.c for
 * the rule with a key and why no answer changes.  With hasend, the first
 * block whose TMIN is after END, and every block after it, are not read:
 * the caller stops reading at its first line later than some instant E
 * and gives END = E + skew.  Then every line of that block is after E,
 * and every line after it in the file is after E too (the log steps back
 * at most the skew), so the caller would stop at the first of them it
 * sees (whatever it filters) and use none.
 */
size_t zidx_select(const struct zidx *x, struct zquery *q,
    unsigned char *sel);

/* zidx_isrecord: the line p[0..n) is a record that version 4 keeps */
int zidx_isrecord(const char *p, size_t n);

/*
 * zidx_isextra: the line p[0..n) is one that version 5 keeps besides:
 * not a version 4 record, but holding CSV_RECORD (an alive record, or
 * any line ctgrep --records passes whatever the key)
 */
int zidx_isextra(const char *p, size_t n);

/*
 * zidx_linekey: the NAT key of a line for the filters: the bytes between
 * its 7th and 9th ';' (where ctgrep -N looks), in *k and *kn; 0, or -1
 * when the line has fewer than 9 ';'
 */
int zidx_linekey(const char *p, size_t n, const char **k, size_t *kn);

#endif
