/*
 * inflate.h - decompress one gzip member (RFC 1952 around RFC 1951
 * deflate) from memory into memory, inside the process.
 *
 * Why: ctzip(1) writes a log as independent gzip members of 512 KiB
 * of plain text each (zidx.h), and a query decompresses only the few it
 * needs.  Spawning "gzip -dc" and a feeder for them costs processes, pipes
 * and copies, and gzip inflates only ~140 MB/s; the project may use no
 * library but libc, so this is its own decoder, written for speed: a
 * 64-bit bit buffer refilled a word at a time, table-driven Huffman
 * decoding (one lookup gives symbol, extra bits and code length), matches
 * copied 8 bytes at a time, and a slice-by-16 CRC-32.
 *
 * Contract: gz_member decodes the one member at the start of in[0..n)
 * into out[0..cap).  Whole members only: the caller has the member's
 * bytes in memory (its compressed length is in the index) and a buffer
 * for its plain text (its length too, or the trailer's ISIZE).
 *
 *	GZ_OK		*used is the member's length in bytes (header to
 *			trailer), *outn the plain bytes written; the trailer's
 *			CRC-32 and ISIZE matched what was decoded.
 *	GZ_EFULL	the plain text is longer than cap.
 *	GZ_EDATA	not a valid member: bad magic, method or reserved flag
 *			bits, a header CRC (FHCRC) that does not match, an
 *			invalid block type, stored length, Huffman code set or
 *			code, a distance back before the member's first output
 *			byte, or a CRC-32 or ISIZE that does not match.
 *	GZ_ETRUNC	in ends before the member does.
 *
 * On an error *used and *outn are 0, and out[0..cap) holds anything.
 * Whatever the input, gz_member never reads in[] at or past n nor writes
 * out[] at or past cap (it may write past *outn, below cap).
 *
 * Accepted: the header's FTEXT, FHCRC, FEXTRA, FNAME and FCOMMENT (the
 * extra field, name and comment are skipped; MTIME, XFL and OS ignored);
 * stored, fixed and dynamic Huffman blocks.  The Huffman code sets are
 * checked as zlib checks them: an oversubscribed or incomplete set is
 * corrupt, but for a literal/length or distance set of one code of one bit
 * (and a distance set without any code, for blocks of literals only).
 *
 * The CRC-32 and fixed-Huffman tables are built at the first call, in
 * static storage: the first call must not race another (the tools are
 * single-threaded).
 */
#ifndef CT_INFLATE_H
#define CT_INFLATE_H

#include <stddef.h>
#include <stdint.h>

enum { GZ_OK = 0, GZ_EFULL = -1, GZ_EDATA = -2, GZ_ETRUNC = -3,
	GZ_ESHORT = -4 };

int gz_member(const unsigned char *in, size_t n, size_t *used,
    unsigned char *out, size_t cap, size_t *outn);
/*
 * gz_members: the members that fill in[0..n) exactly (a ctzip block's,
 * whose lengths its index gives) decode to exactly out[0..len): GZ_OK;
 * else gz_member's error of the member at offset *at of in, or
 * GZ_ESHORT: they end before len bytes (*at: n)
 */
int gz_members(const unsigned char *in, size_t n, unsigned char *out,
    size_t len, size_t *at);
/* a message for a gz_member or gz_members status, in lower case */
const char *gz_strerror(int e);
/* the CRC-32 of gzip (and zlib's crc32()): crc 0 to start, then chain */
uint32_t gz_crc32(uint32_t crc, const void *p, size_t n);

#endif
