/*
 * Fuzz harness: the conntrack line parser (lib/ctev).  Beyond "no crash"
 * (ASan/UBSan), it checks what the log format relies on: every field of
 * an accepted event lies inside the line and holds no ';' or newline, so
 * no input can ever split or shift a CSV line; and the fast path reads
 * every line exactly as the reference parser does (the kernel's times of
 * -o ktimestamp included).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctev.h"

static void
inside(struct span f, const char *s, size_t n)
{
	if (f.n == 0)
		return;
	if (f.p < s || f.p + f.n > s + n || memchr(f.p, ';', f.n) ||
	    memchr(f.p, '\n', f.n) || memchr(f.p, ' ', f.n))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct ctev ev;
	const char *why = NULL;
	char *s = malloc(n ? n : 1);	/* exact size: overreads are caught */
	int k;

	memcpy(s, d, n);
	k = ctev_parse(s, n, &ev, &why);
	{
		struct ctev ref;
		const char *why2 = NULL;

		if (ctev_parse_ref(s, n, &ref, &why2) != k)
			abort();
		if ((k == CT_EVENT || k == CT_DUMP) &&
		    memcmp(&ev, &ref, sizeof(ev)) != 0)
			abort();
		if (k == CT_DUMPEND && (ev.id.p != ref.id.p ||
		    ev.id.n != ref.id.n))
			abort();
	}
	if (k == CT_DUMPEND)
		inside(ev.id, s, n);
	if (k == CT_EVENT || k == CT_DUMP) {
		struct span *f[] = { &ev.proto, &ev.src, &ev.sport, &ev.dst,
			&ev.dport, &ev.nat, &ev.natport, &ev.id, &ev.opkts,
			&ev.obytes, &ev.rpkts, &ev.rbytes };
		size_t i;

		for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
			inside(*f[i], s, n);
		if (ev.src.n == 0 || ev.dst.n == 0 || ev.nat.n == 0 ||
		    ev.proto.n == 0)
			abort();
	} else if (k == CT_BAD && why == NULL)
		abort();
	free(s);
	return 0;
}
