/* zidx.c - see zidx.h */
#define _GNU_SOURCE	/* memmem: glibc */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"
#include "zidx.h"

#define MAXIDX (256LL * 1024 * 1024)	/* what is read of an index, at most */
#define HEADREAD (128 * 1024)	/* a read of a head, at most */

uint64_t
zidx_hash(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	while (n-- > 0) {
		h ^= *s++;
		h *= 0x100000001b3ULL;	/* the FNV 64-bit prime */
	}
	return h;
}

uint32_t
zidx_fp(const char *key, size_t n)
{
	uint64_t h = zidx_hash(ZIDX_HASH0, key, n);

	return (uint32_t)(h ^ (h >> 32));
}

/* growing text buffer */
struct buf {
	char *p;
	size_t n, cap;
	int bad;
};

static void
bprintf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int k;
	char *q;

	if (b->bad)
		return;
	for (;;) {
		va_start(ap, fmt);
		k = vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
		va_end(ap);
		if (k < 0) {
			b->bad = 1;
			return;
		}
		if ((size_t)k < b->cap - b->n) {
			b->n += (size_t)k;
			return;
		}
		if ((q = realloc(b->p, b->cap * 2 + (size_t)k)) == NULL) {
			b->bad = 1;
			return;
		}
		b->p = q;
		b->cap = b->cap * 2 + (size_t)k;
	}
}

