/* inflate.c - see inflate.h; formats: RFC 1951 (deflate), RFC 1952 (gzip) */
#include <string.h>

#include "inflate.h"

/*
 * The bit buffer: bb holds the next input bits, the first in bit 0, nb of
 * them valid.  Above bit nb it may hold more bits of the input bytes at
 * p and after, in their places (the word refill loads 8 bytes and keeps
 * only the whole ones it took): they are the same bits the next refill
 * ORs in, so the OR changes nothing.  Once the input is all in, the bits
 * above nb are 0.  p is the first byte not yet in bb; the bytes consumed
 * are those before p less the nb / 8 whole bytes still in bb.
 *
 * The decoding tables: a primary table indexed by the next LBITS (DBITS)
 * bits of input (the code's first bit in bit 0: Huffman codes are packed
 * from their most significant bit, so the table index is the code with
 * its bits reversed), each code shorter than that repeated in every entry
 * that it prefixes.  A longer code's entry points to a subtable indexed by
 * the bits after the primary ones, as many as the longest code behind that
 * prefix needs.  One 32-bit entry says everything a symbol needs:
 *
 *	bits 0-3	the code's length (in a subtable: the whole code's)
 *	bit 5 E_SUB	a pointer: bits 16-31 the subtable's offset,
 *			bits 8-15 its index bits
 *	bit 6 E_EXC	the end of the block (bits 16-31 0) or a symbol that
 *			may not occur (1: lit/len 286-287, distance 30-31,
 *			a code that no symbol has in a one-code set)
 *	bit 7 E_LIT	a literal: bits 16-23 the byte
 *	otherwise	a length or distance: bits 16-31 the base, bits 8-15
 *			the bits to consume, code and extra bits together
 *			(the extra bits follow the code, least significant
 *			first: extra value = (bb & mask(total)) >> length)
 */
#define LBITS	11	/* primary lit/len table: 8 KiB, most codes */
#define DBITS	8	/* primary distance table */
#define CBITS	7	/* code length code: lengths 0-7, no subtables */
/*
 * Room for the subtables: a subtable of d bits is a complete subtree of
 * the code (an incomplete set has no code past 1 bit), so it holds d + 1
 * codes or more: 2^d / (d + 1) entries a code at most, 3.2 for d <= 4
 * (lit/len: 15 - LBITS), 16 for d <= 7 (distance: 15 - DBITS).
 */
#define LSIZE	((1 << LBITS) + 288 * 16 / 5)
#define DSIZE	((1 << DBITS) + 32 * 16)
#define CSIZE	(1 << CBITS)

#define E_SUB	0x20u
#define E_EXC	0x40u
#define E_LIT	0x80u
#define E_LEN(e)	((e) & 15u)
#define E_BITS(e)	(((e) >> 8) & 0xffu)
#define E_VAL(e)	((e) >> 16)
#define BAD	(E_EXC | 1u << 16)	/* a symbol that may not occur */

/*
 * The fast loop runs while FASTIN input bytes are left (three word refills
 * a turn, which take 7 + 2 + 6 bytes at most, the last reading 8) and
 * FASTOUT output bytes (a literal and a match of 258, whose copy runs
 * over by up to 15 bytes: copy()).
 */
#define FASTIN	24
#define FASTOUT	(2 + 258 + 16)

enum { CODES, LITLEN, DIST };	/* build(): which alphabet */

struct inf {
	const unsigned char *p, *e;	/* input: next byte, end */
	uint64_t bb;			/* bit buffer (above) */
	unsigned nb;
	unsigned char *o0, *o, *oe;	/* output: start, next, end */
	uint32_t lt[LSIZE], dt[DSIZE];	/* a dynamic block's tables */
};

/* RFC 1951 3.2.5: lengths 257-285 and distances 0-29, base and extra */
static const uint16_t lbase[29] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15,
	17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195,
	227, 258 };
static const unsigned char lextra[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1,
	1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dbase[30] = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33,
	49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
	4097, 6145, 8193, 12289, 16385, 24577 };
static const unsigned char dextra[30] = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4,
	4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

static uint32_t crctab[16][256];	/* slice-by-16: [k][b]: b, then k 0s */
static uint32_t flt[1 << LBITS], fdt[1 << DBITS];	/* fixed Huffman */
static int crcmade, fixedmade;

