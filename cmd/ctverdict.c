/*
 * ctverdict - turn cttime's answers into verdicts: who held the NAT
 * address and port, nobody, or "the log cannot say".
 *
 *	... | cttime -a -P -g -f complaints | ctverdict -f complaints
 *
 * The last stage of cttrace(1).  It reads the complaints file (to quote
 * each as written, and to report the lines that are not complaints, as
 * lib/query.h parses them) and cttime's answers to them, in the order of
 * the file: for each complaint a head "#LINE ...", its candidate flows,
 * best first, each as its start or open line and its stop line and an
 * empty line (-P), then the coverage of what it needed (-g): "!cover" and
 * a "!gap" line per part the log does not cover (cttime(1)).
 *
 * The verdict is the evidence rule: "none" and "one" (or "several") only
 * where the log covers everything the answer needed; anywhere else
 * "unknown", naming why, with the flows the log does hold.  A log of an
 * older ctparse, which does not record its coverage, is judged as before
 * (its gaps are its lost records) and said to be so.
 *
 * -c only checks the complaints: it copies the file with every line that
 * is not a complaint made an empty comment ("#"), and the address and port
 * of the others in the log's form (lib/natkey.h), so that the other tools
 * of a trace read the good ones under the same line numbers and only this
 * tool speaks of the bad ones and of the addresses it read otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "err.h"
#include "query.h"
#include "rd.h"
#include "span.h"
#include "tm.h"
#include "wr.h"

#define VERSION "ctverdict 1.0"
#define USAGE "usage: ctverdict [-1bT] [-o text | tsv] [-w seconds] " \
	"-f complaints [file]\n       ctverdict -c -f complaints\n"
#define MAXFLOWS 1000		/* flows shown of one answer, at most */

static int oneflag;		/* -1: the most likely candidate only */
static int Tflag;		/* -T: a timeline of the candidates */
static int bflag;		/* -b: a batch: "line N:" heads, tsv line */
static int tsv;			/* -o tsv */
static const char *wflag = "10";	/* -w: as the window was given */
static const char *fflag;	/* -f complaints */
static int cflag;		/* -c: check and copy the complaints */

/* one answer of cttime, as spans into the input */
struct answer {
	unsigned long lineno;
	struct span flows;	/* its flow lines, blank-line separated */
	struct span cover;	/* its "!" lines */
};

/* one flow: its first line (start or open) and its stop line */
struct flow {
	struct span f0[F_NFIELDS], f1[F_NFIELDS];
	int has0, has1;
	char gw[32];		/* the gateway that logged it (cttime -G) */
};

static _Noreturn void
usage(void)
{
	fputs(USAGE, stderr);
	exit(EXIT_TROUBLE);
}

/* nextline: the line at *p (up to e) in *l, *p after it; 0 at the end */
static int
nextline(const char **p, const char *e, struct span *l)
{
	const char *nl;

	if (*p >= e)
		return 0;
	nl = memchr(*p, '\n', (size_t)(e - *p));
	l->p = *p;
	l->n = (size_t)((nl != NULL ? nl : e) - *p);
	*p = nl != NULL ? nl + 1 : e;
	return 1;
}

/* hp: address and port as one word, "[v6]:port" */
static void txt(char *, size_t, struct span);

static void
hp(char *b, size_t n, struct span a, struct span p)
{
	char ta[64], tp[16];

	txt(ta, sizeof(ta), a);
	txt(tp, sizeof(tp), p);
	if (p.n == 0)
		snprintf(b, n, "%s", ta);
	else
		snprintf(b, n, memchr(a.p, ':', a.n) != NULL ? "[%s]:%s" :
		    "%s:%s", ta, tp);
}

/*
 * txt: span text into b, every byte that is not printable ASCII made '?':
 * what is printed comes from log files, which whoever can write the log
 * directory can forge, and may be read by root on a terminal
 */
static void
txt(char *b, size_t n, struct span s)
{
	size_t i;

	snprintf(b, n, "%.*s", (int)s.n, s.p);
	for (i = 0; b[i] != '\0'; i++)
		if ((unsigned char)b[i] < ' ' || (unsigned char)b[i] > '~')
			b[i] = '?';
}

