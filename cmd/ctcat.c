/*
 * ctcat - the lines of a log that a question about a time reads.
 *
 *	ctcat -n 192.0.2.7:40123 -t '2026-11-27 10:06:49' |
 *	    ctgrep -N 192.0.2.7:40123 |
 *	    cttime -a -P -R 86400 -t '2026-11-27 10:06:49'
 *
 * The log is the files of a directory (lib/logdir.h: their names, their
 * order, which of them a range of time needs) or the files given.  ctcat
 * writes, in log order and unchanged, the lines whose times fall in the
 * range of a question: for each question, from its window less the
 * flows' age (FROM: no earlier line changes what "cttime -a -P" with the
 * same -t (or -f), -w, -k, -A and -R answers) to its window plus the
 * read-on plus two skews (TO: cttime has stopped by then, see cttime.c's
 * past()).  The log's times step back by up to a skew, so it reads from
 * a skew before FROM (START) to the first line past TO plus a skew (END:
 * every later line is past TO).  So what it writes depends on the log's
 * lines alone, not on how the files hold them (plain, compressed, cut in
 * blocks): a table that holds the same lines gives the same (-C).
 * Reading a file is lib/logread's: plain files are bisected, gzip and zstd
 * files decompressed by children, and of a file with a ctzip index only
 * the blocks that can matter (to one NAT key with -n: then the lines of
 * the key in the blocks left out are not written, as they cannot
 * change the answer).
 *
 * What ctcat knows of the log and the lines do not say, it says with the
 * records that only readers add (csv.h), so that a reader never takes
 * for covered a time that was not read:
 *	nolog	at START, when no file holds lines that early (with from,
 *		the first day kept, for what retention deleted: nolog());
 *	unread	where a file or part of one could not be read (after the
 *		last line read, or at START), with a message naming it;
 *	eof	after the last line of the log, when ctcat read the last
 *		file to its end.
 * And the coverage records of the blocks an index let it skip (index
 * version 4: zidx.h), where those blocks were.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chlog.h"
#include "csv.h"
#include "err.h"
#include "logdir.h"
#include "natkey.h"
#include "progress.h"
#include "query.h"
#include "rd.h"
#include "logread.h"
#include "tm.h"
#include "wr.h"

#define VERSION "ctcat 1.0"
#define MAXLINE (64 * 1024)	/* log lines are < 512 bytes: longer is junk */
#define WARNMAX 100		/* warnings about lines before going quiet */
#define MAXSEC 1000000000LL	/* bound of -w, -k, -A, -R: no overflow */
#define LOGDIR "/var/log/conntrack"
#define USAGE "usage: ctcat [-q] [-d logdir | -C table [-g gateway]] " \
	"[-k skew] [-A maxage] [-w seconds] [-R readon] [-n natip:port] " \
	"{-t time | -f queries} [file ...]\n" \
	"       ctcat -l [-d logdir | -C table [-g gateway]] [file ...]\n"

static const char *dflag;	/* -d logdir: the log's directory */
static int64_t kflag = 60 * TM_USEC;	/* -k skew: how far times step back */
static int64_t Aflag = 86400 * TM_USEC;	/* -A maxage: oldest flow start */
static int64_t wflag = 10 * TM_USEC;	/* -w seconds: tolerance */
static int64_t Rflag = -1;	/* -R readon: after the window; -1: maxage */
static char Nkey[QUERY_KEYMAX];	/* -n natip:port: "nat;natport" */
static int64_t tflag;		/* -t time */
static int tset;
static const char *fflag;	/* -f queries */
static int lflag;		/* -l: list the files */
static int qflag;		/* -q: no progress line on a terminal */
static const char *Cflag;	/* -C [host[:port]/]db.table: the log */
static const char *gflag;	/* -g gateway: of that gateway */
static char gwname[CHLOG_NAMEMAX + 1];	/* -C: -g's, or the table's one */
static const char **keys;	/* -C: -n's or -f's keys, "nat;natport" */
static size_t nkeys;

/*
 * a range of time that a question reads: lines of [from, to] are
 * written, [START, END] read; lo, hi: its window
 */
