/*
 * Fuzz harness: the gzip member decoder (lib/inflate).  Any input is
 * decoded with output buffers of several sizes, each allocated to its
 * exact size, as is the input (the sanitizer catches a byte read or
 * written outside them); the answers must agree: the widest buffer's
 * status, and every buffer at least as long as its output gives the same
 * status, bytes and lengths, every shorter one GZ_EFULL or the same
 * error (the fast and careful loops take over at other places in each).
 * On GZ_OK the member's length is within the input and the output's
 * CRC-32 is the trailer's.  gz_crc32 is checked against the bitwise
 * definition on the input, and on a piece of it at every alignment.
 *
 * Input: one byte of mode, then the member; mode bit 0 set puts a plain
 * 10-byte gzip header before it, so that mutations reach the deflate data
 * directly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inflate.h"

#define WIDE (1 << 20)

static uint32_t
crcbits(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffff;
	int k;

	for (; n > 0; n--) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ c >> 1 : c >> 1;
	}
	return ~c;
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const unsigned char head[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0,
		0, 3 };
	static const size_t caps[] = { 0, 1, 258, 300, 4096 };
	static unsigned char wide[WIDE];	/* no 1 MiB malloc a run */
	unsigned char *in, *out;
	size_t m, h, k, used, outn, wused, wn, c;
	int wr, r;

	if (n < 1)
		return 0;
	h = d[0] & 1 ? sizeof(head) : 0;
	m = h + n - 1;
	in = malloc(m ? m : 1);
	memcpy(in, head, h);
	memcpy(in + h, d + 1, n - 1);
	if (gz_crc32(0, in, m) != crcbits(in, m))
		abort();
	for (k = 1; k < 8 && k <= m; k++)	/* the head bytes' paths */
		if (gz_crc32(0, in + k, m - k < 40 ? m - k : 40) !=
		    crcbits(in + k, m - k < 40 ? m - k : 40))
			abort();

	wr = gz_member(in, m, &wused, wide, WIDE, &wn);
	if (wr != GZ_OK && wr != GZ_EFULL && wr != GZ_EDATA && wr != GZ_ETRUNC)
		abort();
	if (wr == GZ_OK && (wused > m || wn > WIDE || wused < 18 ||
	    gz_crc32(0, wide, wn) != (uint32_t)(in[wused - 8] |
	    in[wused - 7] << 8 | in[wused - 6] << 16 |
	    (uint32_t)in[wused - 5] << 24)))
		abort();
	if (wr != GZ_OK && (wused != 0 || wn != 0))
		abort();
	for (k = 0; k < sizeof(caps) / sizeof(caps[0]) + 1; k++) {
		/* the caps, and the exact length of the output */
		c = k < sizeof(caps) / sizeof(caps[0]) ? caps[k] : wn;
		out = malloc(c ? c : 1);
		r = gz_member(in, m, &used, c ? out : NULL, c, &outn);
		if (wr == GZ_OK && c >= wn) {
			if (r != GZ_OK || used != wused || outn != wn ||
			    memcmp(out, wide, outn) != 0)
				abort();
		} else if (wr == GZ_OK ? r != GZ_EFULL :
		    r != GZ_EFULL && r != wr)
			abort();
		free(out);
	}
	free(in);
	return 0;
}