/*
 * the columns of a flow: inside, destination, nat, proto, start, stop,
 * bytes.  start: the start line's time; of a flow a snapshot listed, its
 * known start, else "<" and the snapshot's time (it began before); of a
 * flow seen only by its stop, the kernel's start, else "?".  stop: the
 * kernel's end when the stop line gives it, else the line's time; "not
 * read" when no stop line was read.
 */
struct cols {
	char inside[64], dest[64], nat[64], proto[16], start[48], stop[48];
	char bytes[48], host[48];
};

static void
columns(const struct flow *fl, struct cols *c)
{
	const struct span *f = fl->has0 ? fl->f0 : fl->f1;

	hp(c->inside, sizeof(c->inside), f[F_SRC], f[F_SPORT]);
	hp(c->dest, sizeof(c->dest), f[F_DST], f[F_DPORT]);
	hp(c->nat, sizeof(c->nat), f[F_NAT], f[F_NATPORT]);
	txt(c->proto, sizeof(c->proto), f[F_PROTO]);
	txt(c->host, sizeof(c->host), f[F_SRC]);
	if (fl->has0 && csv_event(fl->f0[F_EVENT]) == EV_START)
		txt(c->start, sizeof(c->start), fl->f0[F_TIME]);
	else if (fl->has0 && fl->f0[F_FROM].n > 0)
		txt(c->start, sizeof(c->start), fl->f0[F_FROM]);
	else if (fl->has0) {
		c->start[0] = '<';
		txt(c->start + 1, sizeof(c->start) - 1, fl->f0[F_TIME]);
	}
	else if (fl->f1[F_FROM].n > 0)
		txt(c->start, sizeof(c->start), fl->f1[F_FROM]);
	else
		strcpy(c->start, "?");
	if (!fl->has1) {
		strcpy(c->stop, "not-read");
		strcpy(c->bytes, "-");
		return;
	}
	txt(c->stop, sizeof(c->stop), fl->f1[F_TO].n > 0 ? fl->f1[F_TO] :
	    fl->f1[F_TIME]);
	if (fl->f1[F_OBYTES].n == 0)
		strcpy(c->bytes, "-");
	else {
		char o[20], r[20];

		txt(o, sizeof(o), fl->f1[F_OBYTES]);
		txt(r, sizeof(r), fl->f1[F_RBYTES]);
		snprintf(c->bytes, sizeof(c->bytes), "%s/%s", o, r);
	}
}

/* a gap of the coverage, as cttime -g writes it */
struct gap {
	char gw[32];		/* its log's gateway, or "" */
	char from[48], to[48], why[16], at[48], n[24];
};

/*
 * span0, span1: a flow's interval as the timeline draws it, microseconds;
 * 0 when that end is unknown (before what was read; not read)
 */
static int
span0(const struct flow *fl, int64_t *t)
{
	if (fl->has0 && csv_event(fl->f0[F_EVENT]) == EV_START)
		return tm_parse(fl->f0[F_TIME].p, fl->f0[F_TIME].n, t) == 0;
	if (fl->has0 && fl->f0[F_FROM].n > 0)
		return tm_parse(fl->f0[F_FROM].p, fl->f0[F_FROM].n, t) == 0;
	if (!fl->has0 && fl->has1 && fl->f1[F_FROM].n > 0)
		return tm_parse(fl->f1[F_FROM].p, fl->f1[F_FROM].n, t) == 0;
	return 0;
}

static int
span1(const struct flow *fl, int64_t *t)
{
	int64_t k;

	if (!fl->has1 || tm_parse(fl->f1[F_TIME].p, fl->f1[F_TIME].n, t) < 0)
		return 0;
	if (fl->f1[F_TO].n > 0 && tm_parse(fl->f1[F_TO].p, fl->f1[F_TO].n,
	    &k) == 0 && k + TM_USEC - 1 < *t)
		*t = k + TM_USEC - 1;	/* the kernel's end (lib/flow.h) */
	return 1;
}

/* seconds: "S[.fraction]" in microseconds, or -1 */
static int64_t
seconds(const char *s)
{
	int64_t v;

	return tm_seconds(s, 1000000000, &v) == 0 ? v : -1;
}

/* hhmmss: the time of day of an instant, UTC */
static void
hhmmss(char *b, size_t n, int64_t t)
{
	int64_t s = t >= 0 ? t / TM_USEC : -((-t + TM_USEC - 1) / TM_USEC);

	s = (s % 86400 + 86400) % 86400;
	snprintf(b, n, "%02d:%02d:%02d", (int)(s / 3600), (int)(s / 60 % 60),
	    (int)(s % 60));
}

