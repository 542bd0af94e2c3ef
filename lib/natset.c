/* natset.c - see natset.h */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "hash.h"
#include "natset.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define NATSET_X86 1
#include <immintrin.h>
#endif

struct natkeyent {
	uint64_t h;		/* 0: empty */
	const char *k;
	size_t n;
};

/* hash: never 0, the mark of an empty slot */
static uint64_t
hash(const char *p, size_t n)
{
	return hash_bytes(p, n) | 1;
}

void
natset_init(struct natset *s)
{
	memset(s, 0, sizeof(*s));
	s->mask = 15;
	s->tab = xcalloc(s->mask + 1, sizeof(*s->tab));
	s->filt = xcalloc(FILTBITS_N / 64, sizeof(*s->filt));
#ifdef NATSET_X86
	s->avx2 = __builtin_cpu_supports("avx2");
#endif
}

static void
put(struct natkeyent *tab, size_t mask, uint64_t h, const char *k, size_t n)
{
	size_t i;

	for (i = h & mask; tab[i].h != 0; i = (i + 1) & mask)
		;
	tab[i].h = h;
	tab[i].k = k;
	tab[i].n = n;
}

/* filtbit: the filter's bit for a key that ends at e (8 bytes or more) */
static inline uint64_t
filtbit(const char *e)
{
	uint64_t w;

	memcpy(&w, e - 8, 8);
	return w * 0x9e3779b97f4a7c15ULL >> (64 - FILTBITS);
}

void
natset_add(struct natset *s, const char *key, size_t n)
{
	struct natkeyent *old;
	size_t i, omask;
	uint64_t w;
	char *k;

	if (natset_has(s, key, n))
		return;
	if ((s->n + 1) * 2 > s->mask + 1) {	/* at most half full */
		old = s->tab;
		omask = s->mask;
		s->mask = s->mask * 2 + 1;
		s->tab = xcalloc(s->mask + 1, sizeof(*s->tab));
		for (i = 0; i <= omask; i++)
			if (old[i].h != 0)
				put(s->tab, s->mask, old[i].h, old[i].k,
				    old[i].n);
		free(old);
	}
	k = xmalloc(n);
	memcpy(k, key, n);
	put(s->tab, s->mask, hash(key, n), k, n);
	s->n++;
	if (n < 8)
		s->nshort++;
	else {
		w = filtbit(key + n);
		s->filt[w / 64] |= 1ULL << (w % 64);
	}
}

int
natset_has(const struct natset *s, const char *key, size_t n)
{
	uint64_t h = hash(key, n);
	size_t i;

	for (i = h & s->mask; s->tab[i].h != 0; i = (i + 1) & s->mask)
		if (s->tab[i].h == h && s->tab[i].n == n &&
		    memcmp(s->tab[i].k, key, n) == 0)
			return 1;
	return 0;
}

void
natset_free(struct natset *s)
{
	size_t i;

	for (i = 0; i <= s->mask; i++)
		if (s->tab[i].h != 0)
			free((char *)s->tab[i].k);
	free(s->tab);
	free(s->filt);
	memset(s, 0, sizeof(*s));
}

/* masks of the ';' and '\n' of b[0..n), n <= 64, bit i for byte i */
static void
masks(const char *b, size_t n, uint64_t *semi, uint64_t *nl)
{
	size_t i;

	*semi = *nl = 0;
	for (i = 0; i < n; i++) {
		*semi |= (uint64_t)(b[i] == ';') << i;
		*nl |= (uint64_t)(b[i] == '\n') << i;
	}
}

/*
 * nth: the position of the k-th (k >= 1) lowest set bit of m, which has
 * at least k
 */
static inline unsigned
nth(uint64_t m, unsigned k)
{
	uint64_t c;
	unsigned j;

	for (j = 1; j < 9; j++) {	/* k <= 9: no branch on k */
		c = m & (m - 1);
		m = j < k ? c : m;
	}
	return (unsigned)__builtin_ctzll(m);
}

/*
 * maybe: whether the key that ends at c may be in the set, by the filter
 * alone: a bit for the last 8 bytes of each key (c - 8 is in the line:
 * the key's line has 8 ';' before c), so that most lines cost a load, a
 * multiply and a bit test, not a hash of the whole key, nor a search for
 * its start
 */
static inline int
maybe(const struct natset *s, const char *c)
{
	uint64_t w;

	if (s->nshort != 0)
		return 1;
	w = filtbit(c);
	return s->filt[w / 64] >> (w % 64) & 1;
}

/* keystart: the start of the key that ends at c (after the 2nd ';' back) */
static inline const char *
keystart(const char *c)
{
	int k = 0;

	while (k < 2)
		k += *--c == ';';
	return c + 1;
}

