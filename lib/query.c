/* query.c - see query.h */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "natkey.h"
#include "query.h"
#include "tm.h"
#include "zidx.h"	/* zidx_hash */

uint64_t
query_hash(const char *key, size_t n)
{
	return zidx_hash(ZIDX_HASH0, key, n);
}

/*
 * vis: why, quoting the line, with every byte that is not printable ASCII
 * made '?', so that a complaint file cannot send escapes to a terminal
 */
static int
vis(char *why)
{
	for (; *why != '\0'; why++)
		if ((unsigned char)*why < ' ' || (unsigned char)*why > '~')
			*why = '?';
	return -1;
}

int
query_parse(char *s, struct qline *q, char *why, size_t whyn)
{
	struct natkey k;
	char *a, *p, *e;
	int64_t t;

	s += strspn(s, " \t");
	for (e = s + strlen(s); e > s && strchr(" \t\r\n", e[-1]); e--)
		;
	*e = '\0';
	if (*s == '\0' || *s == '#')
		return 1;
	a = s;
	s += strcspn(s, " \t");
	if (*s == '\0') {
		snprintf(why, whyn, "expected NATIP PORT TIME");
		return vis(why);
	}
	*s++ = '\0';
	if (natkey_addr(&k, a, strlen(a)) != NULL) {
		snprintf(why, whyn, "%.64s: not an IPv4 or IPv6 address", a);
		return vis(why);
	}
	s += strspn(s, " \t");
	p = s;
	s += strcspn(s, " \t");
	if (*s == '\0' && p == s) {
		snprintf(why, whyn, "expected NATIP PORT TIME");
		return vis(why);
	}
	if (*s != '\0')
		*s++ = '\0';
	if (natkey_port(&k, p, strlen(p)) != NULL) {
		snprintf(why, whyn, "%.16s: bad port (1-65535)", p);
		return vis(why);
	}
	s += strspn(s, " \t");
	if (*s == '\0') {
		snprintf(why, whyn, "no time after the port");
		return vis(why);
	}
	if (tm_parsearg(s, &t, why, whyn) < 0)
		return vis(why);
	if (t > QUERY_MAXTIME || t < -QUERY_MAXTIME) {
		snprintf(why, whyn, "%.64s: time out of range", s);
		return vis(why);
	}
	memset(q, 0, sizeof(*q));
	q->keyn = natkey_log(&k, q->key, sizeof(q->key));
	q->mapped = k.mapped;
	q->hash = query_hash(q->key, q->keyn);
	q->t = t;
	return 0;
}

size_t
query_load(const char *path, struct qline **qs, unsigned long *nbad)
{
	FILE *fp;
	char *line = NULL, why[256];
	size_t cap = 0, n = 0, cq = 0;
	unsigned long lineno = 0;
	struct qline q;
	int r;

	*qs = NULL;
	*nbad = 0;
	if ((fp = fopen(path, "r")) == NULL)
		die(EXIT_TROUBLE, "%s:", path);
	while (getline(&line, &cap, fp) != -1) {
		lineno++;
		if ((r = query_parse(line, &q, why, sizeof(why))) > 0)
			continue;
		if (r < 0) {
			warn("%s:%lu: %s", path, lineno, why);
			++*nbad;
			continue;
		}
		q.lineno = lineno;
		if (n == cq) {
			cq = cq * 2 + 16;
			*qs = xreallocarray(*qs, cq, sizeof(**qs));
		}
		(*qs)[n++] = q;
	}
	if (ferror(fp))
		die(EXIT_TROUBLE, "%s:", path);
	fclose(fp);
	free(line);
	return n;
}