#define TLW 48			/* the timeline's width, in characters */

/*
 * timeline: each candidate's interval against the time asked about, in
 * 80 columns: the axis runs from T - 2w to T + 2w (the window is its
 * middle half); '[' and ']' are a start and a stop, '=' the time
 * between, '<' a start before the axis or unknown, '>' a stop after it
 * or not read; '|' is T.  A gap in what the log covers is a row of '~'.
 * Below, ':' marks the window's ends.
 */
static void
timeline(struct wr *out, const struct flow *fl, size_t n,
    const struct gap *g, size_t ng, int64_t t, int64_t w)
{
	char row[TLW + 1], lab[48], b[160], l0[12], l1[12];
	int64_t a = t - 2 * w, z = t + 2 * w, s, e;
	size_t i;
	int c0, c1, ct, c, hs, he;

	if (w <= 0)
		return;
#define COL(x) ((x) <= a ? 0 : (x) >= z ? TLW - 1 : \
	    (int)(((x) - a) * TLW / (z - a)))
	ct = COL(t);
	hhmmss(l0, sizeof(l0), a);
	hhmmss(l1, sizeof(l1), z);
	memset(row, ' ', TLW);
	row[TLW] = '\0';
	memcpy(row, l0, 8);
	memcpy(row + TLW - 8, l1, 8);
	row[ct] = 'T';
	wr_put(out, b, (size_t)snprintf(b, sizeof(b), "%-26s %s\n",
	    "timeline", row));
	for (i = 0; i < n; i++) {
		hs = span0(&fl[i], &s);
		he = span1(&fl[i], &e);
		c0 = hs ? COL(s) : 0;
		c1 = he ? COL(e) : TLW - 1;
		memset(row, ' ', TLW);
		for (c = c0; c <= c1; c++)
			row[c] = '=';
		row[c0] = hs && s > a ? '[' : '<';
		if (c1 > c0 || !(hs && s > a))
			row[c1] = he && e < z ? ']' : '>';
		if (row[ct] == ' ')
			row[ct] = '|';
		{
			struct cols cl;

			columns(&fl[i], &cl);
			snprintf(lab, sizeof(lab), "%-2zu %.23s", i + 1,
			    cl.inside);
		}
		wr_put(out, b, (size_t)snprintf(b, sizeof(b), "%-26s|%s|\n",
		    lab, row));
	}
	for (i = 0; i < ng; i++) {	/* unbounded ends: "-" */
		hs = tm_parse(g[i].from, strlen(g[i].from), &s) == 0;
		he = tm_parse(g[i].to, strlen(g[i].to), &e) == 0;
		if ((hs && s > z) || (he && e < a))
			continue;
		c0 = hs ? COL(s) : 0;
		c1 = he ? COL(e) : TLW - 1;
		memset(row, ' ', TLW);
		for (c = c0; c <= c1; c++)
			row[c] = '~';
		if (row[ct] == ' ')
			row[ct] = '|';
		snprintf(lab, sizeof(lab), "gap%s%.12s: %.10s", g[i].gw[0] ?
		    " " : "", g[i].gw, g[i].why);
		wr_put(out, b, (size_t)snprintf(b, sizeof(b), "%-26.26s|%s|\n",
		    lab, row));
	}
	memset(row, ' ', TLW);
	row[COL(t - w)] = ':';
	row[COL(t + w)] = ':';
	row[ct] = 'T';
	for (c = TLW; c > 0 && row[c - 1] == ' '; c--)
		row[c - 1] = '\0';	/* no blanks at the end of a line */
	wr_put(out, b, (size_t)snprintf(b, sizeof(b), "%-26s %s\n", "", row));
#undef COL
}

/* hostname: a flow's inside host, with its gateway when it has one */
static void
hostname(const struct flow *fl, char *b, size_t n)
{
	char a[64];

	txt(a, sizeof(a), fl->has0 ? fl->f0[F_SRC] : fl->f1[F_SRC]);
	snprintf(b, n, fl->gw[0] != '\0' ? "%s@%s" : "%s", a, fl->gw);
}

