/*
 * ac.c - see ac.h.
 *
 * Aho-Corasick: the patterns make a trie (one node per distinct prefix);
 * each node's failure link is the node of its longest proper suffix that is
 * also in the trie, and out[] is the length of the longest pattern that is
 * a suffix of the node's string.  Reading the hay byte by byte from the
 * root, following a trie edge when there is one and failure links until
 * there is, the current node is always the longest suffix of what was read
 * that is a trie prefix, so every occurrence is seen at its last byte.
 * The "dfa" path resolves the failure links in advance: next[node][class]
 * is where a byte of that class leads, so each hay byte costs one lookup.
 *
 * Byte classes: the patterns of this project use few distinct bytes (the
 * CSV alphabet: digits, '.', ':', ';', hex letters), so each byte that
 * occurs in a pattern gets its own class and all the others share one;
 * a row of the table has as many entries as there are classes (~16 for
 * NAT keys) rather than 256, which keeps the table 16 times smaller and in
 * cache.  Under AC_ICASE a letter's two cases are one class.
 *
 * A table lookup per byte is ~1 GB/s at best, 4 times slower than the
 * single-pattern search of lib/bmh.h, and on the log it cannot skip: every
 * ';' starts a NAT key's first byte.  Hence the "filter" path for the case
 * that matters, a batch of NAT keys ";NATIP;PORT;": they share their first
 * bytes (";192.76.8.2" for a pool 192.76.8.20-27) in a few groups (one per
 * address family or pool); a match must start with its group's prefix, so
 * positions where three chosen bytes of some group's prefix are not all in
 * place are skipped 32 at a time, and the trie is walked from the others
 * (on the log, about one per line: the nat field; the walk leaves the
 * trie after a few port digits).  Leftmost-longest results on both paths:
 * the filter visits positions in order and walks to the longest pattern;
 * the table sees occurrences by their end, so after the first it reads on
 * until no pattern starting further left could still end (maxlen).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ac.h"
#include "acpath.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define AC_X86 1
#include <immintrin.h>
#endif

/* TRAINMAX: the density check counts on the first 256 KiB (one read) */
#define TRAINMAX (256 * 1024)

/*
 * The table: next[s * ncls + c] for node s and class c holds the target
 * node's row (its number times ncls, so that the scan needs no multiply)
 * and three flags about the move, so that neither loop needs another
 * load: AC_OUT, a pattern ends at the target (out[] > 0); AC_EDGE, the
 * move is a trie edge (the anchored walk may follow only those); AC_TERM,
 * a pattern is the target's whole string.  AC_DFAMAX keeps the table below
 * 2^24 entries, so a row number fits below the flags.
 */