/*
 * The walk, 64 bytes at a time.  A chunk's masks of ';' and '\n' are cut
 * at each '\n' into the pieces of its lines; a piece's ';' are counted
 * at once (popcount), and only when the line's 7th or 9th ';' is among
 * them is it found (clearing the lower bits).  So there is no branch per
 * separator (a walk that looked at each ';' in turn cost a mispredicted
 * branch or two a line), and a line costs about one piece and a filter
 * test.  The state across chunks: the line's start and its ';' so far
 * (nf); a key is found by its end, the 9th ';', and its start looked for
 * only when the filter lets it through.  With records, a line whose 2nd ';' is
 * followed by another (its proto empty) matches too.
 */
#define WALK(MASKS)							\
	const char *bol = p, *kb, *c = p, *eol;			\
	const char *end = p + n, *base;					\
	uint64_t semi, nl, sp;						\
	unsigned i, k, nf = 0;						\
									\
	for (base = p; base < end; base += 64) {			\
		if (end - base >= 64)					\
			MASKS(base, &semi, &nl);			\
		else							\
			masks(base, (size_t)(end - base), &semi, &nl);	\
		for (;;) {						\
			/* this line's ';' in the chunk, before its end */ \
			sp = nl != 0 ? semi & ((nl & -nl) - 1) : semi;	\
			if (nf < 9 && sp != 0) {			\
				k = (unsigned)__builtin_popcountll(sp);	\
				if (records && nf < 2 && nf + k >= 2) {	\
					c = base + nth(sp, 2 - nf);	\
					if (c + 1 < end && c[1] == ';')	\
						goto match;		\
				}					\
				if (nf + k >= 9) {			\
					c = base + nth(sp, 9 - nf);	\
					if (maybe(s, c) && (kb =	\
					    keystart(c), natset_has(s,	\
					    kb, (size_t)(c - kb))))	\
						goto match;		\
				}					\
				nf += k;				\
			}						\
			if (nl == 0)					\
				break;					\
			i = (unsigned)__builtin_ctzll(nl);		\
			bol = base + i + 1;	/* a line begins */	\
			nf = 0;						\
			nl &= nl - 1;					\
			semi &= ~((2ULL << i) - 1);			\
		}							\
	}								\
	return NULL;							\
match:									\
	eol = memchr(c, '\n', (size_t)(end - c));			\
	*len = (size_t)((eol != NULL ? eol : end) - bol);		\
	return bol;

static void
masks64(const char *b, uint64_t *semi, uint64_t *nl)
{
	masks(b, 64, semi, nl);
}

static const char *
find_portable(const struct natset *s, const char *p, size_t n, int records,
    size_t *len)
{
	WALK(masks64)
}

#ifdef NATSET_X86
static inline void
masks_sse2(const char *b, uint64_t *semi, uint64_t *nl)
{
	const __m128i sc = _mm_set1_epi8(';'), nc = _mm_set1_epi8('\n');
	uint64_t s = 0, l = 0;
	__m128i v;
	int k;

	for (k = 0; k < 4; k++) {
		v = _mm_loadu_si128((const __m128i *)(const void *)(b + 16 * k));
		s |= (uint64_t)(uint16_t)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(v, sc)) << (16 * k);
		l |= (uint64_t)(uint16_t)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(v, nc)) << (16 * k);
	}
	*semi = s;
	*nl = l;
}

static const char *
find_sse2(const struct natset *s, const char *p, size_t n, int records,
    size_t *len)
{
	WALK(masks_sse2)
}

__attribute__((target("avx2,popcnt"))) static inline void
masks_avx2(const char *b, uint64_t *semi, uint64_t *nl)
{
	const __m256i sc = _mm256_set1_epi8(';'), nc = _mm256_set1_epi8('\n');
	__m256i v0 = _mm256_loadu_si256((const __m256i *)(const void *)b);
	__m256i v1 = _mm256_loadu_si256((const __m256i *)(const void *)
	    (b + 32));

	*semi = (uint64_t)(uint32_t)_mm256_movemask_epi8(
	    _mm256_cmpeq_epi8(v0, sc)) | (uint64_t)(uint32_t)
	    _mm256_movemask_epi8(_mm256_cmpeq_epi8(v1, sc)) << 32;
	*nl = (uint64_t)(uint32_t)_mm256_movemask_epi8(
	    _mm256_cmpeq_epi8(v0, nc)) | (uint64_t)(uint32_t)
	    _mm256_movemask_epi8(_mm256_cmpeq_epi8(v1, nc)) << 32;
}

__attribute__((target("avx2,popcnt"))) static const char *
find_avx2(const struct natset *s, const char *p, size_t n, int records,
    size_t *len)
{
	WALK(masks_avx2)
}
#endif

const char *
natset_find(const struct natset *s, const char *p, size_t n, int records,
    size_t *len)
{
#ifdef NATSET_X86
	if (!s->portable)
		return s->avx2 ? find_avx2(s, p, n, records, len) :
		    find_sse2(s, p, n, records, len);
#endif
	return find_portable(s, p, n, records, len);
}