struct range {
	struct logrange r;	/* [START, END] */
	int64_t from, to;	/* START + skew, END - skew */
	int64_t lo, hi;
};

static unsigned long nwarn;
static struct tmfmt tf;

static _Noreturn void
usage(void)
{
	fputs(USAGE, stderr);
	exit(EXIT_TROUBLE);
}

/* secarg: "SECONDS[.fraction]" of option c as microseconds (tm_seconds) */
static int64_t
secarg(int c, const char *s)
{
	int64_t v;

	if (tm_seconds(s, MAXSEC, &v) < 0)
		die(EXIT_TROUBLE, "-%c %s: not a number of seconds (0 to %lld)",
		    c, s, MAXSEC);
	return v;
}

/*
 * record: a record that readers add (csv.h), 16 fields, at t; from and
 * to unless INT64_MIN
 */
static void
record(struct wr *out, enum csvevent ev, int64_t t, int64_t from, int64_t to)
{
	char ts[TM_FMTMAX];

	wr_put(out, ts, tm_fmt(&tf, ts, t));
	wr_putc(out, ';');
	wr_put(out, csv_evname(ev), strlen(csv_evname(ev)));
	wr_put(out, ";;;;;;;;;;;;;", 13);
	if (from != INT64_MIN)
		wr_put(out, ts, tm_fmt(&tf, ts, from));
	wr_putc(out, ';');
	if (to != INT64_MIN)
		wr_put(out, ts, tm_fmt(&tf, ts, to));
	wr_putc(out, '\n');
}

static int
rangecmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return (x->r.start > y->r.start) - (x->r.start < y->r.start);
}

/*
 * ranges: the range of each question, sorted and merged where they
 * overlap, into rg; how many.  A question at T writes the lines from
 * T-w-A to T+w+R+2 skews, and reads a skew on each side.  A line of -f
 * that is not a question is warned about (query_load) and counted in
 * *bad: cttime -f leaves it out too.
 */
static size_t
ranges(struct range **rg, unsigned long *bad)
{
	struct qline *ql = NULL, one;
	size_t nq, i, n = 0;
	struct range *r;

	*bad = 0;
	if (fflag != NULL)
		nq = query_load(fflag, &ql, bad);
	else {
		one.t = tflag;
		ql = &one;
		nq = 1;
	}
	r = xcalloc(nq + 1, sizeof(*r));
	for (i = 0; i < nq; i++) {
		r[i].lo = ql[i].t - wflag;
		r[i].hi = ql[i].t + wflag;
		r[i].from = r[i].lo - Aflag;
		r[i].to = r[i].hi + Rflag + 2 * kflag;
		r[i].r.start = r[i].from - kflag;
		r[i].r.end = r[i].to + kflag;
	}
	if (fflag != NULL && Cflag != NULL) {	/* the keys the table gives */
		keys = xcalloc(nq + 1, sizeof(*keys));
		for (i = 0; i < nq; i++)
			keys[nkeys++] = xstrdup(ql[i].key);
	}
	if (fflag != NULL)
		free(ql);
	qsort(r, nq, sizeof(*r), rangecmp);
	for (i = 0; i < nq; i++) {
		if (n > 0 && r[i].r.start <= r[n - 1].r.end) {
			if (r[i].r.end > r[n - 1].r.end) {
				r[n - 1].r.end = r[i].r.end;
				r[n - 1].to = r[i].to;
			}
			if (r[i].lo < r[n - 1].lo)
				r[n - 1].lo = r[i].lo;
			if (r[i].hi > r[n - 1].hi)
				r[n - 1].hi = r[i].hi;
		} else
			r[n++] = r[i];
	}
	*rg = r;
	return n;
}

/*
 * list: -l, the files in log order: FIRSTTIME FORM DAY PATH, DAY the
 * day a file is named as (YYYY-MM-DD) or "-"; the path last, so that
 * `read -r first form day path` takes any path whole
 */
