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
 * search"): pick two bytes of the needle, b1 at offset i1 and b2 at offset
 * i2; for 16 (SSE2) or 32 (AVX2) window starts i at once, load hay[i+i1..]
 * and hay[i+i2..], compare them with b1 and b2 broadcast, AND the results;
 * each bit left set is a window whose two bytes agree, and only those are
 * compared in full.  It costs two loads, two compares and a test per 16 or
 * 32 bytes whatever the needle, and it works well exactly when few windows
 * pass, that is when b1 and b2 are rare in the hay.  Hence the table below.
 *
 * Under BMH_ICASE the needle is kept in lower case; a hay byte x is OR-ed
 * with 0x20 before comparing with a letter: (x | 0x20) == 'a' holds for
 * x = 'a' and x = 'A' only, so one compare covers both cases.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bmh.h"

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
 * find_sse2, find_avx2: the packed pair prefilter, W = 16 or 32 windows per
 * step.  A step at i loads hay[i+i1 .. i+i1+W) and hay[i+i2 .. i+i2+W);
 * both end by i+m-1+W, so steps run while i+m-1+W <= n, and every window
 * they flag fits in the hay.  The last < W windows go to find_bmh.
 */
static const char *
find_sse2(const struct bmh *b, const char *hay, size_t n)
{
	const unsigned char *h = (const unsigned char *)hay;
	const char *r;
	size_t i = 0;
	unsigned mask;
	int k;

	if (b->m > n)
		return NULL;
	if (n - b->m + 1 >= 16) {
		const __m128i v1 = _mm_set1_epi8((char)b->b1);
		const __m128i v2 = _mm_set1_epi8((char)b->b2);
		const __m128i o1 = _mm_set1_epi8((char)b->or1);
		const __m128i o2 = _mm_set1_epi8((char)b->or2);
		const size_t end = n - b->m + 1 - 16;
		__m128i x, y;

		for (; i <= end; i += 16) {
			x = _mm_loadu_si128((const __m128i *)(h + i + b->i1));
			y = _mm_loadu_si128((const __m128i *)(h + i + b->i2));
			x = _mm_cmpeq_epi8(_mm_or_si128(x, o1), v1);
			y = _mm_cmpeq_epi8(_mm_or_si128(y, o2), v2);
			mask = (unsigned)_mm_movemask_epi8(_mm_and_si128(x, y));
			for (; mask != 0; mask &= mask - 1) {
				k = __builtin_ctz(mask);
				if (same(b, h + i + k))
					return hay + i + k;
			}
		}
	}
	r = find_bmh(b, hay + i, n - i);
	return r;
}

__attribute__((target("avx2")))
static const char *
find_avx2(const struct bmh *b, const char *hay, size_t n)
{
	const unsigned char *h = (const unsigned char *)hay;
	size_t i = 0;
	unsigned mask;
	int k;

	if (b->m > n)
		return NULL;
	if (n - b->m + 1 >= 32) {
		const __m256i v1 = _mm256_set1_epi8((char)b->b1);
		const __m256i v2 = _mm256_set1_epi8((char)b->b2);
		const __m256i o1 = _mm256_set1_epi8((char)b->or1);
		const __m256i o2 = _mm256_set1_epi8((char)b->or2);
		const size_t end = n - b->m + 1 - 32;
		__m256i x, y;

		for (; i <= end; i += 32) {
			x = _mm256_loadu_si256((const __m256i *)(h + i + b->i1));
			y = _mm256_loadu_si256((const __m256i *)(h + i + b->i2));
			x = _mm256_cmpeq_epi8(_mm256_or_si256(x, o1), v1);
			y = _mm256_cmpeq_epi8(_mm256_or_si256(y, o2), v2);
			mask = (unsigned)_mm256_movemask_epi8(
			    _mm256_and_si256(x, y));
			for (; mask != 0; mask &= mask - 1) {
				k = __builtin_ctz(mask);
				if (same(b, h + i + k))
					return hay + i + k;
			}
		}
	}
	return find_bmh(b, hay + i, n - i);
}
#endif

/*
 * rare: choose the prefilter's two bytes: the needle's rarest byte, then
 * the rarest byte of a different value elsewhere (two equal bytes would
 * pass together as often as one), else any other offset.
 */
static void
rare(struct bmh *b)
{
	size_t i, best = 0, second = b->m;

	for (i = 1; i < b->m; i++)
		if (score(b, b->pat[i]) < score(b, b->pat[best]))
			best = i;
	for (i = 0; i < b->m; i++) {
		if (i == best || b->pat[i] == b->pat[best])
			continue;
		if (second == b->m ||
		    score(b, b->pat[i]) < score(b, b->pat[second]))
			second = i;
	}
	if (second == b->m)	/* one byte value: "aaaa", or m == 1 */
		second = b->m > 1 ? (best == 0 ? b->m - 1 : 0) : 0;
	b->i1 = best;
	b->i2 = second;
	b->b1 = b->pat[best];
	b->b2 = b->pat[second];
	b->or1 = b->icase && isletter(b->b1) ? 0x20 : 0;
	b->or2 = b->icase && isletter(b->b2) ? 0x20 : 0;
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
		b->path = "empty";
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
	if (m == 1 && b->or1 == 0) {
		b->find = find_memchr;
		b->path = "memchr";
		return 0;
	}
	b->find = find_bmh;
	b->path = "bmh";
#ifdef BMH_X86
	if (flags & BMH_PORTABLE)
		return 0;
	__builtin_cpu_init();
	if (!(flags & BMH_SSE2) && __builtin_cpu_supports("avx2")) {
		b->find = find_avx2;
		b->path = "avx2";
	} else {
		b->find = find_sse2;
		b->path = "sse2";
	}
#endif
	return 0;
}

void
bmh_free(struct bmh *b)
{
	free(b->pat);
	b->pat = NULL;
}
