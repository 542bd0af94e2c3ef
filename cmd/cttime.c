/*
 * cttime - keep the log lines within a tolerance of a time.
 *
 *	grep -F ';203.0.113.7;40123;' day.csv | cttime -t '2026-11-27 10:06:49'
 *
 * The time of a complaint comes from someone else's clock: seconds off, in
 * some time zone.  cttime compares instants (never text) of the lines it is
 * given (a literal search, ctgrep or grep -F, found them), prints those
 * within -w seconds of -t (or the closest one, or the flows active then),
 * and stops reading as soon as the log is past the window.  The log is in
 * time order up to a skew (-k): conntrack's times can step back a little.
 * So:
 * - a line later than T+w+skew proves every later line is past T+w: stop
 *   (upstream of a pipe then gets SIGPIPE and the pipeline ends early);
 * - a line earlier than START-skew proves every line before it is earlier
 *   than START (the first instant that matters): a regular file is bisected
 *   for such a line and read from there.
 * Several files are read as one stream (yesterday's and today's logs).
 * The log's coverage records (csv.h) say where it may have missed
 * events: with -g each answer is followed by the gaps in what it needed
 * (lib/cover.h), so that "nothing found" is only said where the log saw
 * everything.
 * A gzip or zstd file is read through a "gzip -dc" or "zstd -dc" child.
 * When ctzip(1) made it, its index (zidx.h) names the first block that
 * can hold a line from START-skew on, and with -n (the flows of one NAT
 * key: cttrace) which far blocks can matter to that key: only those are
 * decompressed.  Opening a file, bisecting it and choosing its blocks is
 * the input layer, lib/logread.h; this file asks it for lines from START-skew
 * on and judges every line it gets as if it had read the whole file.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cover.h"
#include "csv.h"
#include "err.h"
#include "flow.h"
#include "natkey.h"
#include "rd.h"
#include "query.h"
#include "logread.h"
#include "tm.h"
#include "wr.h"
#include "zidx.h"

#define VERSION "cttime 1.0"
#define MAXLINE (64 * 1024)	/* log lines are < 512 bytes: longer is junk */
#define WARNMAX 100		/* warnings about lines before going quiet */
#define GAPMAX 20		/* -g: gaps listed for one answer */
#define MAXSEC 1000000000LL	/* bound of -w, -k, -A: no overflow */
#define MAXTIME QUERY_MAXTIME	/* |T| bound, year ~5000 */
#define USAGE "usage: cttime {-t time | -f queries} [-gu] " \
	"[-G name=file] [-k skew] " \
	"[-p proto] [-D dst[:port]] [-n natip:port] [-w seconds] " \
	"[-1 | -a [-P] [-A maxage] [-R readon]] [file ...]\n"

static int64_t tflag;		/* -t time: the instant asked about */
static int64_t wflag = 10 * TM_USEC;	/* -w seconds: tolerance */
static int64_t kflag = 60 * TM_USEC;	/* -k skew: how far times step back */
static int64_t Aflag = 86400 * TM_USEC;	/* -A maxage: oldest flow start */
static int uflag;		/* -u: unsorted: read everything */
static int gflag;		/* -g: the gaps in the log's coverage */
static int oneflag;		/* -1: the closest line only */
static int aflag;		/* -a: flows active in the window */
static int Pflag;		/* -P: with -a, start and stop lines */
static const char *pflag;	/* -p proto: this protocol only, */
static char pname[16];		/* as the log writes it */
static char Dhost[INET6_ADDRSTRLEN];	/* -D dst[:port]: this destination, */
static const char *Dport;	/* as conntrack writes it, and port */
static char Nkey[NATKEY_LOGMAX];	/* -n natip:port: "nat;natport" */

static const char *fflag;	/* -f queries: many questions, one pass */
static int64_t Rflag = -1;	/* -R readon: -P's reading on; -1: maxage */

static unsigned long nwarn;

/* the line closest to T so far, for -1 */
struct best {
	char *line;		/* a copy, NULL: none yet */
	size_t n, cap;
	int64_t t, d;		/* its time, its distance from T */
};