static int
list(const struct logdir *d, struct wr *out)
{
	const struct logfile *f;
	char ts[TM_FMTMAX];
	size_t i;
	int trouble = 0;
	struct tmfmt day;

	tm_fmtinit(&day, TM_SECONDS);	/* UTC: a day's midnight */
	for (i = 0; i < d->n; i++) {
		f = &d->f[i];
		if (f->state == LOG_TIME)
			wr_put(out, ts, tm_fmt(&tf, ts, f->first));
		else
			wr_putc(out, '-');
		wr_putc(out, ' ');
		wr_put(out, logdir_formname(f->form),
		    strlen(logdir_formname(f->form)));
		if (f->idx)
			wr_put(out, "+idx", 4);
		wr_putc(out, ' ');
		if (f->isday) {
			tm_fmt(&day, ts, f->day);
			wr_put(out, ts, 10);	/* YYYY-MM-DD */
		} else
			wr_putc(out, '-');
		wr_putc(out, ' ');
		wr_put(out, f->path, strlen(f->path));
		wr_putc(out, '\n');
		trouble |= f->state == LOG_BAD;
	}
	wr_flush(out);
	return trouble ? EXIT_TROUBLE : d->n > 0 ? EXIT_MATCH : EXIT_NOMATCH;
}

/* the state of a run, across files */
struct cat {
	struct wr *out;
	int wrote;		/* a line of the log was written */
	int trouble;
	int haslast;		/* a line with a time was read: */
	int64_t last;		/* its time */
	int64_t start;		/* the first range's START */
	struct progress bar;	/* on a terminal, when much is read */
	long long base;		/* bytes of the files read before */
	long long check;	/* the offset of the next look at the bar */
	const struct range *rg;	/* the ranges of the file being read: */
	size_t nrg;		/* [rg, rg + nrg) */
	int eof;		/* -C: the log's last day was read to its end */
};

/* inrange: t is in one of the ranges of the file being read */
static int
inrange(const struct cat *c, int64_t t)
{
	size_t lo = 0, hi = c->nrg, m;

	while (lo < hi) {	/* the first range that ends at or after t */
		m = lo + (hi - lo) / 2;
		if (c->rg[m].to < t)
			lo = m + 1;
		else
			hi = m;
	}
	return lo < c->nrg && c->rg[lo].from <= t;
}

/*
 * putline: write l when its time is in a range (a line without a time,
 * a header or junk, is in none); its time in *t: 0, or -1 without one
 */
static int
putline(struct cat *c, struct span l, int64_t *t)
{
	if (logread_time(l, t) != 0)
		return -1;
	c->last = *t;
	c->haslast = 1;
	if (inrange(c, *t)) {
		wr_put(c->out, l.p, l.n);
		wr_putc(c->out, '\n');
		c->wrote = 1;
	}
	return 0;
}

/* putlines: putline each line of s (whole lines: records of an index) */
static void
putlines(struct cat *c, struct span s)
{
	const char *e;
	struct span l;
	int64_t t;

	while (s.n > 0) {
		l.p = s.p;
		e = memchr(s.p, '\n', s.n);
		l.n = e != NULL ? (size_t)(e - s.p) : s.n;
		putline(c, l, &t);
		s.p += l.n + (e != NULL);
		s.n -= l.n + (e != NULL);
	}
}

/*
 * unread: part of the log could not be read, after what was read, up
 * to the next file (to), when there is one
 */
static void
unread(struct cat *c, int64_t to)
{
	record(c->out, EV_UNREAD, c->haslast ? c->last : c->start, INT64_MIN,
	    to);
	c->trouble = 1;
}

/* fileend: the greatest END of the ranges that chose f */
static int64_t
fileend(const struct logfile *f, const struct range *rg)
{
	int64_t end = rg[f->r0].r.end;
	size_t i;

	for (i = f->r0 + 1; i <= f->r1; i++)
		end = rg[i].r.end > end ? rg[i].r.end : end;
	return end;
}

