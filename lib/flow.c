/* flow.c - see flow.h */
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "err.h"
#include "flow.h"
#include "tm.h"

#define NBUCKET0 1024		/* grows with the open flows */

/* the key fields, in the order they are joined */
static const int keyf[] = {
	F_ID, F_PROTO, F_SRC, F_SPORT, F_DST, F_DPORT, F_NAT, F_NATPORT
};
#define NKEYF (sizeof(keyf) / sizeof(keyf[0]))


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
	ft->nbucket = NBUCKET0;
	ft->bucket = xmalloc(ft->nbucket * sizeof(ft->bucket[0]));
	memset(ft->bucket, 0, ft->nbucket * sizeof(ft->bucket[0]));
}

/* keyof: the key of a line into b (room for the whole line), FNV-1a hash */
static size_t
keyof(const struct span *f, char *b, uint64_t *h)
{
	size_t i, j, n = 0;

	*h = 14695981039346656037ULL;
	for (i = 0; i < NKEYF; i++) {
		if (i > 0)
			b[n++] = ';';
		memcpy(b + n, f[keyf[i]].p, f[keyf[i]].n);
		n += f[keyf[i]].n;
	}
	for (j = 0; j < n; j++)
		*h = (*h ^ (unsigned char)b[j]) * 1099511628211ULL;
	return n;
}

static struct flow **
slot(struct flowtab *ft, uint64_t h)
{
	return &ft->bucket[h & (ft->nbucket - 1)];
}

/* find: the open flow with key k, unlinked from its chain if unlink */
static struct flow *
find(struct flowtab *ft, const char *k, size_t kn, uint64_t h, int unlink)
{
	struct flow **pp, *fl;

	for (pp = slot(ft, h); (fl = *pp) != NULL; pp = &fl->hnext)
		if (fl->hash == h && fl->keyn == kn &&
		    memcmp(fl->key, k, kn) == 0) {
			if (unlink) {
				*pp = fl->hnext;
				fl->hnext = NULL;
				if (fl->flags & FL_SNAPEND)	/* not open */
					fl->flags &= ~FL_SNAPEND;
				else
					ft->nopen--;
			}
			return fl;
		}
	return NULL;
}

static void
grow(struct flowtab *ft)
{
	struct flow **old = ft->bucket, *fl, *nx;
	size_t i, on = ft->nbucket;

	ft->nbucket *= 2;
	ft->bucket = xmalloc(ft->nbucket * sizeof(ft->bucket[0]));
	memset(ft->bucket, 0, ft->nbucket * sizeof(ft->bucket[0]));
	for (i = 0; i < on; i++)
		for (fl = old[i]; fl != NULL; fl = nx) {
			nx = fl->hnext;
			fl->hnext = *slot(ft, fl->hash);
			*slot(ft, fl->hash) = fl;
		}
	free(old);
}

/* add: a new flow at the end of the list; open (hashed) if open */
static struct flow *
add(struct flowtab *ft, const char *k, size_t kn, uint64_t h, int open)
{
	struct flow *fl = xmalloc(sizeof(*fl));

	memset(fl, 0, sizeof(*fl));
	fl->hash = h;
	fl->key = xmalloc(kn);
	memcpy(fl->key, k, kn);
	fl->keyn = kn;
	fl->seq = ft->seq++;
	fl->tag = ft->tag;
	fl->prev = ft->tail;
	if (ft->tail != NULL)
		ft->tail->next = fl;
	else
		ft->head = fl;
	ft->tail = fl;
	if (open) {
		if (ft->nopen >= ft->nbucket)
			grow(ft);
		fl->hnext = *slot(ft, h);
		*slot(ft, h) = fl;
		ft->nopen++;
	}
	return fl;
}

