/* chlog.c - a log held in a ClickHouse table.  Contract: chlog.h */
#define _GNU_SOURCE	/* memmem: glibc and Linux */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chlog.h"
#include "csv.h"
#include "err.h"
#include "proc.h"
#include "tm.h"
#include "tmpfd.h"

#define CLIENT "clickhouse-client"

static int
isname(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

/* digits: s[0..n) is n > 0 decimal digits */
static int
digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

/* num: the number of the n digits at s */
static int64_t
num(const char *s, size_t n)
{
	int64_t v = 0;

	while (n-- > 0)
		v = v * 10 + (*s++ - '0');
	return v;
}

/* ident: s[0..n) is a name of ClickHouse's that needs no quotes */
static int
ident(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 64 || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	for (i = 0; i < n; i++)
		if (!isname((unsigned char)s[i]))
			return 0;
	return 1;
}

const char *
chlog_table(struct chtab *t, const char *s)
{
	const char *slash = strrchr(s, '/'), *name = s, *dot, *colon, *h;
	size_t hn, i;

	memset(t, 0, sizeof(*t));
	if (slash != NULL) {
		name = slash + 1;
		h = s;
		hn = (size_t)(slash - s);
		colon = NULL;
		if (hn > 0 && h[0] == '[') {	/* [ipv6]:port */
			const char *e = memchr(h, ']', hn);

			if (e == NULL)
				return "no ']' after the IPv6 address";
			if (e + 1 < slash) {
				if (e[1] != ':')
					return "expected ':' after ']'";
				colon = e + 1;
			}
			h++;
			hn = (size_t)(e - h);
		} else if ((colon = memchr(h, ':', hn)) != NULL)
			hn = (size_t)(colon - h);
		if (hn >= sizeof(t->host))
			return "host name too long";
		for (i = 0; i < hn; i++)
			if (!isname((unsigned char)h[i]) && h[i] != '.' &&
			    h[i] != '-' && h[i] != ':')
				return "not a host name or address";
		memcpy(t->host, h, hn);
		if (colon != NULL) {
			size_t pn = (size_t)(slash - colon - 1);

			if (pn > 5 || !digits(colon + 1, pn) ||
			    atoi(colon + 1) < 1 || atoi(colon + 1) > 65535)
				return "bad port (1-65535)";
			memcpy(t->port, colon + 1, pn);
		}
	}
	if ((dot = strchr(name, '.')) == NULL)
		return "expected DATABASE.TABLE";
	if (!ident(name, (size_t)(dot - name)) ||
	    !ident(dot + 1, strlen(dot + 1)))
		return "a database and a table are letters, digits and _";
	strcpy(t->name, name);
	return NULL;
}

const char *
chlog_gateway(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > CHLOG_NAMEMAX)
		return "a gateway's name is 1 to 64 characters";
	for (i = 0; i < n; i++)
		if (!isname((unsigned char)s[i]) && s[i] != '.' && s[i] != '-')
			return "a gateway's name is letters, digits, '.', '_' "
			    "and '-'";
	return NULL;
}

int
chlog_day(const char *s, size_t n, int64_t *midnight)
{
	int64_t days, y;
	int m, d;

	if (n != 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) ||
	    s[7] != '-' || !digits(s + 8, 2))
		return -1;
	days = tm_days(num(s, 4), (int)num(s + 5, 2), (int)num(s + 8, 2));
	tm_civil(days, &y, &m, &d);	/* no 31 November */
	if (y != num(s, 4) || m != num(s + 5, 2) || d != num(s + 8, 2))
		return -1;
	*midnight = days * 86400 * TM_USEC;
	return 0;
}

/* put: s[0..n) escaped as a TabSeparated field */
static void
put(struct wr *w, const char *s, size_t n)
{
	size_t i, j;

	for (i = j = 0; i < n; i++) {
		const char *e;

		switch (s[i]) {
		case '\\': e = "\\\\"; break;
		case '\t': e = "\\t"; break;
		case '\n': e = "\\n"; break;
		case '\r': e = "\\r"; break;
		case '\0': e = "\\0"; break;
		default: continue;
		}
		wr_put(w, s + j, i - j);
		wr_put(w, e, 2);
		j = i + 1;
	}
	wr_put(w, s + j, n - j);
}