/*
 * nolog: no file holds lines from START to "to" (INT64_MIN: to the next
 * line); file j (d->n: none) is the one whose first line is "to".  What
 * retention deleted of that is said (from: the first day kept, csv.h):
 * the times before that day can begin (UTC+14: LOGDIR_ZONE) were a
 * deleted day's; and when file j is the first day kept (or an earlier
 * day), the files before it in the log's order were deleted ones
 * (ctretain names as first kept at most the day after the last it
 * deleted), so every time before its first line was theirs.  The rest
 * is no log, as before.
 */
static void
nolog(struct cat *c, const struct logdir *d, size_t j, int64_t to)
{
	int64_t cut = c->start;	/* the log before it was deleted */

	if (d->retained) {
		cut = j < d->n && d->f[j].isday && d->f[j].day <= d->retday ?
		    to : d->retday - LOGDIR_ZONE;
		if (to != INT64_MIN && to < cut)
			cut = to;
	}
	if (cut > c->start) {
		record(c->out, EV_NOLOG, c->start, d->retday, cut);
		if (cut == to)
			return;
	} else
		cut = c->start;
	record(c->out, EV_NOLOG, cut, INT64_MIN, to > cut ? to : INT64_MIN);
}

/*
 * readopt: how logread reads file f for ranges rg[f->r0 .. f->r1]: from
 * the first's start, the windows' span, up to the file's end of them,
 * the blocks of the key (-n), the records of those skipped; with the
 * index that placing f read (not read twice)
 */
static void
readopt(struct logread_opt *o, const struct cat *c, struct logfile *f,
    const struct range *rg)
{
	size_t i;

	memset(o, 0, sizeof(*o));
	o->start = rg[f->r0].r.start;
	o->lo = rg[f->r0].lo;
	o->hi = rg[f->r0].hi;
	o->end = fileend(f, rg);
	for (i = f->r0 + 1; i <= f->r1; i++) {
		o->lo = rg[i].lo < o->lo ? rg[i].lo : o->lo;
		o->hi = rg[i].hi > o->hi ? rg[i].hi : o->hi;
	}
	o->hasend = 1;
	o->key = Nkey;
	o->recs = 1;
	o->nofollow = f->nofollow;
	o->maxline = MAXLINE;
	o->out = c->out;
	o->idx = logdir_index(f);
	o->idxdev = f->dev;
	o->idxino = f->ino;
}

/*
 * catfile: write the lines of file f that ranges rg[f->r0 .. f->r1]
 * read, and the records of the blocks skipped; islast: f is the log's
 * last file, whose end is the log's (eof); next: the next file's first
 * time (or INT64_MIN), where a part of f that cannot be read ends
 */
static void
catfile(struct cat *c, struct logfile *f, const struct range *rg,
    int islast, int64_t next)
{
	struct logread in;
	struct logread_opt o;
	struct span l, s;
	char *tail = NULL;
	size_t irun, ntail = 0;
	int64_t t;
	int r, stopped = 0, failed = 0;

	readopt(&o, c, f, rg);
	c->rg = rg + f->r0;
	c->nrg = f->r1 - f->r0 + 1;
	if (logread_open(&in, f->path, &o) < 0) {	/* it said why */
		unread(c, next);
		return;
	}
	putlines(c, logread_records(&in, 0));
	c->bar.what = f->path;
	c->check = 0;
	while ((r = rd_line(&in.r, &l)) != 0) {
		if (c->bar.on && in.off >= c->check) {	/* a MiB on */
			progress_set(&c->bar, c->base + logread_pos(&in));
			c->check = in.off + (1 << 20);
		}
		irun = in.irun;
		logread_advance(&in, l.n);
		if (r < 0) {
			warn("read error on %s:", f->path);
			failed = 1;
			break;
		}
		if (r == 2) {
			if (++nwarn <= WARNMAX)
				warn("%s: a line over %d bytes, left out",
				    f->path, MAXLINE);
			continue;
		}
		if (putline(c, l, &t) == 0 && t > o.end) {
			stopped = 1;	/* every later line is past */
			break;
		}
		if (in.irun != irun)	/* the blocks skipped before it */
			putlines(c, logread_records(&in, in.irun));
	}
	if (!stopped && !failed && in.nrun > 0) {	/* kept past the close */
		s = logread_records(&in, in.nrun);
		tail = xmalloc(s.n + 1);
		memcpy(tail, s.p, s.n);
		ntail = s.n;
	}
	islast = islast && in.toend;
	c->base += f->size;
	if (logread_close(&in) < 0 || failed)	/* a decompressor said why */
		unread(c, next);
	else if (!stopped) {
		if (ntail > 0) {
			s.p = tail;
			s.n = ntail;
			putlines(c, s);
		}
		if (in.haslast && islast) {	/* the file's last line, */
			c->last = in.tlast;	/* if a block was skipped */
			c->haslast = 1;
		}
		if (islast && c->haslast)
			record(c->out, EV_EOF, c->last, INT64_MIN,
			    INT64_MIN);
	}
	free(tail);
}

