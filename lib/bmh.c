/*
 * bmh.c - see bmh.h.
 *
 * The portable path is Horspool's simplification of Boyer-Moore: compare
 * the window's last byte first, and on a mismatch shift the window by how
 * far that byte is from the needle's end (skip[]), so most bytes of the hay
 * are never looked at when the needle is long.
 *
 * On x86-64 a "packed pair" prefilter comes first (the idea of the Rust
 * memchr crate's memmem and of Wojciech Mula's "SIMD-friendly substring
 * search"), with three bytes instead of two: pick bytes b0, b1, b2 of
 * the needle at offsets a0, a1, a2; for 16 (SSE2) or 32 (AVX2) window starts
 * i at once, load hay[i+a0..], hay[i+a1..] and hay[i+a2..], compare them
 * with the bytes broadcast and AND the results; each bit left set is a
 * window whose three bytes agree, and only those are compared in full.  It
 * costs three loads and compares and a test per 16 or 32 bytes whatever
 * the needle, and it works well exactly when few windows pass, that is
 * when the bytes are rare in the hay.  Hence the table below, and
 * bmh_train(), which counts instead of guessing.  Why three:
 * in the CSV log a needle such as ";203.0.113.5;33592;" is all digits, '.'
 * and ';', and its two rarest bytes still let about one window in 600 pass
 * (measured: verifying them took longer than the scan); a third byte cuts
 * that about tenfold for one more load and compare per block.
 *
 * Under BMH_ICASE the needle is kept in lower case; a hay byte x is OR-ed
 * with 0x20 before comparing with a letter: (x | 0x20) == 'a' holds for
 * x = 'a' and x = 'A' only, so one compare covers both cases.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bmh.h"

/*
 * bmh_train looks at the first TRAINMAX bytes of a sample, and only when it
 * holds TRAINMIN windows or more (fewer say little); at most TRAINPOS
 * offsets of the needle are counted (evenly spread on longer needles).
 * 256 KiB is one read of lib/rd.h; counting costs about two passes over it
 * plus (needle offsets) x (windows that passed so far), a few ms at most,
 * once per search.
 */
#define TRAINMAX (256 * 1024)
#define TRAINMIN 4096
#define TRAINPOS 64

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define BMH_X86 1
#include <immintrin.h>
#endif

/*
 * freq: how common each byte is, to choose the rarest bytes of the needle.
 * The hay is mostly ctparse CSV (lib/csv.h), where digits, ';' and '.' are
 * everywhere: a byte's score is 10 times its occurrences per 10000 bytes of
 * a day of such log (5% IPv6; measured on t/bench/gencsv.pl output):
 * '1' 12.3%, '0' 11.7%, ';' 11.3%, '2' 9.7%, '.' 8.3%, '3' 7.6%, ... '9'
 * 3.5%, ':' 2.3%, then the letters of "start", "stop", "tcp", "udp" and of
 * hex IPv6 addresses, 'T', 'Z', '-' and '\n' (0.9% each).  Every other byte
 * is absent from the log; the units digit orders those by their frequency
 * in ordinary text (9: space and "etaoinsrhl", 8: other common lower case
 * letters, 5: upper case and digits, 4-3: punctuation, 2: bytes >= 0x80,
 * 1: NUL, 0: other control bytes), so on other text (a user name in a
 * RADIUS log) the prefilter still avoids common letters.  Only the order
 * matters, not the values.
 */
