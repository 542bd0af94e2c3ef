/* otab.c - see otab.h */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "otab.h"


void
ot_init(struct otab *t, size_t max)
{
	memset(t, 0, sizeof(*t));
	t->max = max;
}

/* grow: twice the buckets (at least 1024), the flows rehashed */
static int
grow(struct otab *t)
{
	size_t nb = t->nbucket ? t->nbucket * 2 : 1024, i;
	struct oflow **b = calloc(nb, sizeof(*b)), *f, *next;

	if (b == NULL)
		return -1;
	for (i = 0; i < t->nbucket; i++)
		for (f = t->bucket[i]; f != NULL; f = next) {
			next = f->next;
			f->next = b[f->hash & (nb - 1)];
			b[f->hash & (nb - 1)] = f;
		}
	free(t->bucket);
	t->bucket = b;
	t->nbucket = nb;
	return 0;
}

/* find: the link that points at the flow with this key, or at NULL */
static struct oflow **
find(const struct otab *t, const char *key, size_t n, uint64_t h)
{
	struct oflow **l = &t->bucket[h & (t->nbucket - 1)];

	while (*l != NULL && ((*l)->hash != h || (*l)->n != n ||
	    memcmp((*l)->key, key, n) != 0))
		l = &(*l)->next;
	return l;
}

int
ot_put(struct otab *t, const char *key, size_t n, int64_t from, int kern)
{
	uint64_t h = hash_bytes(key, n);
	struct oflow **l, *f;

	if (t->nbucket == 0 && grow(t) < 0)
		return -1;
	l = find(t, key, n, h);
	if (*l != NULL) {		/* same key: replaced */
		(*l)->from = from;
		(*l)->kern = kern != 0;
		return 0;
	}
	if (t->count >= t->max || n > UINT32_MAX ||
	    (f = malloc(sizeof(*f) + n)) == NULL)
		return -1;
	f->next = NULL;
	f->hash = h;
	f->from = from;
	f->n = (uint32_t)n;
	f->kern = kern != 0;
	memcpy(f->key, key, n);
	*l = f;
	if (++t->count > t->nbucket)
		grow(t);	/* if it fails, the chains are just longer */
	return 0;
}

int
ot_del(struct otab *t, const char *key, size_t n)
{
	struct oflow **l, *f;

	if (t->count == 0)
		return 0;
	l = find(t, key, n, hash_bytes(key, n));
	if ((f = *l) == NULL)
		return 0;
	*l = f->next;
	free(f);
	t->count--;
	return 1;
}

void
ot_clear(struct otab *t)
{
	size_t i;
	struct oflow *f, *next;

	for (i = 0; i < t->nbucket; i++)
		for (f = t->bucket[i]; f != NULL; f = next) {
			next = f->next;
			free(f);
		}
	free(t->bucket);
	t->bucket = NULL;
	t->nbucket = t->count = 0;
}

const struct oflow *
ot_next(const struct otab *t, size_t *i, const struct oflow *prev)
{
	if (prev != NULL && prev->next != NULL)
		return prev->next;
	if (prev != NULL)
		++*i;
	for (; *i < t->nbucket; ++*i)
		if (t->bucket[*i] != NULL)
			return t->bucket[*i];
	return NULL;
}