/*
 * begin: what the log says at START before its lines: a file that could
 * not be placed may hold any time, so part of the log is unread from
 * START (not "nolog": that would claim too much); else nolog when the
 * first file read begins after START.  Returns the index of the log's
 * last file placed (d->n: none).
 */
static size_t
begin(struct cat *c, const struct logdir *d)
{
	size_t i, j, lastfile, nbad;
	int64_t to;

	for (i = 0, lastfile = d->n, nbad = 0; i < d->n; i++) {
		if (d->f[i].state == LOG_BAD && nbad++ == 0)
			unread(c, INT64_MIN);
		if (d->f[i].state == LOG_TIME)
			lastfile = i;
	}
	for (i = 0; i < d->n && !d->f[i].use; i++)
		;
	if (nbad == 0 && (i == d->n || d->f[i].first > c->start)) {
		/*
		 * up to the first line of the log after START: of the files
		 * placed, or of a far day left out, which begins at most a
		 * time zone before its midnight
		 */
		for (j = 0; j < d->n && !(d->f[j].state == LOG_TIME &&
		    d->f[j].first > c->start); j++)
			;
		to = j < d->n ? d->f[j].first : INT64_MIN;
		if (d->later && (to == INT64_MIN ||
		    d->laterday - LOGDIR_ZONE < to))
			to = d->laterday - LOGDIR_ZONE;
		nolog(c, d, j, to);
	}
	return lastfile;
}

/*
 * The log in a ClickHouse table (-C, lib/chlog.h).  One run of the
 * client answers two queries: the days loaded (TABLE_loads), then the
 * rows of the days and times the ranges may need, of the questions' keys
 * and the coverage records, in the log's order.  Its days are placed and
 * chosen as the files of a directory are (logdir_known: a day is a file
 * named GATEWAY/DAY that begins with its first line), and of the days
 * chosen the lines of the ranges are written, exactly as catfile writes
 * a file's: the same lines, the same nolog and eof; unread where the
 * client failed (after the last line read, or at START).
 */

/* num: the integer of a column, or -1 */
static int
num(struct span s, int64_t *v)
{
	size_t i = s.n > 0 && s.p[0] == '-';
	int64_t x = 0;

	if (i == s.n || s.n > 20)
		return -1;
	for (; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		x = x * 10 + (s.p[i] - '0');
	}
	*v = s.p[0] == '-' ? -x : x;
	return 0;
}

/*
 * loads: the days of the table, from the L rows of q, into d (how many in
 * *nday): chlog_row's value for the row after them (1: it is in q), or -1
 * on trouble
 */
static int
loads(struct chlog *q, struct logdir *d, const char *table, size_t *nday)
{
	char name[CHLOG_NAMEMAX + 16];
	int64_t day, first, last, hi;
	size_t i, n = 0;
	int r;

	while ((r = chlog_row(q)) == 1 && q->col[0].n == 1 &&
	    q->col[0].p[0] == 'L') {
		if (q->ncol != 6 || q->col[1].n > CHLOG_NAMEMAX ||
		    chlog_day(q->col[2].p, q->col[2].n, &day) < 0 ||
		    num(q->col[3], &first) < 0 || num(q->col[4], &last) < 0 ||
		    num(q->col[5], &hi) < 0) {
			warn("%s_loads: not a row of loads", table);
			return -1;
		}
		snprintf(name, sizeof(name), "%.*s/%.*s", (int)q->col[1].n,
		    q->col[1].p, (int)q->col[2].n, q->col[2].p);
		for (i = 0; i < d->n; i++)	/* (loaded on two shards) */
			if (strcmp(d->f[i].path, name) == 0) {
				warn("%s: %s is loaded twice", table, name);
				return -1;
			}
		logdir_known(d, name, day, first, last, hi);
		n++;
	}
	*nday = n;
	return r;
}

