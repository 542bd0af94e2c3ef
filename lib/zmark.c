/* zmark.c - see zmark.h */
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "err.h"
#include "pair.h"
#include "zidx.h"
#include "zmark.h"

#define SET0 4096		/* mark slots to start with */

/* an open flow's data (pair.h: the table of open flows) */
struct zopen {
	int64_t t0;		/* its start */
	uint32_t fp, blk;	/* NAT key fingerprint, start block */
	uint32_t nnext;		/* chain by NAT key */
	int snap;		/* seen in an open record of another block */
};

void
zmark_init(struct zmark *m, long long lsec)
{
	memset(m, 0, sizeof(*m));
	m->lusec = (int64_t)lsec * 1000000;
	pair_init(&m->pt, sizeof(struct zopen));
	m->nbkt = m->pt.nbkt;
	m->bynat = xcalloc(m->nbkt, sizeof(*m->bynat));
	m->setcap = SET0;
	m->set = xcalloc(m->setcap, sizeof(*m->set));
}

static struct zopen *
zo(const struct zmark *m, uint32_t i)
{
	return pair_data(&m->pt, i);
}

static size_t
slot(uint64_t v, size_t cap)
{
	return (size_t)((v * 0x9e3779b97f4a7c15ULL) >> 32) & (cap - 1);
}

/* marked: the set holds v (found: *at is its slot, else the empty one) */
static int
marked(const struct zmark *m, uint64_t v, size_t *at)
{
	size_t i;

	for (i = slot(v, m->setcap); m->set[i] != 0; i = (i + 1) &
	    (m->setcap - 1))
		if (m->set[i] == v) {
			*at = i;
			return 1;
		}
	*at = i;
	return 0;
}

static uint64_t
markof(uint32_t blk, uint32_t fp)
{
	return ((uint64_t)blk + 1) << 32 | fp;
}

static void
mark(struct zmark *m, uint32_t blk, uint32_t fp)
{
	uint64_t v = markof(blk, fp), *old;
	size_t i, at, oldcap;

	if (marked(m, v, &at))
		return;
	m->set[at] = v;
	if (++m->nset * 2 <= m->setcap)
		return;
	old = m->set;
	oldcap = m->setcap;
	m->setcap *= 2;
	m->set = xcalloc(m->setcap, sizeof(*m->set));
	for (i = 0; i < oldcap; i++)
		if (old[i] != 0) {
			marked(m, old[i], &at);
			m->set[at] = old[i];
		}
	free(old);
}

/* openfrom: a flow of NAT key fp that started in block blk is open */
static int
openfrom(const struct zmark *m, uint32_t fp, uint32_t blk)
{
	uint32_t i;

	for (i = m->bynat[fp & (m->nbkt - 1)]; i != 0; i = zo(m, i)->nnext)
		if (zo(m, i)->fp == fp && zo(m, i)->blk == blk)
			return 1;
	return 0;
}

/* natlink: open flow i on its NAT key's chain */
static void
natlink(struct zmark *m, uint32_t i)
{
	uint32_t *n = &m->bynat[zo(m, i)->fp & (m->nbkt - 1)];

	zo(m, i)->nnext = *n;
	*n = i;
}

/* natunlink: flow i, no longer open, off its NAT key's chain */
static void
natunlink(struct zmark *m, uint32_t i)
{
	uint32_t *pp = &m->bynat[zo(m, i)->fp & (m->nbkt - 1)];

	while (*pp != i)
		pp = &zo(m, *pp)->nnext;
	*pp = zo(m, i)->nnext;
}

/* natgrow: the NAT key chains grow with the open flows */
static void
natgrow(struct zmark *m)
{
	uint32_t i;

	free(m->bynat);
	m->nbkt *= 2;
	m->bynat = xcalloc(m->nbkt, sizeof(*m->bynat));
	for (i = pair_next(&m->pt, 0); i != 0; i = pair_next(&m->pt, i))
		natlink(m, i);
}

void
zmark_line(struct zmark *m, const char *line, size_t n, int64_t t,
    uint32_t blk)
{
	struct span l = { line, n }, f[F_NFIELDS];
	struct pairkey k;
	struct pairstep ps;
	struct zopen *z;
	uint32_t fp, sblk;
	size_t at;
	enum csvevent ev;

	if (!csv_fields(l, f))
		return;
	if (f[F_EVENT].n == 5 && memcmp(f[F_EVENT].p, "start", 5) == 0)
		ev = EV_START;
	else if (f[F_EVENT].n == 4 && memcmp(f[F_EVENT].p, "stop", 4) == 0)
		ev = EV_STOP;
	else if (f[F_EVENT].n == 4 && memcmp(f[F_EVENT].p, "open", 4) == 0)
		ev = EV_OPEN;
	else
		return;
	pair_key(&k, f);	/* in line: the caller keeps it mapped */
	/* nat and natport are adjacent: "nat;natport" is one span */
	fp = zidx_fp(f[F_NAT].p, (size_t)(f[F_NATPORT].p + f[F_NATPORT].n -
	    f[F_NAT].p));
	ps = pair_line(&m->pt, ev, &k, 1);
	switch (ps.what) {
	case PAIR_AGAIN:
		/*
		 * A snapshot's view of a flow already open.  In another block
		 * than its start, a reader that reads that block alone takes
		 * the record for the start: the flow counts as long (both
		 * marked, and its stop's block when it stops).
		 */
		z = zo(m, ps.cur);
		if (z->blk != blk) {
			mark(m, z->blk, fp);
			mark(m, blk, fp);
			z->snap = 1;
		}
		return;
	case PAIR_OPENED:	/* a start, or an open record that starts */
		if (ps.ended != 0) {	/* its stop was lost */
			mark(m, zo(m, ps.ended)->blk, fp);
			mark(m, blk, fp);
			natunlink(m, ps.ended);
		}
		z = zo(m, ps.cur);
		z->t0 = t;
		z->fp = fp;
		z->blk = blk;
		natlink(m, ps.cur);
		if (m->pt.nopen > m->nbkt)
			natgrow(m);
		return;
	case PAIR_ALONE:	/* began in an earlier file */
		mark(m, blk, fp);
		return;
	case PAIR_CLOSED:
		break;
	default:
		return;
	}
	z = zo(m, ps.cur);
	natunlink(m, ps.cur);
	sblk = z->blk;
	if (t - z->t0 > m->lusec || z->snap) {
		mark(m, sblk, fp);
		mark(m, blk, fp);
		return;
	}
	if (sblk != blk && (marked(m, markof(sblk, fp), &at) ||
	    openfrom(m, fp, sblk)))
		mark(m, blk, fp);	/* closure */
}

static int
cmp64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

uint64_t *
zmark_end(struct zmark *m, size_t *n)
{
	uint64_t *v;
	uint32_t i;
	size_t j, k = 0;

	for (i = pair_next(&m->pt, 0); i != 0; i = pair_next(&m->pt, i))
		mark(m, zo(m, i)->blk, zo(m, i)->fp);	/* no stop in the file */
	v = xcalloc(m->nset + 1, sizeof(*v));
	for (j = 0; j < m->setcap; j++)
		if (m->set[j] != 0)
			v[k++] = m->set[j];
	qsort(v, k, sizeof(*v), cmp64);
	pair_free(&m->pt);
	free(m->bynat);
	free(m->set);
	memset(m, 0, sizeof(*m));
	*n = k;
	return v;
}
