/* cover.c - see cover.h */
#include <stdlib.h>
#include <string.h>

#include "cover.h"
#include "err.h"
#include "tm.h"

#define MAXGAPS 64		/* pieces of one interval worked on at once */

static void *
grow(void *p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return p;
	*cap = *cap ? *cap * 2 : 16;
	return xreallocarray(p, *cap, size);
}

void
cover_init(struct cover *c, int64_t skew)
{
	memset(c, 0, sizeof(*c));
	c->skew = skew;
}

void
cover_free(struct cover *c)
{
	free(c->v);
	free(c->b);
	free(c->snap);
	free(c->beg);
	free(c->end);
	memset(c, 0, sizeof(*c));
}

static void
vouch(struct cover *c, int64_t from, int64_t to)
{
	if (from > to)
		from = to;
	/* a run's records share from: extend its interval */
	if (c->nv > 0 && c->v[c->nv - 1].from == from) {
		if (to > c->v[c->nv - 1].to)
			c->v[c->nv - 1].to = to;
		return;
	}
	c->v = grow(c->v, &c->vcap, c->nv, sizeof(*c->v));
	c->v[c->nv].from = from;
	c->v[c->nv++].to = to;
}

static void
brk(struct cover *c, int64_t from, int64_t to, enum cwhy why, int64_t at,
    long long n)
{
	c->b = grow(c->b, &c->bcap, c->nb, sizeof(*c->b));
	c->b[c->nb].from = from;
	c->b[c->nb].to = to;
	c->b[c->nb].why = why;
	c->b[c->nb].at = at;
	c->b[c->nb++].n = n;
}

static void
push(int64_t **a, size_t *n, size_t *cap, int64_t t)
{
	*a = grow(*a, cap, *n, sizeof(**a));
	(*a)[(*n)++] = t;
}

/* a time field, or *t unchanged and -1 when empty or bad */
static int
timefield(struct span s, int64_t *t)
{
	return s.n > 0 ? tm_parse(s.p, s.n, t) : -1;
}

static long long
number(struct span s)
{
	long long v = 0;
	size_t i;

	if (s.n == 0 || s.n > 18)
		return -1;
	for (i = 0; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		v = v * 10 + (s.p[i] - '0');
	}
	return v;
}

/* seen: a line at t; it ends a break that waits for the next line */
static void
seen(struct cover *c, int64_t t)
{
	if (c->open) {
		c->open = 0;
		if (t > c->b[c->nb - 1].from)
			c->b[c->nb - 1].to = t;
	}
	if (!c->seen || t < c->first)
		c->first = t;
	if (!c->seen || t > c->last)
		c->last = t;
	c->seen = 1;
}

int
cover_record(struct cover *c, enum csvevent ev, int64_t t,
    const struct span *f)
{
	int64_t from = t, to, at;
	enum cwhy why;
	int bad = 0;

	seen(c, t);
	switch (ev) {
	case EV_BEGIN:
		c->recorded = 1;
		push(&c->beg, &c->nbeg, &c->begcap, t);
		vouch(c, t, t);
		break;
	case EV_ALIVE:
	case EV_END:
	case EV_SNAPSHOT:
		c->recorded = 1;
		if (timefield(f[F_FROM], &from) < 0 || from > t) {
			/* vouches for nothing but its instant */
			from = t;
			bad = 1;
		}
		vouch(c, from, t);
		if (ev == EV_END)
			push(&c->end, &c->nend, &c->endcap, t);
		if (ev == EV_SNAPSHOT)
			push(&c->snap, &c->nsnap, &c->scap, t);
		break;
	case EV_RESTART:
		if (timefield(f[F_FROM], &from) < 0 || from > t) {
			from = t - c->skew;	/* unknown: as a loss */
			bad = 1;
		}
		brk(c, from, t, CW_RESTART, t, -1);
		break;
	case EV_LOST:	/* ctparse's own drops say where they began */
		if (timefield(f[F_FROM], &from) < 0 || from > t)
			from = t - c->skew;
		brk(c, from, t, CW_LOST, t, number(f[F_ID]));
		break;
	case EV_NOLOG:
	case EV_UNREAD:
		why = ev == EV_UNREAD ? CW_UNREAD : CW_NOLOG;
		at = t;
		/* a nolog's from: the first day retention kept */
		if (ev == EV_NOLOG && timefield(f[F_FROM], &from) == 0) {
			why = CW_RETAIN;
			at = from;
		}
		if (timefield(f[F_TO], &to) == 0 && to > t)
			brk(c, t, to, why, at, -1);
		else {	/* up to the next line */
			brk(c, t, INT64_MAX, why, at, -1);
			c->open = 1;
		}
		break;
	case EV_EOF:
		brk(c, t, INT64_MAX, CW_EOF, t, -1);
		break;
	default:
		return -1;
	}
	return bad ? -1 : 0;
}

void
cover_line(struct cover *c, int64_t t)
{
	seen(c, t);
}

int64_t
cover_vouched(const struct cover *c)
{
	int64_t m = INT64_MIN;
	size_t i;

	for (i = 0; i < c->nv; i++)
		if (c->v[i].to > m)
			m = c->v[i].to;
	return m;
}

int64_t
cover_snapshot(const struct cover *c, int64_t t)
{
	int64_t s = INT64_MIN;
	size_t i;

	for (i = 0; i < c->nsnap; i++)
		if (c->snap[i] <= t && c->snap[i] > s)
			s = c->snap[i];
	return s;
}