/* flows: cut an answer's flow lines into flows; how many */
static size_t
flows(struct span s, struct flow *fl, size_t max)
{
	const char *p = s.p, *e = s.p + s.n;
	struct span l, f[F_NFIELDS];
	size_t n = 0;
	int open = 0;
	enum csvevent ev;
	char gw[32] = "";

	while (nextline(&p, e, &l)) {
		if (l.n == 0) {
			if (open)
				n++;
			open = 0;
			gw[0] = '\0';
			continue;
		}
		if (l.p[0] == '@') {	/* the next flow's gateway */
			l.p++;
			l.n--;
			txt(gw, sizeof(gw), l);
			continue;
		}
		if (n >= max || !csv_fields(l, f))
			continue;
		if (!open) {
			memset(&fl[n], 0, sizeof(fl[n]));
			memcpy(fl[n].gw, gw, sizeof(gw));
		}
		open = 1;
		ev = csv_event(f[F_EVENT]);
		if (ev == EV_STOP) {
			memcpy(fl[n].f1, f, sizeof(f));
			fl[n].has1 = 1;
		} else {
			memcpy(fl[n].f0, f, sizeof(f));
			fl[n].has0 = 1;
		}
	}
	return open && n < max ? n + 1 : n;
}


/*
 * gaps: the gaps an answer lists, in g[max], and how many; *legacy: a
 * log without coverage records was read (its gateway in legacygw, if
 * named); *more: more gaps than were listed
 */
static size_t
gaps(struct span s, struct gap *g, size_t max, int *legacy, char *legacygw,
    int *more, int *named)
{
	const char *p = s.p, *e = s.p + s.n;
	struct span l;
	size_t n = 0;
	char b[256], w[7][48];
	int k;

	*legacy = *more = *named = 0;
	while (nextline(&p, e, &l)) {
		txt(b, sizeof(b), l);
		k = sscanf(b, "%47s %47s %47s %47s %47s %47s %47s", w[0], w[1],
		    w[2], w[3], w[4], w[5], w[6]);
		if (strcmp(w[0], "!cover") == 0 && k == 5)
			*named = 1;	/* "!cover NAME K HI mode": -G */
		if (strcmp(w[0], "!cover") == 0 && strstr(b, " legacy")) {
			*legacy = 1;	/* "!cover [NAME] K HI legacy" */
			snprintf(legacygw, 32, "%.31s", k == 5 ? w[1] : "");
		} else if (strcmp(w[0], "!more") == 0)
			*more = 1;
		else if (strcmp(w[0], "!gap") == 0 && n < max &&
		    (k == 6 || k == 7)) {	/* "!gap [NAME] FROM TO WHY AT N" */
			snprintf(g[n].gw, sizeof(g[n].gw), "%.31s", k == 7 ?
			    w[1] : "");
			snprintf(g[n].from, sizeof(g[n].from), "%s", w[k - 5]);
			snprintf(g[n].to, sizeof(g[n].to), "%s", w[k - 4]);
			snprintf(g[n].why, sizeof(g[n].why), "%s", w[k - 3]);
			snprintf(g[n].at, sizeof(g[n].at), "%s", w[k - 2]);
			snprintf(g[n].n, sizeof(g[n].n), "%s", w[k - 1]);
			n++;
		}
	}
	return n;
}

/* gapline: one gap, as the text report says it */
static void gapline1(struct wr *, const struct gap *, int);

static void
gapline(struct wr *out, const struct gap *g)
{
	if (g->gw[0] != '\0') {	/* "gap (gw2): ..." */
		wr_put(out, "gap (", 5);
		wr_put(out, g->gw, strlen(g->gw));
		wr_put(out, "):", 2);
		gapline1(out, g, 1);
		return;
	}
	gapline1(out, g, 0);
}

