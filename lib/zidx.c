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
	size_t i;

	if ((b.p = malloc(b.cap)) == NULL)
		return NULL;
	bprintf(&b, "ctzip-index %d %lld %lld %zu\n", ZIDX_VERSION,
	    x->srcsize, x->zsize, x->n);
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

static int
parse(struct zidx *x, char *t, size_t n, long long zsize)
{
	char *p = t, *nl, *sum;
	long long v[9], ver, nb, coff = 0, uoff = 0;
	uint64_t h;
	size_t i;
	int k;

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
	if (num(&p, &ver) < 0 || ver != ZIDX_VERSION ||
	    num(&p, &x->srcsize) < 0 || num(&p, &x->zsize) < 0 ||
	    num(&p, &nb) < 0 || p[-1] != '\n' || nb < 0 ||
	    nb > (long long)(n / 10) || x->zsize != zsize)
		return -1;
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
		if (strncmp(p - 1, " - - - -\n", 9) == 0) {
			p += 8;
		} else {
			for (k = 5; k < 9; k++)
				if (num(&p, &v[k]) < 0 ||
				    (k < 8) != (p[-1] == ' '))
					return -1;
			b->hastime = 1;
			b->tfirst = v[5], b->tlast = v[6];
			b->tmin = v[7], b->tmax = v[8];
			if (b->tmin > b->tmax)
				return -1;
		}
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
	if (!ferror(f))
		r = zidx_parse(x, t, n, zsize);
out:
	fclose(f);
	free(t);
	return r;
}

void
zidx_free(struct zidx *x)
{
	free(x->b);
	x->b = NULL;
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