/*
 * One question: "what is near T" (-t), or with -f, "what is near T for
 * the NAT address and port KEY".  A query sees only the lines of its key,
 * in input order, and does with them exactly what cttime -t does with
 * the lines ctgrep -N KEY passes it: so one pass over a day answers a
 * batch of complaints, each as if it had been asked alone.
 */
struct query {
	struct query *hnext;	/* -f: the next query in its hash bucket */
	unsigned long lineno;	/* -f: its line in the query file */
	char key[QUERY_KEYMAX];	/* -f: "nat;natport", as logged */
	size_t keyn;
	uint64_t hash;
	int64_t t;		/* the instant asked about */
	int64_t wlo, whi;	/* the window [T-w, T+w] */
	int64_t from;		/* first instant that matters: wlo, -a: wlo-A */
	int more;		/* 0: past the window, only stops matter */
	int done;		/* nothing more can change the answer */
	int found;
	struct flowtab *ft;	/* -a: the flows, one table a log (-G);
				   made lazily: -f may have many queries */
	struct best best;	/* -1: the closest line */
	char *buf;		/* its lines, kept to print in query order */
	size_t n, cap;
};

static struct query *qs;	/* the queries, in the order asked */
static size_t nq, ndone;
static struct query **qtab;	/* -f: by key hash; size qmask + 1 */
static size_t qmask;

/*
 * The logs read: one (the files given, or standard input), or with -G one
 * for each gateway, read one after the other, each with its own coverage
 * and flows; the answers rank the flows of every log together.
 */
struct log {
	const char *name;	/* -G name, or NULL */
	const char *path;	/* -G file, or NULL: the file operands */
	struct cover cov;	/* what it covers (-g; lost lines) */
};
static struct log *logs;
static size_t nlog, cur;	/* the logs, the one being read */
#define COV (&logs[cur].cov)
#define FT(q) (&(q)->ft[cur])	/* q's flows in the log being read */
#define HASFT(q) ((q)->ft != NULL && (q)->ft[cur].pt.bkt != NULL)

static _Noreturn void
usage(void)
{
	fputs(USAGE, stderr);
	exit(EXIT_TROUBLE);
}

/* secarg: "SECONDS[.fraction]" of option c as microseconds */
static int64_t
secarg(int c, const char *s)
{
	int64_t v;

	if (tm_seconds(s, MAXSEC, &v) < 0)
		die(EXIT_TROUBLE, "-%c %s: not a number of seconds (0 to %lld)",
		    c, s, MAXSEC);
	return v;
}

/* lwarn: a warning about the current line of in */
static void
lwarn(struct logread *in, const char *what, struct span l)
{
	char b[52];

	if (++nwarn > WARNMAX)
		return;
	err_excerpt(b, sizeof(b), l.p, l.n);
	if (in->lineknown)
		warn("%s:%llu: %s: %s", in->r.name, in->r.lineno, what, b);
	else
		warn("%s: line at byte %lld: %s: %s", in->r.name,
		    in->lineoff, what, b);
	if (nwarn == WARNMAX)
		warn("further warnings about lines are left out");
}

/* the line is of the protocol asked for (lost lines are of every one) */
static int
protook(const struct span *f)
{
	return pflag == NULL || (f[F_PROTO].n == strlen(pflag) &&
	    strncasecmp(f[F_PROTO].p, pflag, f[F_PROTO].n) == 0);
}

static int iseq(struct span, const char *);

/* the line goes to the destination asked for, if any */
static int
dstok(const struct span *f)
{
	return Dhost[0] == '\0' || (iseq(f[F_DST], Dhost) &&
	    (Dport == NULL || iseq(f[F_DPORT], Dport)));
}

/* the line's nat and natport fields are those asked for (-n) */
static int
natok(const struct span *f)
{
	size_t n = (size_t)(f[F_NATPORT].p + f[F_NATPORT].n - f[F_NAT].p);

	return n == strlen(Nkey) && memcmp(f[F_NAT].p, Nkey, n) == 0;
}

