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

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define AC_X86 1
#include <immintrin.h>
#endif

/* TRAINMAX: the density check counts on the first 256 KiB (one read) */
#define TRAINMAX (256 * 1024)

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
	if (a->next != NULL) {	/* a table entry is an edge iff one deeper */
		t = a->next[(size_t)s * a->ncls + c];
		return a->depth[t] == a->depth[s] + 1 ? t : 0;
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
 * the hay): 1 and its length in *len, or 0
 */
static int
walk(const struct ac *a, const unsigned char *h, size_t n, size_t *len)
{
	uint32_t s = 0;
	size_t i;
	int found = a->empty;

	*len = 0;
	if (n > a->maxlen)
		n = a->maxlen;
	for (i = 0; i < n; i++) {
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
	uint32_t s = 0;

	for (i = 0; i < limit; i++) {
		s = next != NULL ? next[(size_t)s * ncls + a->cls[h[i]]] :
		    delta(a, s, a->cls[h[i]]);
		if (a->out[s] == 0)
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

/* filter: the prefilter without SIMD, and the SIMD loop's tail */
static const char *
filter(const struct ac *a, const char *hay, size_t n, size_t j, size_t *len)
{
	const unsigned char *h = (const unsigned char *)hay;

	for (; j < n; j++)
		if (pass(a, h, n, j) && walk(a, h + j, n - j, len))
			return hay + j;
	return NULL;
}

#ifdef AC_X86
/*
 * filter_avx2: 32 positions i..i+31 at once; for each group, its three
 * bytes (OR-ed with the fold bits under icase) compared at i+at[k], the
 * three results ANDed, the groups ORed.  The loads reach i+31+amax, so
 * blocks run while that is inside the hay; the rest goes to filter().
 */
__attribute__((target("avx2"))) static const char *
filter_avx2(const struct ac *a, const char *hay, size_t n, size_t *len)
{
	const unsigned char *h = (const unsigned char *)hay;
	__m256i v[AC_GROUPS][3], o[AC_GROUPS][3], x, m;
	size_t at[AC_GROUPS][3], amax = 0, i = 0, j;
	unsigned mask;
	int g, k, ng = a->ngroup;

	for (g = 0; g < ng; g++)
		for (k = 0; k < 3; k++) {
			at[g][k] = a->grp[g].at[k];
			v[g][k] = _mm256_set1_epi8((char)a->grp[g].byte[k]);
			o[g][k] = _mm256_set1_epi8((char)a->grp[g].fold[k]);
			if (at[g][k] > amax)
				amax = at[g][k];
		}
	for (; i + 32 + amax <= n; i += 32) {
		m = _mm256_setzero_si256();
		for (g = 0; g < ng; g++) {
			x = _mm256_cmpeq_epi8(_mm256_or_si256(_mm256_loadu_si256(
			    (const __m256i *)(h + i + at[g][0])), o[g][0]),
			    v[g][0]);
			x = _mm256_and_si256(x, _mm256_cmpeq_epi8(
			    _mm256_or_si256(_mm256_loadu_si256((const __m256i *)
			    (h + i + at[g][1])), o[g][1]), v[g][1]));
			x = _mm256_and_si256(x, _mm256_cmpeq_epi8(
			    _mm256_or_si256(_mm256_loadu_si256((const __m256i *)
			    (h + i + at[g][2])), o[g][2]), v[g][2]));
			m = _mm256_or_si256(m, x);
		}
		for (mask = (unsigned)_mm256_movemask_epi8(m); mask != 0;
		    mask &= mask - 1) {
			j = i + (size_t)__builtin_ctz(mask);
			if (walk(a, h + j, n - j, len))
				return hay + j;
		}
	}
	return filter(a, hay, n, i, len);
}
#endif

const char *
ac_find(const struct ac *a, const char *hay, size_t n, size_t *len)
{
	*len = 0;
	if (a->npat == 0)
		return NULL;
	if (a->empty) {
		walk(a, (const unsigned char *)hay, n, len);
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

/*
 * groups: the prefilter's groups, the nodes at depth AC_PREFIXMIN (found
 * by insert), each with the common prefix of its patterns: down from the
 * node while it has one child and no pattern ends there
 */
static int
groups(struct ac *a, const uint32_t *gnode, const struct span *gpat, int ng,
    int flags)
{
	uint32_t s;
	size_t len;
	int g;

	for (g = 0; g < ng; g++) {
		s = gnode[g];
		len = AC_PREFIXMIN;
		while (!a->term[s] && a->child[s] != 0 &&
		    a->sib[a->child[s]] == 0) {
			s = a->child[s];
			len++;
		}
		if (bmh_init(&a->grp[g], gpat[g].p, len,
		    (flags & AC_ICASE ? BMH_ICASE : 0) |
		    (flags & AC_PORTABLE ? BMH_PORTABLE : 0)) < 0)
			return -1;
		a->ngroup = g + 1;
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

/* build: failure links, out[], and the table if there is one (BFS) */
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
				    a->next[f * ncls + c];
		for (v = a->child[u]; v != 0; v = a->sib[v]) {
			if (u == 0)
				a->fail[v] = 0;
			else if (a->next != NULL)
				a->fail[v] = a->next[f * ncls + a->lab[v]];
			else
				a->fail[v] = delta(a, f, a->lab[v]);
			if (a->out[v] == 0)
				a->out[v] = a->out[a->fail[v]];
			if (a->next != NULL)
				a->next[u * ncls + a->lab[v]] = v;
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
	    ng <= AC_GROUPS && groups(a, gnode, gpat, ng, flags) < 0)
		goto nomem;
	if (!(flags & AC_NFA) && a->nnode <= AC_DFAMAX / 4 / a->ncls &&
	    (a->next = malloc(a->nnode * a->ncls * sizeof(*a->next))) == NULL)
		goto nomem;
	if (build(a) < 0)
		goto nomem;
	a->path = npat == 0 ? "none" : a->empty ? "empty" : a->filter ?
	    (a->avx2 ? "filter-avx2" : "filter") : a->next ? "dfa" : "nfa";
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
	if (passed > n / AC_DENSE) {
		a->filter = 0;
		a->path = a->next != NULL ? "dfa" : "nfa";
	}
	return 1;
}

void
ac_free(struct ac *a)
{
	int g;

	for (g = 0; g < a->ngroup; g++)
		bmh_free(&a->grp[g]);
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