/* gapline1: the words after "gap:" (named: the gateway is said) */
static void
gapline1(struct wr *out, const struct gap *g, int named)
{
	char b[512];
	const char *w = g->why;
	int k;

	if (strcmp(w, "restart") == 0)
		k = snprintf(b, sizeof(b), "gap: conntrack restarted at %s: "
		    "events from %s to %s may be missing\n", g->at, g->from,
		    g->to);
	else if (strcmp(w, "lost") == 0)
		k = snprintf(b, sizeof(b), "gap: conntrack lost %s events at "
		    "%s: events from %s to %s may be missing\n",
		    strcmp(g->n, "-") == 0 ? "some" : g->n, g->at, g->from,
		    g->to);
	else if (strcmp(w, "begin") == 0)
		k = snprintf(b, sizeof(b), "gap: no log from %s to %s: "
		    "logging began at %s\n", g->from, g->to, g->at);
	else if (strcmp(w, "end") == 0)
		k = snprintf(b, sizeof(b), "gap: logging ended at %s: nothing "
		    "is known from %s to %s\n", g->at, g->from, g->to);
	else if (strcmp(w, "after") == 0)
		k = snprintf(b, sizeof(b), "gap: the log's last record is at "
		    "%s: nothing is known from %s to %s\n", g->at, g->from,
		    g->to);
	else if (strcmp(w, "before") == 0)
		k = snprintf(b, sizeof(b), "gap: nothing is known from %s to "
		    "%s: the log covers from %s\n", g->from, g->to, g->at);
	else if (strcmp(w, "nolog") == 0)
		k = snprintf(b, sizeof(b), "gap: no log file holds %s to %s\n",
		    g->from, g->to);
	else if (strcmp(w, "unread") == 0)
		k = snprintf(b, sizeof(b), "gap: the log could not be read "
		    "from %s to %s\n", g->from, g->to);
	else if (strcmp(w, "eof") == 0)
		k = snprintf(b, sizeof(b), "gap: the log ends at %s: nothing "
		    "is known after it\n", g->at);
	else
		k = snprintf(b, sizeof(b), "gap: no record covers %s to %s\n",
		    g->from, g->to);
	wr_put(out, b + (named ? 4 : 0), ((size_t)k < sizeof(b) ? (size_t)k :
	    sizeof(b) - 1) - (named ? 4 : 0));
}

/* the tsv note of a gap: its reason in a few words */
static void
gapnote(char *b, size_t n, const struct gap *g)
{
	snprintf(b, n, "%s%s%s %s..%s", g->gw, g->gw[0] ? ": " : "", g->why,
	    g->from, g->to);
}

static void
tsvrow(struct wr *out, const char *const *col, int ncol)
{
	int i;

	for (i = 0; i < ncol; i++) {
		if (i > 0)
			wr_putc(out, '\t');
		wr_put(out, col[i], strlen(col[i]));
	}
	wr_putc(out, '\n');
}

/* the complaint of line s as written: address, port, time */
static void
written(char *s, char **nat, char **port, char **t)
{
	char *e;

	s += strspn(s, " \t");
	for (e = s + strlen(s); e > s && strchr(" \t\r\n", e[-1]); e--)
		;
	*e = '\0';
	*nat = s;
	s += strcspn(s, " \t");
	if (*s != '\0')
		*s++ = '\0';
	s += strspn(s, " \t");
	*port = s;
	s += strcspn(s, " \t");
	if (*s != '\0')
		*s++ = '\0';
	*t = s + strspn(s, " \t");
}

/* check: -c */
static int
check(const char *path)
{
	FILE *fp;
	struct wr out;
	struct qline q;
	char *line = NULL, *copy, *nat, *port, *t, why[256];
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;
	int rc;

	if ((fp = fopen(path, "r")) == NULL)
		die(EXIT_TROUBLE, "%s:", path);
	wr_init(&out, STDOUT_FILENO, "standard output");
	while ((n = getline(&line, &cap, fp)) != -1) {
		lineno++;
		copy = xstrdup(line);
		if ((rc = query_parse(copy, &q, why, sizeof(why))) < 0) {
			warn("%s:%lu: %s", path, lineno, why);
			wr_put(&out, "#\n", 2);
		} else if (rc > 0) {
			wr_put(&out, line, (size_t)n);
			if (line[n - 1] != '\n')
				wr_putc(&out, '\n');
		} else {	/* "addr;port" as "addr port", the time as is */
			written(line, &nat, &port, &t);
			*strchr(q.key, ';') = ' ';
			wr_put(&out, q.key, q.keyn);
			wr_putc(&out, ' ');
			wr_put(&out, t, strlen(t));
			wr_putc(&out, '\n');
		}
		free(copy);
	}
	if (ferror(fp))
		die(EXIT_TROUBLE, "%s:", path);
	fclose(fp);
	free(line);
	wr_flush(&out);
	wr_free(&out);
	return EXIT_MATCH;
}

enum verdict { V_NONE, V_ONE, V_SEVERAL, V_UNKNOWN, V_ERROR };

