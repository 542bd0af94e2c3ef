/*
 * Fuzz harness: the ctzip index parser (lib/zidx): any text is either
 * refused or gives blocks that tile both files exactly, as the contract
 * says, with filters of the length their count says (version 2; none in
 * version 1); a key of a filter (when its digits are hex and ascend) is
 * found in it; a key of the table (version 3) that zidx_key accepts names
 * blocks that exist, ascending, and zidx_has finds them; the records of
 * version 4 are records (zidx_isrecord) of blocks that exist, in block
 * order, without newlines (version 5: or extra lines that hold
 * CSV_RECORD); the key filters of version 5 tile their section, and those
 * near a query are read and checked or refused, and skip only near
 * blocks before END that the key table does not name; the UNTIL of
 * version 6 is at least the block's TMAX (or never), and is what
 * zidx_until says; a selection never chooses a block before
 * zidx_first's or from the cut of END on, nor, for a key, fewer than the
 * near blocks and those that name it (version 6: with an UNTIL at or
 * after the window's start), and tells that first and cut.  The
 * compressed size the caller would give is taken from the text's own
 * header.
 *
 * Each input is parsed as it is, and again with its hashes redone (the
 * head's, then each bucket line's, as a writer would make them): most
 * mutations break the hash, and the checks behind it (the sizes that
 * must not overflow, the bounds of zidx.h) would be reached only by the
 * seeds otherwise.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zidx.h"

/* hex: 8 lower-case hex digits */
static int
hex(const char *s, uint32_t *v)
{
	int k;

	for (*v = 0, k = 0; k < 8; k++, s++)
		if (*s >= '0' && *s <= '9')
			*v = *v << 4 | (uint32_t)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			*v = *v << 4 | (uint32_t)(*s - 'a' + 10);
		else
			return -1;
	return 0;
}

/*
 * rehash: s[0..n) with the hash of its first "fnv1a64" line redone over
 * the text before it, and each line after it taken for a bucket line
 * (its first 16 bytes the hash of the rest); 1 if there was one
 */
static int
rehash(char *s, size_t n)
{
	char *e = s + n, *p, *nl, hex[20];
	uint64_t h;
	size_t j;

	for (p = s; p < e; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			return 0;
		if (nl - p == 24 && memcmp(p, "fnv1a64 ", 8) == 0)
			break;
	}
	if (p >= e)
		return 0;
	snprintf(hex, sizeof(hex), "%016" PRIx64,
	    zidx_hash(ZIDX_HASH0, s, (size_t)(p - s)));
	memcpy(p + 8, hex, 16);
	for (j = 0, p = nl + 1; p < e; p = nl + 1, j++) {
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			break;
		if (nl - p >= 16) {
			h = zidx_hash(ZIDX_HASH0 ^ j, p + 16, (size_t)(nl - p - 16));
			snprintf(hex, sizeof(hex), "%016" PRIx64, h);
			memcpy(p, hex, 16);
		}
	}
	return 1;
}

static void check(char *s, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char *s = malloc(n + 1);

	memcpy(s, d, n);
	s[n] = '\0';
	check(s, n);
	memcpy(s, d, n);	/* check() changed it */
	s[n] = '\0';
	if (rehash(s, n) && memcmp(s, d, n) != 0)
		check(s, n);
	free(s);
	return 0;
}

/* near: block i is within LONG of q's window (zidx_select reads it) */
static int
near(const struct zidx *x, size_t i, const struct zquery *q)
{
	return x->b[i].hastime && x->b[i].tmax >= q->lo - x->lsec * 1000000 &&
	    x->b[i].tmin <= q->hi + x->lsec * 1000000;
}

