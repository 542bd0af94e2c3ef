/* natset.c - see natset.h */
#include <stdlib.h>
#include <string.h>

#include "err.h"
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

/*
 * hash: 8 bytes a step, multiplied and folded (keys are 10 to 46 bytes:
 * a byte a step would cost more than the walk over the line)
 */
static uint64_t
hash(const char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 31;
	}
	w = 0;
	memcpy(&w, p, n);
	h = (h ^ w) * 0x94d049bb133111ebULL;
	h ^= h >> 29;
	return h | 1;		/* never 0: an empty slot */
}

void
natset_init(struct natset *s)
{
	memset(s, 0, sizeof(*s));
	s->mask = 15;
	s->tab = xcalloc(s->mask + 1, sizeof(*s->tab));
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

void
natset_add(struct natset *s, const char *key, size_t n)
{
	struct natkeyent *old;
	size_t i, omask;
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
 * The walk over one line's separators (natset.h): the state is the line's
 * start, its ';' count (9 and more: the key is past, only '\n' matters)
 * and its key's start.  A match returns the line at once.
 */
#define WALK(MASKS)							\
	const char *bol = p, *kb = p, *c, *eol;				\
	const char *end = p + n, *base;					\
	uint64_t semi, nl, m;						\
	unsigned i;							\
	int nf = 0;							\
									\
	for (base = p; base < end; base += 64) {			\
		if (end - base >= 64)					\
			MASKS(base, &semi, &nl);			\
		else							\
			masks(base, (size_t)(end - base), &semi, &nl);	\
		m = nf >= 9 ? nl : semi | nl;				\
		while (m != 0) {					\
			i = (unsigned)__builtin_ctzll(m);		\
			m &= m - 1;					\
			c = base + i;					\
			if (nl >> i & 1) {	/* a line begins */	\
				bol = c + 1;				\
				nf = 0;					\
				m = i == 63 ? 0 : (semi | nl) &		\
				    (~0ULL << (i + 1));			\
				continue;				\
			}						\
			nf++;						\
			if (nf == 2 && records && c + 1 < end &&	\
			    c[1] == ';')	/* a coverage record */	\
				goto match;				\
			if (nf == 7)					\
				kb = c + 1;				\
			else if (nf == 9) {				\
				if (natset_has(s, kb, (size_t)(c - kb)))\
					goto match;			\
				m &= nl;	/* the rest of the line */ \
			}						\
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

__attribute__((target("avx2"))) static inline void
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

__attribute__((target("avx2"))) static const char *
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