/*
 * Nparse: -n natip:port or [v6addr]:port, kept as the log writes the nat
 * and natport fields, "nat;natport" (lib/natkey.h, as ctgrep -N).
 */
static void
Nparse(const char *arg)
{
	struct natkey k;
	const char *why;

	if ((why = natkey_parse(&k, arg, 0)) != NULL)
		die(EXIT_TROUBLE, "-n %s: %s", arg, why);
	if (k.mapped)
		warn("-n %s: taken as the IPv4 address %s", arg, k.addr);
	natkey_log(&k, Nkey, sizeof(Nkey));
}

/*
 * Dparse: -D addr, addr:port, [v6addr] or [v6addr]:port, kept in the form
 * the log writes (lib/natkey.h), so that 2001:DB8:0::1 finds 2001:db8::1
 * and port 07001 finds 7001.
 */
static void
Dparse(const char *arg)
{
	static char port[12];
	struct natkey k;
	const char *why;

	if ((why = natkey_parse(&k, arg, 1)) != NULL)
		die(EXIT_TROUBLE, "-D %s: %s", arg, why);
	if (k.mapped)
		warn("-D %s: taken as the IPv4 address %s", arg, k.addr);
	memcpy(Dhost, k.addr, sizeof(Dhost));
	if (k.port > 0) {
		snprintf(port, sizeof(port), "%u", k.port);
		Dport = port;
	}
}

/*
 * Gparse: -G name=file, a gateway's log (the lines its ctcat and ctgrep
 * passed), read after those of the -G before it.  A name is what the
 * answers call the log: letters, digits, '.', '_', '-'.
 */