void
chlog_put(struct wr *w, const char *gateway, const char *day,
    unsigned long long lineno, int64_t t, struct span l)
{
	char num[64];
	const char *p = l.p, *e = l.p + l.n, *semi;
	int nf;

	wr_put(w, gateway, strlen(gateway));
	wr_putc(w, '\t');
	wr_put(w, day, strlen(day));
	wr_put(w, num, (size_t)snprintf(num, sizeof(num),
	    "\t%llu\t%lld\t%d\t", lineno, (long long)t, memmem(l.p, l.n,
	    CSV_RECORD, sizeof(CSV_RECORD) - 1) != NULL));
	/* the fields: up to 16, the last with the rest of the line */
	for (nf = 1, semi = p; nf < F_NFIELDS &&
	    (semi = memchr(semi, ';', (size_t)(e - semi))) != NULL; nf++)
		semi++;
	wr_put(w, num, (size_t)snprintf(num, sizeof(num), "%d", nf));
	for (nf = 0; nf < F_NFIELDS; nf++) {
		wr_putc(w, '\t');
		if (p == NULL)	/* a field the line does not have */
			continue;
		semi = nf + 1 < F_NFIELDS ? memchr(p, ';', (size_t)(e - p)) :
		    NULL;
		put(w, p, (size_t)((semi != NULL ? semi : e) - p));
		p = semi != NULL ? semi + 1 : NULL;
	}
	wr_putc(w, '\n');
}

void
chsql_add(struct chsql *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(s->p + s->n, s->cap - s->n, fmt, ap);
		va_end(ap);
		if (n < 0)
			die(EXIT_TROUBLE, "query text:");
		if ((size_t)n < s->cap - s->n)
			break;
		s->cap = (s->n + (size_t)n + 1) * 2;
		s->p = xreallocarray(s->p, s->cap, 1);
	}
	s->n += (size_t)n;
}

int
chlog_run(struct chlog *q, const struct chtab *t, const char *sql,
    struct wr *out)
{
	char *argv[12];
	char host[300], port[32];
	int fd, p[2], ac = 0;
	size_t done;

