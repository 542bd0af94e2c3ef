/* zidx.c - see zidx.h */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zidx.h"

#define MAXIDX (64LL * 1024 * 1024)	/* an index is KiB; refuse nonsense */

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

char *
zidx_format(const struct zidx *x, size_t *len)
{
	struct buf b = { NULL, 0, 256, 0 };
	const struct zblock *k;
	size_t i, j;

	if ((b.p = malloc(b.cap)) == NULL)
		return NULL;
	bprintf(&b, "ctzip-index %d %lld %lld %zu %lld\n", ZIDX_VERSION,
	    x->srcsize, x->zsize, x->n, x->lsec);
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
		bprintf(&b, " %zu %s", k->nfp, k->nfp == 0 ? "-" : "");
		for (j = 0; j < k->nfp; j++)
			bprintf(&b, "%08" PRIx32, k->fp[j]);
		bprintf(&b, "\n");
	}
	bprintf(&b, "fnv1a64 %016" PRIx64 "\n",
	    zidx_hash(ZIDX_HASH0, b.p, b.n));
	if (b.bad) {
		free(b.p);
		return NULL;
	}
	*len = b.n;
	return b.p;
}

static int parse(struct zidx *, char *, size_t, long long);

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

int
zidx_parse(struct zidx *x, char *t, size_t n, long long zsize)
{
	int r;

	memset(x, 0, sizeof(*x));
	if ((r = parse(x, t, n, zsize)) < 0)
		zidx_free(x);
	return r;
}

/* the value + 1 of a lower-case hex digit, 0 for any other byte */
static const unsigned char hexv[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6,
	['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12,
	['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16
};

/* hex8: 8 lower-case hex digits at s, by table */
static int
hex8(const char *s, uint32_t *v)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t r = 0;
	int k, bad = 0;

	for (k = 0; k < 8; k++) {
		bad |= hexv[u[k]] == 0;
		r = r << 4 | ((uint32_t)(hexv[u[k]] - 1) & 0xf);
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

static int
parse(struct zidx *x, char *t, size_t n, long long zsize)
{
	char *p = t, *nl, *sum;
	long long v[9], ver, nb, coff = 0, uoff = 0;
	uint64_t h;
	size_t i;
	int k;
	char sep;

	/* the hash line is the last line; it covers all before it */
	if (n < 2 || t[n - 1] != '\n')
		return -1;
	t[n - 1] = '\0';
	if ((sum = strrchr(t, '\n')) == NULL)
		return -1;
	sum++;
	h = zidx_hash(ZIDX_HASH0, t, (size_t)(sum - t));
	{
		char want[32];

		snprintf(want, sizeof(want), "fnv1a64 %016" PRIx64, h);
		if (strcmp(sum, want) != 0)
			return -1;
	}
	if (strncmp(p, "ctzip-index ", 12) != 0)
		return -1;
	p += 12;
	if (num(&p, &ver) < 0 || (ver != 1 && ver != ZIDX_VERSION) ||
	    num(&p, &x->srcsize) < 0 || num(&p, &x->zsize) < 0 ||
	    num(&p, &nb) < 0 || nb < 0 || nb > (long long)(n / 10) ||
	    x->zsize != zsize)
		return -1;
	x->lsec = -1;
	if (ver == 1 ? p[-1] != '\n' : p[-1] != ' ' ||
	    num(&p, &x->lsec) < 0 || p[-1] != '\n' || x->lsec < 0 ||
	    x->lsec > 1000000000LL)
		return -1;
	sep = ver == 1 ? '\n' : ' ';	/* after the times */
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
				    p[-1] != (k < 8 ? ' ' : sep))
					return -1;
			b->hastime = 1;
			b->tfirst = v[5], b->tlast = v[6];
			b->tmin = v[7], b->tmax = v[8];
			if (b->tmin > b->tmax)
				return -1;
		}
		if (ver != 1 && keys(b, &p, nl) < 0)
			return -1;
		if (p != nl + 1 || b->coff != coff || b->uoff != uoff ||
		    b->clen <= 0 || b->ulen < 0 || b->lines < 0)
			return -1;
		coff += b->clen;
		uoff += b->ulen;
	}
	return p == sum && coff == x->zsize && uoff == x->srcsize ? 0 : -1;
}

int
zidx_load(struct zidx *x, const char *path, long long zsize)
{
	FILE *f;
	char *t = NULL;
	size_t n = 0, cap = 0, k;
	int r = -1;

	memset(x, 0, sizeof(*x));
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	do {
		if (cap - n < 4096) {
			char *q;

			cap = cap * 2 + 4096;
			if ((long long)cap > MAXIDX ||
			    (q = realloc(t, cap)) == NULL)
				goto out;
			t = q;
		}
		k = fread(t + n, 1, cap - n - 1, f);
		n += k;
	} while (k > 0);
	if (!ferror(f) && (r = zidx_parse(x, t, n, zsize)) == 0) {
		x->text = t;	/* the filters point into it */
		t = NULL;
	}
out:
	fclose(f);
	free(t);
	return r;
}

void
zidx_free(struct zidx *x)
{
	free(x->b);
	free(x->text);
	x->b = NULL;
	x->text = NULL;
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
zidx_has(const struct zblock *b, uint32_t fp)
{
	size_t lo = 0, hi = b->nfp, mid;
	uint32_t v;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (b->fp != NULL)
			v = b->fp[mid];
		else if (hex8(b->keys + 8 * mid, &v) < 0)
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
 * zidx_select with a key (cttime -n), index version 2, L = LONG seconds.
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
zidx_select(const struct zidx *x, const struct zquery *q, unsigned char *sel)
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
	for (i = 0; i < x->n; i++) {
		b = &x->b[i];
		sel[i] = i >= first && i < cut && (!q->haskey || x->lsec < 0 ||
		    !b->hastime || (b->tmax >= nlo && b->tmin <= nhi) ||
		    zidx_has(b, q->fp));
		n += sel[i];
	}
	return n;
}