/*
 * report: the answer a to the complaint written as nat, port, t; the
 * head h ("#LINE NATIP PORT TIME EPOCH") gives the complaint as parsed.
 * Returns the verdict.
 */
static enum verdict
report(struct wr *out, const struct answer *a, struct span h, char *nat,
    char *port, char *t, int mapped, int *nblock, size_t *nfl)
{
	static struct flow fl[MAXFLOWS];
	struct gap g[20];
	struct cols c;
	char b[1024], hosts[1024] = "", nflows[24], ngaps[24], note[160];
	char qnat[64] = "", qport[16] = "", qtime[48] = "", line[24];
	char legacygw[32] = "", host[96], host1[96];
	size_t n, ng, i, j, nshow, nhosts = 0;
	int legacy, more, named, k;
	int64_t tq;
	enum verdict v;
	static const char *const vname[] = { "none", "one", "several",
	    "unknown", "error" };

	txt(b, sizeof(b), h);
	sscanf(b, "#%*s %63s %15s %47s", qnat, qport, qtime);
	n = *nfl = flows(a->flows, fl, MAXFLOWS);
	ng = gaps(a->cover, g, sizeof(g) / sizeof(g[0]), &legacy, legacygw,
	    &more, &named);
	nshow = oneflag && n > 1 ? 1 : n;
	/*
	 * the hosts, in rank order; behind several gateways a host is its
	 * address and its gateway ("10.0.0.5@gw2"): inside addresses repeat
	 * from site to site
	 */
	for (i = 0; i < n; i++) {
		hostname(&fl[i], host, sizeof(host));
		for (j = 0; j < i; j++) {
			hostname(&fl[j], host1, sizeof(host1));
			if (strcmp(host, host1) == 0)
				break;
		}
		if (j < i)
			continue;
		nhosts++;
		if (i < nshow && strlen(hosts) + strlen(host) + 2 <
		    sizeof(hosts)) {
			if (hosts[0] != '\0')
				strcat(hosts, ",");
			strcat(hosts, host);
		}
	}
	v = ng > 0 || more ? V_UNKNOWN : n == 0 ? V_NONE :
	    nhosts == 1 ? V_ONE : V_SEVERAL;
	if (tsv) {
		const char *col[17];

		snprintf(line, sizeof(line), "%lu", a->lineno);
		snprintf(nflows, sizeof(nflows), "%zu", n);
		snprintf(ngaps, sizeof(ngaps), "%zu", ng);
		note[0] = '\0';
		if (ng > 0)
			gapnote(note, sizeof(note), &g[0]);
		if (n > 0)
			columns(&fl[0], &c);
		col[0] = bflag ? line : "-";
		col[1] = qnat, col[2] = qport, col[3] = qtime;
		col[4] = vname[v], col[5] = hosts, col[6] = nflows;
		col[7] = n ? c.inside : "", col[8] = n ? c.dest : "";
		col[9] = n ? c.proto : "", col[10] = n ? c.start : "";
		col[11] = n ? c.stop : "", col[12] = n ? c.bytes : "";
		col[13] = ngaps, col[14] = note;
		col[15] = ng > 0 || more ? "incomplete" : legacy ? "legacy" :
		    "complete";
		col[16] = n ? fl[0].gw : "";
		tsvrow(out, col, 17);
		return v;
	}
	if (bflag)
		wr_put(out, b, (size_t)snprintf(b, sizeof(b), "%sline %lu: ",
		    (*nblock)++ ? "\n" : "", a->lineno));
	k = snprintf(b, sizeof(b), "%s port %s at %s, within %s s\n", nat,
	    port, t, wflag);
	wr_put(out, b, (size_t)k < sizeof(b) ? (size_t)k : sizeof(b) - 1);
	if (n > 0)
		wr_put(out, b, (size_t)snprintf(b, sizeof(b),
		    "%-2s %s%-22s %-22s %-22s %-6s %-27s %-27s %s\n", "#",
		    named ? "gateway      " : "", "inside", "destination", "nat",
		    "proto", "start", "stop", "bytes out/in"));
	for (i = 0; i < nshow; i++) {
		columns(&fl[i], &c);
		if (named)	/* the gateway's column, 12 wide */
			snprintf(host, sizeof(host), "%-12s ", fl[i].gw);
		wr_put(out, b, (size_t)snprintf(b, sizeof(b),
		    "%-2zu %s%-22s %-22s %-22s %-6s %-27s %-27s %s\n", i + 1,
		    named ? host : "", c.inside, c.dest, c.nat, c.proto,
		    c.start, c.stop, c.bytes));
	}
	if (Tflag && nshow > 0 && tm_parse(qtime, strlen(qtime), &tq) == 0)
		timeline(out, fl, nshow, g, ng, tq, seconds(wflag));
	for (i = 0; i < ng; i++)
		gapline(out, &g[i]);
	if (more)
		wr_put(out, "gap: and more (not listed)\n", 27);
	if (mapped)
		wr_put(out, b, (size_t)snprintf(b, sizeof(b), "note: %s is "
		    "taken as the IPv4 address %s (the NAT logs IPv4 flows as "
		    "IPv4)\n", nat, qnat));
	if (legacy && ng == 0)
		wr_put(out, b, (size_t)snprintf(b, sizeof(b), "note: %s%s%s "
		    "does not record what it covers (an older ctparse wrote "
		    "it): only its lost records show gaps\n", legacygw[0] ?
		    "the log of " : "this log", legacygw, ""));
	if (v == V_NONE)
		k = snprintf(b, sizeof(b), "verdict: none: no flow held %s "
		    "port %s within %s s of %s\n", nat, port, wflag, t);
	else if (v == V_ONE && n > 1)
		k = snprintf(b, sizeof(b), "verdict: one answer: %s (%zu "
		    "flows)\n", hosts, n);
	else if (v == V_ONE)
		k = snprintf(b, sizeof(b), "verdict: one answer: %s\n", hosts);
	else if (v == V_SEVERAL)
		k = snprintf(b, sizeof(b), "verdict: several candidates: %zu "
		    "inside hosts held the port within the window; the first "
		    "is the most likely\n", nhosts);
	else if (n == 0)
		k = snprintf(b, sizeof(b), "verdict: unknown: the log does not "
		    "cover all the answer needs (gaps above): it cannot say "
		    "whether a flow held %s port %s within %s s of %s\n", nat,
		    port, wflag, t);
	else
		k = snprintf(b, sizeof(b), "verdict: unknown: the log has gaps "
		    "(above): of the flows it holds the first is the most "
		    "likely, but another host may have held the port\n");
	wr_put(out, b, (size_t)k < sizeof(b) ? (size_t)k : sizeof(b) - 1);
	return v;
}