static void
Gparse(const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *name;

	if (eq == NULL || eq == arg || eq[1] == '\0' || strspn(arg,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")
	    != (size_t)(eq - arg))
		die(EXIT_TROUBLE, "-G %s: expected NAME=FILE (NAME of "
		    "letters, digits, '.', '_', '-')", arg);
	logs = xreallocarray(logs, nlog + 1, sizeof(*logs));
	memset(&logs[nlog], 0, sizeof(logs[nlog]));
	name = xmalloc((size_t)(eq - arg) + 1);
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	logs[nlog].name = name;
	logs[nlog++].path = eq + 1;
}

static int
iseq(struct span s, const char *lit)
{
	return s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0;
}

static void
putline(struct wr *out, const char *p, size_t n)
{
	wr_put(out, p, n);
	wr_putc(out, '\n');
}



/*
 * emit: a line of q's answer.  With -t it is printed at once (a live
 * pipe sees it at once); with -f it is kept, as the answers are printed
 * one query after the other, in the order asked.
 */
static void
emit(struct query *q, struct wr *out, const char *p, size_t n)
{
	q->found = 1;
	if (!fflag) {
		putline(out, p, n);
		return;
	}
	if (q->cap - q->n < n + 1) {
		q->cap = (q->n + n + 1) * 2;
		q->buf = xreallocarray(q->buf, q->cap, 1);
	}
	memcpy(q->buf + q->n, p, n);
	q->buf[q->n + n] = '\n';
	q->n += n + 1;
}

/*
 * flowline: a start, open or stop line (ev) for -a.  Flows are kept only
 * if they can be active in the window: started (or listed open by a
 * snapshot) in [from, whi]; a stop with no start seen (earlier than from)
 * makes a flow if it is in [wlo, whi].  Flows that end before wlo are
 * dropped at once, so memory holds only the flows open at the time read,
 * plus the candidates.  After the window (more is 0) stops are only
 * matched to the flows kept.
 */
static void
flowline(struct query *q, enum csvevent ev, const struct span *f,
    struct span l, int64_t t)
{
	struct flow *fl = NULL;

	if (q->ft == NULL)
		q->ft = xcalloc(nlog, sizeof(*q->ft));
	if (!HASFT(q)) {
		flow_init(FT(q));
		FT(q)->tag = (int)cur;
	}
	if (ev != EV_OPEN)	/* a run of open records ends */
		flow_mark(FT(q));
	if (ev == EV_START)
		fl = flow_start(FT(q), f, l, t,
		    q->more && t >= q->from && t <= q->whi);
	else if (ev == EV_OPEN)
		fl = flow_open(FT(q), f, l, t,
		    q->more && t >= q->from && t <= q->whi);
	else if (ev == EV_STOP)
		fl = flow_stop(FT(q), f, l, t,
		    q->more && t >= q->wlo && t <= q->whi);
	if (fl != NULL && fl->flags & FL_ENDED && fl->t1 < q->wlo)
		flow_drop(FT(q), fl);
}

/* closest: keep l if it is closer; ties: the earlier time, then line */
static void
closest(struct query *q, struct span l, int64_t t)
{
	struct best *b = &q->best;
	int64_t d = t < q->t ? q->t - t : t - q->t;

	if (b->line != NULL && (d > b->d || (d == b->d && t >= b->t)))
		return;
	if (b->cap < l.n) {
		b->cap = l.n * 2 + 1;
		b->line = xreallocarray(b->line, b->cap, 1);
	}
	memcpy(b->line, l.p, l.n);
	b->n = l.n;
	b->t = t;
	b->d = d;
}

/*
 * past: the line at t is later than q's window plus the skew, so every
 * later line of the log is past the window.  Returns 1 when q is done:
 * with -a -P it reads on for the stop lines of the flows it holds, while
 * any is open, up to readon past the window.
 */
static int
past(struct query *q, int64_t t)
{
	if (uflag || t <= q->whi + kflag)
		return 0;
	/* -g: a record that vouches for the window's end may come later */
	if (gflag && COV->recorded && cover_vouched(COV) < q->whi &&
	    t <= q->whi + 2 * kflag)
		return 0;
	q->more = 0;
	if (!Pflag || (HASFT(q) ? FT(q)->nopen : 0) == 0 ||
	    t > q->whi + Rflag + kflag) {
		q->done = 1;
		ndone++;
		return 1;
	}
	return 0;
}

/*
 * answer: what a line with fields f at t is to q, which wants it (its
 * key, or every line with -t).  The caller has checked past().
 */
static void
answer(struct query *q, struct wr *out, enum csvevent ev,
    const struct span *f, struct span l, int64_t t)
{
	if (!aflag && (t < q->wlo || t > q->whi))
		return;
	if (ev >= EV_BEGIN) {	/* a record: of every query */
		if (!oneflag && !aflag)
			emit(q, out, l.p, l.n);
		if (aflag && HASFT(q) && ev == EV_SNAPSHOT)
			flow_snapshot(FT(q), t, q->wlo);
		else if (aflag && HASFT(q) && (ev == EV_BEGIN ||
		    ev == EV_END || ev == EV_RESTART || ev == EV_LOST))
			flow_mark(FT(q));
		return;
	}
	if (!protook(f) || !dstok(f))
		return;
	if (aflag)
		flowline(q, ev, f, l, t);
	else if (oneflag)
		closest(q, l, t);
	else
		emit(q, out, l.p, l.n);
}

/* qset: the instants of a query at t */
static void
qset(struct query *q, int64_t t)
{
	q->t = t;
	q->wlo = t - wflag;
	q->whi = t + wflag;
	q->from = aflag ? q->wlo - Aflag : q->wlo;
	q->more = 1;
}

/*
 * qload: the queries of path (lib/query.h), hashed by key.  A line that
 * is not a query is warned about (file and line) and left out; returns
 * how many.
 */
static unsigned long
qload(const char *path)
{
	struct qline *ql;
	unsigned long bad;
	size_t i;

	nq = query_load(path, &ql, &bad);
	qs = xreallocarray(NULL, nq, sizeof(*qs));
	memset(qs, 0, nq * sizeof(*qs));
	for (i = 0; i < nq; i++) {
		qs[i].lineno = ql[i].lineno;
		memcpy(qs[i].key, ql[i].key, ql[i].keyn + 1);
		qs[i].keyn = ql[i].keyn;
		qs[i].hash = ql[i].hash;
		qset(&qs[i], ql[i].t);
	}
	free(ql);
	for (qmask = 15; qmask < nq * 2; qmask = qmask * 2 + 1)
		;
	qtab = xreallocarray(NULL, qmask + 1, sizeof(*qtab));
	memset(qtab, 0, (qmask + 1) * sizeof(*qtab));
	for (i = nq; i-- > 0;) {	/* chains in the order asked */
		qs[i].hnext = qtab[qs[i].hash & qmask];
		qtab[qs[i].hash & qmask] = &qs[i];
	}
	return bad;
}

/* qfirst: the first query about the line's nat and natport, or NULL */
static struct query *
qfirst(const struct span *f, char *k, size_t *kn, uint64_t *h)
{
	struct query *q;

	if (f[F_NAT].n + f[F_NATPORT].n + 1 > INET6_ADDRSTRLEN + 8)
		return NULL;
	memcpy(k, f[F_NAT].p, f[F_NAT].n);
	k[f[F_NAT].n] = ';';
	memcpy(k + f[F_NAT].n + 1, f[F_NATPORT].p, f[F_NATPORT].n);
	*kn = f[F_NAT].n + 1 + f[F_NATPORT].n;
	*h = query_hash(k, *kn);
	for (q = qtab[*h & qmask]; q != NULL; q = q->hnext)
		if (q->hash == *h && q->keyn == *kn &&
		    memcmp(q->key, k, *kn) == 0)
			return q;
	return NULL;
}

/* qnext: the next query after q with the same key */
static struct query *
qnext(struct query *q)
{
	struct query *r;

	for (r = q->hnext; r != NULL; r = r->hnext)
		if (r->hash == q->hash && r->keyn == q->keyn &&
		    memcmp(r->key, q->key, q->keyn) == 0)
			return r;
	return NULL;
}

/* tput: an instant as the log writes it (UTC), or "-" when unbounded */
static void
tput(struct wr *out, int64_t t)
{
	struct tmfmt tf;
	char b[TM_FMTMAX];

	if (t == INT64_MIN || t == INT64_MAX) {
		wr_putc(out, '-');
		return;
	}
	tm_fmtinit(&tf, 0);
	wr_put(out, b, tm_fmt(&tf, b, t));
}

/*
 * gaps: -g, what the log does not cover of what q's answer needed:
 *	!cover [NAME] FROM TO recorded|legacy
 *	!gap [NAME] FROM TO WHY AT N
 * for each log (NAME: its -G name, none without -G).
 * The answer needed [K, T+w]: K is the latest complete snapshot at or
 * before T-w (every flow open then is listed), else the first instant
 * that matters (T-w-maxage with -a): a flow active in the window either
 * began after K (its start line) or was open at K.  WHY is cover_why()'s
 * name, AT the instant of the record that tells it, N the events lost
 * (or -); FROM, TO, AT are "-" when unbounded or unknown.
 */
static void
gaps(struct query *q, const struct log *lg, struct wr *out)
{
	struct cgap g[GAPMAX];
	int64_t k = cover_snapshot(&lg->cov, q->wlo);
	size_t i, n;
	char b[32];

	if (k == INT64_MIN || k < q->from)
		k = q->from;
	n = cover_gaps(&lg->cov, k, q->whi, g, GAPMAX);
	wr_put(out, "!cover ", 7);
	if (lg->name != NULL) {
		wr_put(out, lg->name, strlen(lg->name));
		wr_putc(out, ' ');
	}
	tput(out, k);
	wr_putc(out, ' ');
	tput(out, q->whi);
	wr_put(out, lg->cov.recorded ? " recorded\n" : " legacy\n",
	    lg->cov.recorded ? 10 : 8);
	for (i = 0; i < n && i < GAPMAX; i++) {
		wr_put(out, "!gap ", 5);
		if (lg->name != NULL) {
			wr_put(out, lg->name, strlen(lg->name));
			wr_putc(out, ' ');
		}
		tput(out, g[i].from);
		wr_putc(out, ' ');
		tput(out, g[i].to);
		wr_putc(out, ' ');
		wr_put(out, cover_why(g[i].why), strlen(cover_why(g[i].why)));
		wr_putc(out, ' ');
		tput(out, g[i].at);
		if (g[i].n >= 0)
			wr_put(out, b, (size_t)snprintf(b, sizeof(b), " %lld\n",
			    g[i].n));
		else
			wr_put(out, " -\n", 3);
	}
	if (n > GAPMAX)
		wr_put(out, b, (size_t)snprintf(b, sizeof(b), "!more %zu\n",
		    n - GAPMAX));
}

/*
 * result: print q's answer.  With -f it is headed by a line
 *	#LINE NATIP PORT TIME EPOCH
 * (its line in the query file, the address as logged, the instant in
 * UTC and in seconds since the Epoch), even when it is empty.  With -G,
 * the flows of every log are ranked together, and each flow's lines are
 * headed by "@NAME", the log's -G name.
 */
static void
result(struct query *q, struct wr *out)
{
	struct flow **rank;
	struct flowtab **ft;
	struct tmfmt tf;
	char hd[INET6_ADDRSTRLEN + 128], ts[TM_FMTMAX];
	const char *semi, *name;
	size_t i, nft, nrank;
	int64_t sec;

	if (fflag) {
		semi = memchr(q->key, ';', q->keyn);
		tm_fmtinit(&tf, 0);
		ts[tm_fmt(&tf, ts, q->t)] = '\0';
		sec = q->t >= 0 ? q->t / TM_USEC : -((-q->t + TM_USEC - 1) /
		    TM_USEC);
		wr_put(out, hd, (size_t)snprintf(hd, sizeof(hd),
		    "#%lu %.*s %s %s %lld\n", q->lineno, (int)(semi - q->key),
		    q->key, semi + 1, ts, (long long)sec));
		wr_put(out, q->buf, q->n);
	}
	if (oneflag && q->best.line != NULL) {
		putline(out, q->best.line, q->best.n);
		q->found = 1;
	}
	if (aflag && q->ft != NULL) {
		ft = xreallocarray(NULL, nlog, sizeof(*ft));
		for (i = nft = 0; i < nlog; i++)
			if (q->ft[i].pt.bkt != NULL)
				ft[nft++] = &q->ft[i];
		rank = flow_rankv(ft, nft, q->t, &nrank);
		for (i = 0; i < nrank; i++) {
			if ((name = logs[rank[i]->tag].name) != NULL) {
				wr_putc(out, '@');
				wr_put(out, name, strlen(name));
				wr_putc(out, '\n');
			}
			if (rank[i]->l0 != NULL)
				putline(out, rank[i]->l0, rank[i]->n0);
			if (rank[i]->flags & FL_STOP &&
			    (Pflag || rank[i]->l0 == NULL))
				putline(out, rank[i]->l1, rank[i]->n1);
			if (Pflag)
				wr_putc(out, '\n');
		}
		q->found = nrank > 0;
		free(rank);
		for (i = 0; i < nft; i++)
			flow_free(ft[i]);
		free(ft);
		free(q->ft);
	}
	if (gflag)
		for (i = 0; i < nlog; i++)
			gaps(q, &logs[i], out);
	free(q->best.line);
	free(q->buf);
}

/* inputs: what the input layer may skip (logread.h), for every query */
static void
inputs(struct logread_opt *o, struct wr *out)
{
	size_t i;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < nq; i++) {	/* first instant any query needs */
		o->start = i == 0 || qs[i].from < o->start ? qs[i].from :
		    o->start;
		o->lo = i == 0 || qs[i].wlo < o->lo ? qs[i].wlo : o->lo;
		o->hi = i == 0 || qs[i].whi > o->hi ? qs[i].whi : o->hi;
	}
	o->start -= kflag;	/* a line before this: none before it matters */
	/*
	 * The last instant read: every query is past (past()) at a line
	 * after its window + skew, or + readon with -P, or with -g + skew
	 * for a record that vouches for the window's end.
	 */
	o->hasend = !uflag;
	o->end = o->hi + (Pflag ? Rflag : 0) + (gflag ? kflag : 0) + 2 * kflag;
	o->all = uflag;
	o->key = Nkey;
	o->maxline = MAXLINE;
	o->out = out;
}