static const unsigned short freq[256] = {
	    1,     0,     0,     0,     0,     0,     0,     0,	/* 0x00 */
	    0,     4,   874,     0,     0,     0,     0,     0,	/* 0x08 */
	    0,     0,     0,     0,     0,     0,     0,     0,	/* 0x10 */
	    0,     0,     0,     0,     0,     0,     0,     0,	/* 0x18 */
	    9,     3,     4,     3,     3,     3,     3,     4,	/* 0x20 */
	    4,     4,     3,     3,     4,  1734,  8274,     4,	/* 0x28 */
	11725, 12335,  9725,  7565,  5055,  4705,  4475,  4215,	/* 0x30 */
	 3695,  3495,  2284, 11254,     3,     4,     3,     3,	/* 0x38 */
	    3,     5,     5,     5,     5,     5,     5,     5,	/* 0x40 */
	    5,     5,     5,     5,     5,     5,     5,     5,	/* 0x48 */
	    5,     5,     5,     5,   875,     5,     5,     5,	/* 0x50 */
	    5,     5,   875,     3,     3,     3,     3,     4,	/* 0x58 */
	    3,   519,   128,   588,   448,    39,    38,     8,	/* 0x60 */
	    9,    19,     6,     6,     9,    18,     9,   439,	/* 0x68 */
	 1308,     6,   439,   879,  1849,   328,     6,     8,	/* 0x70 */
	    6,     8,     6,     3,     3,     3,     3,     0,	/* 0x78 */
	    2,     2,     2,     2,     2,     2,     2,     2,	/* 0x80 */
	    2,     2,     2,     2,     2,     2,     2,     2,	/* 0x88 */
	    2,     2,     2,     2,     2,     2,     2,     2,	/* 0x90 */
	    2,     2,     2,     2,     2,     2,     2,     2,	/* 0x98 */
	    2,     2,     2,     2,     2,     2,     2,     2,	/* 0xa0 */
	    2,     2,     2,     2,     2,     2,     2,     2,	/* 0xa8 */
	    2,     2,     2,     2,     2,     2,     2,     2,	/* 0xb0 */
	    2,     2,     2,     2,     2,     2,     2,     2,	/* 0xb8 */
	    2,     2,     2,     2,     2,     2,     2,     2,	/* 0xc0 */
	    2,     2,     2,     2,     2,     2,     2,     2,	/* 0xc8 */
	    2,     2,     2,     2,     2,     2,     2,     2,	/* 0xd0 */
	    2,     2,     2,     2,     2,     2,     2,     2,	/* 0xd8 */
	    2,     2,     2,     2,     2,     2,     2,     2,	/* 0xe0 */
	    2,     2,     2,     2,     2,     2,     2,     2,	/* 0xe8 */
	    2,     2,     2,     2,     2,     2,     2,     2,	/* 0xf0 */
	    2,     2,     2,     2,     2,     2,     2,     2,	/* 0xf8 */
};

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int
isletter(int c)
{
	return lower(c) >= 'a' && lower(c) <= 'z';
}

/* score: the frequency of c in the hay as the search will see it */
static unsigned
score(const struct bmh *b, int c)
{
	if (b->icase && isletter(c))
		return freq[lower(c)] + freq[lower(c) - ('a' - 'A')];
	return freq[c];
}

/* same: hay window h equals the needle (lower case under icase) */
static int
same(const struct bmh *b, const unsigned char *h)
{
	size_t i;

	if (!b->icase)
		return memcmp(h, b->pat, b->m) == 0;
	for (i = 0; i < b->m; i++)
		if (lower(h[i]) != b->pat[i])
			return 0;
	return 1;
}

static const char *
find_empty(const struct bmh *b, const char *hay, size_t n)
{
	(void)b;
	(void)n;
	return hay;
}

static const char *
find_memchr(const struct bmh *b, const char *hay, size_t n)
{
	return memchr(hay, b->pat[0], n);
}

/* find_bmh: Horspool, the portable path and the SIMD paths' tail */
static const char *
find_bmh(const struct bmh *b, const char *hay, size_t n)
{
	const unsigned char *h = (const unsigned char *)hay;
	size_t i = 0, last = b->m - 1;
	int c, lc = b->pat[last];

	if (b->m > n)
		return NULL;
	while (i <= n - b->m) {
		c = h[i + last];
		if ((b->icase ? lower(c) : c) == lc && same(b, h + i))
			return hay + i;
		i += b->skip[c];
	}
	return NULL;
}

#ifdef BMH_X86
/*
 * find_sse2, find_avx2: the packed prefilter, W = 16 or 32 windows per
 * block.  A block at i loads hay[i+at[k] .. i+at[k]+W) for k = 0, 1, 2;
 * these end by i+m-1+W, so blocks run while i+W <= n-m+1 (the number of
 * windows), and every window they flag fits in the hay.  The last < W
 * windows go to find_bmh.  AVX2 does two blocks per turn of the loop, so
 * the usual turn (no candidate) costs one test and one branch per 64
 * bytes.  The icase argument is a constant at each call, so the compiler
 * makes a case-sensitive copy without the ORs.
 */
