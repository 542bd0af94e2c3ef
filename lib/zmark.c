/* zmark.c - see zmark.h */
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "err.h"
#include "zidx.h"
#include "zmark.h"

#define NBKT0 4096		/* buckets to start with; grows with nopen */
#define SET0 4096		/* mark slots to start with */

/* one open flow */
struct zopen {
	uint64_t h;		/* hash of its key */
	const char *line;	/* its start line (NULL: a free entry) */
	size_t n;
	int64_t t0;		/* its start */
	uint32_t fp, blk;	/* NAT key fingerprint, start block */
	uint32_t knext, nnext;	/* chains by key, by NAT key (free list) */
	uint32_t last;		/* the last block of its lines so far */
	uint32_t ob;		/* (b): block + 1 its end goes to, or 0 */
	unsigned char snap;	/* seen in an open record of another block */
	unsigned char rec;	/* began with an open record */
};

/* a tie of (c) (zmark.h): block b's UNTIL is at least block a's */
struct ztie {
	uint32_t a, b, fp;
};

/* the key fields of flow.h, hashed in this order */
static const int keyf[] = {
	F_ID, F_PROTO, F_SRC, F_SPORT, F_DST, F_DPORT, F_NAT, F_NATPORT
};
#define NKEYF (sizeof(keyf) / sizeof(keyf[0]))