/* error: a line that is not a complaint */
static void
error(struct wr *out, unsigned long lineno, const char *why, int *nblock)
{
	char b[512], line[24];

	if (tsv) {
		const char *col[17] = { line, "", "", "", "error", "", "0", "",
		    "", "", "", "", "", "0", why, "", "" };

		snprintf(line, sizeof(line), "%lu", lineno);
		tsvrow(out, col, 17);
		return;
	}
	wr_put(out, b, (size_t)snprintf(b, sizeof(b), "%sline %lu: cannot "
	    "read the complaint\nverdict: error: %.400s\n", (*nblock)++ ?
	    "\n" : "", lineno, why));
}

/* answers: cut cttime's output into answers, in *n */
static struct answer *
answers(struct span in, size_t *n)
{
	struct answer *a = NULL;
	const char *p = in.p, *e = in.p + in.n, *at;
	struct span l;
	size_t cap = 0;

	*n = 0;
	while (at = p, nextline(&p, e, &l)) {
		if (l.n > 0 && l.p[0] == '#') {
			if (*n == cap)
				a = xreallocarray(a, cap = cap * 2 + 16,
				    sizeof(*a));
			a[*n].lineno = strtoul(l.p + 1, NULL, 10);
			a[*n].flows.p = p;
			a[*n].flows.n = 0;
			a[*n].cover.p = p;
			a[*n].cover.n = 0;
			++*n;
		} else if (*n > 0 && l.n > 0 && l.p[0] == '!') {
			if (a[*n - 1].cover.n == 0)
				a[*n - 1].cover.p = at;
			a[*n - 1].cover.n = (size_t)(p - a[*n - 1].cover.p);
		} else if (*n > 0 && a[*n - 1].cover.n == 0)
			a[*n - 1].flows.n = (size_t)(p - a[*n - 1].flows.p);
	}
	return a;
}

