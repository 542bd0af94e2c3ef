/*
 * hash.h - the hash of a short byte string, for the project's in-memory
 * tables (lib/otab, lib/natset, lib/pair); never written to a file (the
 * index's fingerprints are zidx.h's own, part of its format).
 *
 * 8 bytes a step, each step a multiply and a shift: keys are some 10 to
 * 60 bytes, hashed once per line, and a byte a step, as FNV does, would
 * be most of a table's cost.  The constants are odd 64-bit mixers (from
 * MurmurHash3's finalizer); the last shift brings the high bits, which
 * the multiplies mix best, down to where a table's index is taken.
 */
#ifndef CT_HASH_H
#define CT_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t
hash_bytes(const char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, p, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 29);
}

#endif