/*
 * rows: write the lines of q's E rows (r: chlog_row's value for the row
 * in q) of the days chosen, by the ranges of each; then whether the log
 * ends there (c->eof); 0, or -1 on trouble
 */
static int
rows(struct chlog *q, int r, struct cat *c, const struct logdir *d,
    const struct range *rg, size_t lastfile)
{
	char name[CHLOG_NAMEMAX + 16], cur[CHLOG_NAMEMAX + 16] = "";
	const struct logfile *f = NULL;
	struct span l;
	int64_t t;
	size_t i;

	for (; r == 1; r = chlog_row(q)) {
		if (q->col[0].n != 1 || q->col[0].p[0] != 'E' ||
		    chlog_line(q, 3, &l) < 0) {
			warn("%s: not a row of lines", Cflag);
			return -1;
		}
		snprintf(name, sizeof(name), "%s/%.*s", gwname,
		    (int)q->col[1].n, q->col[1].p);
		if (strcmp(name, cur) != 0) {	/* the next day */
			strcpy(cur, name);
			for (i = 0, f = NULL; i < d->n && f == NULL; i++)
				if (d->f[i].use &&
				    strcmp(d->f[i].path, name) == 0)
					f = &d->f[i];
			if (f != NULL) {
				c->rg = rg + f->r0;
				c->nrg = f->r1 - f->r0 + 1;
			}
		}
		if (f != NULL)	/* (a day not chosen, not loaded yet: none) */
			putline(c, l, &t);
	}
	if (r < 0)
		return -1;
	/*
	 * eof as a file gives it: its last day read to its end, no line in
	 * it past END (a reader of the file would have stopped there)
	 */
	f = lastfile < d->n ? &d->f[lastfile] : NULL;
	if (f != NULL && f->use && !d->later && f->hi <= fileend(f, rg)) {
		c->last = f->last;
		c->haslast = 1;
		c->eof = 1;
	}
	return 0;
}

/*
 * onegateway: the gateway of a table that holds one (in gwname, and the
 * value): a table of several needs -g (NULL, warned); "" when it holds
 * none, NULL when the client failed
 */
static const char *
onegateway(const struct chtab *t)
{
	struct chsql sql = { NULL, 0, 0 };
	struct chlog q;
	int r, n = 0;

	chlog_gateways(&sql, t);
	r = chlog_run(&q, t, sql.p, NULL);
	free(sql.p);
	if (r < 0)
		return NULL;
	while ((r = chlog_row(&q)) == 1)
		if (n++ == 0)
			snprintf(gwname, sizeof(gwname), "%.*s",
			    (int)q.col[0].n, q.col[0].p);
		else if (n == 2)
			warn("%s holds the logs of several gateways (%s, "
			    "%.*s, ...): name one with -g", t->name, gwname,
			    (int)q.col[0].n, q.col[0].p);
	if (chlog_end(&q) < 0 || r < 0 || n > 1)
		return NULL;
	return gwname;
}

/*
 * table: the log of table t, its days in d, for the ranges rg[0..nrg)
 * (none: -l); returns the exit status
 */