static inline const char *
sse2(const struct bmh *b, const char *hay, size_t n, const int icase)
{
	const unsigned char *h = (const unsigned char *)hay;
	const size_t a0 = b->at[0], a1 = b->at[1], a2 = b->at[2];
	const __m128i v0 = _mm_set1_epi8((char)b->byte[0]);
	const __m128i v1 = _mm_set1_epi8((char)b->byte[1]);
	const __m128i v2 = _mm_set1_epi8((char)b->byte[2]);
	const __m128i o0 = _mm_set1_epi8((char)b->fold[0]);
	const __m128i o1 = _mm_set1_epi8((char)b->fold[1]);
	const __m128i o2 = _mm_set1_epi8((char)b->fold[2]);
	size_t i = 0, lim;
	unsigned mask;
	__m128i x, y, z;

	if (b->m > n)
		return NULL;
	for (lim = n - b->m + 1; i + 16 <= lim; i += 16) {
		x = _mm_loadu_si128((const __m128i *)(h + i + a0));
		y = _mm_loadu_si128((const __m128i *)(h + i + a1));
		z = _mm_loadu_si128((const __m128i *)(h + i + a2));
		if (icase) {
			x = _mm_or_si128(x, o0);
			y = _mm_or_si128(y, o1);
			z = _mm_or_si128(z, o2);
		}
		x = _mm_and_si128(_mm_cmpeq_epi8(x, v0), _mm_cmpeq_epi8(y, v1));
		x = _mm_and_si128(x, _mm_cmpeq_epi8(z, v2));
		mask = (unsigned)_mm_movemask_epi8(x);
		for (; mask != 0; mask &= mask - 1)
			if (same(b, h + i + __builtin_ctz(mask)))
				return hay + i + __builtin_ctz(mask);
	}
	return find_bmh(b, hay + i, n - i);
}

static const char *
find_sse2(const struct bmh *b, const char *hay, size_t n)
{
	return sse2(b, hay, n, 0);
}

static const char *
find_sse2i(const struct bmh *b, const char *hay, size_t n)
{
	return sse2(b, hay, n, 1);
}

/* eq32: the 32 bytes at p that equal v (after OR o under icase) */
__attribute__((target("avx2"))) static inline __m256i
eq32(const unsigned char *p, __m256i v, __m256i o, const int icase)
{
	__m256i x = _mm256_loadu_si256((const __m256i *)p);

	return _mm256_cmpeq_epi8(icase ? _mm256_or_si256(x, o) : x, v);
}

__attribute__((target("avx2"))) static inline const char *
avx2(const struct bmh *b, const char *hay, size_t n, const int icase)
{
	const unsigned char *h = (const unsigned char *)hay;
	const size_t a0 = b->at[0], a1 = b->at[1], a2 = b->at[2];
	const __m256i v0 = _mm256_set1_epi8((char)b->byte[0]);
	const __m256i v1 = _mm256_set1_epi8((char)b->byte[1]);
	const __m256i v2 = _mm256_set1_epi8((char)b->byte[2]);
	const __m256i o0 = _mm256_set1_epi8((char)b->fold[0]);
	const __m256i o1 = _mm256_set1_epi8((char)b->fold[1]);
	const __m256i o2 = _mm256_set1_epi8((char)b->fold[2]);
	size_t i = 0, lim;
	unsigned long long mask;
	__m256i x, y;
	int k;

	if (b->m > n)
		return NULL;
	lim = n - b->m + 1;
	for (; i + 64 <= lim; i += 64) {
		x = _mm256_and_si256(eq32(h + i + a0, v0, o0, icase),
		    eq32(h + i + a1, v1, o1, icase));
		x = _mm256_and_si256(x, eq32(h + i + a2, v2, o2, icase));
		y = _mm256_and_si256(eq32(h + i + 32 + a0, v0, o0, icase),
		    eq32(h + i + 32 + a1, v1, o1, icase));
		y = _mm256_and_si256(y, eq32(h + i + 32 + a2, v2, o2, icase));
		if (_mm256_testz_si256(_mm256_or_si256(x, y),
		    _mm256_or_si256(x, y)))
			continue;
		mask = (unsigned)_mm256_movemask_epi8(x) |
		    (unsigned long long)(unsigned)_mm256_movemask_epi8(y) << 32;
		for (; mask != 0; mask &= mask - 1) {
			k = __builtin_ctzll(mask);
			if (same(b, h + i + k))
				return hay + i + k;
		}
	}
	for (; i + 32 <= lim; i += 32) {
		x = _mm256_and_si256(eq32(h + i + a0, v0, o0, icase),
		    eq32(h + i + a1, v1, o1, icase));
		x = _mm256_and_si256(x, eq32(h + i + a2, v2, o2, icase));
		mask = (unsigned)_mm256_movemask_epi8(x);
		for (; mask != 0; mask &= mask - 1) {
			k = __builtin_ctzll(mask);
			if (same(b, h + i + k))
				return hay + i + k;
		}
	}
	return find_bmh(b, hay + i, n - i);
}

__attribute__((target("avx2"))) static const char *
find_avx2(const struct bmh *b, const char *hay, size_t n)
{
	return avx2(b, hay, n, 0);
}

__attribute__((target("avx2"))) static const char *
find_avx2i(const struct bmh *b, const char *hay, size_t n)
{
	return avx2(b, hay, n, 1);
}
#endif

/*
 * rare: choose the prefilter's three bytes, rarest first, each of a value
 * not chosen yet where the needle has one (two equal bytes pass together
 * about as often as one), else at an offset not chosen yet, else (needles
 * of one or two bytes) repeating the last choice.
 */
