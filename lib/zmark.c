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
	uint32_t last;		/* the last block of its lines so far */
	uint32_t ob;		/* (b): block + 1 its end goes to, or 0 */
	unsigned char snap;	/* seen in an open record of another block */
	unsigned char rec;	/* began with an open record */
};

/* a tie of (c) (zmark.h): block b's UNTIL is at least block a's */
struct ztie {
	uint32_t a, b, fp;
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
	m->until = xcalloc(m->setcap, sizeof(*m->until));
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

/* mark: (blk, fp) is marked; its slot */
static size_t
mark(struct zmark *m, uint32_t blk, uint32_t fp)
{
	uint64_t v = markof(blk, fp), *old;
	int64_t *ou;
	size_t i, at, oldcap;

	if (marked(m, v, &at))
		return at;
	m->set[at] = v;
	m->until[at] = INT64_MIN;
	if (++m->nset * 2 <= m->setcap)
		return at;
	old = m->set;
	ou = m->until;
	oldcap = m->setcap;
	m->setcap *= 2;
	m->set = xcalloc(m->setcap, sizeof(*m->set));
	m->until = xcalloc(m->setcap, sizeof(*m->until));
	for (i = 0; i < oldcap; i++)
		if (old[i] != 0) {
			marked(m, old[i], &at);
			m->set[at] = old[i];
			m->until[at] = ou[i];
		}
	free(old);
	free(ou);
	marked(m, v, &at);
	return at;
}

/* until: (blk, fp) is marked, and matters until t at least (a, b) */
static void
until(struct zmark *m, uint32_t blk, uint32_t fp, int64_t t)
{
	size_t at = mark(m, blk, fp);

	if (m->until[at] < t)
		m->until[at] = t;
}

/* tie: (c), block b's UNTIL for fp is at least block a's */
static void
tie(struct zmark *m, uint32_t a, uint32_t b, uint32_t fp)
{
	if (a == b)
		return;
	if (m->ntie == m->tiecap) {
		struct ztie *q;

		m->tiecap = m->tiecap * 2 + 1024;
		if ((q = realloc(m->tie, m->tiecap * sizeof(*q))) == NULL)
			die(EXIT_TROUBLE, "out of memory:");
		m->tie = q;
	}
	m->tie[m->ntie].a = a;
	m->tie[m->ntie].b = b;
	m->tie[m->ntie++].fp = fp;
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

/*
 * ended: flow o, long or doubtful, ended at t by a line of block blk
 * (INT64_MAX: never): (1) and (a), its last tie (c), and (b)
 */
static void
ended(struct zmark *m, const struct zopen *o, int64_t t, uint32_t blk)
{
	until(m, o->blk, o->fp, t);
	until(m, blk, o->fp, t);
	tie(m, o->last, blk, o->fp);
	if (o->ob != 0)
		until(m, o->ob - 1, o->fp, t);
}

void
zmark_line(struct zmark *m, const char *line, size_t n, int64_t t,
    uint32_t blk)
{
	struct span l = { line, n }, f[F_NFIELDS];
	struct pairkey k;
	struct pairstep ps;
	struct zopen *z, e;
	uint32_t fp, ob = 0;
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
		 * marked, and its stop's block when it stops), and the
		 * record's block is tied to the blocks before it (c).
		 */
		z = zo(m, ps.cur);
		if (z->blk != blk) {
			mark(m, z->blk, fp);
			mark(m, blk, fp);
			z->snap = 1;
			tie(m, z->last, blk, fp);
			z->last = blk;
		}
		return;
	case PAIR_OPENED:	/* a start, or an open record that starts */
		if (ps.ended != 0) {	/* its stop was lost */
			e = *zo(m, ps.ended);
			natunlink(m, ps.ended);
			ended(m, &e, t, blk);
			if (e.snap || e.rec)	/* (b) */
				ob = e.blk + 1;
		}
		z = zo(m, ps.cur);
		z->t0 = t;
		z->fp = fp;
		z->blk = z->last = blk;
		z->ob = ob;
		z->rec = ev == EV_OPEN;
		natlink(m, ps.cur);
		if (m->pt.nopen > m->nbkt)
			natgrow(m);
		return;
	case PAIR_ALONE:	/* began in an earlier file: (a) */
		until(m, blk, fp, INT64_MAX);
		return;
	case PAIR_CLOSED:
		break;
	default:
		return;
	}
	e = *zo(m, ps.cur);
	natunlink(m, ps.cur);
	if (t - e.t0 > m->lusec || e.snap) {
		ended(m, &e, t, blk);
		return;
	}
	if (e.ob != 0)
		until(m, e.ob - 1, fp, t);
	if (e.blk != blk && (marked(m, markof(e.blk, fp), &at) ||
	    openfrom(m, fp, e.blk))) {
		mark(m, blk, fp);	/* closure */
		tie(m, e.blk, blk, fp);
	}
}

static int
cmptie(const void *a, const void *b)
{
	const struct ztie *x = a, *y = b;

	return (x->a > y->a) - (x->a < y->a);
}

static int
cmpent(const void *a, const void *b)
{
	const struct zment *x = a, *y = b;

	if (x->blk != y->blk)
		return (x->blk > y->blk) - (x->blk < y->blk);
	return (x->fp > y->fp) - (x->fp < y->fp);
}

struct zment *
zmark_end(struct zmark *m, size_t *n)
{
	struct zment *v;
	struct zopen *o;
	uint32_t i;
	size_t j, k = 0, at;

	for (i = pair_next(&m->pt, 0); i != 0; i = pair_next(&m->pt, i)) {
		o = zo(m, i);	/* no stop in the file */
		until(m, o->blk, o->fp, INT64_MAX);
		if (o->ob != 0)
			until(m, o->ob - 1, o->fp, INT64_MAX);
	}
	/*
	 * (c) in block order: every tie into block a comes from a block
	 * before a, so a's UNTIL is final when its own ties are taken
	 */
	if (m->ntie > 0)	/* (m->tie may be NULL) */
		qsort(m->tie, m->ntie, sizeof(*m->tie), cmptie);
	for (j = 0; j < m->ntie; j++)
		if (marked(m, markof(m->tie[j].a, m->tie[j].fp), &at) &&
		    m->until[at] != INT64_MIN)
			until(m, m->tie[j].b, m->tie[j].fp, m->until[at]);
	v = xcalloc(m->nset + 1, sizeof(*v));
	for (j = 0; j < m->setcap; j++)
		if (m->set[j] != 0 && m->until[j] != INT64_MIN) {
			v[k].blk = (uint32_t)((m->set[j] >> 32) - 1);
			v[k].fp = (uint32_t)m->set[j];
			v[k++].until = m->until[j];
		}
	qsort(v, k, sizeof(*v), cmpent);
	pair_free(&m->pt);
	free(m->bynat);
	free(m->set);
	free(m->until);
	free(m->tie);
	memset(m, 0, sizeof(*m));
	*n = k;
	return v;
}