static int
table(const struct chtab *t, struct logdir *d, const struct range *rg,
    size_t nrg, struct cat *c)
{
	struct chsql sql = { NULL, 0, 0 };
	struct chspan *sp;
	struct chlog q;
	const char *gw = gflag;
	size_t i, nday = 0;
	int r, failed, ended = 0;

	if (gw == NULL && !lflag && (gw = onegateway(t)) == NULL) {
		unread(c, INT64_MIN);	/* it said why */
		return EXIT_TROUBLE;
	}
	if (gw != NULL && gw[0] == '\0')	/* nothing loaded */
		gw = NULL;
	chlog_loads(&sql, t, gw);
	if (!lflag) {
		sp = xcalloc(nrg, sizeof(*sp));
		for (i = 0; i < nrg; i++) {
			logdir_days(&rg[i].r, &sp[i].dfirst, &sp[i].dlast);
			sp[i].from = rg[i].from;
			sp[i].to = rg[i].to;
		}
		chlog_lines(&sql, t, gw, sp, nrg, keys, nkeys);
		free(sp);
	}
	r = chlog_run(&q, t, sql.p, c->out);
	free(sql.p);
	if (r < 0) {
		if (!lflag)
			unread(c, INT64_MIN);
		return EXIT_TROUBLE;
	}
	if (gflag != NULL)
		snprintf(gwname, sizeof(gwname), "%s", gflag);
	r = loads(&q, d, t->name, &nday);
	failed = r < 0;
	if (r <= 0) {	/* no lines: only the client's end says if it failed */
		failed |= chlog_end(&q) < 0;
		ended = 1;
	}
	if (!failed && nday == 0 && gflag != NULL)
		warn("%s_loads: no day of %s", t->name, gflag);
	logdir_sort(d);
	if (lflag) {
		if (!ended) {	/* lines: not the answer to -l's query */
			chlog_end(&q);
			failed = 1;
		}
		r = list(d, c->out);
		return failed ? EXIT_TROUBLE : r;
	}
	logdir_choose(d);
	if (!failed)
		failed = rows(&q, r, c, d, rg, begin(c, d)) < 0;
	if (!ended)
		failed |= chlog_end(&q) < 0;
	if (failed)
		unread(c, INT64_MIN);
	else if (c->eof)
		record(c->out, EV_EOF, c->last, INT64_MIN, INT64_MIN);
	return c->trouble ? EXIT_TROUBLE : c->wrote ? EXIT_MATCH :
	    EXIT_NOMATCH;
}

/*
 * options: the command line's options into the flags above (and the
 * table of -C into tab), usage() when they do not make one of the
 * synopsis' forms; returns the index of the first file
 */