struct flow *
flow_start(struct flowtab *ft, const struct span *f, struct span line,
    int64_t t, int keep)
{
	char *k = xmalloc(line.n);
	size_t kn;
	uint64_t h;
	struct flow *old, *fl;

	kn = keyof(f, k, &h);
	if ((old = find(ft, k, kn, h, 0)) != NULL && old->flags & FL_OPEN &&
	    !(old->flags & FL_ENDED) &&
	    !(old->flags & FL_START && !(old->flags & FL_KSTART)) &&
	    t - old->topen <= FLOW_MERGE && old->topen - t <= FLOW_MERGE) {
		/* the start of a flow a snapshot listed: the same flow */
		old->t0 = t;
		old->flags = (old->flags | FL_START) & ~(FL_OPEN | FL_KSTART);
		free(old->l0);
		old->l0 = dup(line);
		old->n0 = line.n;
		free(k);
		return NULL;
	}
	if ((old = find(ft, k, kn, h, 1)) != NULL) {
		if (!(old->flags & FL_ENDED) || t < old->t1)
			old->t1 = t;	/* (ended by a snapshot: by then) */
		old->flags |= FL_ENDED;
	}
	if (keep) {
		fl = add(ft, k, kn, h, 1);
		fl->flags = FL_START;
		fl->t0 = t;
		fl->l0 = dup(line);
		fl->n0 = line.n;
	}
	free(k);
	return old;
}

struct flow *
flow_open(struct flowtab *ft, const struct span *f, struct span line,
    int64_t t, int keep)
{
	char *k = xmalloc(line.n);
	size_t kn;
	uint64_t h;
	struct flow *fl;
	int64_t t0;

	kn = keyof(f, k, &h);
	if ((fl = find(ft, k, kn, h, 0)) != NULL) {
		if (fl->flags & FL_SNAPEND) {	/* listed again: open */
			fl->flags &= ~(FL_SNAPEND | FL_ENDED);
			ft->nopen++;
		}
		fl->srun = ft->run;
	}
	else if (keep) {
		fl = add(ft, k, kn, h, 1);
		fl->srun = ft->run;
		fl->flags = FL_OPEN;
		fl->topen = t;
		fl->l0 = dup(line);
		fl->n0 = line.n;
		if (f[F_FROM].n > 0 && tm_parse(f[F_FROM].p, f[F_FROM].n,
		    &t0) == 0 && t0 <= t) {
			fl->t0 = t0;
			fl->flags |= FL_START | FL_KSTART;
		}
	}
	free(k);
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
	char *k = xmalloc(line.n);
	size_t kn;
	uint64_t h;
	struct flow *fl;

	kn = keyof(f, k, &h);
	if ((fl = find(ft, k, kn, h, 1)) == NULL && orphan)
		fl = add(ft, k, kn, h, 0);
	free(k);
	if (fl == NULL)
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

/* unhash: take the hashed flow fl out of its chain */
static void
unhash(struct flowtab *ft, struct flow *fl)
{
	struct flow **pp;

	for (pp = slot(ft, fl->hash); *pp != NULL; pp = &(*pp)->hnext)
		if (*pp == fl) {
			*pp = fl->hnext;
			fl->hnext = NULL;
			return;
		}
}

void
flow_snapshot(struct flowtab *ft, int64_t t, int64_t drop)
{
	struct flow *fl, *next;
	size_t i;

	/*
	 * Not listed: ended by t.  It stays hashed (FL_SNAPEND), so that
	 * its own stop line, when it comes later (the events of a dump's
	 * moments are logged after it), is still its stop and not a flow
	 * of its own.
	 */
	for (i = 0; i < ft->nbucket; i++)
		for (fl = ft->bucket[i]; fl != NULL; fl = fl->hnext)
			if (fl->srun != ft->run && !(fl->flags & FL_ENDED)) {
				fl->flags |= FL_ENDED | FL_SNAPEND;
				fl->t1 = t;
				ft->nopen--;
			}
	for (fl = ft->head; fl != NULL; fl = next) {
		next = fl->next;
		if (fl->flags & FL_ENDED && fl->t1 < drop) {
			if (fl->flags & FL_SNAPEND)
				unhash(ft, fl);
			flow_drop(ft, fl);
		}
	}
	ft->run++;
}

void
flow_drop(struct flowtab *ft, struct flow *fl)
{
	if (fl->prev != NULL)
		fl->prev->next = fl->next;
	else
		ft->head = fl->next;
	if (fl->next != NULL)
		fl->next->prev = fl->prev;
	else
		ft->tail = fl->prev;
	free(fl->key);
	free(fl->l0);
	free(fl->l1);
	free(fl);
}

void
flow_free(struct flowtab *ft)
{
	size_t i;
	struct flow *fl;

	for (i = 0; i < ft->nbucket; i++)	/* open flows: unhash first */
		while ((fl = ft->bucket[i]) != NULL)
			ft->bucket[i] = fl->hnext;
	while (ft->head != NULL)
		flow_drop(ft, ft->head);
	free(ft->bucket);
	ft->bucket = NULL;
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