/* record: a record of the log itself (ev): every query's */
static void
record(struct logread *in, struct wr *out, enum csvevent ev,
    const struct span *f, struct span l, int64_t t)
{
	struct query *q;
	size_t i;
	int warned = 0;

	if (cover_record(COV, ev, t, f) < 0)
		lwarn(in, "bad from or to", l);
	for (i = 0; i < nq; i++) {
		q = &qs[i];
		if (q->done || (fflag && past(q, t)))
			continue;
		if (ev == EV_LOST && !gflag && t >= q->from && t <= q->whi &&
		    q->more && !warned++)
			lwarn(in, "the log lost events here: a line may be "
			    "missing", l);
		answer(q, out, ev, f, l, t);
	}
}

/*
 * line: one line of the log being read, for the queries it concerns;
 * 1 when no later line can change an answer (stop reading)
 */
static int
line(struct logread *in, struct wr *out, struct span l)
{
	struct span f[F_NFIELDS];
	struct query *q;
	char k[QUERY_KEYMAX];
	enum csvevent ev;
	uint64_t h;
	int64_t t;
	size_t kn;
	int c;

	if ((c = logread_time(l, &t)) != 0) {
		if (c < 0)
			lwarn(in, "bad time", l);
		return 0;
	}
	if (!fflag) {	/* one query: every line is its */
		if (past(&qs[0], t))
			return 1;
		if (!aflag && !gflag && (t < qs[0].wlo || t > qs[0].whi))
			return 0;
	}
	if (!csv_fields(l, f)) {
		lwarn(in, "not a log line (too few fields)", l);
		return 0;
	}
	if ((ev = csv_event(f[F_EVENT])) >= EV_BEGIN) {
		record(in, out, ev, f, l, t);
		return 0;
	}
	cover_line(COV, t);
	if (Nkey[0] != '\0' && !natok(f))
		return 0;
	if (!fflag) {
		answer(&qs[0], out, ev, f, l, t);
		return 0;
	}
	for (q = qfirst(f, k, &kn, &h); q != NULL; q = qnext(q))
		if (!q->done && !past(q, t))
			answer(q, out, ev, f, l, t);
	return 0;
}