static inline uint64_t
le64(const unsigned char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

static inline uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
mkcrc(void)
{
	uint32_t c;
	int n, k;

	for (n = 0; n < 256; n++) {
		c = (uint32_t)n;
		for (k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ c >> 1 : c >> 1;
		crctab[0][n] = c;
	}
	for (n = 0; n < 256; n++)
		for (k = 1; k < 16; k++)
			crctab[k][n] = crctab[k - 1][n] >> 8 ^
			    crctab[0][crctab[k - 1][n] & 0xff];
	crcmade = 1;
}

uint32_t
gz_crc32(uint32_t crc, const void *v, size_t n)
{
	const unsigned char *p = v;
	uint32_t c = ~crc, a, b, d, e;

	if (!crcmade)
		mkcrc();
	for (; n > 0 && ((uintptr_t)p & 7) != 0; n--)
		c = crctab[0][(c ^ *p++) & 0xff] ^ c >> 8;
	for (; n >= 16; n -= 16, p += 16) {
		a = le32(p) ^ c;
		b = le32(p + 4);
		d = le32(p + 8);
		e = le32(p + 12);
		c = crctab[15][a & 0xff] ^ crctab[14][a >> 8 & 0xff] ^
		    crctab[13][a >> 16 & 0xff] ^ crctab[12][a >> 24] ^
		    crctab[11][b & 0xff] ^ crctab[10][b >> 8 & 0xff] ^
		    crctab[9][b >> 16 & 0xff] ^ crctab[8][b >> 24] ^
		    crctab[7][d & 0xff] ^ crctab[6][d >> 8 & 0xff] ^
		    crctab[5][d >> 16 & 0xff] ^ crctab[4][d >> 24] ^
		    crctab[3][e & 0xff] ^ crctab[2][e >> 8 & 0xff] ^
		    crctab[1][e >> 16 & 0xff] ^ crctab[0][e >> 24];
	}
	for (; n > 0; n--)
		c = crctab[0][(c ^ *p++) & 0xff] ^ c >> 8;
	return ~c;
}

const char *
gz_strerror(int e)
{
	switch (e) {
	case GZ_OK:
		return "no error";
	case GZ_EFULL:
		return "plain text longer than expected";
	case GZ_EDATA:
		return "corrupt data";
	case GZ_ETRUNC:
		return "truncated member";
	case GZ_ESHORT:
		return "plain text shorter than expected";
	}
	return "unknown error";
}

/* entry: the table entry of symbol s of alphabet kind, code length l */
static uint32_t
entry(int kind, unsigned s, unsigned l)
{
	switch (kind) {
	case LITLEN:
		if (s < 256)
			return E_LIT | s << 16 | l;
		if (s == 256)
			return E_EXC | l;
		if (s >= 286)
			return BAD | l;
		s -= 257;
		return (uint32_t)lbase[s] << 16 | (l + lextra[s]) << 8 | l;
	case DIST:
		if (s >= 30)
			return BAD | l;
		return (uint32_t)dbase[s] << 16 | (l + dextra[s]) << 8 | l;
	}
	return s << 16 | l;
}

/*
 * build: the table t (size entries; primary bits wide) of the canonical
 * Huffman code with lengths len[0..n) (RFC 1951 3.2.2); 0, or -1 when the
 * lengths are no code: oversubscribed, or incomplete beyond what zlib
 * lets through (a lit/len or distance set of one 1-bit code, a distance
 * set of none).
 *
 * Symbols in order of (length, symbol) get consecutive codes; so the
 * codes sharing a primary prefix come together, and the subtable that
 * they need has as many bits as the remaining counts show it takes to
 * fill that prefix's subtree.
 */
static int
build(uint32_t *t, size_t size, unsigned bits, const unsigned char *len,
    unsigned n, int kind)
{
	unsigned cnt[16], at[16], sym[288], i, j, l, max, nsym, d, code, r;
	unsigned prefix, sub, step;
	uint32_t e;
	int left;

	memset(cnt, 0, sizeof(cnt));
	for (i = 0; i < n; i++)
		cnt[len[i]]++;
	for (max = 15; max > 0 && cnt[max] == 0; max--)
		;
	left = 1;
	for (l = 1; l <= 15; l++) {
		left = 2 * left - (int)cnt[l];
		if (left < 0)
			return -1;	/* oversubscribed */
	}
	if (left > 0) {
		if (kind == CODES || max > 1 || (kind == LITLEN && max == 0))
			return -1;	/* incomplete */
		for (i = 0; i < (1u << bits); i++)
			t[i] = BAD | 1;
		if (max == 0)
			return 0;
	}
	at[1] = 0;
	for (l = 1; l < 15; l++)
		at[l + 1] = at[l] + cnt[l];
	nsym = at[15] + cnt[15];
	for (i = 0; i < n; i++)
		if (len[i] != 0)
			sym[at[len[i]]++] = i;

	code = 0;		/* the next code, most significant bit first */
	l = len[sym[0]];
	prefix = ~0u;		/* the current subtable's primary bits */
	sub = 0;		/* its offset in t */
	d = 0;			/* its index bits */
	step = 1u << bits;	/* where the next subtable goes */
	for (i = 0; i < nsym; i++) {
		if (len[sym[i]] > l) {
			code <<= len[sym[i]] - l;
			l = len[sym[i]];
		}
		for (r = 0, j = 0; j < l; j++)
			r |= (code >> j & 1) << (l - 1 - j);
		e = entry(kind, sym[i], l);
		if (l <= bits) {
			for (j = r; j < (1u << bits); j += 1u << l)
				t[j] = e;
		} else {
			if ((r & ((1u << bits) - 1)) != prefix) {
				prefix = r & ((1u << bits) - 1);
				/* its bits: until the codes left fill it */
				d = l - bits;
				left = 1 << d;
				while (d + bits < max) {
					left -= (int)cnt[d + bits];
					if (left <= 0)
						break;
					d++;
					left <<= 1;
				}
				if (step + (1u << d) > size)
					return -1;	/* cannot be */
				sub = step;
				step += 1u << d;
				t[prefix] = E_SUB | sub << 16 | d << 8 | bits;
			}
			for (j = r >> bits; j < (1u << d);
			    j += 1u << (l - bits))
				t[sub + j] = e;
		}
		cnt[l]--;
		code++;
	}
	return 0;
}

static void
mkfixed(void)
{
	unsigned char len[288];

	memset(len, 8, 144);
	memset(len + 144, 9, 112);
	memset(len + 256, 7, 24);
	memset(len + 280, 8, 8);
	build(flt, sizeof(flt) / sizeof(flt[0]), LBITS, len, 288, LITLEN);
	memset(len, 5, 32);
	build(fdt, sizeof(fdt) / sizeof(fdt[0]), DBITS, len, 32, DIST);
	fixedmade = 1;
}

/* fill: input bytes into bb until it has more than 56 bits or none are left */
static inline void
fill(struct inf *s)
{
	while (s->nb <= 56 && s->p < s->e) {
		s->bb |= (uint64_t)*s->p++ << s->nb;
		s->nb += 8;
	}
}

/* bits: the next k bits (k <= 16), or -1 when the input ends first */
static int
bits(struct inf *s, unsigned k)
{
	int v;

	if (s->nb < k)
		fill(s);
	if (s->nb < k)
		return -1;
	v = (int)(s->bb & ((1u << k) - 1));
	s->bb >>= k;
	s->nb -= k;
	return v;
}

static int
stored(struct inf *s)
{
	size_t len;

	s->nb -= s->nb & 7;	/* to a byte boundary; then whole bytes back */
	s->p -= s->nb >> 3;
	s->bb = 0;
	s->nb = 0;
	if (s->e - s->p < 4)
		return GZ_ETRUNC;
	len = (size_t)s->p[0] | (size_t)s->p[1] << 8;
	if (((size_t)s->p[2] | (size_t)s->p[3] << 8) != (~len & 0xffff))
		return GZ_EDATA;
	s->p += 4;
	if ((size_t)(s->e - s->p) < len)
		return GZ_ETRUNC;
	if ((size_t)(s->oe - s->o) < len)
		return GZ_EFULL;
	memcpy(s->o, s->p, len);
	s->o += len;
	s->p += len;
	return GZ_OK;
}

/* dynamic: a dynamic block's header (RFC 1951 3.2.7) into s->lt, s->dt */
static int
dynamic(struct inf *s)
{
	static const unsigned char order[19] = { 16, 17, 18, 0, 8, 7, 9, 6,
		10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };
	unsigned char len[286 + 30], clen[19];
	uint32_t ct[CSIZE], e;
	unsigned nlen, ndist, ncode, i, l, rep, v;
	int x;

	if ((x = bits(s, 14)) < 0)
		return GZ_ETRUNC;
	nlen = (x & 31) + 257;
	ndist = (x >> 5 & 31) + 1;
	ncode = (x >> 10) + 4;
	if (nlen > 286 || ndist > 30)
		return GZ_EDATA;
	memset(clen, 0, sizeof(clen));
	for (i = 0; i < ncode; i++) {
		if ((x = bits(s, 3)) < 0)
			return GZ_ETRUNC;
		clen[order[i]] = (unsigned char)x;
	}
	if (build(ct, CSIZE, CBITS, clen, 19, CODES) < 0)
		return GZ_EDATA;
	for (i = 0; i < nlen + ndist; ) {
		fill(s);
		e = ct[s->bb & (CSIZE - 1)];
		l = E_LEN(e);
		if (l > s->nb)
			return GZ_ETRUNC;
		s->bb >>= l;
		s->nb -= l;
		v = E_VAL(e);
		if (v < 16) {
			len[i++] = (unsigned char)v;
			continue;
		}
		if (v == 16) {
			if (i == 0)
				return GZ_EDATA;	/* nothing to repeat */
			x = bits(s, 2);
			rep = 3 + (unsigned)x;
			v = len[i - 1];
		} else if (v == 17) {
			x = bits(s, 3);
			rep = 3 + (unsigned)x;
			v = 0;
		} else {
			x = bits(s, 7);
			rep = 11 + (unsigned)x;
			v = 0;
		}
		if (x < 0)
			return GZ_ETRUNC;
		if (rep > nlen + ndist - i)
			return GZ_EDATA;
		memset(len + i, (int)v, rep);
		i += rep;
	}
	if (len[256] == 0)
		return GZ_EDATA;	/* no end of block */
	if (build(s->lt, LSIZE, LBITS, len, nlen, LITLEN) < 0 ||
	    build(s->dt, DSIZE, DBITS, len + nlen, ndist, DIST) < 0)
		return GZ_EDATA;
	return GZ_OK;
}

/*
 * copy: the match of len bytes dist back to o, where FASTOUT allows
 * writing up to 15 bytes past its end.  8 bytes at a time, 16 a turn
 * (most matches are short: one turn, one branch): when dist >= 8 each 8
 * bytes read were written before; a shorter period is first laid down
 * byte by byte over the least multiple of dist >= 8 (at most 14 bytes),
 * and then copied from that far back.
 */
static inline void
copy(unsigned char *o, size_t dist, size_t len)
{
	unsigned char *end = o + len;
	const unsigned char *f = o - dist;
	uint64_t w;
	size_t i, step;

	if (dist >= 8) {
		do {
			memcpy(&w, f, 8);
			memcpy(o, &w, 8);
			memcpy(&w, f + 8, 8);
			memcpy(o + 8, &w, 8);
			o += 16;
			f += 16;
		} while (o < end);
	} else if (dist == 1) {
		w = *f * 0x0101010101010101ULL;
		do {
			memcpy(o, &w, 8);
			memcpy(o + 8, &w, 8);
			o += 16;
		} while (o < end);
	} else {
		step = (8 + dist - 1) / dist * dist;
		for (i = 0; i < step; i++)
			o[i] = f[i];
		for (o += step; o < end; o += 8) {
			memcpy(&w, o - step, 8);
			memcpy(o, &w, 8);
		}
	}
}

/*
 * codes: a Huffman block's symbols, with tables lt, dt, to the end of
 * block.  The fast loop (room for FASTIN bytes of input, FASTOUT of
 * output) refills the bit buffer a word at a time, which leaves 56 bits
 * or more: enough for a length and a distance with their extra bits (48),
 * or for two literals (30) and then a second refill; after a match it
 * refills and looks the next code up before copying, so that the table's
 * load overlaps the copy.  Once the careful path runs, the fast loop's
 * bounds are never met again (p and o only grow).  The careful path
 * takes one symbol at a time, byte refills, every bound checked.
 */
static int
codes(struct inf *s, const uint32_t *lt, const uint32_t *dt)
{
	const unsigned char *p = s->p, *pe = s->e, *pfast;
	unsigned char *o = s->o, *o0 = s->o0, *oe = s->oe, *ofast;
	uint64_t bb = s->bb;
	unsigned nb = s->nb, l, t;
	uint32_t e = 0;
	size_t len, dist;
	int r = GZ_OK;

	pfast = pe - p >= FASTIN ? pe - FASTIN + 1 : p;
	ofast = oe - o >= FASTOUT ? oe - FASTOUT + 1 : o;
#define REFILL() do {							\
	bb |= le64(p) << nb;						\
	p += (63 - nb) >> 3;						\
	nb |= 56;							\
} while (0)
#define LOOKUP(tab, b, x) do {						\
	(x) = (tab)[bb & ((1u << (b)) - 1)];				\
	if ((x) & E_SUB)						\
		(x) = (tab)[E_VAL(x) + (bb >> (b) &			\
		    ((1u << E_BITS(x)) - 1))];				\
} while (0)
/* TAKE: (v) = the base of length or distance entry x plus its extra bits,
 * which follow its code; both consumed (l, t: E_LEN, E_BITS) */
#define TAKE(x, v) do {							\
	l = E_LEN(x);							\
	t = E_BITS(x);							\
	(v) = E_VAL(x) + ((bb & ((1u << t) - 1)) >> l);		\
	bb >>= t;							\
	nb -= t;							\
} while (0)
	for (;;) {
		if (p < pfast && o < ofast) {
			REFILL();
			LOOKUP(lt, LBITS, e);
		}
		while (p < pfast && o < ofast) {
			/* e: the entry of the code at bit 0, nb >= 15 */
			REFILL();
			if (e & E_LIT) {
				l = E_LEN(e);
				bb >>= l;
				nb -= l;
				*o++ = (unsigned char)E_VAL(e);
				LOOKUP(lt, LBITS, e);
				if (e & E_LIT) {
					l = E_LEN(e);
					bb >>= l;
					nb -= l;
					*o++ = (unsigned char)E_VAL(e);
					LOOKUP(lt, LBITS, e);
					continue;
				}
				REFILL();
			}
			if (e & E_EXC) {
				l = E_LEN(e);
				bb >>= l;
				nb -= l;
				if (E_VAL(e) == 0)
					goto out;
				r = GZ_EDATA;
				goto out;
			}
			TAKE(e, len);
			LOOKUP(dt, DBITS, e);
			if (e & E_EXC) {
				r = GZ_EDATA;
				goto out;
			}
			TAKE(e, dist);
			if (dist > (size_t)(o - o0)) {
				r = GZ_EDATA;
				goto out;
			}
			/* the next code's entry, its load under the copy */
			REFILL();
			LOOKUP(lt, LBITS, e);
			copy(o, dist, len);
			o += len;
		}

		/* the careful path: one symbol */
		while (nb <= 56 && p < pe) {
			bb |= (uint64_t)*p++ << nb;
			nb += 8;
		}
		LOOKUP(lt, LBITS, e);
		l = E_LEN(e);
		if (l > nb) {
			r = GZ_ETRUNC;
			goto out;
		}
		if (e & E_LIT) {
			if (o == oe) {
				r = GZ_EFULL;
				goto out;
			}
			bb >>= l;
			nb -= l;
			*o++ = (unsigned char)E_VAL(e);
			continue;
		}
		if (e & E_EXC) {
			bb >>= l;
			nb -= l;
			if (E_VAL(e) != 0)
				r = GZ_EDATA;
			goto out;
		}
		t = E_BITS(e);
		if (t > nb) {
			r = GZ_ETRUNC;
			goto out;
		}
		len = E_VAL(e) + ((bb & ((1u << t) - 1)) >> l);
		bb >>= t;
		nb -= t;
		LOOKUP(dt, DBITS, e);	/* 28 bits at most: still there */
		l = E_LEN(e);
		t = E_BITS(e);
		if (l > nb || (!(e & E_EXC) && t > nb)) {
			r = GZ_ETRUNC;
			goto out;
		}
		if (e & E_EXC) {
			r = GZ_EDATA;
			goto out;
		}
		dist = E_VAL(e) + ((bb & ((1u << t) - 1)) >> l);
		bb >>= t;
		nb -= t;
		if (dist > (size_t)(o - o0)) {
			r = GZ_EDATA;
			goto out;
		}
		if (len > (size_t)(oe - o)) {
			r = GZ_EFULL;
			goto out;
		}
		for (; len > 0; len--, o++)
			*o = *(o - dist);
	}
