/*
 * otabtest - randomised test of lib/otab.h, the writer's table of open
 * flows: random puts (new keys and replacements), deletes and clears
 * against a naive array, with keys of every length up to 130 bytes from a
 * small alphabet (so that hashes and prefixes collide), a bound on the
 * number of flows that ot_put must honour without changing the table, and
 * every iteration checked to list each flow once.
 *
 *	t/otabtest SEED COUNT
 *
 * Prints "N operations, N failed" and exits 1 on a failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "otab.h"

#define NKEY 600		/* distinct keys */
#define MAX 400			/* the table's bound */

static char key[NKEY][131];
static size_t keyn[NKEY];
static int open_[NKEY];		/* the naive table: open, from */
static int64_t from[NKEY];

static int
find(const char *k, size_t n)
{
	int i;

	for (i = 0; i < NKEY; i++)
		if (keyn[i] == n && memcmp(key[i], k, n) == 0)
			return i;
	return -1;
}

/* same: the table holds exactly the naive one's flows, each once */
static int
same(const struct otab *t)
{
	static int seen[NKEY];
	const struct oflow *f = NULL;
	size_t i = 0, n = 0;
	int k, want = 0;

	memset(seen, 0, sizeof(seen));
	while ((f = ot_next(t, &i, f)) != NULL) {
		if ((k = find(f->key, f->n)) < 0 || !open_[k] || seen[k]++ ||
		    f->from != from[k])
			return 0;
		n++;
	}
	for (k = 0; k < NKEY; k++)
		want += open_[k];
	return n == (size_t)want && t->count == n;
}

int
main(int argc, char *argv[])
{
	struct otab t;
	unsigned long i, count, bad = 0, full = 0;
	int k, j, n, r;

	if (argc != 3) {
		fprintf(stderr, "usage: otabtest seed count\n");
		return 2;
	}
	srand((unsigned)strtoul(argv[1], NULL, 10));
	count = strtoul(argv[2], NULL, 10);
	for (k = 0; k < NKEY; k++) {
		do {
			keyn[k] = (size_t)(rand() % 131);
			for (j = 0; j < (int)keyn[k]; j++)
				key[k][j] = "0;.1a"[rand() % 5];
		} while (find(key[k], keyn[k]) != k);
	}
	ot_init(&t, MAX);
	for (i = 0; i < count; i++) {
		k = rand() % NKEY;
		n = 0;
		for (j = 0; j < NKEY; j++)
			n += open_[j];
		switch (rand() % 8) {
		case 0: case 1: case 2: case 3: case 4:	/* new, or replaced */
			r = ot_put(&t, key[k], keyn[k], (int64_t)i, 0);
			if (open_[k] || n < MAX) {
				if (r != 0)
					bad++;
				open_[k] = 1;
				from[k] = (int64_t)i;
			} else if (r != -1)	/* full: refused, unchanged */
				bad++;
			else
				full++;
			break;
		case 5: case 6:
			if (ot_del(&t, key[k], keyn[k]) != open_[k])
				bad++;
			open_[k] = 0;
			break;
		default:
			if (rand() % 200 == 0) {
				ot_clear(&t);
				memset(open_, 0, sizeof(open_));
			}
		}
		if (!same(&t))
			bad++;
	}
	ot_clear(&t);
	printf("%lu operations, %lu failed\n", count, bad);
	if (full == 0) {	/* the bound was never reached: not tested */
		printf("the bound was not reached\n");
		return 1;
	}
	return bad > 0;
}