int
main(int argc, char *argv[])
{
	struct rd r;
	struct span s, all = { NULL, 0 };
	struct wr out;
	struct answer *a;
	struct qline q;
	FILE *fp;
	char *line = NULL, *copy, *nat, *port, *t, why[256];
	size_t cap = 0, na, i = 0, len = 0, room = 0, nfl;
	unsigned long lineno = 0;
	int c, rc, nblock = 0, errors = 0, unknown = 0, found = 0;
	enum verdict v;

	err_init(argv[0]);
	while ((c = getopt(argc, argv, "1bcf:o:Tw:hV")) != -1)
		switch (c) {
		case 'T':
			Tflag = 1;
			break;
		case 'c':
			cflag = 1;
			break;
		case '1':
			oneflag = 1;
			break;
		case 'b':
			bflag = 1;
			break;
		case 'f':
			fflag = optarg;
			break;
		case 'o':
			if (strcmp(optarg, "tsv") != 0 &&
			    strcmp(optarg, "text") != 0)
				die(EXIT_TROUBLE, "-o %s: the formats are text "
				    "and tsv", optarg);
			tsv = strcmp(optarg, "tsv") == 0;
			break;
		case 'w':
			if (seconds(optarg) < 0)
				die(EXIT_TROUBLE, "-w %s: not a number of "
				    "seconds", optarg);
			wflag = optarg;
			break;
		case 'h':
			fputs(USAGE, stdout);
			return EXIT_MATCH;
		case 'V':
			puts(VERSION);
			return EXIT_MATCH;
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if (fflag == NULL || argc > (cflag ? 0 : 1))
		usage();
	if (cflag)
		return check(fflag);

	/* cttime's answers, all of them (a few lines a complaint) */
	if (rd_open(&r, argc > 0 ? argv[0] : "-") < 0)
		die(EXIT_TROUBLE, "%s:", argv[0]);
	while ((rc = rd_lines(&r, &s)) != 0) {
		if (rc < 0)
			die(EXIT_TROUBLE, "read error on %s:", r.name);
		if (len + s.n + 1 > room)
			all.p = xreallocarray((char *)all.p,
			    room = (len + s.n + 1) * 2, 1);
		memcpy((char *)all.p + len, s.p, s.n);
		len += s.n;
	}
	rd_close(&r);
	all.n = len;
	a = answers(all, &na);

	if ((fp = fopen(fflag, "r")) == NULL)
		die(EXIT_TROUBLE, "%s:", fflag);
	wr_init(&out, STDOUT_FILENO, "standard output");
	if (tsv) {
		static const char *const head[17] = { "line", "nat", "port",
		    "time", "verdict", "hosts", "flows", "inside",
		    "destination", "proto", "start", "stop", "bytes", "gaps",
		    "note", "coverage", "gateway" };

		tsvrow(&out, head, 17);
	}
	while (getline(&line, &cap, fp) != -1) {
		lineno++;
		copy = xstrdup(line);
		rc = query_parse(copy, &q, why, sizeof(why));
		free(copy);
		if (rc > 0)
			continue;
		if (rc < 0) {
			error(&out, lineno, why, &nblock);
			errors = 1;
			continue;
		}
		while (i < na && a[i].lineno < lineno)
			i++;
		if (i >= na || a[i].lineno != lineno)
			die(EXIT_TROUBLE, "%s:%lu: no answer to it in the input",
			    fflag, lineno);
		written(line, &nat, &port, &t);
		{
			struct span h;
			const char *p = a[i].flows.p;

			/* the head is the line before the flows */
			for (h.p = p - 1; h.p > all.p && h.p[-1] != '\n'; h.p--)
				;
			h.n = (size_t)(p - 1 - h.p);
			v = report(&out, &a[i], h, nat, port, t, q.mapped,
			    &nblock, &nfl);
		}
		if (v == V_UNKNOWN && nfl == 0)
			unknown = 1;	/* nothing could be concluded */
		if (nfl > 0)
			found = 1;
	}
	if (ferror(fp))
		die(EXIT_TROUBLE, "%s:", fflag);
	fclose(fp);
	wr_flush(&out);
	wr_free(&out);
	free(line);
	free(a);
	free((char *)all.p);
	return errors || unknown ? EXIT_TROUBLE : found ? EXIT_MATCH :
	    EXIT_NOMATCH;
}
