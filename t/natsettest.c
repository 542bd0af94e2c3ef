/*
 * natsettest - randomised test of lib/natset.h, the batch search of NAT
 * keys: buffers of log-like lines (keys of the set as nat and natport and
 * as destination, other keys, coverage records, header and short lines,
 * long lines across the 64-byte chunks, a last line without newline) are
 * searched by every path (portable, SSE2, AVX2 when the processor has it)
 * and compared with a naive reading of each line's fields.
 *
 *	t/natsettest SEED COUNT
 *
 * Prints "N buffers, N failed" and exits 1 on a failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natset.h"

#define NKEY 40

static char key[NKEY][48];

/* naive: is the line l[0..n) a match (its fields 8-9, or a record) */
static int
naive(const struct natset *s, const char *l, size_t n, int records)
{
	const char *f[16], *p = l, *e = l + n;
	int k = 0;

	f[k++] = p;
	for (; p < e && k < 16; p++)
		if (*p == ';')
			f[k++] = p + 1;
	if (records && k >= 3 && f[2] < e && *f[2] == ';')
		return 1;
	if (k < 10)
		return 0;
	return natset_has(s, f[7], (size_t)(f[9] - 1 - f[7]));
}

static void
word(char *b, size_t *at, const char *w)
{
	size_t n = strlen(w);

	memcpy(b + *at, w, n);
	*at += n;
}

/* a random line into b at *at (no newline) */
static void
line(char *b, size_t *at)
{
	char t[160];
	int r = rand() % 10, k = rand() % NKEY, j = rand() % NKEY, i;

	if (r == 0) {		/* a coverage record */
		word(b, at, "2026-11-27T10:00:00.000000Z;alive;;;;;;;;60;;;;;"
		    "2026-11-27T10:00:00.000000Z;");
		return;
	}
	if (r == 1) {		/* a header, a short line */
		word(b, at, rand() % 2 ? "time;event;proto;src;sport;dst;dport;"
		    "nat;natport;id;opkts;obytes;rpkts;rbytes;from;to" :
		    "junk;a;b");
		return;
	}
	/* a flow: the key as nat, or as destination, or another */
	snprintf(t, sizeof(t), "2026-11-27T10:00:%02d.%06dZ;%s;tcp;10.0.%d.%d;%d;"
	    "%s;%s;%d;", rand() % 60, rand() % 1000000, rand() % 2 ? "start" :
	    "stop", rand() % 256, rand() % 256, 1024 + rand() % 60000,
	    r == 2 ? key[j] : "198.51.100.2", r == 2 ? "" : "", 7);
	/* destination: a key's address and port in dst;dport */
	if (r == 2) {
		char d[64];

		strcpy(d, key[j]);
		snprintf(t, sizeof(t), "2026-11-27T10:00:01.000000Z;start;udp;"
		    "10.0.0.1;5;%s;", d);
	}
	word(b, at, t);
	if (r == 3)		/* a key that is not in the set */
		word(b, at, "192.0.2.99;1");
	else
		word(b, at, key[k]);
	snprintf(t, sizeof(t), ";%u;;;;;;", (unsigned)rand());
	word(b, at, t);
	if (r == 4)		/* a long line: extra fields */
		for (i = rand() % 40; i > 0; i--)
			word(b, at, ";xxxxxxxx");
}

int
main(int argc, char *argv[])
{
	struct natset s;
	static char buf[1 << 16];
	size_t at, n, len, i, nl;
	const char *p, *q, *e, *bol;
	unsigned long count, run, failed = 0;
	int path, records, want, k;

	if (argc != 3)
		return 2;
	srand((unsigned)strtoul(argv[1], NULL, 10));
	count = strtoul(argv[2], NULL, 10);
	natset_init(&s);
	for (k = 0; k < NKEY; k++) {
		if (k % 7 == 0)
			snprintf(key[k], sizeof(key[k]), "2001:db8:40::1;%d",
			    20000 + k);
		else
			snprintf(key[k], sizeof(key[k]), "192.76.8.%d;%d",
			    20 + k % 8, 1024 + k * 37);
		if (k % 3 != 2)	/* a third of them not in the set */
			natset_add(&s, key[k], strlen(key[k]));
	}
	for (run = 0; run < count; run++) {
		at = 0;
		nl = 1 + (size_t)rand() % 60;
		for (i = 0; i < nl; i++) {
			line(buf, &at);
			if (i + 1 < nl || rand() % 4)
				buf[at++] = '\n';
		}
		n = at;
		records = rand() % 2;
		for (path = 0; path < 3; path++) {
			s.portable = path == 0;
			s.avx2 = path == 2 ? __builtin_cpu_supports("avx2") : 0;
			/* every line, naively and by the set, in order */
			p = buf;
			e = buf + n;
			q = buf;
			while (p < e) {
				bol = natset_find(&s, p, (size_t)(e - p),
				    records, &len);
				/* the naive next match from p */
				for (; q < e; ) {
					const char *eol = memchr(q, '\n',
					    (size_t)(e - q));
					size_t ln = (size_t)((eol ? eol : e) - q);

					want = naive(&s, q, ln, records);
					if (want)
						break;
					q = eol ? eol + 1 : e;
				}
				if ((bol == NULL) != (q >= e) ||
				    (bol != NULL && bol != q)) {
					failed++;
					fprintf(stderr, "run %lu path %d: got %ld, want %ld\n",
					    run, path, bol ? (long)(bol - buf) : -1L,
					    q < e ? (long)(q - buf) : -1L);
					break;
				}
				if (bol == NULL)
					break;
				if (memchr(bol, '\n', len) != NULL ||
				    (bol + len < e && bol[len] != '\n')) {
					failed++;
					fprintf(stderr, "run %lu: bad length\n", run);
					break;
				}
				p = q = bol + len < e ? bol + len + 1 : e;
			}
		}
	}
	natset_free(&s);
	printf("%lu buffers, %lu failed\n", count, failed);
	return failed > 0;
}