static int
options(int argc, char *argv[], struct chtab *tab)
{
	char why[256];
	const char *e;
	struct natkey nk;
	int ch;

	while ((ch = getopt(argc, argv, ":A:C:d:f:g:hk:ln:qR:t:Vw:")) != -1)
		switch (ch) {
		case 'A':
			Aflag = secarg(ch, optarg);
			break;
		case 'C':
			if ((e = chlog_table(tab, optarg)) != NULL)
				die(EXIT_TROUBLE, "-C %s: %s", optarg, e);
			Cflag = optarg;
			break;
		case 'd':
			dflag = optarg;
			break;
		case 'f':
			fflag = optarg;
			break;
		case 'g':
			if ((e = chlog_gateway(optarg)) != NULL)
				die(EXIT_TROUBLE, "-g %s: %s", optarg, e);
			gflag = optarg;
			break;
		case 'k':
			kflag = secarg(ch, optarg);
			break;
		case 'l':
			lflag = 1;
			break;
		case 'n':
			if ((e = natkey_parse(&nk, optarg, 0)) != NULL)
				die(EXIT_TROUBLE, "-n %s: %s", optarg, e);
			if (nk.mapped)
				warn("-n %s: taken as the IPv4 address %s", optarg,
				    nk.addr);
			natkey_log(&nk, Nkey, sizeof(Nkey));
			break;
		case 'q':
			qflag = 1;
			break;
		case 'R':
			Rflag = secarg(ch, optarg);
			break;
		case 't':
			if (tm_parsearg(optarg, &tflag, why, sizeof(why)) < 0)
				die(EXIT_TROUBLE, "%s", why);
			if (tflag > QUERY_MAXTIME || tflag < -QUERY_MAXTIME)
				die(EXIT_TROUBLE, "-t: time out of range");
			tset = 1;
			break;
		case 'w':
			wflag = secarg(ch, optarg);
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
	if ((lflag ? tset || fflag != NULL || Nkey[0] != '\0' :
	    tset == (fflag != NULL) || (fflag != NULL && Nkey[0] != '\0')) ||
	    (dflag != NULL && optind < argc) || (Cflag != NULL &&
	    (dflag != NULL || optind < argc)) || (gflag != NULL &&
	    Cflag == NULL))
		usage();
	if (Rflag < 0)
		Rflag = Aflag;
	return optind;
}

/*
 * files: the lines of the files given (or of the log directory's) for
 * the ranges, or their list with -l; returns the exit status
 */
static int
files(struct cat *c, struct logdir *d, const struct range *rg, int nfile,
    char *file[])
{
	size_t i, j, lastfile;
	long long total;
	int much;

	/* the files and their order: far days are not opened (logdir.h) */
	for (i = 0; i < (size_t)nfile; i++)
		logdir_add(d, file[i]);
	if (nfile == 0 && logdir_scan(d, dflag != NULL ? dflag : LOGDIR) < 0)
		die(EXIT_TROUBLE, "%s:", dflag != NULL ? dflag : LOGDIR);
	logdir_sort(d);
	if (lflag)
		return list(d, c->out);
	logdir_choose(d);
	/*
	 * A progress line on a terminal when much is read: a compressed
	 * file without an index (read whole up to END), or several files
	 */
	for (i = 0, j = 0, total = 0, much = 0; i < d->n; i++)
		if (d->f[i].use) {
			j++;
			total += d->f[i].size;
			much |= d->f[i].form != LOG_PLAIN && !d->f[i].idx;
		}
	progress_start(&c->bar, "", total, qflag || !(much || j > 1) ||
	    isatty(STDOUT_FILENO));	/* the lines are watched: no line */
	lastfile = begin(c, d);
	for (i = 0; i < d->n; i++)
		if (d->f[i].use)
			catfile(c, &d->f[i], rg, i == lastfile && !d->later,
			    i + 1 < d->n && d->f[i + 1].state == LOG_TIME ?
			    d->f[i + 1].first : INT64_MIN);
	return c->trouble ? EXIT_TROUBLE : c->wrote ? EXIT_MATCH :
	    EXIT_NOMATCH;
}

int
main(int argc, char *argv[])
{
	struct logdir d;
	struct range *rg = NULL;
	struct logrange *lr = NULL;
	struct chtab tab;
	struct cat c;
	struct wr out;
	size_t nrg = 0, i;
	unsigned long bad = 0;
	int status;

	err_init(argv[0]);
	i = options(argc, argv, &tab);
	argc -= i;
	argv += i;
	tm_fmtinit(&tf, 0);
	if (!lflag) {
		if ((nrg = ranges(&rg, &bad)) == 0) {	/* no question */
			free(rg);
			return bad > 0 ? EXIT_TROUBLE : EXIT_NOMATCH;
		}
		lr = xcalloc(nrg, sizeof(*lr));
		for (i = 0; i < nrg; i++)
			lr[i] = rg[i].r;
		if (Nkey[0] != '\0') {
			keys = xcalloc(1, sizeof(*keys));
			keys[nkeys++] = Nkey;
		}
	}
	wr_init(&out, STDOUT_FILENO, "standard output");
	memset(&c, 0, sizeof(c));
	c.trouble = bad > 0;
	c.out = &out;
	c.start = nrg > 0 ? rg[0].r.start : 0;
	logdir_init(&d, lr, nrg);
	if (Cflag != NULL)
		status = table(&tab, &d, rg, nrg, &c);
	else
		status = files(&c, &d, rg, argc, argv);
	wr_flush(&out);
	progress_end(&c.bar);
	wr_free(&out);
	logdir_free(&d);
	for (i = 0; i < nkeys; i++)
		if (keys[i] != Nkey)
			free((char *)keys[i]);
	free(keys);
	free(lr);
	free(rg);
	return status;
}
