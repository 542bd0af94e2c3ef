/* flow.c - see flow.h */
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "err.h"
#include "flow.h"
#include "pair.h"
#include "tm.h"

/* flowof: the flow of entry i of the open flows */
static struct flow *
flowof(const struct flowtab *ft, uint32_t i)
{
	return *(struct flow **)pair_data(&ft->pt, i);
}

static char *
dup(struct span s)
{
	char *p = xmalloc(s.n);

	memcpy(p, s.p, s.n);
	return p;
}

void
flow_init(struct flowtab *ft)
{
	memset(ft, 0, sizeof(*ft));
	ft->run = 1;		/* srun 0: never listed */
	pair_init(&ft->pt, sizeof(struct flow *));
}

/* add: a new flow at the end of the list */
static struct flow *
add(struct flowtab *ft)
{
	struct flow *fl = xmalloc(sizeof(*fl));

	memset(fl, 0, sizeof(*fl));
	fl->seq = ft->seq++;
	fl->tag = ft->tag;
	fl->prev = ft->tail;
	if (ft->tail != NULL)
		ft->tail->next = fl;
	else
		ft->head = fl;
	ft->tail = fl;
	return fl;
}

/*
 * opened: the flow of entry i, just opened by line (key k), copies the
 * line; its key, which the table points to, is then in the copy
 */
static struct flow *
opened(struct flowtab *ft, uint32_t i, const struct pairkey *k,
    struct span line)
{
	struct flow *fl = add(ft);

	fl->pi = i;
	*(struct flow **)pair_data(&ft->pt, i) = fl;
	fl->l0 = dup(line);
	fl->n0 = line.n;
	pair_rekey(&ft->pt, i, fl->l0 + (k->p - line.p));
	ft->nopen++;
	return fl;
}

/* closed: the flow of entry i is no longer in the table */
static struct flow *
closed(struct flowtab *ft, uint32_t i)
{
	struct flow *fl = flowof(ft, i);

	fl->pi = 0;
	if (fl->flags & FL_SNAPEND)	/* was not open */
		fl->flags &= ~FL_SNAPEND;
	else
		ft->nopen--;
	return fl;
}

struct flow *
flow_start(struct flowtab *ft, const struct span *f, struct span line,
    int64_t t, int keep)
{
	struct pairkey k;
	struct pairstep ps;
	struct flow *old = NULL, *fl;
	uint32_t i;

	pair_key(&k, f);
	if ((i = pair_find(&ft->pt, &k)) != 0 &&
	    (old = flowof(ft, i))->flags & FL_OPEN &&
	    !(old->flags & FL_ENDED) &&
	    !(old->flags & FL_START && !(old->flags & FL_KSTART)) &&
	    t - old->topen <= FLOW_MERGE && old->topen - t <= FLOW_MERGE) {
		/* the start of a flow a snapshot listed: the same flow */
		old->t0 = t;
		old->flags = (old->flags | FL_START) & ~(FL_OPEN | FL_KSTART);
		free(old->l0);
		old->l0 = dup(line);
		old->n0 = line.n;
		pair_rekey(&ft->pt, i, old->l0 + (k.p - line.p));
		return NULL;
	}
	ps = pair_line(&ft->pt, EV_START, &k, keep);
	old = NULL;
	if (ps.ended != 0) {	/* its stop was lost */
		old = closed(ft, ps.ended);
		if (!(old->flags & FL_ENDED) || t < old->t1)
			old->t1 = t;	/* (ended by a snapshot: by then) */
		old->flags |= FL_ENDED;
	}
	if (ps.cur != 0) {
		fl = opened(ft, ps.cur, &k, line);
		fl->flags = FL_START;
		fl->t0 = t;
	}
	return old;
}

struct flow *
flow_open(struct flowtab *ft, const struct span *f, struct span line,
    int64_t t, int keep)
{
	struct pairkey k;
	struct pairstep ps;
	struct flow *fl = NULL;
	int64_t t0;

	pair_key(&k, f);
	ps = pair_line(&ft->pt, EV_OPEN, &k, keep);
	if (ps.what == PAIR_AGAIN) {
		fl = flowof(ft, ps.cur);
		if (fl->flags & FL_SNAPEND) {	/* listed again: open */
			fl->flags &= ~(FL_SNAPEND | FL_ENDED);
			ft->nopen++;
		}
		fl->srun = ft->run;
	} else if (ps.cur != 0) {
		fl = opened(ft, ps.cur, &k, line);
		fl->srun = ft->run;
		fl->flags = FL_OPEN;
		fl->topen = t;
		if (f[F_FROM].n > 0 && tm_parse(f[F_FROM].p, f[F_FROM].n,
		    &t0) == 0 && t0 <= t) {
			fl->t0 = t0;
			fl->flags |= FL_START | FL_KSTART;
		}
	}
	return fl;
}

/*
 * ktimes: the kernel's start and end of a stop line at t, where they
 * agree with it (flow.h)
 */
static void
ktimes(struct flow *fl, const struct span *f, int64_t t)
{
	int64_t k0, k1;
	int has0 = f[F_FROM].n > 0 && tm_parse(f[F_FROM].p, f[F_FROM].n,
	    &k0) == 0 && k0 <= t;
	int has1 = f[F_TO].n > 0 && tm_parse(f[F_TO].p, f[F_TO].n,
	    &k1) == 0 && k1 <= t && (!has0 || k1 >= k0);

	if (has0 && !(fl->flags & FL_START)) {
		fl->t0 = k0;
		fl->flags |= FL_START | FL_KSTART;
	}
	if (has1 && (!(fl->flags & FL_START) || k1 + TM_USEC > fl->t0) &&
	    k1 + TM_USEC - 1 < fl->t1)
		fl->t1 = k1 + TM_USEC - 1;	/* the end of its second */
}