/* readfile: the lines of path until every query is done; 1 on trouble */
static int
readfile(const char *path, const struct logread_opt *o, struct wr *out)
{
	struct logread in;
	struct span l;
	int r, trouble = 0;

	if (logread_open(&in, path, o) < 0)
		return 1;
	while (ndone < nq && (r = rd_line(&in.r, &l)) != 0) {
		logread_advance(&in, l.n);
		if (r < 0) {
			warn("read error on %s:", in.r.name);
			trouble = 1;
			break;
		}
		if (r == 2) {
			lwarn(&in, "line too long", l);
			continue;
		}
		if (line(&in, out, l))
			break;
	}
	if (logread_close(&in) < 0)
		trouble = 1;
	return trouble;
}

/*
 * options: the command line's options into the flags above, usage()
 * when they do not make one of the synopsis' forms; returns the number
 * of files given
 */
static int
options(int argc, char *argv[])
{
	char why[256];
	const char *why1;
	int c, tset = 0;

	while ((c = getopt(argc, argv, ":1aA:D:f:gG:hk:n:p:PR:t:uVw:")) != -1)
		switch (c) {
		case 'g':
			gflag = 1;
			break;
		case 'G':
			Gparse(optarg);
			break;
		case '1':
			oneflag = 1;
			break;
		case 'a':
			aflag = 1;
			break;
		case 'A':
			Aflag = secarg(c, optarg);
			break;
		case 'k':
			kflag = secarg(c, optarg);
			break;
		case 'p':
			if ((why1 = natkey_proto(optarg, pname, sizeof(pname))) !=
			    NULL)
				die(EXIT_TROUBLE, "-p %s: %s", optarg, why1);
			pflag = pname;
			break;
		case 'D':
			Dparse(optarg);
			break;
		case 'f':
			fflag = optarg;
			break;
		case 'n':
			Nparse(optarg);
			break;
		case 'P':
			Pflag = 1;
			break;
		case 'R':
			Rflag = secarg(c, optarg);
			break;
		case 't':
			if (tm_parsearg(optarg, &tflag, why, sizeof(why)) < 0)
				die(EXIT_TROUBLE, "%s", why);
			tset = 1;
			break;
		case 'u':
			uflag = 1;
			break;
		case 'w':
			wflag = secarg(c, optarg);
			break;
		case 'h':
			fputs(USAGE, stdout);
			exit(EXIT_MATCH);
		case 'V':
			puts(VERSION);
			exit(EXIT_MATCH);
		default:	/* a bad option, or one missing its argument */
			usage();
		}
	if (tset == (fflag != NULL) || (oneflag && aflag) ||
	    (Pflag && !aflag) || (fflag && Nkey[0] != '\0'))
		usage();
	if (tset && (tflag > MAXTIME || tflag < -MAXTIME))
		die(EXIT_TROUBLE, "-t: time out of range");
	if (Rflag < 0)
		Rflag = Aflag;
	if (nlog == 0) {	/* one log: the files given */
		logs = xcalloc(1, sizeof(*logs));
		nlog = 1;
	} else if (optind < argc || !aflag)
		usage();
	return argc - optind;
}