static int
cmpspan(const void *a, const void *b)
{
	const struct cspan *x = a, *y = b;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return (x->to > y->to) - (x->to < y->to);
}

static int
cmpgap(const void *a, const void *b)
{
	const struct cgap *x = a, *y = b;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return (x->to > y->to) - (x->to < y->to);
}

static int
has(const int64_t *a, size_t n, int64_t t)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] == t)
			return 1;
	return 0;
}

/* put: a gap into g[*k] if room; counts it either way */
static void
put(struct cgap *g, size_t max, size_t *k, int64_t from, int64_t to,
    enum cwhy why, int64_t at, long long n)
{
	if (from >= to)		/* an instant is no gap */
		return;
	if (*k < max) {
		g[*k].from = from;
		g[*k].to = to;
		g[*k].why = why;
		g[*k].at = at;
		g[*k].n = n;
	}
	++*k;
}

/*
 * unvouched: the parts of [lo, hi] that no record vouches for, less the
 * breaks (which name their own reason), each with the reason its
 * neighbours give
 */
static void
unvouched(const struct cover *c, const struct cspan *v, size_t nv,
    int64_t lo, int64_t hi, struct cgap *g, size_t max, size_t *k)
{
	struct cspan piece[MAXGAPS];
	size_t np = 0, i, j;
	int64_t at = lo, a, b;
	enum cwhy why;

	/*
	 * [lo, hi] less the vouched spans (sorted, maybe overlapping).  A
	 * piece shares its ends with the spans around it: the instants
	 * named are those of the records.
	 */
	for (i = 0; i <= nv && at < hi; i++) {
		a = at;
		b = i < nv ? v[i].from : hi;
		if (b > hi)
			b = hi;
		if (a < b && np < MAXGAPS) {
			piece[np].from = a;
			piece[np++].to = b;
		}
		if (i < nv && v[i].to > at)
			at = v[i].to;
	}
	for (i = 0; i < np; i++) {
		const struct cspan *prev = NULL, *next = NULL;

		for (j = 0; j < nv; j++) {
			if (v[j].to <= piece[i].from &&
			    (prev == NULL || v[j].to > prev->to))
				prev = &v[j];
			if (v[j].from >= piece[i].to &&
			    (next == NULL || v[j].from < next->from))
				next = &v[j];
		}
		if (prev != NULL && has(c->end, c->nend, prev->to)) {
			why = CW_END;
			at = prev->to;
		} else if (next != NULL && has(c->beg, c->nbeg, next->from)) {
			why = CW_BEGIN;
			at = next->from;
		} else if (prev == NULL && next != NULL) {
			why = CW_BEFORE;
			at = next->from;
		} else if (prev != NULL && next == NULL) {
			why = CW_AFTER;
			at = prev->to;
		} else {
			why = CW_NONE;
			at = INT64_MIN;
		}
		/* less the breaks: they say it better */
		a = piece[i].from;
		for (j = 0; j < c->nb && a <= piece[i].to; j++) {
			if (c->b[j].to <= a || c->b[j].from >= piece[i].to)
				continue;
			if (c->b[j].from > a)
				put(g, max, k, a, c->b[j].from, why, at, -1);
			if (c->b[j].to > a)
				a = c->b[j].to;
		}
		if (a < piece[i].to)
			put(g, max, k, a, piece[i].to, why, at, -1);
	}
}

size_t
cover_gaps(const struct cover *c, int64_t lo, int64_t hi, struct cgap *g,
    size_t max)
{
	struct cspan *v = NULL;
	struct cover s = *c;	/* breaks sorted, in a copy */
	size_t k = 0, i, n;

	if (lo > hi)
		return 0;
	s.b = NULL;
	if (c->nb > 0) {
		s.b = xreallocarray(NULL, c->nb, sizeof(*s.b));
		memcpy(s.b, c->b, c->nb * sizeof(*s.b));
		qsort(s.b, c->nb, sizeof(*s.b), cmpgap);
	}
	for (i = 0; i < c->nb; i++)
		if (s.b[i].to >= lo && s.b[i].from <= hi)
			put(g, max, &k, s.b[i].from < lo ? lo : s.b[i].from,
			    s.b[i].to > hi ? hi : s.b[i].to, s.b[i].why,
			    s.b[i].at, s.b[i].n);
	if (c->recorded) {
		if (c->nv > 0) {
			v = xreallocarray(NULL, c->nv, sizeof(*v));
			memcpy(v, c->v, c->nv * sizeof(*v));
			qsort(v, c->nv, sizeof(*v), cmpspan);
		}
		unvouched(&s, v, c->nv, lo, hi, g, max, &k);
		free(v);
	}
	free(s.b);
	n = k < max ? k : max;
	qsort(g, n, sizeof(*g), cmpgap);
	return k;
}

const char *
cover_why(enum cwhy w)
{
	static const char *const name[] = {
		[CW_NONE] = "unvouched", [CW_BEFORE] = "before",
		[CW_BEGIN] = "begin", [CW_END] = "end", [CW_AFTER] = "after",
		[CW_RESTART] = "restart", [CW_LOST] = "lost",
		[CW_NOLOG] = "nolog", [CW_UNREAD] = "unread", [CW_EOF] = "eof",
		[CW_RETAIN] = "retention",
	};

	return w <= CW_RETAIN ? name[w] : "?";
}