#define AC_OUT 0x80000000u
#define AC_EDGE 0x40000000u
#define AC_TERM 0x20000000u
#define AC_ROW 0x1fffffffu

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* edge: the trie child of s by class c, or 0 (the root is nobody's child) */
static uint32_t
edge(const struct ac *a, uint32_t s, unsigned c)
{
	uint32_t t;

	if (s == 0)
		return a->root[c];
	if (a->next != NULL) {
		t = a->next[(size_t)s * a->ncls + c];
		return t & AC_EDGE ? (t & AC_ROW) / a->ncls : 0;
	}
	for (t = a->child[s]; t != 0; t = a->sib[t])
		if (a->lab[t] == c)
			return t;
	return 0;
}

/* delta: the automaton's move from s by class c, failure links followed */
static uint32_t
delta(const struct ac *a, uint32_t s, unsigned c)
{
	uint32_t t;

	for (;;) {
		if ((t = edge(a, s, c)) != 0 || s == 0)
			return t;
		s = a->fail[s];
	}
}

/*
 * walk: the longest pattern that starts at h[0] (h[0..n) is the rest of
 * the hay), the first i bytes being already known to lead to node s:
 * 1 and its length in *len, or 0
 */
static int
walk(const struct ac *a, const unsigned char *h, size_t n, uint32_t s,
    size_t i, size_t *len)
{
	const uint32_t *next = a->next;
	uint32_t x, row;
	int found = a->empty || a->term[s];

	*len = found ? i : 0;
	if (n > a->maxlen)
		n = a->maxlen;
	if (next != NULL) {
		for (row = s * a->ncls; i < n; i++) {
			x = next[row + a->cls[h[i]]];
			if (!(x & AC_EDGE))
				break;
			row = x & AC_ROW;
			if (x & AC_TERM) {
				found = 1;
				*len = i + 1;
			}
		}
		return found;
	}
	for (; i < n; i++) {
		if ((s = edge(a, s, a->cls[h[i]])) == 0)
			break;
		if (a->term[s]) {
			found = 1;
			*len = i + 1;
		}
	}
	return found;
}

/*
 * scan: the automaton over the hay, table or lists; after the first
 * occurrence (seen at its end), on until no occurrence starting further
 * left can end, keeping the leftmost start and there the longest
 */
static const char *
scan(const struct ac *a, const char *hay, size_t n, size_t *len)
{
	const unsigned char *h = (const unsigned char *)hay;
	const uint32_t *next = a->next;
	const unsigned ncls = a->ncls;
	size_t i, start, best = n, limit = n;
	uint32_t s = 0, x = 0;

	for (i = 0; i < limit; i++) {
		if (next != NULL) {
			x = next[x + a->cls[h[i]]];
			if (!(x & AC_OUT)) {
				x &= AC_ROW;
				continue;
			}
			x &= AC_ROW;
			s = x / ncls;
		} else if (a->out[s = delta(a, s, a->cls[h[i]])] == 0)
			continue;
		start = i + 1 - a->out[s];
		if (best == n || start < best ||
		    (start == best && a->out[s] > *len)) {
			best = start;
			*len = a->out[s];
			if (best + a->maxlen < limit)
				limit = best + a->maxlen;
		}
	}
	return best < n ? hay + best : NULL;
}

/* pass: position j passes the prefilter of some group (scalar) */
static int
pass(const struct ac *a, const unsigned char *h, size_t n, size_t j)
{
	const struct bmh *g;
	int k, x;

	for (g = a->grp; g < a->grp + a->ngroup; g++) {
		for (k = 0; k < 3; k++) {
			if (j + g->at[k] >= n)
				break;
			x = h[j + g->at[k]] | g->fold[k];
			if (x != g->byte[k])
				break;
		}
		if (k == 3)
			return 1;
	}
	return 0;
}

/*
 * hash: AC_HASHBITS bits of the k <= 8 bytes at p (lower case under
 * icase), n bytes being readable there: Fibonacci hashing, the bytes as
 * one little-endian integer times 2^64 / phi, whose top bits depend on all
 * of them.  On a little-endian CPU with 8 bytes readable, one load.
 */
static inline unsigned
hash(const struct ac *a, const unsigned char *p, size_t k, size_t n)
{
	uint64_t x = 0;
	size_t i;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (!a->icase && n >= 8) {
		memcpy(&x, p, 8);
		if (k < 8)
			x &= ((uint64_t)1 << 8 * k) - 1;
		return (unsigned)((x * 0x9e3779b97f4a7c15u) >>
		    (64 - AC_HASHBITS));
	}
#endif
	(void)n;
	for (i = 0; i < k; i++)
		x |= (uint64_t)(a->icase ? lower(p[i]) : p[i]) << 8 * i;
	return (unsigned)((x * 0x9e3779b97f4a7c15u) >> (64 - AC_HASHBITS));
}

/* same: the k bytes at h are the prefix p (lower case under icase) */
static inline int
same(const struct ac *a, const unsigned char *h, const unsigned char *p,
    size_t k)
{
	uint64_t x, y;
	size_t i = 0;

	if (a->icase) {
		for (; i < k; i++)
			if (a->cls[h[i]] != a->cls[p[i]])
				return 0;
		return 1;
	}
	if (k >= 8) {	/* words at 0, 8, ... and one ending at k */
		for (; i + 8 < k; i += 8) {
			memcpy(&x, h + i, 8);
			memcpy(&y, p + i, 8);
			if (x != y)
				return 0;
		}
		memcpy(&x, h + k - 8, 8);
		memcpy(&y, p + k - 8, 8);
		return x == y;
	}
	for (; i < k; i++)
		if (h[i] != p[i])
			return 0;
	return 1;
}

/*
 * verify: the longest pattern at h[j], for a position the prefilter let
 * through: the group whose whole prefix is there (the groups differ in
 * their first AC_PREFIXMIN bytes: one at most), the hash of the bytes
 * after it, then the trie from the prefix's node
 */
static inline __attribute__((always_inline)) int
verify(const struct ac *a, const unsigned char *h, size_t n, size_t j,
    size_t *len)
{
	size_t gl, k;
	int g;

	for (g = 0; g < a->ngroup; g++) {
		gl = a->glen[g];
		if (gl > n - j || !same(a, h + j, a->grp[g].pat, gl))
			continue;
		if (a->ghb[g] > 0) {
			if (a->ghb[g] > n - j - gl)
				return 0;
			k = hash(a, h + j + gl, a->ghb[g], n - j - gl);
			if (!(a->gbits[g][k / 64] >> (k % 64) & 1))
				return 0;
		}
		return walk(a, h + j, n - j, a->gnode[g], gl, len);
	}
	return 0;
}

/* filter: the prefilter without SIMD, and the SIMD loop's tail */
static const char *
filter(const struct ac *a, const char *hay, size_t n, size_t j, size_t *len)
{
	const unsigned char *h = (const unsigned char *)hay;

	for (; j < n; j++)
		if (pass(a, h, n, j) && verify(a, h, n, j, len))
			return hay + j;
	return NULL;
}

#ifdef AC_X86
/* eq32: the 32 bytes at p that equal v (after OR o under icase) */
__attribute__((target("avx2"))) static inline __m256i
eq32(const unsigned char *p, __m256i v, __m256i o, const int icase)
{
	__m256i x = _mm256_loadu_si256((const __m256i *)p);

	return _mm256_cmpeq_epi8(icase ? _mm256_or_si256(x, o) : x, v);
}

/*
 * avx2: 32 positions i..i+31 at once, two blocks (64) a turn; for each
 * group, its three bytes (OR-ed with the fold bits under icase) compared
 * at i+at[k], the three results ANDed, the groups ORed; a turn without a
 * candidate costs one test and one branch.  The loads reach i+63+amax, so
 * turns run while that is inside the hay; the rest goes to filter().  ng
 * and icase are constants at each call, so the compiler makes a copy
 * for each with the loop over the groups unrolled and the bytes in
 * registers.
 */
__attribute__((target("avx2"))) static inline __attribute__((always_inline))
const char *
avx2(const struct ac *a, const char *hay, size_t n, size_t *len, const int ng,
    const int icase)
{
	const unsigned char *h = (const unsigned char *)hay;
	__m256i v[AC_GROUPS][3], o[AC_GROUPS][3], x, y;
	size_t at[AC_GROUPS][3], amax = 0, i = 0, j;
	unsigned long long mask;
	int g, k;

	for (g = 0; g < ng; g++)
		for (k = 0; k < 3; k++) {
			at[g][k] = a->grp[g].at[k];
			v[g][k] = _mm256_set1_epi8((char)a->grp[g].byte[k]);
			o[g][k] = _mm256_set1_epi8((char)a->grp[g].fold[k]);
			if (at[g][k] > amax)
				amax = at[g][k];
		}
	for (; i + 64 + amax <= n; i += 64) {
		x = y = _mm256_setzero_si256();
		for (g = 0; g < ng; g++) {
			x = _mm256_or_si256(x, _mm256_and_si256(_mm256_and_si256(
			    eq32(h + i + at[g][0], v[g][0], o[g][0], icase),
			    eq32(h + i + at[g][1], v[g][1], o[g][1], icase)),
			    eq32(h + i + at[g][2], v[g][2], o[g][2], icase)));
			y = _mm256_or_si256(y, _mm256_and_si256(_mm256_and_si256(
			    eq32(h + i + 32 + at[g][0], v[g][0], o[g][0], icase),
			    eq32(h + i + 32 + at[g][1], v[g][1], o[g][1], icase)),
			    eq32(h + i + 32 + at[g][2], v[g][2], o[g][2], icase)));
		}
		if (_mm256_testz_si256(_mm256_or_si256(x, y),
		    _mm256_or_si256(x, y)))
			continue;
		mask = (unsigned)_mm256_movemask_epi8(x) |
		    (unsigned long long)(unsigned)_mm256_movemask_epi8(y) << 32;
		for (; mask != 0; mask &= mask - 1) {
			j = i + (size_t)__builtin_ctzll(mask);
			if (verify(a, h, n, j, len))
				return hay + j;
		}
	}
	return filter(a, hay, n, i, len);
}

/* filter_avx2: avx2() for the number of groups and the case at hand */
__attribute__((target("avx2"))) static const char *
filter_avx2(const struct ac *a, const char *hay, size_t n, size_t *len)
{
	switch (a->ngroup * 2 + a->icase) {
	case 2:
		return avx2(a, hay, n, len, 1, 0);
	case 3:
		return avx2(a, hay, n, len, 1, 1);
	case 4:
		return avx2(a, hay, n, len, 2, 0);
	case 5:
		return avx2(a, hay, n, len, 2, 1);
	case 6:
		return avx2(a, hay, n, len, 3, 0);
	case 7:
		return avx2(a, hay, n, len, 3, 1);
	case 8:
		return avx2(a, hay, n, len, 4, 0);
	default:
		return avx2(a, hay, n, len, 4, 1);
	}
}
#endif

const char *
ac_find(const struct ac *a, const char *hay, size_t n, size_t *len)
{
	*len = 0;
	if (a->npat == 0)
		return NULL;
	if (a->empty) {
		walk(a, (const unsigned char *)hay, n, 0, 0, len);
		return hay;
	}
	if (a->filter) {
#ifdef AC_X86
		if (a->avx2)
			return filter_avx2(a, hay, n, len);
#endif
		return filter(a, hay, n, 0, len);
	}
	return scan(a, hay, n, len);
}

/* classes: a class per byte the patterns use, one for all the others */
static void
classes(struct ac *a, const struct span *pat, size_t npat, int icase)
{
	unsigned char used[256] = { 0 };
	size_t i, j;
	unsigned c, k = 0;

	for (i = 0; i < npat; i++)
		for (j = 0; j < pat[i].n; j++) {
			c = (unsigned char)pat[i].p[j];
			used[icase ? lower((int)c) : (int)c] = 1;
		}
	for (c = 0; c < 256; c++)
		if (used[c])
			a->cls[c] = (unsigned char)k++;
	a->ncls = k < 256 ? k + 1 : 256;
	for (c = 0; c < 256; c++) {
		if (icase && used[lower((int)c)])
			a->cls[c] = a->cls[lower((int)c)];
		else if (!used[c])
			a->cls[c] = (unsigned char)(a->ncls - 1);
	}
}

/* ingroup: pattern p starts with group g's prefix */
static int
ingroup(const struct ac *a, const struct span *p, int g)
{
	size_t k;

	if (p->n < a->glen[g])
		return 0;
	for (k = 0; k < a->glen[g]; k++)
		if (a->cls[(unsigned char)p->p[k]] != a->cls[a->grp[g].pat[k]])
			return 0;
	return 1;
}

/*
 * groups: the prefilter's groups, the nodes at depth AC_PREFIXMIN (found
 * by insert), each with the common prefix of its patterns: down from the
 * node while it has one child and no pattern ends there
 */
static int
groups(struct ac *a, const uint32_t *gnode, const struct span *gpat, int ng,
    const struct span *pat, size_t npat, int flags)
{
	uint32_t s;
	size_t len, i, k;
	unsigned x;
	int g;

	for (g = 0; g < ng; g++) {
		s = gnode[g];
		len = AC_PREFIXMIN;
		while (!a->term[s] && a->child[s] != 0 &&
		    a->sib[a->child[s]] == 0) {
			s = a->child[s];
			len++;
		}
		a->gnode[g] = s;
		a->glen[g] = len;
		if (bmh_init(&a->grp[g], gpat[g].p, len,
		    (flags & AC_ICASE ? BMH_ICASE : 0) |
		    (flags & AC_PORTABLE ? BMH_PORTABLE : 0)) < 0)
			return -1;
		a->ngroup = g + 1;
	}
	/* each pattern's group: the one whose prefix it starts with */
	for (g = 0; g < ng; g++)
		a->ghb[g] = AC_HASHMAX;
	for (i = 0; i < npat; i++)
		for (g = 0; g < ng; g++)
			if (ingroup(a, &pat[i], g) &&
			    pat[i].n - a->glen[g] < a->ghb[g])
				a->ghb[g] = pat[i].n - a->glen[g];
	for (g = 0; g < ng; g++) {
		if (a->ghb[g] < 2)
			a->ghb[g] = 0;
		else if ((a->gbits[g] = calloc((1u << AC_HASHBITS) / 64,
		    sizeof(uint64_t))) == NULL)
			return -1;
	}
	for (i = 0; i < npat; i++)
		for (g = 0; g < ng; g++)
			if (a->ghb[g] > 0 && ingroup(a, &pat[i], g)) {
				k = a->glen[g];
				x = hash(a, (const unsigned char *)pat[i].p + k,
				    a->ghb[g], a->ghb[g]);
				a->gbits[g][x / 64] |= (uint64_t)1 << (x % 64);
			}
	a->filter = ng > 0;
#ifdef AC_X86
	if (!(flags & AC_PORTABLE)) {
		__builtin_cpu_init();
		a->avx2 = __builtin_cpu_supports("avx2");
	}
#endif
	return 0;
}

/* entry: the table entry for a move to node v (see AC_OUT) */
static uint32_t
entry(const struct ac *a, uint32_t v, uint32_t edgeflag)
{
	return v * a->ncls | edgeflag | (a->out[v] ? AC_OUT : 0) |
	    (a->term[v] ? AC_TERM : 0);
}

/*
 * build: failure links, out[], and the table if there is one, breadth
 * first: a node's failure link is shallower, so its row is complete
 * before the node's own, which starts as a copy of it (without AC_EDGE)
 */
static int
build(struct ac *a)
{
	uint32_t *q, u, v, f;
	size_t qh = 0, qt = 0, c, ncls = a->ncls;

	if ((q = malloc(a->nnode * sizeof(*q))) == NULL)
		return -1;
	q[qt++] = 0;
	while (qh < qt) {
		u = q[qh++];
		f = a->fail[u];
		if (a->next != NULL)
			for (c = 0; c < ncls; c++)
				a->next[u * ncls + c] = u == 0 ? 0 :
				    a->next[f * ncls + c] & ~AC_EDGE;
		for (v = a->child[u]; v != 0; v = a->sib[v]) {
			if (u == 0)
				a->fail[v] = 0;
			else if (a->next != NULL)
				a->fail[v] = (a->next[f * ncls + a->lab[v]] &
				    AC_ROW) / (uint32_t)ncls;
			else
				a->fail[v] = delta(a, f, a->lab[v]);
			if (a->out[v] == 0)
				a->out[v] = a->out[a->fail[v]];
			if (a->next != NULL)
				a->next[u * ncls + a->lab[v]] =
				    entry(a, v, AC_EDGE);
			q[qt++] = v;
		}
	}
	free(q);
	return 0;
}

int
ac_init(struct ac *a, const struct span *pat, size_t npat, int flags)
{
	uint32_t gnode[AC_GROUPS], s, t;
	struct span gpat[AC_GROUPS];
	size_t i, j, total = 0;
	int ng = 0, short_ = 0;
	unsigned c;

	memset(a, 0, sizeof(*a));
	a->npat = npat;
	a->icase = (flags & AC_ICASE) != 0;
	for (i = 0; i < npat; i++) {
		if (pat[i].n > INT32_MAX - 1 - total) {
			errno = EOVERFLOW;
			return -1;
		}
		total += pat[i].n;
	}
	classes(a, pat, npat, flags & AC_ICASE);
	if ((a->child = calloc(total + 1, sizeof(*a->child))) == NULL ||
	    (a->sib = calloc(total + 1, sizeof(*a->sib))) == NULL ||
	    (a->lab = calloc(total + 1, sizeof(*a->lab))) == NULL ||
	    (a->fail = calloc(total + 1, sizeof(*a->fail))) == NULL ||
	    (a->depth = calloc(total + 1, sizeof(*a->depth))) == NULL ||
	    (a->out = calloc(total + 1, sizeof(*a->out))) == NULL ||
	    (a->term = calloc(total + 1, sizeof(*a->term))) == NULL)
		goto nomem;
	a->nnode = 1;
	for (i = 0; i < npat; i++) {
		if (pat[i].n > a->maxlen)
			a->maxlen = pat[i].n;
		if (pat[i].n < AC_PREFIXMIN)
			short_ = 1;
		for (s = 0, j = 0; j < pat[i].n; j++, s = t) {
			c = a->cls[(unsigned char)pat[i].p[j]];
			if ((t = edge(a, s, c)) != 0)
				continue;
			t = (uint32_t)a->nnode++;
			a->depth[t] = a->depth[s] + 1;
			a->lab[t] = (uint16_t)c;
			a->sib[t] = a->child[s];
			a->child[s] = t;
			if (s == 0)
				a->root[c] = t;
			if (a->depth[t] == AC_PREFIXMIN) {
				if (ng < AC_GROUPS) {
					gnode[ng] = t;
					gpat[ng] = pat[i];
				}
				ng++;
			}
		}
		if (pat[i].n == 0)
			a->empty = 1;
		else {
			a->term[s] = 1;
			a->out[s] = a->depth[s];
		}
	}
	if (!(flags & AC_NOFILTER) && !a->empty && !short_ && npat > 0 &&
	    ng <= AC_GROUPS && groups(a, gnode, gpat, ng, pat, npat, flags) < 0)
		goto nomem;
	if (!(flags & AC_NFA) && a->nnode <= AC_DFAMAX / 4 / a->ncls &&
	    (a->next = malloc(a->nnode * a->ncls * sizeof(*a->next))) == NULL)
		goto nomem;
	if (build(a) < 0)
		goto nomem;
	return 0;
nomem:
	ac_free(a);
	errno = ENOMEM;
	return -1;
}

int
ac_train(struct ac *a, const char *sample, size_t n)
{
	const unsigned char *h = (const unsigned char *)sample;
	size_t j, passed = 0;
	int g;

	if (!a->filter)
		return 1;
	for (g = 0; g < a->ngroup; g++)
		if (!bmh_train(&a->grp[g], sample, n))
			return 0;
	if (n > TRAINMAX)
		n = TRAINMAX;
	for (j = 0; j < n; j++)
		passed += (size_t)pass(a, h, n, j);
	if (passed > n / AC_DENSE)
		a->filter = 0;
	return 1;
}

void
ac_free(struct ac *a)
{
	int g;

	for (g = 0; g < a->ngroup; g++) {
		bmh_free(&a->grp[g]);
		free(a->gbits[g]);
	}
	free(a->child);
	free(a->sib);
	free(a->lab);
	free(a->fail);
	free(a->depth);
	free(a->out);
	free(a->term);
	free(a->next);
	memset(a, 0, sizeof(*a));
}