/* check: the properties above of the text s[0..n), which it changes */
static void
check(char *s, size_t n)
{
	struct zidx x;
	struct zquery q;
	unsigned char *sel;
	long long zsize = 0, coff = 0, uoff = 0;
	size_t i, j, first, nsel, cut;
	uint32_t fp[2];
	int ok, keyok, nr;
	long long foff;

	if (sscanf(s, "ctzip-index %*d %*d %lld", &zsize) != 1)
		zsize = 0;
	if (zidx_parse(&x, s, n, zsize) == 0) {
		for (i = 0; i < x.n; i++) {
			/* (a sum that overflows is UBSan's to report) */
			if (x.b[i].coff != coff || x.b[i].uoff != uoff ||
			    x.b[i].clen <= 0 || x.b[i].ulen < 0 ||
			    x.b[i].lines > x.b[i].ulen ||
			    (x.b[i].hastime && (x.b[i].tmin > x.b[i].tmax ||
			    x.b[i].tmin < -ZIDX_TIMEMAX ||
			    x.b[i].tmax > ZIDX_TIMEMAX ||
			    x.b[i].tfirst < -ZIDX_TIMEMAX ||
			    x.b[i].tfirst > ZIDX_TIMEMAX ||
			    x.b[i].tlast < -ZIDX_TIMEMAX ||
			    x.b[i].tlast > ZIDX_TIMEMAX)))
				abort();
			if ((x.version != 2 && x.b[i].nfp > 0) ||
			    (x.b[i].nfp > 0) != (x.b[i].keys != NULL))
				abort();
			/* version 2: fingerprints that are hex and ascend are found */
			for (j = 0, ok = 1; j < x.b[i].nfp && ok; j++)
				ok = hex(x.b[i].keys + 8 * j, &fp[j % 2]) == 0 &&
				    (j == 0 || fp[(j - 1) % 2] < fp[j % 2]);
			for (j = 0; ok && j < x.b[i].nfp; j++)
				if (hex(x.b[i].keys + 8 * j, &fp[0]) < 0 ||
				    !zidx_has(&x, i, fp[0]))
					abort();
			coff += x.b[i].clen;
			uoff += x.b[i].ulen;
		}
		if (coff != x.zsize || uoff != x.srcsize || x.zsize != zsize)
			abort();
		for (i = 0; i < x.nbkt; i++)	/* what a lookup may read */
			if (x.count == NULL || x.count[i] > ZIDX_BUCKETMAX)
				abort();
		if (x.version < 4 && x.nrec > 0)
			abort();
		for (i = 0; i < x.nrec; i++)
			if (x.rec[i].blk >= x.n || (i > 0 &&
			    x.rec[i - 1].blk > x.rec[i].blk) ||
			    memchr(x.rec[i].p, '\n', x.rec[i].n) != NULL ||
			    (x.rec[i].extra ? x.version < 5 ||
			    !zidx_isextra(x.rec[i].p, x.rec[i].n) :
			    !zidx_isrecord(x.rec[i].p, x.rec[i].n)))
				abort();
		/* version 5: the filters tile FSIZE, each within its bound */
		for (i = 0, foff = 0; x.version >= 5 && i < x.n; i++) {
			if (x.b[i].nkf < 0)
				continue;
			if (x.b[i].foff != foff || x.b[i].nkf > x.b[i].lines ||
			    (x.b[i].nkf == 0) != (x.b[i].flen == 0) ||
			    x.b[i].flen > x.fsize - foff)
				abort();
			foff += x.b[i].flen;
		}
		if (x.version >= 5 && foff != x.fsize)
			abort();
		if ((x.version >= 6) != (x.unit > 0) || x.unit > ZIDX_UNITMAX)
			abort();
		if (zidx_first(&x, INT64_MIN) > x.n ||
		    zidx_first(&x, 0) > x.n || zidx_first(&x, INT64_MAX) > x.n)
			abort();
		/* a key: version 2, of a filter; 3, the first of the table */
		fp[0] = 0;
		for (i = 0; i < x.n && x.b[i].nfp == 0; i++)
			;
		if (i < x.n && hex(x.b[i].keys, &fp[0]) < 0)
			fp[0] = 0;
		if (x.version >= 3 && x.table != NULL && x.nkeys > 0 &&
		    x.headlen + 17 + 8 <= (long long)n) {
			for (i = 0, j = 0; x.count[i] == 0; i++)
				j += 17;
			if (hex(x.table + j + 16, &fp[0]) < 0)
				fp[0] = 0;
		}
		keyok = zidx_key(&x, fp[0]) == 0;
		if (x.version >= 3 && keyok) {
			/* the blocks of the key: in range, ascending, found */
			for (j = 0; j < x.nkblk; j++)
				if (x.kblk[j] >= x.n ||
				    (j > 0 && x.kblk[j - 1] >= x.kblk[j]) ||
				    !zidx_has(&x, x.kblk[j], fp[0]) ||
				    zidx_until(&x, x.kblk[j], fp[0]) !=
				    x.kupto[j] ||
				    /* version 6: UNTIL is TMAX + steps, or never */
				    (x.version >= 6 && x.kupto[j] != INT64_MAX &&
				    x.kupto[j] < x.b[x.kblk[j]].tmax) ||
				    (x.version < 6 && x.kupto[j] != INT64_MAX))
					abort();
		}
		/* a query in the middle of the times, with and without the key */
		if ((sel = malloc(x.n + 1)) == NULL)
			abort();
		memset(&q, 0, sizeof(q));
		q.lo = x.n > 0 && x.b[x.n / 2].hastime ? x.b[x.n / 2].tmin : 0;
		q.hi = q.lo + 10000000;
		q.start = q.lo - 86400000000LL;
		q.fp = fp[0];
		first = zidx_first(&x, q.start);
		for (q.haskey = 0; q.haskey < 2; q.haskey++) {
			if (q.haskey && !keyok)
				break;
			for (q.hasend = 0; q.hasend < 2; q.hasend++) {
				q.end = q.hi + 120000000;
				for (cut = 0; q.hasend && cut < x.n; cut++)
					if (x.b[cut].hastime && x.b[cut].tmin > q.end)
						break;
				if (!q.hasend)
					cut = x.n;
				nsel = zidx_select(&x, &q, sel);
				for (i = j = 0; i < x.n; j += sel[i++])
					if (sel[i] > 1 || (sel[i] && ((i < first &&
					    first < x.n) || i >= cut)) ||
					    (!sel[i] && i >= first && i < cut &&
					    (!q.haskey || x.lsec < 0 ||
					    !x.b[i].hastime || near(&x, i, &q) ||
					    (zidx_until(&x, i, q.fp) != INT64_MIN &&
					    zidx_until(&x, i, q.fp) >= q.lo))))
						abort();
				if (j != nsel || q.cut != cut || (q.first !=
				    first && !(first == x.n && x.n > 0 &&
				    q.first == x.n - 1)))
					abort();
			}
		}
		/*
		 * version 5, the key filters of the near blocks: read and
		 * checked, or refused; a block skipped by them is near, in
		 * [first, cut), before END, and not named by the key table
		 */
		q.haskey = keyok;
		q.hasend = 1;
		q.end = q.hi + 120000000;
		q.kh = zidx_hash(ZIDX_HASH0, s, n < 16 ? n : 16);
		nr = zidx_near(&x, &q);
		if (nr < -1 || nr > 1 || (nr == 0 && x.version < 5))
			abort();
		if (nr == 0 && keyok) {
			q.filter = 1;
			nsel = zidx_select(&x, &q, sel);
			for (i = j = 0; i < x.n; i++) {
				j += sel[i] == ZSEL_READ;
				if (sel[i] == ZSEL_NEAR && (i < q.first ||
				    i >= q.cut || !x.b[i].hastime ||
				    x.b[i].tmax > q.end ||
				    x.b[i].tmax < q.lo - x.lsec * 1000000 ||
				    x.b[i].tmin > q.hi + x.lsec * 1000000 ||
				    zidx_has(&x, i, q.fp)))
					abort();
			}
			if (j != nsel)
				abort();
		}
		free(sel);
		zidx_free(&x);
	}
}
