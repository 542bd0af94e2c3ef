/* pair.c - see pair.h */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "pair.h"

#define NBKT0 1024		/* buckets to start with; grows with nopen */

static struct pairent *
ent(const struct pairtab *pt, uint32_t i)
{
	return (struct pairent *)(void *)(pt->e + (size_t)i * pt->stride);
}

static uint32_t *
bucket(const struct pairtab *pt, uint64_t h)
{
	return &pt->bkt[h & (pt->nbkt - 1)];
}

void
pair_init(struct pairtab *pt, size_t datasize)
{
	memset(pt, 0, sizeof(*pt));
	pt->stride = PAIR_HDR + ((datasize + 7) & ~(size_t)7);
	pt->nbkt = NBKT0;
	pt->bkt = xcalloc(pt->nbkt, sizeof(*pt->bkt));
	pt->n = 1;		/* entry 0 means none */
}

void
pair_free(struct pairtab *pt)
{
	free(pt->e);
	free(pt->bkt);
	memset(pt, 0, sizeof(*pt));
}

uint32_t
pair_find(const struct pairtab *pt, const struct pairkey *k)
{
	uint32_t i;
	const struct pairent *e;

	for (i = *bucket(pt, k->h); i != 0; i = e->next) {
		e = ent(pt, i);
		if (e->h == k->h && e->n == k->n &&
		    memcmp(e->p, k->p, k->n) == 0)
			return i;
	}
	return 0;
}

/* unchain: take open flow i out of its chain (it stays allocated) */
static void
unchain(struct pairtab *pt, uint32_t i)
{
	uint32_t *pp = bucket(pt, ent(pt, i)->h);

	while (*pp != i)
		pp = &ent(pt, *pp)->next;
	*pp = ent(pt, i)->next;
	pt->nopen--;
}

/* release: entry i, out of its chain, is free for the next flow opened */
static void
release(struct pairtab *pt, uint32_t i)
{
	struct pairent *e = ent(pt, i);

	e->p = NULL;
	e->next = pt->free;
	pt->free = i;
}

static void
grow(struct pairtab *pt)
{
	uint32_t i, *b;
	struct pairent *e;

	free(pt->bkt);
	pt->nbkt *= 2;
	pt->bkt = xcalloc(pt->nbkt, sizeof(*pt->bkt));
	for (i = 1; i < pt->n; i++)
		if ((e = ent(pt, i))->p != NULL) {
			b = bucket(pt, e->h);
			e->next = *b;
			*b = i;
		}
}

/* add: a new open flow of key k, its data zeroed */
static uint32_t
add(struct pairtab *pt, const struct pairkey *k)
{
	uint32_t i, *b;
	struct pairent *e;

	if (pt->free != 0) {
		i = pt->free;
		pt->free = ent(pt, i)->next;
	} else {
		if (pt->n >= pt->cap) {
			if (pt->cap >= UINT32_MAX / 2)
				die(EXIT_TROUBLE, "too many open flows");
			pt->cap = pt->cap * 2 + 1024;
			pt->e = xreallocarray(pt->e, pt->cap, pt->stride);
		}
		i = pt->n++;
	}
	e = ent(pt, i);
	memset(e, 0, pt->stride);
	e->h = k->h;
	e->p = k->p;
	e->n = k->n;
	b = bucket(pt, k->h);
	e->next = *b;
	*b = i;
	if (++pt->nopen > pt->nbkt)
		grow(pt);
	return i;
}

struct pairstep
pair_line(struct pairtab *pt, enum csvevent ev, const struct pairkey *k,
    int keep)
{
	struct pairstep s = { PAIR_NONE, 0, 0 };
	uint32_t i;

	if (ev != EV_START && ev != EV_OPEN && ev != EV_STOP)
		return s;
	i = pair_find(pt, k);
	if (ev == EV_STOP) {
		if (i == 0) {
			s.what = PAIR_ALONE;
			return s;
		}
		unchain(pt, i);
		release(pt, i);
		s.what = PAIR_CLOSED;
		s.cur = i;
		return s;
	}
	if (ev == EV_OPEN && i != 0) {
		s.what = PAIR_AGAIN;
		s.cur = i;
		return s;
	}
	/* a start, or an open record with no flow open: it opens one */
	s.what = PAIR_OPENED;
	if (i != 0)		/* a start: ends the open flow, stop lost */
		unchain(pt, i);
	if (keep)
		s.cur = add(pt, k);
	if (i != 0)		/* after add: its data stays readable */
		release(pt, i);
	s.ended = i;
	return s;
}

void
pair_rekey(struct pairtab *pt, uint32_t i, const char *p)
{
	ent(pt, i)->p = p;
}

void
pair_close(struct pairtab *pt, uint32_t i)
{
	unchain(pt, i);
	release(pt, i);
}

uint32_t
pair_next(const struct pairtab *pt, uint32_t i)
{
	while (++i < pt->n)
		if (ent(pt, i)->p != NULL)
			return i;
	return 0;
}