void
zmark_init(struct zmark *m, long long lsec)
{
	memset(m, 0, sizeof(*m));
	m->lusec = (int64_t)lsec * 1000000;
	m->nbkt = NBKT0;
	m->bykey = xcalloc(m->nbkt, sizeof(*m->bykey));
	m->bynat = xcalloc(m->nbkt, sizeof(*m->bynat));
	m->setcap = SET0;
	m->set = xcalloc(m->setcap, sizeof(*m->set));
	m->until = xcalloc(m->setcap, sizeof(*m->until));
	m->no = 1;	/* entry 0 means none */
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

/*
 * mix: hash p[0..n) into h, 8 bytes a step (the key of a flow is ~50
 * bytes, hashed for every start and stop: FNV's byte a step cost a
 * quarter of the pairing).  In memory only; the length ends each field.
 */
static uint64_t
mix(uint64_t h, const char *p, size_t n)
{
	const uint64_t k = 0x9e3779b97f4a7c15ULL;
	uint64_t v;
	size_t r = n;

	for (; r >= 8; p += 8, r -= 8) {
		memcpy(&v, p, 8);
		h = (h ^ v) * k;
		h ^= h >> 29;
	}
	/* the tail in a register: bytes stored one by one and loaded as a
	 * word stall the load (no store forwarding) */
	for (v = 0; r > 0; r--)
		v = v << 8 | (unsigned char)p[r - 1];
	h = (h ^ v ^ (uint64_t)n << 56) * k;
	return h ^ h >> 32;
}

static uint64_t
keyhash(const struct span *f)
{
	uint64_t h = ZIDX_HASH0;
	size_t i;

	for (i = 0; i < NKEYF; i++)
		h = mix(h, f[keyf[i]].p, f[keyf[i]].n);
	return h;
}

/* samekey: the start line of o has the key of fields f */
static int
samekey(const struct zopen *o, const struct span *f)
{
	struct span l = { o->line, o->n }, g[F_NFIELDS];
	size_t i;

	csv_split(l, g, F_NFIELDS);
	for (i = 0; i < NKEYF; i++)
		if (g[keyf[i]].n != f[keyf[i]].n || memcmp(g[keyf[i]].p,
		    f[keyf[i]].p, f[keyf[i]].n) != 0)
			return 0;
	return 1;
}

static uint32_t
find(const struct zmark *m, uint64_t h, const struct span *f)
{
	uint32_t i;

	for (i = m->bykey[h & (m->nbkt - 1)]; i != 0; i = m->o[i].knext)
		if (m->o[i].h == h && samekey(&m->o[i], f))
			return i;
	return 0;
}

/* openfrom: a flow of NAT key fp that started in block blk is open */
static int
openfrom(const struct zmark *m, uint32_t fp, uint32_t blk)
{
	uint32_t i;

	for (i = m->bynat[fp & (m->nbkt - 1)]; i != 0; i = m->o[i].nnext)
		if (m->o[i].fp == fp && m->o[i].blk == blk)
			return 1;
	return 0;
}

static void
olink(struct zmark *m, uint32_t i)
{
	uint32_t *k = &m->bykey[m->o[i].h & (m->nbkt - 1)];
	uint32_t *n = &m->bynat[m->o[i].fp & (m->nbkt - 1)];

	m->o[i].knext = *k;
	*k = i;
	m->o[i].nnext = *n;
	*n = i;
}

static void
unlink1(uint32_t *head, struct zopen *o, uint32_t i, int bykey)
{
	uint32_t *pp = head;

	while (*pp != i)
		pp = bykey ? &o[*pp].knext : &o[*pp].nnext;
	*pp = bykey ? o[i].knext : o[i].nnext;
}

/* drop: open flow i is closed */
static void
drop(struct zmark *m, uint32_t i)
{
	unlink1(&m->bykey[m->o[i].h & (m->nbkt - 1)], m->o, i, 1);
	unlink1(&m->bynat[m->o[i].fp & (m->nbkt - 1)], m->o, i, 0);
	m->o[i].line = NULL;
	m->o[i].knext = m->ofree;
	m->ofree = i;
	m->nopen--;
}

static void
grow(struct zmark *m)
{
	uint32_t i;

	free(m->bykey);
	free(m->bynat);
	m->nbkt *= 2;
	m->bykey = xcalloc(m->nbkt, sizeof(*m->bykey));
	m->bynat = xcalloc(m->nbkt, sizeof(*m->bynat));
	for (i = 1; i < m->no; i++)
		if (m->o[i].line != NULL)
			olink(m, i);
}

static void
add(struct zmark *m, const struct zopen *z)
{
	uint32_t i;

	if (m->ofree != 0) {
		i = m->ofree;
		m->ofree = m->o[i].knext;
	} else {
		if (m->no >= m->ocap) {
			struct zopen *q;

			if (m->ocap >= UINT32_MAX / 2)
				die(EXIT_TROUBLE, "too many open flows");
			m->ocap = m->ocap * 2 + 1024;
			if ((q = realloc(m->o, m->ocap * sizeof(*q))) == NULL)
				die(EXIT_TROUBLE, "out of memory:");
			m->o = q;
		}
		i = m->no++;
	}
	m->o[i] = *z;
	olink(m, i);
	if (++m->nopen > m->nbkt)
		grow(m);
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
	struct zopen z, *o;
	uint32_t i, fp, ob = 0;
	uint64_t h;
	size_t at;
	int start;

	if (!csv_fields(l, f))
		return;
	if (f[F_EVENT].n == 5 && memcmp(f[F_EVENT].p, "start", 5) == 0)
		start = 1;
	else if (f[F_EVENT].n == 4 && memcmp(f[F_EVENT].p, "stop", 4) == 0)
		start = 0;
	else if (f[F_EVENT].n == 4 && memcmp(f[F_EVENT].p, "open", 4) == 0)
		start = 2;
	else
		return;
	h = keyhash(f);
	/* nat and natport are adjacent: "nat;natport" is one span */
	fp = zidx_fp(f[F_NAT].p, (size_t)(f[F_NATPORT].p + f[F_NATPORT].n -
	    f[F_NAT].p));
	i = find(m, h, f);
	o = i != 0 ? &m->o[i] : NULL;
	if (start == 2 && o != NULL) {
		/*
		 * A snapshot's view of a flow already open.  In another block
		 * than its start, a reader that reads that block alone takes
		 * the record for the start: the flow counts as long (both
		 * marked, and its stop's block when it stops), and the
		 * record's block is tied to the blocks before it (c).
		 */
		if (o->blk != blk) {
			mark(m, o->blk, fp);
			mark(m, blk, fp);
			o->snap = 1;
			tie(m, o->last, blk, fp);
			o->last = blk;
		}
		return;
	}
	if (start) {		/* a start, or an open record that starts */
		if (o != NULL) {	/* ends an open flow: its stop was lost */
			ended(m, o, t, blk);
			if (o->snap || o->rec)	/* (b) */
				ob = o->blk + 1;
			drop(m, i);
		}
		memset(&z, 0, sizeof(z));
		z.h = h;
		z.line = line;
		z.n = n;
		z.t0 = t;
		z.fp = fp;
		z.blk = z.last = blk;
		z.ob = ob;
		z.rec = start == 2;
		add(m, &z);
		return;
	}
	if (o == NULL) {	/* began in an earlier file: (a) */
		until(m, blk, fp, INT64_MAX);
		return;
	}
	if (t - o->t0 > m->lusec || o->snap) {
		ended(m, o, t, blk);
		drop(m, i);
		return;
	}
	z = *o;
	drop(m, i);
	if (z.ob != 0)
		until(m, z.ob - 1, fp, t);
	if (z.blk != blk && (marked(m, markof(z.blk, fp), &at) ||
	    openfrom(m, fp, z.blk))) {
		mark(m, blk, fp);	/* closure */
		tie(m, z.blk, blk, fp);
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

	for (i = 1; i < m->no; i++) {
		o = &m->o[i];
		if (o->line != NULL) {	/* no stop in the file */
			until(m, o->blk, o->fp, INT64_MAX);
			if (o->ob != 0)
				until(m, o->ob - 1, o->fp, INT64_MAX);
		}
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
	free(m->o);
	free(m->bykey);
	free(m->bynat);
	free(m->set);
	free(m->until);
	free(m->tie);
	memset(m, 0, sizeof(*m));
	*n = k;
	return v;
}