#undef REFILL
#undef LOOKUP
#undef TAKE
out:
	s->p = p;
	s->bb = bb;
	s->nb = nb;
	s->o = o;
	return r;
}

/* inflate: the deflate stream at s->p, its blocks to the last */
static int
inflate(struct inf *s)
{
	int h, r;

	do {
		if ((h = bits(s, 3)) < 0)
			return GZ_ETRUNC;
		switch (h >> 1) {
		case 0:
			r = stored(s);
			break;
		case 1:
			if (!fixedmade)
				mkfixed();
			r = codes(s, flt, fdt);
			break;
		case 2:
			if ((r = dynamic(s)) == GZ_OK)
				r = codes(s, s->lt, s->dt);
			break;
		default:
			r = GZ_EDATA;
		}
		if (r != GZ_OK)
			return r;
	} while (!(h & 1));
	return GZ_OK;
}

enum { FTEXT = 1, FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16 };

int
gz_member(const unsigned char *in, size_t n, size_t *used,
    unsigned char *out, size_t cap, size_t *outn)
{
	struct inf s;
	unsigned char none;
	const unsigned char *z;
	size_t h, plain;
	int r;

	*used = *outn = 0;
	if (n == 0)
		return GZ_ETRUNC;
	/* magic, method 8 (deflate), no reserved flag: as far as in goes */
	if (in[0] != 0x1f || (n > 1 && in[1] != 0x8b) ||
	    (n > 2 && in[2] != 8) || (n > 3 && in[3] & 0xe0))
		return GZ_EDATA;
	if (n < 10)
		return GZ_ETRUNC;
	h = 10;
	if (in[3] & FEXTRA) {
		if (n - h < 2)
			return GZ_ETRUNC;
		h += 2 + (in[h] | (size_t)in[h + 1] << 8);
		if (h > n)
			return GZ_ETRUNC;
	}
	if (in[3] & FNAME) {
		if ((z = memchr(in + h, 0, n - h)) == NULL)
			return GZ_ETRUNC;
		h = (size_t)(z - in) + 1;
	}
	if (in[3] & FCOMMENT) {
		if ((z = memchr(in + h, 0, n - h)) == NULL)
			return GZ_ETRUNC;
		h = (size_t)(z - in) + 1;
	}
	if (in[3] & FHCRC) {
		if (n - h < 2)
			return GZ_ETRUNC;
		if ((gz_crc32(0, in, h) & 0xffff) !=
		    (in[h] | (unsigned)in[h + 1] << 8))
			return GZ_EDATA;
		h += 2;
	}
	if (out == NULL) {	/* no arithmetic on a null pointer */
		out = &none;
		cap = 0;
	}
	s.p = in + h;
	s.e = in + n;
	s.bb = 0;
	s.nb = 0;
	s.o0 = s.o = out;
	s.oe = out + cap;
	if ((r = inflate(&s)) != GZ_OK)
		return r;
	s.p -= s.nb >> 3;	/* the whole bytes read ahead */
	if (s.e - s.p < 8)
		return GZ_ETRUNC;
	plain = (size_t)(s.o - out);
	if (le32(s.p + 4) != (uint32_t)plain ||
	    le32(s.p) != gz_crc32(0, out, plain))
		return GZ_EDATA;
	*used = (size_t)(s.p + 8 - in);
	*outn = plain;
	return GZ_OK;
}

int
gz_members(const unsigned char *in, size_t n, unsigned char *out,
    size_t len, size_t *at)
{
	size_t got = 0, used, outn;
	int e;

	for (*at = 0; *at < n; *at += used, got += outn)
		if ((e = gz_member(in + *at, n - *at, &used, out + got,
		    len - got, &outn)) != GZ_OK)
			return e;
	return got == len ? GZ_OK : GZ_ESHORT;
}