/*
 * readlogs: each log for the queries not done, in turn (the files given
 * make one log, "-" when none; -G's logs one each); returns whether any
 * could not be read
 */
static int
readlogs(int nfile, char *file[], const struct logread_opt *o, struct wr *out)
{
	size_t i;
	int trouble = 0;

	for (cur = 0; cur < nlog && nq > 0; cur++) {
		if (cur > 0)	/* another log: every query reads it anew */
			for (ndone = 0, i = 0; i < nq; i++) {
				qs[i].more = 1;
				qs[i].done = 0;
			}
		if (logs[cur].path != NULL)
			trouble |= readfile(logs[cur].path, o, out);
		else
			for (i = 0; ndone < nq && (i == 0 || i <
			    (size_t)nfile); i++)
				trouble |= readfile(nfile > 0 ? file[i] : "-",
				    o, out);
	}
	return trouble;
}

int
main(int argc, char *argv[])
{
	struct logread_opt o;
	struct wr out;
	struct query one;
	size_t i;
	int nfile, trouble = 0, found = 0;

	err_init(argv[0]);
	nfile = options(argc, argv);
	argv += argc - nfile;
	for (i = 0; i < nlog; i++)
		cover_init(&logs[i].cov, kflag);
	if (fflag) {
		if (qload(fflag) > 0)
			trouble = 1;
	} else {
		memset(&one, 0, sizeof(one));
		qset(&one, tflag);
		qs = &one;
		nq = 1;
	}
	wr_init(&out, STDOUT_FILENO, "standard output");
	inputs(&o, &out);
	trouble |= readlogs(nfile, argv, &o, &out);
	for (i = 0; i < nq; i++) {
		result(&qs[i], &out);
		found |= qs[i].found;
	}
	wr_flush(&out);
	wr_free(&out);
	if (fflag) {
		free(qs);
		free(qtab);
	}
	for (i = 0; i < nlog; i++) {
		cover_free(&logs[i].cov);
		free((char *)logs[i].name);
	}
	free(logs);
	return trouble ? EXIT_TROUBLE : found ? EXIT_MATCH : EXIT_NOMATCH;
}