	memset(q, 0, sizeof(*q));
	q->t = t;
	argv[ac++] = CLIENT;
	if (t->host[0] != '\0') {
		snprintf(host, sizeof(host), "--host=%s", t->host);
		argv[ac++] = host;
	}
	if (t->port[0] != '\0') {
		snprintf(port, sizeof(port), "--port=%s", t->port);
		argv[ac++] = port;
	}
	argv[ac++] = "--multiquery";
	argv[ac++] = "--format=TabSeparated";
	/* a batch's keys make long queries; the default is 256 KiB */
	argv[ac++] = "--max_query_size=1073741824";
	argv[ac] = NULL;
	if ((fd = tmpfd(NULL)) < 0 ||
	    writeall(fd, sql, strlen(sql), &done) < 0 ||
	    lseek(fd, 0, SEEK_SET) < 0) {
		warn("the query for %s: a temporary file:", t->name);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (pipe(p) < 0) {
		warn("pipe:");
		close(fd);
		return -1;
	}
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	if ((q->pid = proc_spawn(argv, fd, p[1])) < 0) {
		warn("fork:");
		close(fd);
		close(p[0]);
		close(p[1]);
		return -1;
	}
	close(fd);
	close(p[1]);
	rd_fdopen(&q->r, p[0], CLIENT);
	if (out != NULL) {
		q->r.idle = wr_idle;
		q->r.idlearg = out;
	}
	return 0;
}

/* unhex: the value of a hex digit, or -1 */
static int
unhex(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
	    c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/*
 * chlog_row: the columns are unescaped into buf one after the other, each
 * followed by a ';' in place of its tab, so that adjacent columns of log
 * fields are already the line (chlog_line)
 */
int
chlog_row(struct chlog *q)
{
	struct span l;
	const char *s, *e;
	char *d;
	size_t start;
	int r, c;

	if ((r = rd_line(&q->r, &l)) <= 0) {
		if (r < 0)
			warn("reading from %s:", CLIENT);
		return r;
	}
	if (q->cap < l.n + 1) {
		q->cap = l.n * 2 + 64;
		q->buf = xreallocarray(q->buf, q->cap, 1);
	}
	d = q->buf;
	start = 0;
	q->ncol = 0;
	for (s = l.p, e = l.p + l.n; ; s++) {
		if (s == e || *s == '\t') {
			if (q->ncol == CHLOG_MAXCOL) {
				warn("%s: a row of more than %d columns",
				    q->t->name, CHLOG_MAXCOL);
				return -1;
			}
			q->col[q->ncol].p = q->buf + start;
			q->col[q->ncol++].n = (size_t)(d - q->buf) - start;
			if (s == e)
				break;
			*d++ = ';';
			start = (size_t)(d - q->buf);
			continue;
		}
		if (*s != '\\' || s + 1 == e) {
			*d++ = *s;
			continue;
		}
		switch (c = *++s) {
		case '0': *d++ = '\0'; break;
		case 'a': *d++ = '\a'; break;
		case 'b': *d++ = '\b'; break;
		case 'f': *d++ = '\f'; break;
		case 'n': *d++ = '\n'; break;
		case 'r': *d++ = '\r'; break;
		case 't': *d++ = '\t'; break;
		case 'v': *d++ = '\v'; break;
		case 'x':
			if (e - s > 2 && unhex(s[1]) >= 0 && unhex(s[2]) >= 0) {
				*d++ = (char)(unhex(s[1]) * 16 + unhex(s[2]));
				s += 2;
				break;
			}
			/* FALLTHROUGH */
		default:	/* \\ \' \" and the like: the byte */
			*d++ = (char)c;
		}
	}
	return 1;
}

int
chlog_line(struct chlog *q, int k, struct span *l)
{
	int nf;

	if (k >= q->ncol || q->col[k].n > 2 || !digits(q->col[k].p,
	    q->col[k].n))
		return -1;
	nf = atoi(q->col[k].p);
	if (nf < 1 || nf > F_NFIELDS || q->ncol != k + 1 + F_NFIELDS)
		return -1;
	l->p = q->col[k + 1].p;
	l->n = (size_t)(q->col[k + nf].p + q->col[k + nf].n - l->p);
	return 0;
}

int
chlog_end(struct chlog *q)
{
	int st, ok;

	if (!q->r.eof)	/* not read to its end: stopped, not failed */
		kill(q->pid, SIGTERM);
	rd_close(&q->r);
	free(q->buf);
	q->buf = NULL;
	if (proc_wait(q->pid, &st) < 0) {
		warn("%s: waitpid:", CLIENT);
		return -1;
	}
	ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
	if (!ok && WIFEXITED(st))
		warn("%s: %s failed (exit %d)", q->t->name, CLIENT,
		    WEXITSTATUS(st));
	else if (!ok && WIFSIGNALED(st) && WTERMSIG(st) != SIGPIPE &&
	    WTERMSIG(st) != SIGTERM)
		warn("%s: %s killed by signal %d", q->t->name, CLIENT,
		    WTERMSIG(st));
	else if (!ok)
		return -1;	/* we stopped reading: it had no say */
	return ok ? 0 : -1;
}

/* the 16 fields of a row as columns, as csv.h orders them */
#define FIELDS "time, event, proto, src, sport, dst, dport, nat, natport, " \
	"id, opkts, obytes, rpkts, rbytes, `from`, `to`"

/* where: WHERE, and the gateway's condition */
static void
where(struct chsql *s, const char *gateway)
{
	chsql_add(s, " WHERE ");
	if (gateway != NULL)
		chsql_add(s, "gateway = '%s' AND ", gateway);
}

void
chlog_loads(struct chsql *s, const struct chtab *t, const char *gateway)
{
	chsql_add(s, "SELECT 'L', gateway, day, first, last, hi FROM %s_loads",
	    t->name);
	where(s, gateway);
	chsql_add(s, "1 ORDER BY gateway, day;\n");
}

void
chlog_gateways(struct chsql *s, const struct chtab *t)
{
	chsql_add(s, "SELECT DISTINCT gateway FROM %s_loads ORDER BY gateway;\n",
	    t->name);
}

/* date: "YYYY-MM-DD" of the midnight m (UTC) */
static void
date(struct chsql *s, int64_t m)
{
	int64_t y;
	int mo, d;

	tm_civil(m / (86400 * TM_USEC) - (m % (86400 * TM_USEC) < 0), &y,
	    &mo, &d);
	if (y < 1970)	/* Date begins in 1970 */
		y = 1970, mo = 1, d = 1;
	if (y > 2105)	/* and ends in 2106 */
		y = 2105, mo = 12, d = 31;
	chsql_add(s, "'%04lld-%02d-%02d'", (long long)y, mo, d);
}

void
chlog_lines(struct chsql *s, const struct chtab *t, const char *gateway,
    const struct chspan *sp, size_t nsp, const char *const *k, size_t nk)
{
	const char *semi;
	size_t i;

	chsql_add(s, "SELECT 'E', day, us, fields, " FIELDS " FROM %s",
	    t->name);
	where(s, gateway);
	chsql_add(s, "(");
	for (i = 0; i < nsp; i++) {
		chsql_add(s, "%s(day BETWEEN ", i > 0 ? " OR " : "");
		date(s, sp[i].dfirst);
		chsql_add(s, " AND ");
		date(s, sp[i].dlast);
		chsql_add(s, ")");
	}
	chsql_add(s, ") AND (");
	for (i = 0; i < nsp; i++)
		chsql_add(s, "%s(us BETWEEN %lld AND %lld)", i > 0 ? " OR " :
		    "", (long long)sp[i].from, (long long)sp[i].to);
	chsql_add(s, ")");
	if (nk > 0) {
		/*
		 * (rec and the key's columns lead the table's order: both
		 * are read by the index, a few granules)
		 */
		chsql_add(s, " AND (rec = 1 OR (rec = 0 AND fields > %d AND "
		    "(nat, natport) IN (", F_NATPORT + 1);
		for (i = 0; i < nk; i++) {
			semi = strchr(k[i], ';');
			chsql_add(s, "%s('%.*s', '%s')", i > 0 ? ", " : "",
			    (int)(semi - k[i]), k[i], semi + 1);
		}
		chsql_add(s, ")))");
	}
	chsql_add(s, " ORDER BY day, line;\n");
}
