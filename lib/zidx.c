/* zidx.c - see zidx.h */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"
#include "zidx.h"

#define MAXIDX (256LL * 1024 * 1024)	/* what is read of an index, at most */

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

char *
zidx_format(const struct zidx *x, size_t *len)
{
	struct buf b = { NULL, 0, 256, 0 };
	const struct zblock *k;
	size_t i, j, e, nbkt = 1, *cnt;
	int w = bw(x->n), shift, f;
	char ent[32];
	uint64_t h;

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
	bprintf(&b, "ctzip-index %d %lld %lld %zu %lld %zu %zu %zu\n",
	    ZIDX_VERSION, x->srcsize, x->zsize, x->n, x->lsec, x->nkeys, nbkt,
	    x->nrec);
	for (i = 0; i < x->n; i++) {
		k = &x->b[i];
		bprintf(&b, "%lld %lld %lld %lld %lld", k->coff, k->clen,
		    k->uoff, k->ulen, k->lines);
		if (k->hastime)
			bprintf(&b, " %" PRId64 " %" PRId64 " %" PRId64
			    " %" PRId64 "\n", k->tfirst, k->tlast, k->tmin,
			    k->tmax);
		else
			bprintf(&b, " - - - -\n");
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
			bput(&b, ent, (size_t)(f + w));
		}
		bput(&b, "\n", 1);
		if (b.bad)
			break;
		h = zidx_hash(ZIDX_HASH0 ^ j, b.p + at + 16, b.n - at - 17);
		hexput(b.p + at, h, 16);
	}
	free(cnt);
	if (b.bad) {
		free(b.p);
		return NULL;
	}
	*len = b.n;
	return b.p;
}

