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
	int snap;		/* seen in an open record of another block */
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

void
zmark_line(struct zmark *m, const char *line, size_t n, int64_t t,
    uint32_t blk)
{
	struct span l = { line, n }, f[F_NFIELDS];
	struct zopen z;
	uint32_t i, fp, sblk;
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
	if (start == 2 && i != 0) {
		/*
		 * A snapshot's view of a flow already open.  In another block
		 * than its start, a reader that reads that block alone takes
		 * the record for the start: the flow counts as long (both
		 * marked, and its stop's block when it stops).
		 */
		if (m->o[i].blk != blk) {
			mark(m, m->o[i].blk, fp);
			mark(m, blk, fp);
			m->o[i].snap = 1;
		}
		return;
	}
	if (start) {		/* a start, or an open record that starts */
		if (i != 0) {	/* ends an open flow: its stop was lost */
			mark(m, m->o[i].blk, fp);
			mark(m, blk, fp);
			drop(m, i);
		}
		memset(&z, 0, sizeof(z));
		z.h = h;
		z.line = line;
		z.n = n;
		z.t0 = t;
		z.fp = fp;
		z.blk = blk;
		add(m, &z);
		return;
	}
	if (i == 0) {		/* began in an earlier file */
		mark(m, blk, fp);
		return;
	}
	sblk = m->o[i].blk;
	if (t - m->o[i].t0 > m->lusec || m->o[i].snap) {
		mark(m, sblk, fp);
		mark(m, blk, fp);
		drop(m, i);
		return;
	}
	drop(m, i);
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

	for (i = 1; i < m->no; i++)
		if (m->o[i].line != NULL)	/* no stop in the file */
			mark(m, m->o[i].blk, m->o[i].fp);
	v = xcalloc(m->nset + 1, sizeof(*v));
	for (j = 0; j < m->setcap; j++)
		if (m->set[j] != 0)
			v[k++] = m->set[j];
	qsort(v, k, sizeof(*v), cmp64);
	free(m->o);
	free(m->bykey);
	free(m->bynat);
	free(m->set);
	memset(m, 0, sizeof(*m));
	*n = k;
	return v;
}