/* bput: append p[0..n) */
static void
bput(struct buf *b, const void *p, size_t n)
{
	char *q;

	if (b->bad)
		return;
	if (b->cap - b->n <= n) {
		if ((q = realloc(b->p, b->cap * 2 + n)) == NULL) {
			b->bad = 1;
			return;
		}
		b->p = q;
		b->cap = b->cap * 2 + n;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static const char hexd[] = "0123456789abcdef";

/* hexput: v in w lower-case hex digits at s */
static void
hexput(char *s, uint64_t v, int w)
{
	while (w-- > 0) {
		s[w] = hexd[v & 0xf];
		v >>= 4;
	}
}

/* bw: the hex digits block numbers take in an index of n blocks */
static int
bw(size_t n)
{
	int w = 1;

	for (n = n > 0 ? n - 1 : 0; n > 15; n >>= 4)
		w++;
	return w;
}

/* shiftof: the right shift from a fingerprint to its bucket of nbkt */
static int
shiftof(size_t nbkt)
{
	int s = 32;

	while (nbkt > 1) {
		nbkt >>= 1;
		s--;
	}
	return s;
}

static size_t
bucketof(uint32_t fp, int shift)
{
	return shift >= 32 ? 0 : (size_t)(fp >> shift);
}

/*
 * fw: the hex digits of a fingerprint in a table whose buckets take its
 * top 32 - shift bits: those are implied by the bucket, the others are
 * written (with up to 3 bits of the bucket's again, to fill a digit)
 */
static int
fw(int shift)
{
	return (shift + 3) / 4;
}

/* entw: the bytes of an entry of the key table (version 6: and UNTIL) */
static int
entw(int version, size_t nbkt, size_t nblocks)
{
	return fw(shiftof(nbkt)) + bw(nblocks) + (version >= 6 ? 2 : 0);
}

/*
 * zunit: UNIT (version 6), the seconds of one step of an UNTIL: ZIDX_USTEPS
 * steps reach across the file's times
 */
static long long
zunit(const struct zidx *x)
{
	int64_t lo = 0, hi = 0;
	size_t i;
	int any = 0;

	for (i = 0; i < x->n; i++)
		if (x->b[i].hastime) {
			lo = !any || x->b[i].tmin < lo ? x->b[i].tmin : lo;
			hi = !any || x->b[i].tmax > hi ? x->b[i].tmax : hi;
			any = 1;
		}
	return (hi - lo) / ((int64_t)ZIDX_USTEPS * 1000000) + 1;
}

/*
 * usteps: block i's UNTIL u in steps of unit seconds after its TMAX, up
 * (so the index says a later UNTIL, never an earlier one); ZIDX_UNEVER
 * for a flow that never ends, or beyond the steps
 */
static unsigned
usteps(const struct zblock *b, int64_t u, long long unit)
{
	int64_t d, us = unit * 1000000;

	if (u == INT64_MAX || !b->hastime)
		return ZIDX_UNEVER;
	if (u <= b->tmax)
		return 0;
	d = (u - b->tmax - 1) / us + 1;
	return d >= ZIDX_UNEVER ? ZIDX_UNEVER : (unsigned)d;
}

char *
zidx_format(const struct zidx *x, size_t *len)
{
	struct buf b = { NULL, 0, 256, 0 };
	const struct zblock *k;
	size_t i, j, e, nbkt = 1, *cnt;
	int w = bw(x->n), shift, f;
	char ent[32];
	uint64_t h;
	long long unit = zunit(x);

	while (nbkt < (x->nkeys + ZIDX_BUCKET - 1) / ZIDX_BUCKET &&
	    nbkt < ZIDX_NBKTMAX)
		nbkt *= 2;
	if ((b.p = malloc(b.cap)) == NULL)
		return NULL;
	/* more buckets while one is over the bound (fingerprints that crowd) */
	for (cnt = NULL;; nbkt *= 2) {
		free(cnt);
		shift = shiftof(nbkt);
		if ((cnt = calloc(nbkt, sizeof(*cnt))) == NULL) {
			free(b.p);
			return NULL;
		}
		for (i = 0, e = 0; i < x->nkeys; i++)
			if (++cnt[bucketof((uint32_t)(x->keys[i] >> 32), shift)] >
			    ZIDX_BUCKETMAX)
				e = 1;
		if (!e || nbkt >= ZIDX_NBKTMAX)
			break;
	}
	f = fw(shift);
	bprintf(&b, "ctzip-index %d %lld %lld %zu %lld %zu %zu %zu %d %lld "
	    "%lld\n", ZIDX_VERSION, x->srcsize, x->zsize, x->n, x->lsec,
	    x->nkeys, nbkt, x->nrec, x->fbits, x->fsize, unit);
	for (i = 0; i < x->n; i++) {
		k = &x->b[i];
		bprintf(&b, "%lld %lld %lld %lld %lld", k->coff, k->clen,
		    k->uoff, k->ulen, k->lines);
		if (k->hastime)
			bprintf(&b, " %" PRId64 " %" PRId64 " %" PRId64
			    " %" PRId64, k->tfirst, k->tlast, k->tmin,
			    k->tmax);
		else
			bprintf(&b, " - - - -");
		if (k->nkf < 0)
			bprintf(&b, " - -\n");
		else
			bprintf(&b, " %lld %lld\n", k->nkf, k->flen);
	}
	for (i = 0; i < x->nrec; i++) {
		bprintf(&b, "%zu ", x->rec[i].blk);
		bput(&b, x->rec[i].p, x->rec[i].n);
		bput(&b, "\n", 1);
	}
	for (j = 0; j < nbkt; j++)
		bprintf(&b, "%zu%c", cnt[j], j + 1 < nbkt ? ' ' : '\n');
	bprintf(&b, "fnv1a64 %016" PRIx64 "\n",
	    zidx_hash(ZIDX_HASH0, b.p, b.n));
	for (i = 0, j = 0; j < nbkt; j++) {
		size_t at = b.n;

		bput(&b, "0000000000000000", 16);
		for (e = 0; e < cnt[j]; e++, i++) {
			hexput(ent, x->keys[i] >> 32, f);
			hexput(ent + f, x->keys[i] & 0xffffffff, w);
			hexput(ent + f + w, usteps(&x->b[x->keys[i] &
			    0xffffffff], x->kuntil[i], unit), 2);
			bput(&b, ent, (size_t)(f + w + 2));
		}
		bput(&b, "\n", 1);
		if (b.bad)
			break;
		h = zidx_hash(ZIDX_HASH0 ^ j, b.p + at + 16, b.n - at - 17);
		hexput(b.p + at, h, 16);
	}
	if (x->fsize > 0)
		bput(&b, x->filt, (size_t)x->fsize);
	free(cnt);
	if (b.bad) {
		free(b.p);
		return NULL;
	}
	*len = b.n;
	return b.p;
}

/*
 * eight: the 8 bytes at p are decimal digits; *v their value.  Eight at a
 * time, in one word (little-endian: the first digit in the low byte):
 * a byte is a digit when its high nibble is 3 and adding 6 to it leaves
 * that nibble 3; then neighbouring digits are joined into pairs, pairs
 * into fours and fours into the eight, each step one multiply and add.
 */
static int
eight(const char *p, unsigned long long *v)
{
	uint64_t w, hi = 0xf0f0f0f0f0f0f0f0ULL, threes = 0x3333333333333333ULL;

	memcpy(&w, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	if (((w & hi) | ((w + 0x0606060606060606ULL) & hi) >> 4) != threes)
		return 0;
	w -= 0x3030303030303030ULL;
	w = (w * 10 + (w >> 8)) & 0x00ff00ff00ff00ffULL;	/* 2 digits */
	w = (w * 100 + (w >> 16)) & 0x0000ffff0000ffffULL;	/* 4 */
	*v = (w & 0xffffffffULL) * 10000 + (w >> 32);		/* 8 */
	return 1;
}

/*
 * num: a decimal number at *s (optionally negative), then one blank or
 * newline; -1 when it does not fit a long long.  By hand: strtoll's
 * generality was half of the time a query spent reading a head of
 * ~9,000 blocks; the times (16 digits) go eight digits at a time.  The
 * first 18 digits cannot overflow (10^18 < 2^63), so only a longer
 * number is checked digit by digit.  It may look at 8 bytes past the
 * number's first: every number is in a head, before its hash line's 25
 * bytes (head()).
 */
static int
num(char **s, long long *v)
{
	const char *p = *s, *d0;
	unsigned long long u = 0, e, lim = LLONG_MAX;
	unsigned d;
	int neg = *p == '-';

	p += neg;
	lim += (unsigned long long)neg;	/* -LLONG_MIN */
	for (d0 = p; p - d0 < 16 && eight(p, &e); p += 8)
		u = u * 100000000 + e;
	for (; p - d0 < 18 && (d = (unsigned char)*p - '0') <= 9; p++)
		u = u * 10 + d;
	if (p == d0)
		return -1;
	for (; (d = (unsigned char)*p - '0') <= 9; p++) {
		if (u > (lim - d) / 10)
			return -1;
		u = u * 10 + d;
	}
	if (*p != ' ' && *p != '\n')
		return -1;
	*v = !neg ? (long long)u : u == lim ? LLONG_MIN : -(long long)u;
	*s = (char *)p + 1;	/* past the blank or newline */
	return 0;
}

/* the value + 1 of a lower-case hex digit, 0 for any other byte */
static const unsigned char hexv[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6,
	['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12,
	['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16
};

/* hexn: w lower-case hex digits at s, by table */
static int
hexn(const char *s, int w, uint64_t *v)
{
	const unsigned char *u = (const unsigned char *)s;
	uint64_t r = 0;
	int k, bad = 0;

	for (k = 0; k < w; k++) {
		bad |= hexv[u[k]] == 0;
		r = r << 4 | ((uint64_t)(hexv[u[k]] - 1) & 0xf);
	}
	*v = r;
	return bad ? -1 : 0;
}

/*
 * keys: a block's NKEYS KEYS at *s (version 2).  The digits are only
 * located here, and read when looked up (zidx_has): a busy day's index
 * holds millions of them and a query looks at a few per block.
 */
static int
keys(struct zblock *b, char **s, const char *nl)
{
	long long nk;

	if (num(s, &nk) < 0 || (*s)[-1] != ' ' || nk < 0 ||
	    nk > (nl - *s) / 8)
		return -1;
	if (nk == 0) {
		if (**s != '-')
			return -1;
		*s += 2;
		return (*s)[-1] == '\n' ? 0 : -1;
	}
	if (*s + 8 * nk != nl)
		return -1;
	b->keys = *s;
	b->nfp = (size_t)nk;
	*s = (char *)nl + 1;
	return 0;
}

/*
 * hashline: the offset of "fnv1a64 " + 16 hex + "\n" at a line start,
 * looked for from the newline at or after *from on; when there is none,
 * *from is where a later call on more of the same text must look again
 * (the last 26 bytes may be the start of it), so that a head read in
 * pieces is scanned once, not once a piece
 */
static long long
hashline(const char *t, size_t n, size_t *from)
{
	const char *s = t + *from, *e = t + n;

	while (s < e && (s = memchr(s, '\n', (size_t)(e - s))) != NULL) {
		s++;
		if (e - s >= 25 && memcmp(s, "fnv1a64 ", 8) == 0)
			return s - t;
	}
	*from = n > 26 ? n - 26 : 0;
	return -1;
}

/*
 * isrecord: line l is a record an index keeps (zidx.h): a begin, end,
 * snapshot, restart or lost record of 14 fields or more
 */
int
zidx_isrecord(const char *p, size_t n)
{
	struct span l = { p, n }, f[F_NFIELDS];

	if (!csv_fields(l, f))
		return 0;
	switch (csv_event(f[F_EVENT])) {
	case EV_BEGIN: case EV_END: case EV_SNAPSHOT: case EV_RESTART:
	case EV_LOST:
		return 1;
	default:
		return 0;
	}
}

/*
 * records: the nr record lines of version 4 at *s, before end: block
 * numbers of blocks that exist, in order, each line a record
 */
static int
records(struct zidx *x, char **s, const char *end, long long nr)
{
	long long blk, last = 0;
	char *nl;
	size_t i;

	if ((x->rec = calloc((size_t)nr + 1, sizeof(*x->rec))) == NULL)
		return -1;
	for (i = 0; i < (size_t)nr; i++) {
		if (*s >= end || num(s, &blk) < 0 || (*s)[-1] != ' ' ||
		    blk < last || blk >= (long long)x->n ||
		    (nl = memchr(*s, '\n', (size_t)(end - *s))) == NULL)
			return -1;
		if (!zidx_isrecord(*s, (size_t)(nl - *s)) && (x->version < 5 ||
		    !(x->rec[i].extra = zidx_isextra(*s, (size_t)(nl - *s)))))
			return -1;
		x->rec[i].blk = (size_t)blk;
		x->rec[i].p = *s;
		x->rec[i].n = (size_t)(nl - *s);
		last = blk;
		*s = nl + 1;
	}
	x->nrec = (size_t)nr;
	return 0;
}

/*
 * filt: a block's "NKF FLEN" at *s (version 5), after its times: NKF
 * keys at most one a line, FLEN within what NKF keys can take (the hash,
 * then at most FBITS + 2 bits a key: a quotient's ones add up to NKF at
 * most), 0 exactly when NKF is; "- -": no filter.  *foff: the offset the
 * filters before it leave, within FSIZE.
 */
static int
filt(struct zidx *x, struct zblock *b, char **s, long long *foff)
{
	long long nk, fl;

	if (strncmp(*s, "- -\n", 4) == 0) {
		*s += 4;
		b->nkf = -1;
		b->foff = *foff;
		return 0;
	}
	if (num(s, &nk) < 0 || (*s)[-1] != ' ' || nk < 0 || nk > (1LL << 40) ||
	    num(s, &fl) < 0 || (*s)[-1] != '\n' || fl < 0 ||
	    (nk == 0) != (fl == 0) ||
	    (nk > 0 && (fl <= 8 || fl - 8 > (nk * (x->fbits + 2) + 7) / 8)) ||
	    fl > x->fsize - *foff)
		return -1;
	b->nkf = nk;
	b->flen = fl;
	b->foff = *foff;
	*foff += fl;
	return 0;
}

/*
 * headline: the first line of a head at *p (the file's n bytes bound the
 * counts): the version and the totals into x, NKEYS, NBUCKETS and
 * NRECORDS into v[0..3) (0 when the version has none)
 */
static int
headline(struct zidx *x, char **p, size_t n, long long zsize, long long *v)
{
	long long ver, nb, fb;

	if (num(p, &ver) < 0 || ver < 1 || ver > ZIDX_VERSION ||
	    num(p, &x->srcsize) < 0 || num(p, &x->zsize) < 0 ||
	    num(p, &nb) < 0 || nb < 0 || nb > (long long)(n / 10) ||
	    x->zsize != zsize || x->srcsize < 0 || x->zsize < 0)
		return -1;
	x->version = (int)ver;
	x->n = (size_t)nb;
	x->lsec = -1;
	v[0] = v[1] = v[2] = 0;
	if (ver == 1)
		return (*p)[-1] == '\n' ? 0 : -1;
	if ((*p)[-1] != ' ' || num(p, &x->lsec) < 0 || x->lsec < 0 ||
	    x->lsec > 1000000000LL)
		return -1;
	if (ver == 2)
		return (*p)[-1] == '\n' ? 0 : -1;
	if ((*p)[-1] != ' ' || num(p, &v[0]) < 0 || (*p)[-1] != ' ' ||
	    num(p, &v[1]) < 0 || v[0] < 0 || v[0] > (1LL << 40) || v[1] < 1 ||
	    v[1] > ZIDX_NBKTMAX || (v[1] & (v[1] - 1)) != 0 ||
	    v[1] > (long long)(n / 2))
		return -1;
	if (ver == 3)
		return (*p)[-1] == '\n' ? 0 : -1;
	if ((*p)[-1] != ' ' || num(p, &v[2]) < 0 ||
	    (*p)[-1] != (ver == 4 ? '\n' : ' ') || v[2] < 0 ||
	    v[2] > (long long)(n / 4))
		return -1;
	if (ver == 4)
		return 0;
	if (num(p, &fb) < 0 || (*p)[-1] != ' ' || fb < 1 ||
	    fb > ZIDX_FBITSMAX || num(p, &x->fsize) < 0 ||
	    (*p)[-1] != (ver == 5 ? '\n' : ' ') || x->fsize < 0 ||
	    x->fsize > (1LL << 50))
		return -1;
	x->fbits = (int)fb;
	if (ver == 5)
		return 0;
	return num(p, &x->unit) < 0 || (*p)[-1] != '\n' || x->unit < 1 ||
	    x->unit > ZIDX_UNITMAX ? -1 : 0;
}

/* times: a block's four times at *p (or "- - - -"), then sep */
static int
times(struct zblock *b, char **p, char sep)
{
	long long v[4];
	int k;

	if (strncmp(*p - 1, " - - - -", 8) == 0 && (*p)[7] == sep) {
		*p += 8;
		return 0;
	}
	for (k = 0; k < 4; k++)
		if (num(p, &v[k]) < 0 || (*p)[-1] != (k < 3 ? ' ' : sep) ||
		    v[k] < -ZIDX_TIMEMAX || v[k] > ZIDX_TIMEMAX)
			return -1;
	b->hastime = 1;
	b->tfirst = v[0], b->tlast = v[1];
	b->tmin = v[2], b->tmax = v[3];
	return b->tmin > b->tmax ? -1 : 0;
}

/*
 * blocks: the NBLOCKS block lines at *p, before sum; they must tile both
 * files (and version 5 on, the filter section: *foff is what they take)
 */
static int
blocks(struct zidx *x, char **p, const char *sum, long long *foff)
{
	long long v[5], coff = 0, uoff = 0;
	char *nl, sep = x->version == 2 || x->version >= 5 ? ' ' : '\n';
	size_t i;
	int k;

	if ((x->b = calloc(x->n + 1, sizeof(*x->b))) == NULL)
		return -1;
	for (i = 0; i < x->n; i++) {
		struct zblock *b = &x->b[i];

		if ((nl = strchr(*p, '\n')) == NULL || nl > sum)
			return -1;
		for (k = 0; k < 5; k++)
			if (num(p, &v[k]) < 0 || (*p)[-1] != ' ')
				return -1;
		b->coff = v[0], b->clen = v[1], b->uoff = v[2];
		b->ulen = v[3], b->lines = v[4];
		if (times(b, p, sep) < 0 ||
		    (x->version == 2 && keys(b, p, nl) < 0) ||
		    (x->version >= 5 && filt(x, b, p, foff) < 0))
			return -1;
		/*
		 * each length within what the totals leave (coff <= ZSIZE,
		 * uoff <= SRCSIZE here): the sums cannot overflow
		 */
		if (*p != nl + 1 || b->coff != coff || b->uoff != uoff ||
		    b->clen <= 0 || b->clen > x->zsize - coff ||
		    b->ulen < 0 || b->ulen > x->srcsize - uoff ||
		    b->lines < 0 || b->lines > b->ulen || b->nkf > b->lines)
			return -1;
		coff += b->clen;
		uoff += b->ulen;
	}
	return coff == x->zsize && uoff == x->srcsize ? 0 : -1;
}

/*
 * counts: the line of bucket counts at *p (versions 3 on), NKEYS in all;
 * *tl: the bytes of the key table they imply
 */
static int
counts(struct zidx *x, char **p, const char *sum, long long nk,
    long long nbkt, long long *tl)
{
	long long ew = entw(x->version, (size_t)nbkt, x->n), c, ksum = 0;
	size_t i;

	x->nkeys = (size_t)nk;
	x->nbkt = (size_t)nbkt;
	if ((x->count = calloc(x->nbkt, sizeof(*x->count))) == NULL)
		return -1;
	for (i = 0, *tl = 0; i < x->nbkt; i++) {
		if (*p >= sum || num(p, &c) < 0 || c < 0 ||
		    c > ZIDX_BUCKETMAX ||
		    (*p)[-1] != (i + 1 < x->nbkt ? ' ' : '\n') ||
		    c > nk - ksum)
			return -1;
		x->count[i] = (size_t)c;
		ksum += c;
		*tl += 17 + c * ew;	/* the bucket's line */
	}
	return ksum == nk ? 0 : -1;
}

/*
 * head: parse and check the head t[0..n) of an index (versions 1 and 2:
 * the whole index), ending with its hash line, which becomes a string.
 * *tablelen: the bytes after it that the head implies (the key table,
 * and the filters).
 */
static int
head(struct zidx *x, char *t, size_t n, long long zsize, long long *tablelen)
{
	char *p = t, *sum, want[32];
	long long v[3], foff = 0, tl = 0;

	if (n < 26 || t[n - 1] != '\n')
		return -1;
	t[n - 1] = '\0';
	sum = t + n - 25;	/* "fnv1a64 " + 16 hex digits */
	if (sum[-1] != '\n')
		return -1;
	snprintf(want, sizeof(want), "fnv1a64 %016" PRIx64,
	    zidx_hash(ZIDX_HASH0, t, (size_t)(sum - t)));
	if (strcmp(sum, want) != 0 || strncmp(p, "ctzip-index ", 12) != 0)
		return -1;
	p += 12;
	if (headline(x, &p, n, zsize, v) < 0 || blocks(x, &p, sum, &foff) < 0 ||
	    (x->version >= 4 && records(x, &p, sum, v[2]) < 0) ||
	    (x->version >= 3 && counts(x, &p, sum, v[0], v[1], &tl) < 0))
		return -1;
	x->headlen = (long long)n;
	x->tablelen = tl;
	*tablelen = tl + x->fsize;	/* version 5 on: and the filters */
	return p == sum && foff == x->fsize ? 0 : -1;
}

/* tabled: text t[0..n) begins as an index of a head and a key table */
static int
tabled(const char *t, size_t n)
{
	return n >= 14 && strncmp(t, "ctzip-index ", 12) == 0 &&
	    t[12] >= '3' && t[12] <= '0' + ZIDX_VERSION && t[13] == ' ';
}

int
zidx_parse(struct zidx *x, char *t, size_t n, long long zsize)
{
	long long hl, tl;
	size_t from = 0;

	memset(x, 0, sizeof(*x));
	x->fd = -1;
	if (tabled(t, n))
		hl = hashline(t, n, &from);
	else
		hl = (long long)n - 25;	/* versions 1 and 2: the last line */
	if (hl < 0 || head(x, t, (size_t)hl + 25, zsize, &tl) < 0 ||
	    (long long)n - x->headlen != tl) {
		zidx_free(x);
		return -1;
	}
	x->table = t + x->headlen;
	if (x->version >= 5)
		x->filt = (const unsigned char *)x->table + x->tablelen;
	return 0;
}

int
zidx_load(struct zidx *x, const char *path, long long zsize)
{
	struct stat st;
	char *t = NULL, *q;
	size_t n = 0, cap = 0, from = 0;
	ssize_t k;
	long long hl = -1, tl;
	int fd, v3 = 0;

	memset(x, 0, sizeof(*x));
	x->fd = -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto bad;
	/* versions 3, 4: up to the hash line; 1 and 2: the whole index */
	for (;;) {
		if (cap - n < 65536) {
			cap = cap * 2 + 65536;
			if ((long long)cap > MAXIDX ||
			    (q = realloc(t, cap)) == NULL)
				goto bad;
			t = q;
		}
		/* a piece at a time: what follows the head is not read */
		if ((k = read(fd, t + n, cap - n < HEADREAD ? cap - n :
		    HEADREAD)) < 0) {
			if (errno == EINTR)
				continue;
			goto bad;
		}
		n += (size_t)k;
		if (!v3 && tabled(t, n))
			v3 = 1;	/* a head, then the key table */
		if (k == 0 || (v3 && (hl = hashline(t, n, &from)) >= 0))
			break;
	}
	if (!v3)
		hl = (long long)n - 25;
	if (hl < 0 || head(x, t, (size_t)hl + 25, zsize, &tl) < 0 ||
	    (long long)st.st_size - x->headlen != tl)
		goto bad;
	x->text = t;
	if (v3)
		x->fd = fd;
	else
		close(fd);
	return 0;
bad:
	zidx_free(x);
	free(t);
	close(fd);
	return -1;
}

/*
 * upto: the UNTIL of an entry of block blk of D steps (version 6): up to
 * TMAX + D steps, INT64_MAX for ZIDX_UNEVER (and for a block without
 * times, which no mark can have).  No overflow: |TMAX| <= ZIDX_TIMEMAX,
 * and 254 steps of ZIDX_UNITMAX seconds are ~2^58 microseconds.
 */
static int64_t
upto(const struct zidx *x, size_t blk, uint64_t d)
{
	if (d >= ZIDX_UNEVER || !x->b[blk].hastime)
		return INT64_MAX;
	return x->b[blk].tmax + (int64_t)d * x->unit * 1000000;
}

int
zidx_key(struct zidx *x, uint32_t fp)
{
	char *own = NULL;
	const char *s;
	long long off = x->headlen, len;
	size_t j, i, c;
	int w = bw(x->n), shift = shiftof(x->nbkt), r = -1, d = fw(shift);
	int ew = entw(x->version, x->nbkt, x->n);
	uint64_t h, e, last = 0, blk, f, low, u = 0;

	if (x->version < 3)
		return 0;
	free(x->kblk);
	free(x->kupto);
	x->kblk = NULL;
	x->kupto = NULL;
	x->nkblk = 0;
	x->haskey = 0;
	j = bucketof(fp, shift);
	for (i = 0; i < j; i++)
		off += 17 + (long long)x->count[i] * ew;
	c = x->count[j];
	len = 17 + (long long)c * ew;
	if (x->table != NULL)
		s = x->table + (off - x->headlen);
	else {
		if ((own = malloc((size_t)len)) == NULL ||
		    pread(x->fd, own, (size_t)len, (off_t)off) != len)
			goto out;
		s = own;
	}
	if (s[len - 1] != '\n' || hexn(s, 16, &h) < 0 ||
	    h != zidx_hash(ZIDX_HASH0 ^ j, s + 16, (size_t)len - 17) ||
	    (x->kblk = malloc((c + 1) * sizeof(*x->kblk))) == NULL ||
	    (x->kupto = malloc((c + 1) * sizeof(*x->kupto))) == NULL)
		goto out;
	low = shift >= 32 ? 0xffffffff : ((uint64_t)1 << shift) - 1;
	for (i = 0, s += 16; i < c; i++, s += ew) {
		if (hexn(s, d, &e) < 0 || hexn(s + d, w, &blk) < 0 ||
		    blk >= x->n || (ew > d + w && hexn(s + d + w, 2, &u) < 0))
			goto out;
		/* the bucket's bits, then the written ones, which agree */
		f = (shift >= 32 ? 0 : (uint64_t)j << shift) | (e & low);
		if ((f & (((uint64_t)1 << (4 * d)) - 1)) != e)
			goto out;
		e = f << 32 | blk;
		if (i > 0 && e <= last)
			goto out;	/* not ascending */
		last = e;
		if ((uint32_t)f == fp) {
			x->kupto[x->nkblk] = ew > d + w ? upto(x, blk, u) :
			    INT64_MAX;
			x->kblk[x->nkblk++] = (uint32_t)blk;
		}
	}
	x->kfp = fp;
	x->haskey = 1;
	r = 0;
out:
	free(own);
	return r;
}

void
zidx_free(struct zidx *x)
{
	free(x->b);
	free(x->rec);
	free(x->text);
	free(x->count);
	free(x->kblk);
	free(x->kupto);
	free(x->fbuf);
	free(x->fmay);
	if (x->fd >= 0)
		close(x->fd);
	x->b = NULL;
	x->rec = NULL;
	x->nrec = 0;
	x->text = NULL;
	x->count = NULL;
	x->kblk = NULL;
	x->kupto = NULL;
	x->fbuf = NULL;
	x->fmay = NULL;
	x->fb0 = x->fb1 = 0;
	x->fd = -1;
	x->n = 0;
}

size_t
zidx_first(const struct zidx *x, int64_t t)
{
	size_t i;

	/*
	 * A linear pass: an index has a few hundred blocks, and TMAX is not
	 * monotonic (skew), so a bisection would need a prefix maximum.
	 */
	for (i = 0; i < x->n; i++)
		if (x->b[i].hastime && x->b[i].tmax >= t)
			break;
	return i;
}

int64_t
zidx_until(const struct zidx *x, size_t i, uint32_t fp)
{
	const struct zblock *b = &x->b[i];
	size_t lo = 0, hi, mid;
	uint64_t v;

	if (x->version >= 3) {	/* the blocks of the key looked up */
		if (!x->haskey || x->kfp != fp)
			return INT64_MAX;	/* not looked up: read it */
		for (hi = x->nkblk; lo < hi; ) {
			mid = lo + (hi - lo) / 2;
			if (x->kblk[mid] == i)
				return x->kupto[mid];
			if (x->kblk[mid] < i)
				lo = mid + 1;
			else
				hi = mid;
		}
		return INT64_MIN;
	}
	for (hi = b->nfp; lo < hi; ) {	/* version 2: the block's filter */
		mid = lo + (hi - lo) / 2;
		if (hexn(b->keys + 8 * mid, 8, &v) < 0)
			return INT64_MAX;	/* not a fingerprint: read it */
		if (v == fp)
			return INT64_MAX;
		if (v < fp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return INT64_MIN;
}

int
zidx_has(const struct zidx *x, size_t i, uint32_t fp)
{
	return zidx_until(x, i, fp) != INT64_MIN;
}

/*
 * zidx_select with a key (cttime -n, ctcat -n), index version 2 or
 * later (the key table), L = LONG seconds.
 * Blocks before zidx_first(start) are skipped as without a key.  Of the
 * others, a block is read when
 *   - it has no time (it cannot matter, but costs nothing), or
 *   - it is "near": from the first block with TMAX >= T-w - L to the
 *     last with TMIN <= T+w + L (nearblocks: every block between them
 *     too, whatever its times, as the log's times step back), or
 *   - its filter may hold the key (zidx_has).
 * The reader then sees every line of the near blocks, and of the far
 * blocks whose filter names the key.  Why the flows of the key that
 * cttime -a (-P) reports, and what it says of them, do not change (lines
 * of other keys do not matter: the caller keeps the key's lines only, or
 * ctgrep -N does downstream):
 *   - A flow that holds the key at some instant of [T-w, T+w] and starts
 *     in a far block before the window (TMAX < T-w - L) lasts more than
 *     L, or has no stop in the file: ctzip put the key in that block's
 *     filter (zmark.h).  Its stop is in a near block, or is a long flow's
 *     end, in a block whose filter names the key too.  So its start and
 *     its end are read.  Likewise for one whose stop is in a far block
 *     after the window (TMIN > T+w + L).
 *   - A flow whose start is skipped lasted at most L, so it stopped
 *     before T-w: reported with it or without it, it is dropped (its stop
 *     alone, before the window, makes no flow).
 *   - The danger is the converse: a far block read for the key holds the
 *     start of a short flow of the key whose stop is in a far block that
 *     is skipped; the flow would look open at T.  ctzip's closure rule
 *     (zmark.h) names the key in the stop's block too whenever it names
 *     it in the start's block, so that cannot happen.  Nor from a near
 *     block: the near blocks are a run, so a stop after a near start is
 *     in a near block, or in one after them (TMIN > T+w + L), and then
 *     the flow, if open in the window, lasted more than L: named.  (Near
 *     by times alone, a block of lines stamped before T-w - L just after
 *     a near block would be far, and a short flow begun in the near
 *     block and stopped there would look open.)
 *   - A start that ends an open flow of the same id and tuple (its stop
 *     was lost), and a stop without a start in the file, are ends of
 *     doubtful flows: their blocks name the key.
 *   - An open record (a snapshot's entry, csv.h) is the start of its
 *     flow when the reader holds no flow of its key, and is ignored
 *     otherwise; zmark pairs it the same way, so the cases above hold
 *     with it as the start.  An open record of a flow already open, in
 *     another block than the flow's start, would be taken for a start by
 *     a reader that skips the start's block and reads the record's: the
 *     flow counts as long, both blocks and its stop's name the key.
 *   - After the window only stops of flows open in it matter (-P), and a
 *     start that ends one by reuse; both are named, or near.
 * What the index cannot know is a flow open at the end of the previous
 * file whose stop was lost and whose exact id and tuple come back in a
 * skipped block of this one: read whole, that start ends it; with the
 * index it stays open.  cttime(1) says so (CAVEATS).
 * The skew is not needed in the near zone: the argument uses TMIN and
 * TMAX, which bound every time of the block whatever the order of its
 * lines; and it would cost 2 x skew more of the log on every query.
 *
 * Version 6: a far block is read only when an entry of the key names it
 * with an UNTIL at or after T-w (q->lo; of several windows, the first's
 * start), so that a trace skips the far blocks of its key's long flows
 * that ended before its window.  Flows below are as zmark pairs them,
 * their end as zmark.h says; the end cttime gives a flow is never later
 * (a snapshot, or the kernel's end of a stop, only bring it forward),
 * and cttime -a drops a flow whose end is before T-w when it sees that
 * end.  Why no answer changes:
 *   - A flow the answer keeps ends at or after T-w, or never.  With a
 *     line in a far block before the window (TMAX < T-w - L), it lasts
 *     more than L or is doubtful: the entry of its first block has an
 *     UNTIL at or after its end (zmark.h, a), so at or after T-w, and is
 *     read; the blocks of its open records are tied after it (c), read
 *     too; its end, at or after T-w, is in no such block.  When a start
 *     merges with the open record of a snapshot (flow.h), the record's
 *     block gets the merged flow's end (b).  After the window the entries
 *     that matter (the end of a flow open in the window, a start that
 *     ends one) have an UNTIL at least the time of their line, after
 *     T+w + L.  So every flow the answer keeps is read whole, as before.
 *   - A line of the key in a far block skipped for its UNTIL belongs to a
 *     flow that ended before T-w: a long or doubtful flow that the entry
 *     names (its end is at most the UNTIL), a short flow that started
 *     there (before T-w - L), or it is a stop, or a start that ends a flow
 *     by reuse (its time is the end).  Of such a flow the reader sees
 *     nothing, or its end alone, or every line from one that can begin a
 *     flow (a start, an open record) on: a block read for its UNTIL has
 *     every later block of each flow begun there read too, by the ties
 *     (c), and the near blocks are read anyway.  Its end alone: a stop
 *     before the window makes no flow and closes none (the reader holds no
 *     other flow of that key then: it saw the end of every flow it
 *     opened), a start is a flow of its own (above).  Read from some line
 *     on, it ends where it ended, before T-w, and is dropped.  The other
 *     flows pair as before: two flows of one key are never open at once,
 *     so taking out a flow's lines, or all but its end, changes no other
 *     pairing.
 *   - A flow of an earlier file open at its end (that file's index names
 *     it until never) is closed by a stop without its start in this one:
 *     such a stop's entry never ends either (a snapshot record before it
 *     would have ended that flow for ctcat's reader, but cttime, which
 *     gets no records of the blocks it skips, may not see it).
 *   - The records of the blocks skipped are passed on as for any far
 *     block (logread.h).
 *
 * Version 5, with q->filter (ctcat -n, whose output goes through ctgrep
 * --records -N KEY): a near block that would be read only for being near
 * is skipped (ZSEL_NEAR) when its key filter says that no line of it has
 * the key where ctgrep -N looks, and its TMAX is at most END.  What
 * ctgrep keeps of such a block read whole is its lines that hold
 * CSV_RECORD (no line of the key: the filter has no false negatives),
 * which are its version 4 and extra records, in order: the caller passes
 * those on where the block was, so ctgrep's output is the same.  And the
 * caller's reading stops where it did: it stops at its first line after
 * END, and no line of the block is after END; the blocks that may hold
 * one are read as before.
 */
static int maybe(const struct zidx *x, size_t i, uint64_t kh);
static int upfor(const struct zidx *x, size_t i, const struct zquery *q);
static void nearblocks(const struct zidx *x, const struct zquery *q,
    size_t *b0, size_t *b1);
static size_t cutat(const struct zidx *x, const struct zquery *q);

size_t
zidx_select(const struct zidx *x, struct zquery *q, unsigned char *sel)
{
	size_t i, first, cut, n = 0, b0, b1;
	const struct zblock *b;
	int filter = q->filter && q->haskey && q->hasend && x->lsec >= 0;

	first = zidx_first(x, q->start);
	if (first == x->n && x->n > 0)
		first = x->n - 1;	/* none after: the last, as a bisection */
	nearblocks(x, q, &b0, &b1);
	cut = cutat(x, q);
	q->first = first;
	q->cut = cut;
	for (i = 0; i < x->n; i++) {
		b = &x->b[i];
		sel[i] = i >= first && i < cut && (!q->haskey || x->lsec < 0 ||
		    !b->hastime || (i >= b0 && i < b1) ||
		    upfor(x, i, q)) ? ZSEL_READ : ZSEL_SKIP;
		/*
		 * Version 5: a near block read for no other reason, whose
		 * filter says it holds no line of the key and whose every
		 * line is before END: see above.
		 */
		if (filter && sel[i] == ZSEL_READ && b->hastime &&
		    b->tmax <= q->end && i >= b0 && i < b1 &&
		    !zidx_has(x, i, q->fp) && !maybe(x, i, q->kh))
			sel[i] = ZSEL_NEAR;
		n += sel[i] == ZSEL_READ;
	}
	return n;
}

int
zidx_isextra(const char *p, size_t n)
{
	return !zidx_isrecord(p, n) && n < ZIDX_FLINE &&
	    memmem(p, n, CSV_RECORD, sizeof(CSV_RECORD) - 1) != NULL;
}

int
zidx_linekey(const char *p, size_t n, const char **k, size_t *kn)
{
	const char *e = p + n, *a = p;
	int i;

	for (i = 0; i < 7; i++, a++)
		if ((a = memchr(a, ';', (size_t)(e - a))) == NULL)
			return -1;
	/* a: after the 7th ';'; the 9th ends the key */
	if ((p = memchr(a, ';', (size_t)(e - a))) == NULL ||
	    (p = memchr(p + 1, ';', (size_t)(e - p - 1))) == NULL)
		return -1;
	*k = a;
	*kn = (size_t)(p - a);
	return 0;
}

/*
 * fval: where a key of hash kh falls in block i's filter of range
 * values (splitmix64's finaliser of kh and i, so that two keys that
 * meet in one block's filter do not meet in every block's)
 */
static uint64_t
fval(uint64_t kh, size_t i, uint64_t range)
{
	uint64_t z = kh ^ ((uint64_t)i + 1) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return z % range;
}

/* the hash of block i's filter code c[0..n) (not a bucket's seed) */
static uint64_t
fhash(size_t i, const unsigned char *c, size_t n)
{
	return zidx_hash(ZIDX_HASH0 ^ (0x8000000000000000ULL | i), c, n);
}

long long
zidx_filter(uint64_t *kh, size_t n, size_t i, int fbits,
    unsigned char **buf, size_t *len, long long *nk)
{
	uint64_t *v, range, last = 0, q, d;
	size_t j, k, m, *cnt, at, bits, nb, zero;
	unsigned char *p, *c;
	int r;

	*nk = 0;
	if (n == 0)
		return 0;
	/* the distinct keys, to the front of kh: a hash set of them */
	for (nb = 16; nb < 2 * n; nb *= 2)
		;
	if ((v = calloc(nb, sizeof(*v))) == NULL)
		return -1;
	for (j = 0, m = 0, zero = 0; j < n; j++) {
		if (kh[j] == 0) {	/* 0 marks a free slot: apart */
			if (!zero++)
				kh[m++] = 0;
			continue;
		}
		for (at = (size_t)(kh[j] * 0x9e3779b97f4a7c15ULL >> 20) &
		    (nb - 1); v[at] != 0 && v[at] != kh[j];
		    at = (at + 1) & (nb - 1))
			;
		if (v[at] == 0) {
			v[at] = kh[j];
			kh[m++] = kh[j];
		}
	}
	free(v);
	*nk = (long long)m;
	range = (uint64_t)m << fbits;
	if ((v = malloc(m * sizeof(*v))) == NULL ||
	    (cnt = calloc(m + 1, sizeof(*cnt))) == NULL) {
		free(v);
		return -1;
	}
	/* the values, sorted by their quotient (a counting sort: m of
	 * them, below m), then by insertion (only within a quotient, a
	 * handful at most) */
	for (j = 0; j < m; j++)
		cnt[(fval(kh[j], i, range) >> fbits) + 1]++;
	for (j = 1; j <= m; j++)
		cnt[j] += cnt[j - 1];
	for (j = 0; j < m; j++) {
		q = fval(kh[j], i, range);
		v[cnt[q >> fbits]++] = q;
	}
	for (j = 1; j < m; j++) {
		q = v[j];
		for (k = j; k > 0 && v[k - 1] > q; k--)
			v[k] = v[k - 1];
		v[k] = q;
	}
	free(cnt);
	/* Rice code of the differences: quotient in unary (ones, then a
	 * zero), remainder in fbits bits, most significant bit first */
	bits = 0;
	for (j = 0, last = 0; j < m; last = v[j++])
		bits += (size_t)((v[j] - last) >> fbits) + 1 + (size_t)fbits;
	nb = 8 + (bits + 7) / 8;
	if ((p = realloc(*buf, *len + nb)) == NULL) {
		free(v);
		return -1;
	}
	*buf = p;
	c = p + *len + 8;
	memset(c, 0, nb - 8);
	for (j = 0, last = 0, at = 0; j < m; last = v[j++]) {
		d = v[j] - last;
		for (q = d >> fbits; q > 0; q--, at++)
			c[at >> 3] |= (unsigned char)(0x80 >> (at & 7));
		at++;		/* the zero */
		for (r = fbits - 1; r >= 0; r--, at++)
			if (d >> r & 1)
				c[at >> 3] |= (unsigned char)(0x80 >> (at & 7));
	}
	free(v);
	q = fhash(i, c, nb - 8);
	for (j = 0; j < 8; j++)		/* little-endian */
		p[*len + j] = (unsigned char)(q >> (8 * j));
	*len += nb;
	return (long long)nb;
}

/*
 * bfill: the bit reader of a filter c[0..n): *buf holds its next *have
 * bits, first in the top bit; at least 57 after, or all that are left.
 * A word at a time while 8 bytes remain (the bits past *have are then
 * those of the bytes from *at on, which the next fill puts in the same
 * places again), then byte by byte, zeros past the end.
 */
static inline void
bfill(const unsigned char *c, size_t n, size_t *at, uint64_t *buf,
    unsigned *have)
{
	uint64_t w;

	if (*have > 56)
		return;
	if (*at + 8 <= n) {
		memcpy(&w, c + *at, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		w = __builtin_bswap64(w);
#endif
		*buf |= w >> *have;
		*at += (63 - *have) >> 3;
		*have |= 56;
		return;
	}
	for (; *have <= 56 && *at < n; (*at)++, *have += 8)
		*buf |= (uint64_t)c[*at] << (56 - *have);
}

/*
 * slowcode: the next Rice code of parameter fbits into *d, when it may
 * not all be in *buf: a long quotient (its ones 64 or more), or the end
 * of the filter near; -1 when the code runs past the end (or its
 * quotient is absurd, over 2^40)
 */
static int
slowcode(const unsigned char *c, size_t n, size_t *at, uint64_t *buf,
    unsigned *have, int fbits, uint64_t *d)
{
	uint64_t q;
	unsigned k;

	for (q = 0;;) {	/* the quotient: ones, then a zero */
		bfill(c, n, at, buf, have);
		k = ~*buf == 0 ? 64 : (unsigned)__builtin_clzll(~*buf);
		if (k < *have)
			break;
		if (*have == 0)
			return -1;	/* past the end */
		q += *have;		/* all ones */
		*buf = 0;
		*have = 0;
		if (q > 1ULL << 40)
			return -1;
	}
	q += k;
	*buf = k == 63 ? 0 : *buf << (k + 1);
	*have -= k + 1;
	bfill(c, n, at, buf, have);
	if (*have < (unsigned)fbits)
		return -1;
	*d = q << fbits | *buf >> (64 - fbits);
	*buf <<= fbits;
	*have -= (unsigned)fbits;
	return 0;
}

/*
 * fmaybe: block i's filter c[0..n) (after its hash), of nk keys, may hold
 * the key of hash kh; -1 when the code is bad (runs past its end, or
 * past the range).  The codes are read through a 64-bit buffer: the
 * near blocks' filters of a trace on a busy day are ~100 of ~9,000 keys
 * each, half of which are decoded, before any block is read.
 */
static int
fmaybe(const unsigned char *c, size_t n, long long nk, int fbits, size_t i,
    uint64_t kh)
{
	uint64_t range = (uint64_t)nk << fbits, want = fval(kh, i, range);
	uint64_t v = 0, d, q, buf = 0;
	size_t at = 0;
	unsigned have = 0, k;
	long long j;

	for (j = 0; j < nk; j++) {
		if (have < 32)
			bfill(c, n, &at, &buf, &have);
		k = (unsigned)__builtin_clzll(~buf | 1);	/* ones */
		if (k + 1 + (unsigned)fbits <= have) {	/* all of it here */
			q = k;
			buf = buf << k << 1;
			d = q << fbits | buf >> (64 - fbits);
			buf <<= fbits;
			have -= k + 1 + (unsigned)fbits;
		} else if (slowcode(c, n, &at, &buf, &have, fbits, &d) < 0)
			return -1;
		if (d >> fbits > (uint64_t)nk)
			return -1;
		if (d > range - 1 - v)
			return -1;
		v += d;
		if (v == want)
			return 1;
		if (v > want)
			return 0;
	}
	return 0;
}

/*
 * nearblocks: the near blocks are [*b0, *b1): from the first block with
 * a time at or after T-w - L to the last with one at or before T+w + L
 * (see zidx_select).  So the far blocks before the window are a prefix of
 * the file and those after it a suffix: a block between two near ones is
 * near whatever its times, as the log's times step back (a block of
 * lines stamped before T-w - L, after a near block, may hold the stop of
 * a short flow that starts in that near block).
 */
static void
nearblocks(const struct zidx *x, const struct zquery *q, size_t *b0,
    size_t *b1)
{
	long long l = x->lsec < 0 ? 0 : x->lsec;
	int64_t nlo = q->lo - l * 1000000, nhi = q->hi + l * 1000000;
	size_t i;

	*b0 = x->n;
	*b1 = 0;
	for (i = 0; i < x->n; i++) {
		if (!x->b[i].hastime)
			continue;
		if (*b0 == x->n && x->b[i].tmax >= nlo)
			*b0 = i;
		if (x->b[i].tmin <= nhi)
			*b1 = i + 1;
	}
}

/*
 * cutat: the first block with every time after END (q->end), where the
 * reading stops, or x->n (no END, or none)
 */
static size_t
cutat(const struct zidx *x, const struct zquery *q)
{
	size_t i;

	if (!q->hasend)
		return x->n;
	for (i = 0; i < x->n; i++)
		if (x->b[i].hastime && x->b[i].tmin > q->end)
			break;
	return i;
}

int
zidx_near(struct zidx *x, const struct zquery *q)
{
	size_t i, b0, b1;
	long long off, len;
	const unsigned char *s;
	uint64_t h;
	int k;

	free(x->fbuf);
	free(x->fmay);
	x->fbuf = NULL;
	x->fmay = NULL;
	x->fb0 = x->fb1 = 0;
	if (x->version < 5)
		return 1;
	x->kh = q->kh;
	nearblocks(x, q, &b0, &b1);
	if ((i = cutat(x, q)) < b1)
		b1 = i;	/* the blocks from the cut on are not read anyway */
	if (b0 >= b1)
		return 1;
	off = x->b[b0].foff;
	len = x->b[b1 - 1].foff + (x->b[b1 - 1].nkf < 0 ? 0 :
	    x->b[b1 - 1].flen) - off;
	if (len > ZIDX_FREADMAX)
		return 1;
	if ((x->fbuf = malloc((size_t)len + 1)) == NULL)
		return -1;
	if (x->filt != NULL)
		memcpy(x->fbuf, x->filt + off, (size_t)len);
	else if (pread(x->fd, x->fbuf, (size_t)len, (off_t)(x->headlen +
	    x->tablelen + off)) != len)
		return -1;
	/* each filter checked, and its answer for the key kept (fmay) */
	if ((x->fmay = malloc(b1 - b0 + 1)) == NULL)
		return -1;
	for (i = b0; i < b1; i++) {
		x->fmay[i - b0] = x->b[i].nkf != 0;	/* none: no key; -1 */
		if (x->b[i].nkf <= 0)
			continue;
		s = x->fbuf + (x->b[i].foff - off);
		for (h = 0, k = 7; k >= 0; k--)
			h = h << 8 | s[k];
		if (h != fhash(i, s + 8, (size_t)x->b[i].flen - 8) ||
		    (k = fmaybe(s + 8, (size_t)x->b[i].flen - 8, x->b[i].nkf,
		    x->fbits, i, q->kh)) < 0)
			return -1;
		x->fmay[i - b0] = (unsigned char)k;
	}
	x->fb0 = b0;
	x->fb1 = b1;
	return 0;
}

/* maybe: block i may hold a line of the key of hash kh (zidx_near read
 * its filter; a block without one may) */
static int
maybe(const struct zidx *x, size_t i, uint64_t kh)
{
	if (x->fmay == NULL || i < x->fb0 || i >= x->fb1 || x->kh != kh)
		return 1;
	return x->fmay[i - x->fb0];
}

/*
 * upfor: far block i names q's key, with an UNTIL at or after the start
 * of q's window (version 6; named at all before)
 */
static int
upfor(const struct zidx *x, size_t i, const struct zquery *q)
{
	int64_t u = zidx_until(x, i, q->fp);

	return u != INT64_MIN && u >= q->lo;
}