/* num: a decimal number at *s (optionally negative), then one blank */
static int
num(char **s, long long *v)
{
	char *e;

	errno = 0;
	if (**s != '-' && (**s < '0' || **s > '9'))
		return -1;
	*v = strtoll(*s, &e, 10);
	if (errno != 0 || e == *s || (*e != ' ' && *e != '\n'))
		return -1;
	*s = e + 1;	/* past the blank or newline */
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

/* hashline: the offset of "fnv1a64 " + 16 hex + "\n" at a line start */
static long long
hashline(const char *t, size_t n)
{
	const char *s = t, *e = t + n;

	while ((s = memchr(s, '\n', (size_t)(e - s))) != NULL) {
		s++;
		if (e - s >= 25 && memcmp(s, "fnv1a64 ", 8) == 0)
			return s - t;
	}
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
		    (nl = memchr(*s, '\n', (size_t)(end - *s))) == NULL ||
		    !zidx_isrecord(*s, (size_t)(nl - *s)))
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
 * head: parse and check the head t[0..n) of an index (versions 1 and 2:
 * the whole index), ending with its hash line, which becomes a string.
 * x->tablelen: the bytes of the key table after it that the head implies.
 */
static int
head(struct zidx *x, char *t, size_t n, long long zsize, long long *tablelen)
{
	char *p = t, *nl, *sum;
	long long v[9], ver, nb, coff = 0, uoff = 0, nk = 0, nbkt = 0, tl = 0;
	long long nr = 0;
	long long c, ksum = 0;
	uint64_t h;
	size_t i;
	int k;
	char sep, want[32];

	if (n < 26 || t[n - 1] != '\n')
		return -1;
	t[n - 1] = '\0';
	sum = t + n - 25;	/* "fnv1a64 " + 16 hex digits */
	if (sum[-1] != '\n')
		return -1;
	h = zidx_hash(ZIDX_HASH0, t, (size_t)(sum - t));
	snprintf(want, sizeof(want), "fnv1a64 %016" PRIx64, h);
	if (strcmp(sum, want) != 0 || strncmp(p, "ctzip-index ", 12) != 0)
		return -1;
	p += 12;
	if (num(&p, &ver) < 0 || ver < 1 || ver > ZIDX_VERSION ||
	    num(&p, &x->srcsize) < 0 || num(&p, &x->zsize) < 0 ||
	    num(&p, &nb) < 0 || nb < 0 || nb > (long long)(n / 10) ||
	    x->zsize != zsize || x->srcsize < 0 || x->zsize < 0)
		return -1;
	x->version = (int)ver;
	x->lsec = -1;
	if (ver == 1 ? p[-1] != '\n' : p[-1] != ' ' ||
	    num(&p, &x->lsec) < 0 || x->lsec < 0 ||
	    x->lsec > 1000000000LL)
		return -1;
	if (ver == 2 && p[-1] != '\n')
		return -1;
	if (ver >= 3 && (p[-1] != ' ' || num(&p, &nk) < 0 || p[-1] != ' ' ||
	    num(&p, &nbkt) < 0 || nk < 0 ||
	    nk > (1LL << 40) || nbkt < 1 || nbkt > ZIDX_NBKTMAX ||
	    (nbkt & (nbkt - 1)) != 0 || nbkt > (long long)(n / 2)))
		return -1;
	if (ver == 3 && p[-1] != '\n')
		return -1;
	if (ver == 4 && (p[-1] != ' ' || num(&p, &nr) < 0 ||
	    p[-1] != '\n' || nr < 0 || nr > (long long)(n / 4)))
		return -1;
	sep = ver == 2 ? ' ' : '\n';	/* after the times */
	x->n = (size_t)nb;
	if ((x->b = calloc(x->n + 1, sizeof(*x->b))) == NULL)
		return -1;
	for (i = 0; i < x->n; i++) {
		struct zblock *b = &x->b[i];

		if ((nl = strchr(p, '\n')) == NULL || nl > sum)
			return -1;
		for (k = 0; k < 5; k++)
			if (num(&p, &v[k]) < 0 || p[-1] != ' ')
				return -1;
		b->coff = v[0], b->clen = v[1], b->uoff = v[2];
		b->ulen = v[3], b->lines = v[4];
		if (strncmp(p - 1, " - - - -", 8) == 0 && p[7] == sep) {
			p += 8;
		} else {
			for (k = 5; k < 9; k++)
				if (num(&p, &v[k]) < 0 ||
				    p[-1] != (k < 8 ? ' ' : sep) ||
				    v[k] < -ZIDX_TIMEMAX || v[k] > ZIDX_TIMEMAX)
					return -1;
			b->hastime = 1;
			b->tfirst = v[5], b->tlast = v[6];
			b->tmin = v[7], b->tmax = v[8];
			if (b->tmin > b->tmax)
				return -1;
		}
		if (ver == 2 && keys(b, &p, nl) < 0)
			return -1;
		/*
		 * each length within what the totals leave (coff <= ZSIZE,
		 * uoff <= SRCSIZE here): the sums cannot overflow
		 */
		if (p != nl + 1 || b->coff != coff || b->uoff != uoff ||
		    b->clen <= 0 || b->clen > x->zsize - coff ||
		    b->ulen < 0 || b->ulen > x->srcsize - uoff ||
		    b->lines < 0 || b->lines > b->ulen)
			return -1;
		coff += b->clen;
		uoff += b->ulen;
	}
	if (ver == 4 && records(x, &p, sum, nr) < 0)
		return -1;
	if (ver >= 3) {
		long long ew = fw(shiftof((size_t)nbkt)) + bw(x->n);

		x->nkeys = (size_t)nk;
		x->nbkt = (size_t)nbkt;
		if ((x->count = calloc(x->nbkt, sizeof(*x->count))) == NULL)
			return -1;
		for (i = 0; i < x->nbkt; i++) {
			if (p >= sum || num(&p, &c) < 0 || c < 0 ||
			    c > ZIDX_BUCKETMAX ||
			    p[-1] != (i + 1 < x->nbkt ? ' ' : '\n') ||
			    c > nk - ksum)
				return -1;
			x->count[i] = (size_t)c;
			ksum += c;
			tl += 17 + c * ew;	/* the bucket's line */
		}
		if (ksum != nk)
			return -1;
	}
	x->headlen = (long long)n;
	*tablelen = tl;
	return p == sum && coff == x->zsize && uoff == x->srcsize ? 0 : -1;
}

int
zidx_parse(struct zidx *x, char *t, size_t n, long long zsize)
{
	long long hl, tl;

	memset(x, 0, sizeof(*x));
	x->fd = -1;
	if (n >= 14 && (memcmp(t, "ctzip-index 3 ", 14) == 0 ||
	    memcmp(t, "ctzip-index 4 ", 14) == 0))
		hl = hashline(t, n);
	else
		hl = (long long)n - 25;	/* versions 1 and 2: the last line */
	if (hl < 0 || head(x, t, (size_t)hl + 25, zsize, &tl) < 0 ||
	    (long long)n - x->headlen != tl) {
		zidx_free(x);
		return -1;
	}
	x->table = t + x->headlen;
	return 0;
}

int
zidx_load(struct zidx *x, const char *path, long long zsize)
{
	struct stat st;
	char *t = NULL, *q;
	size_t n = 0, cap = 0;
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
		if ((k = read(fd, t + n, cap - n)) < 0) {
			if (errno == EINTR)
				continue;
			goto bad;
		}
		n += (size_t)k;
		if (n >= 14 && !v3 && (strncmp(t, "ctzip-index 3 ", 14) == 0 ||
		    strncmp(t, "ctzip-index 4 ", 14) == 0))
			v3 = 1;	/* a head, then the key table */
		if (k == 0 || (v3 && (hl = hashline(t, n)) >= 0))
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

int
zidx_key(struct zidx *x, uint32_t fp)
{
	char *own = NULL;
	const char *s;
	long long off = x->headlen, len;
	size_t j, i, c;
	int w = bw(x->n), shift = shiftof(x->nbkt), r = -1, d = fw(shift);
	uint64_t h, e, last = 0, blk, f, low;

	if (x->version < 3)
		return 0;
	free(x->kblk);
	x->kblk = NULL;
	x->nkblk = 0;
	x->haskey = 0;
	j = bucketof(fp, shift);
	for (i = 0; i < j; i++)
		off += 17 + (long long)x->count[i] * (d + w);
	c = x->count[j];
	len = 17 + (long long)c * (d + w);
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
	    (x->kblk = malloc((c + 1) * sizeof(*x->kblk))) == NULL)
		goto out;
	low = shift >= 32 ? 0xffffffff : ((uint64_t)1 << shift) - 1;
	for (i = 0, s += 16; i < c; i++, s += d + w) {
		if (hexn(s, d, &e) < 0 || hexn(s + d, w, &blk) < 0 ||
		    blk >= x->n)
			goto out;
		/* the bucket's bits, then the written ones, which agree */
		f = (shift >= 32 ? 0 : (uint64_t)j << shift) | (e & low);
		if ((f & (((uint64_t)1 << (4 * d)) - 1)) != e)
			goto out;
		e = f << 32 | blk;
		if (i > 0 && e <= last)
			goto out;	/* not ascending */
		last = e;
		if ((uint32_t)f == fp)
			x->kblk[x->nkblk++] = (uint32_t)blk;
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
	if (x->fd >= 0)
		close(x->fd);
	x->b = NULL;
	x->rec = NULL;
	x->nrec = 0;
	x->text = NULL;
	x->count = NULL;
	x->kblk = NULL;
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

int
zidx_has(const struct zidx *x, size_t i, uint32_t fp)
{
	const struct zblock *b = &x->b[i];
	size_t lo = 0, hi, mid;
	uint64_t v;

	if (x->version >= 3) {	/* the blocks of the key looked up */
		if (!x->haskey || x->kfp != fp)
			return 1;	/* not looked up: read the block */
		for (hi = x->nkblk; lo < hi; ) {
			mid = lo + (hi - lo) / 2;
			if (x->kblk[mid] == i)
				return 1;
			if (x->kblk[mid] < i)
				lo = mid + 1;
			else
				hi = mid;
		}
		return 0;
	}
	for (hi = b->nfp; lo < hi; ) {	/* version 2: the block's filter */
		mid = lo + (hi - lo) / 2;
		if (hexn(b->keys + 8 * mid, 8, &v) < 0)
			return 1;	/* not a fingerprint: read the block */
		if (v == fp)
			return 1;
		if (v < fp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/*
 * zidx_select with a key (cttime -n, ctcat -n), index version 2 or
 * later (the key table), L = LONG seconds.
 * Blocks before zidx_first(start) are skipped as without a key.  Of the
 * others, a block is read when
 *   - it has no time (it cannot matter, but costs nothing), or
 *   - it is "near": TMAX >= T-w - L and TMIN <= T+w + L, or
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
 *     it in the start's block, so that cannot happen.
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
 */
size_t
zidx_select(const struct zidx *x, struct zquery *q, unsigned char *sel)
{
	size_t i, first, cut = x->n, n = 0;
	long long l;
	int64_t nlo, nhi;
	const struct zblock *b;

	first = zidx_first(x, q->start);
	if (first == x->n && x->n > 0)
		first = x->n - 1;	/* none after: the last, as a bisection */
	l = x->lsec < 0 ? 0 : x->lsec;
	nlo = q->lo - l * 1000000;
	nhi = q->hi + l * 1000000;
	if (q->hasend)
		for (cut = 0; cut < x->n; cut++)
			if (x->b[cut].hastime && x->b[cut].tmin > q->end)
				break;
	q->first = first;
	q->cut = cut;
	for (i = 0; i < x->n; i++) {
		b = &x->b[i];
		sel[i] = i >= first && i < cut && (!q->haskey || x->lsec < 0 ||
		    !b->hastime || (b->tmax >= nlo && b->tmin <= nhi) ||
		    zidx_has(x, i, q->fp));
		n += sel[i];
	}
	return n;
}