struct flow *
flow_stop(struct flowtab *ft, const struct span *f, struct span line,
    int64_t t, int orphan)
{
	struct pairkey k;
	struct pairstep ps;
	struct flow *fl;

	pair_key(&k, f);
	ps = pair_line(&ft->pt, EV_STOP, &k, 0);
	if (ps.what == PAIR_CLOSED)
		fl = closed(ft, ps.cur);
	else if (orphan)
		fl = add(ft);	/* its start unknown */
	else
		return NULL;
	if (!(fl->flags & FL_ENDED) || t < fl->t1)
		fl->t1 = t;	/* (ended by a snapshot: by then) */
	fl->flags |= FL_STOP | FL_ENDED;
	fl->l1 = dup(line);
	fl->n1 = line.n;
	ktimes(fl, f, t);
	return fl;
}

void
flow_mark(struct flowtab *ft)
{
	ft->run++;
}

void
flow_snapshot(struct flowtab *ft, int64_t t, int64_t drop)
{
	struct flow *fl, *next;
	uint32_t i;

	/*
	 * Not listed: ended by t.  It stays in the table (FL_SNAPEND), so
	 * that its own stop line, when it comes later (the events of a
	 * dump's moments are logged after it), is still its stop and not a
	 * flow of its own.
	 */
	for (i = pair_next(&ft->pt, 0); i != 0; i = pair_next(&ft->pt, i)) {
		fl = flowof(ft, i);
		if (fl->srun != ft->run && !(fl->flags & FL_ENDED)) {
			fl->flags |= FL_ENDED | FL_SNAPEND;
			fl->t1 = t;
			ft->nopen--;
		}
	}
	for (fl = ft->head; fl != NULL; fl = next) {
		next = fl->next;
		if (fl->flags & FL_ENDED && fl->t1 < drop)
			flow_drop(ft, fl);
	}
	ft->run++;
}

void
flow_drop(struct flowtab *ft, struct flow *fl)
{
	if (fl->pi != 0) {	/* ended by a snapshot: still in the table */
		pair_close(&ft->pt, fl->pi);
		if (!(fl->flags & FL_SNAPEND))
			ft->nopen--;
	}
	if (fl->prev != NULL)
		fl->prev->next = fl->next;
	else
		ft->head = fl->next;
	if (fl->next != NULL)
		fl->next->prev = fl->prev;
	else
		ft->tail = fl->prev;
	free(fl->l0);
	free(fl->l1);
	free(fl);
}

void
flow_free(struct flowtab *ft)
{
	while (ft->head != NULL) {
		ft->head->pi = 0;	/* the table goes as a whole */
		flow_drop(ft, ft->head);
	}
	pair_free(&ft->pt);
}

int
flow_contains(const struct flow *fl, int64_t t)
{
	return (!(fl->flags & FL_START) || fl->t0 <= t) &&
	    (!(fl->flags & FL_ENDED) || fl->t1 >= t);
}

/*
 * How late conntrack logs a start at most, for ranking: measured 0.2 to
 * 2.2 ms after the first packet on a kernel NAT; 10 ms leaves room.
 */
#define NEWLAG (10 * 1000)	/* microseconds */

/* a flow with its rank for one instant: class, then key, then order */
struct ranked {
	struct flow *fl;
	int class;		/* 0: contains T, 1: does not */
	int64_t key;		/* class 0: -start; class 1: distance */
	long long order;	/* class 0: -seq; class 1: seq */
	int tag;		/* its table's: flows of several logs */
};

static int
cmp(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->class != y->class)
		return x->class < y->class ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return (x->tag > y->tag) - (x->tag < y->tag);
}

struct flow **
flow_rankv(struct flowtab *const *ft, size_t nft, int64_t t, size_t *n)
{
	struct ranked *r;
	struct flow *fl, **out;
	size_t i, j, k = 0;

	for (j = 0; j < nft; j++)
		for (fl = ft[j]->head; fl != NULL; fl = fl->next)
			k++;
	r = xreallocarray(NULL, k, sizeof(*r));
	for (i = 0, j = 0; j < nft; j++)
		for (fl = ft[j]->head; fl != NULL; fl = fl->next, i++) {
			r[i].fl = fl;
			r[i].tag = ft[j]->tag;
			if (flow_contains(fl, t)) {
				r[i].class = 0;
				/* unknown start: earliest (INT64_MAX last) */
				r[i].key = fl->flags & FL_START ? -fl->t0 :
				    INT64_MAX;
				r[i].order = -(long long)fl->seq;
			} else {
				r[i].class = 1;
				if (fl->flags & FL_START && fl->t0 > t) {
					/* logged late: a start up to NEWLAG
					 * after T may well have begun before */
					r[i].key = fl->t0 - t > NEWLAG ?
					    fl->t0 - t - NEWLAG : 0;
				} else
					r[i].key = t - fl->t1;
				r[i].order = (long long)fl->seq;
			}
		}
	qsort(r, k, sizeof(*r), cmp);
	out = xreallocarray(NULL, k, sizeof(*out));
	for (i = 0; i < k; i++)
		out[i] = r[i].fl;
	free(r);
	*n = k;
	return out;
}

struct flow **
flow_rank(struct flowtab *ft, int64_t t, size_t *n)
{
	return flow_rankv(&ft, 1, t, n);
}