static void
rare(struct bmh *b)
{
	size_t i, k, j, best;
	int pass;

	for (k = 0; k < 3; k++) {
		best = b->m;
		for (pass = 0; pass < 2 && best == b->m; pass++)
			for (i = 0; i < b->m; i++) {
				for (j = 0; j < k; j++)
					if (b->at[j] == i || (pass == 0 &&
					    b->pat[b->at[j]] == b->pat[i]))
						break;
				if (j < k)
					continue;
				if (best == b->m || score(b, b->pat[i]) <
				    score(b, b->pat[best]))
					best = i;
			}
		b->at[k] = best < b->m ? best : b->at[k - 1];
		b->byte[k] = b->pat[b->at[k]];
		b->fold[k] = b->icase && isletter(b->byte[k]) ? 0x20 : 0;
	}
}

/*
 * match1: hay byte c passes the prefilter test for needle offset k, as the
 * SIMD paths test it (OR 0x20 under icase for a letter)
 */
static int
match1(const struct bmh *b, int c, size_t k)
{
	int p = b->pat[k];

	return (b->icase && isletter(p) ? (c | 0x20) : c) == p;
}

/*
 * better: offset k lets fewer sample windows through than offset best
 * (count n against nbest), ties going to the rarer byte by the table
 */
static int
better(const struct bmh *b, size_t k, size_t n, size_t best, size_t nbest)
{
	if (best == b->m || n != nbest)
		return best == b->m || n < nbest;
	return score(b, b->pat[k]) < score(b, b->pat[best]);
}

int
bmh_train(struct bmh *b, const char *sample, size_t n)
{
	const unsigned char *h = (const unsigned char *)sample;
	size_t cnt[TRAINPOS], at[3], i, j, k, w, step, best;
	int c;

	if (b->m < 2)		/* no choice to make */
		return 1;
	if (n > TRAINMAX)
		n = TRAINMAX;
	if (n < b->m + TRAINMIN)
		return 0;
	w = n - b->m + 1;	/* windows in the sample */
	step = (b->m + TRAINPOS - 1) / TRAINPOS;	/* offsets looked at */
	for (j = 0; j < 3; j++) {
		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < w; i++) {
			for (k = 0; k < j; k++)
				if (!match1(b, h[i + at[k]], at[k]))
					break;
			if (k < j)
				continue;
			for (k = 0; k < b->m; k += step)
				cnt[k / step] += match1(b, h[i + k], k);
		}
		best = b->m;
		for (k = 0; k < b->m; k += step) {
			for (i = 0; i < j; i++)
				if (at[i] == k)
					break;
			if (i == j && better(b, k, cnt[k / step], best,
			    best < b->m ? cnt[best / step] : 0))
				best = k;
		}
		at[j] = best < b->m ? best : at[j - 1];	/* m == 2: repeat */
	}
	for (j = 0; j < 3; j++) {
		c = b->pat[at[j]];
		b->at[j] = at[j];
		b->byte[j] = (unsigned char)c;
		b->fold[j] = b->icase && isletter(c) ? 0x20 : 0;
	}
	return 1;
}

int
bmh_init(struct bmh *b, const char *pat, size_t m, int flags)
{
	size_t i;
	int c;

	memset(b, 0, sizeof(*b));
	b->m = m;
	b->icase = (flags & BMH_ICASE) != 0;
	if ((b->pat = malloc(m + 1)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < m; i++) {
		c = (unsigned char)pat[i];
		b->pat[i] = (unsigned char)(b->icase ? lower(c) : c);
	}
	if (m == 0) {
		b->find = find_empty;
		return 0;
	}
	/* Horspool: a byte not in pat[0..m-1) shifts the window by m */
	for (i = 0; i < 256; i++)
		b->skip[i] = m;
	for (i = 0; i + 1 < m; i++) {
		c = b->pat[i];
		b->skip[c] = m - 1 - i;
		if (b->icase && isletter(c))
			b->skip[c - ('a' - 'A')] = m - 1 - i;
	}
	rare(b);
	if (m == 1 && b->fold[0] == 0) {
		b->find = find_memchr;
		return 0;
	}
	b->find = find_bmh;
#ifdef BMH_X86
	if (flags & BMH_PORTABLE)
		return 0;
	__builtin_cpu_init();
	if (!(flags & BMH_SSE2) && __builtin_cpu_supports("avx2"))
		b->find = b->icase ? find_avx2i : find_avx2;
	else
		b->find = b->icase ? find_sse2i : find_sse2;
#endif
	return 0;
}

void
bmh_free(struct bmh *b)
{
	free(b->pat);
	b->pat = NULL;
}
