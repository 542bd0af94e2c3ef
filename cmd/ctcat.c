/*
 * ctcat - the lines of a log that a question about a time reads.
 *
 *	ctcat -n 192.0.2.7:40123 -t '2026-11-27 10:06:49' |
 *	    ctgrep -N 192.0.2.7:40123 |
 *	    cttime -a -P -R 86400 -t '2026-11-27 10:06:49'
 *
 * The log is the files of a directory (lib/logdir.h: their names, their
 * order, which of them a range of time needs) or the files given.  ctcat
 * writes, in log order and unchanged, every line that "cttime -a -P" with
 * the same -t (or -f), -w, -k, -A and -R would read if it were given the
 * whole log, and possibly more (whole blocks, a bisection's margin),
 * never fewer: for each question, from its window less the flows' age
 * less the skew (START) to the first line past its window plus the
 * read-on plus two skews (END: cttime has stopped by then, see cttime.c's
 * past()).  Reading a file is lib/tin's: plain files are bisected, gzip
 * and zstd files decompressed by children, and of a file with a ctzip
 * index only the blocks that can matter (to one NAT key with -n).
 *
 * What ctcat knows of the log and the lines do not say, it says with the
 * records that only readers add (csv.h), so that a reader never takes
 * for covered a time that was not read:
 *	nolog	at START, when no file holds lines that early (with from,
 *		the first day kept, for what retention deleted: nolog());
 *	unread	where a file or part of one could not be read (after the
 *		last line written, or at START), with a message naming it;
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

#include "csv.h"
#include "err.h"
#include "logdir.h"
#include "natkey.h"
#include "progress.h"
#include "query.h"
#include "rd.h"
#include "tin.h"
#include "tm.h"
#include "wr.h"

#define VERSION "ctcat 1.0"
#define MAXLINE (64 * 1024)	/* log lines are < 512 bytes: longer is junk */
#define WARNMAX 100		/* warnings about lines before going quiet */
#define MAXSEC 1000000000LL	/* bound of -w, -k, -A, -R: no overflow */
#define LOGDIR "/var/log/conntrack"
#define USAGE "usage: ctcat [-q] [-d logdir] [-k skew] [-A maxage] " \
	"[-w seconds] [-R readon] [-n natip:port] {-t time | -f queries} " \
	"[file ...]\n       ctcat -l [-d logdir] [file ...]\n"

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

/* a range of time that a question reads; lo, hi: its window */
struct range {
	struct logrange r;	/* [START, END] */
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
 * overlap, into rg; how many.  A question at T reads from T-w-A-skew to
 * T+w+R+2 skews.  A line of -f that is not a question is warned about
 * (query_load) and counted in *bad: cttime -f leaves it out too.
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
		r[i].r.start = r[i].lo - Aflag - kflag;
		r[i].r.end = r[i].hi + Rflag + 2 * kflag;
	}
	if (fflag != NULL)
		free(ql);
	qsort(r, nq, sizeof(*r), rangecmp);
	for (i = 0; i < nq; i++) {
		if (n > 0 && r[i].r.start <= r[n - 1].r.end) {
			if (r[i].r.end > r[n - 1].r.end)
				r[n - 1].r.end = r[i].r.end;
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
	int haslast;		/* a line with a time was written: */
	int64_t last;		/* its time */
	int64_t start;		/* the first range's START */
	struct progress bar;	/* on a terminal, when much is read */
	long long base;		/* bytes of the files read before */
	long long check;	/* the offset of the next look at the bar */
};

/*
 * unread: part of the log could not be read, after what was written, up
 * to the next file (to), when there is one
 */
static void
unread(struct cat *c, int64_t to)
{
	record(c->out, EV_UNREAD, c->haslast ? c->last : c->start, INT64_MIN,
	    to);
	c->trouble = 1;
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
 * catfile: write the lines of file f that ranges rg[f->r0 .. f->r1]
 * read, and the records of the blocks skipped; islast: f is the log's
 * last file, whose end is the log's (eof); next: the next file's first
 * time (or INT64_MIN), where a part of f that cannot be read ends
 */
static void
catfile(struct cat *c, const struct logfile *f, const struct range *rg,
    int islast, int64_t next)
{
	struct tin in;
	struct tin_opt o;
	struct span l, s;
	char *tail = NULL;
	size_t irun, ntail = 0;
	int64_t t;
	int r, stopped = 0, failed = 0;

	memset(&o, 0, sizeof(o));
	o.start = rg[f->r0].r.start;
	o.lo = rg[f->r0].lo;
	o.hi = rg[f->r0].hi;
	o.end = rg[f->r0].r.end;
	for (irun = f->r0 + 1; irun <= f->r1; irun++) {
		o.lo = rg[irun].lo < o.lo ? rg[irun].lo : o.lo;
		o.hi = rg[irun].hi > o.hi ? rg[irun].hi : o.hi;
		o.end = rg[irun].r.end > o.end ? rg[irun].r.end : o.end;
	}
	o.hasend = 1;
	o.key = Nkey;
	o.recs = 1;
	o.nofollow = f->nofollow;
	o.maxline = MAXLINE;
	o.out = c->out;
	if (tin_open(&in, f->path, &o) < 0) {	/* it said why */
		unread(c, next);
		return;
	}
	s = tin_records(&in, 0);
	wr_put(c->out, s.p, s.n);
	c->bar.what = f->path;
	c->check = 0;
	while ((r = rd_line(&in.r, &l)) != 0) {
		if (c->bar.on && in.off >= c->check) {	/* a MiB on */
			progress_set(&c->bar, c->base + tin_pos(&in));
			c->check = in.off + (1 << 20);
		}
		irun = in.irun;
		tin_advance(&in, l.n);
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
		wr_put(c->out, l.p, l.n);
		wr_putc(c->out, '\n');
		c->wrote = 1;
		if (tin_time(l, &t) == 0) {
			c->last = t;
			c->haslast = 1;
			if (t > o.end) {	/* every later line is past */
				stopped = 1;
				break;
			}
		}
		if (in.irun != irun) {	/* the blocks skipped before it */
			s = tin_records(&in, in.irun);
			wr_put(c->out, s.p, s.n);
		}
	}
	if (!stopped && !failed && in.nrun > 0) {	/* kept past the close */
		s = tin_records(&in, in.nrun);
		tail = xmalloc(s.n + 1);
		memcpy(tail, s.p, s.n);
		ntail = s.n;
	}
	islast = islast && in.toend;
	if (in.haslast && islast) {
		c->last = in.tlast;	/* its last line, if a block skipped */
		c->haslast = 1;
	}
	c->base += f->size;
	if (tin_close(&in) < 0 || failed)	/* a decompressor said why */
		unread(c, next);
	else if (!stopped) {
		if (ntail > 0)
			wr_put(c->out, tail, ntail);
		if (islast && c->haslast)
			record(c->out, EV_EOF, c->last, INT64_MIN,
			    INT64_MIN);
	}
	free(tail);
}

int
main(int argc, char *argv[])
{
	struct logdir d;
	struct range *rg = NULL;
	struct logrange *lr = NULL;
	struct cat c;
	struct wr out;
	char why[256];
	const char *e;
	struct natkey nk;
	size_t nrg = 0, i, j, lastfile, nbad;
	int64_t to;
	long long total;
	unsigned long bad = 0;
	int ch, much;

	err_init(argv[0]);
	while ((ch = getopt(argc, argv, ":A:d:f:hk:ln:qR:t:Vw:")) != -1)
		switch (ch) {
		case 'A':
			Aflag = secarg(ch, optarg);
			break;
		case 'd':
			dflag = optarg;
			break;
		case 'f':
			fflag = optarg;
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
			return EXIT_MATCH;
		case 'V':
			puts(VERSION);
			return EXIT_MATCH;
		default:	/* a bad option, or one missing its argument */
			usage();
		}
	argc -= optind;
	argv += optind;
	if ((lflag ? tset || fflag != NULL || Nkey[0] != '\0' :
	    tset == (fflag != NULL) || (fflag != NULL && Nkey[0] != '\0')) ||
	    (dflag != NULL && argc > 0))
		usage();
	if (Rflag < 0)
		Rflag = Aflag;
	tm_fmtinit(&tf, 0);
	if (!lflag) {
		if ((nrg = ranges(&rg, &bad)) == 0) {	/* no question */
			free(rg);
			return bad > 0 ? EXIT_TROUBLE : EXIT_NOMATCH;
		}
		lr = xcalloc(nrg, sizeof(*lr));
		for (i = 0; i < nrg; i++)
			lr[i] = rg[i].r;
	}
	wr_init(&out, STDOUT_FILENO, "standard output");

	/* the files and their order: far days are not opened (logdir.h) */
	logdir_init(&d, lr, nrg);
	for (i = 0; i < (size_t)argc; i++)
		logdir_add(&d, argv[i]);
	if (argc == 0 && logdir_scan(&d, dflag != NULL ? dflag : LOGDIR) < 0)
		die(EXIT_TROUBLE, "%s:", dflag != NULL ? dflag : LOGDIR);
	logdir_sort(&d);
	if (lflag) {
		ch = list(&d, &out);
		wr_free(&out);
		logdir_free(&d);
		return ch;
	}
	logdir_choose(&d);

	memset(&c, 0, sizeof(c));
	/*
	 * A progress line on a terminal when much is read: a compressed
	 * file without an index (read whole up to END), or several files
	 */
	for (i = 0, j = 0, total = 0, much = 0; i < d.n; i++)
		if (d.f[i].use) {
			j++;
			total += d.f[i].size;
			much |= d.f[i].form != LOG_PLAIN && !d.f[i].idx;
		}
	progress_start(&c.bar, "", total, qflag || !(much || j > 1) ||
	    isatty(STDOUT_FILENO));	/* the lines are watched: no line */
	c.trouble = bad > 0;
	c.out = &out;
	c.start = rg[0].r.start;
	/*
	 * A file that could not be placed may hold any time: part of the
	 * log unread from START (not "nolog": that would claim too much).
	 * Else nolog when the first file read begins after START.
	 */
	for (i = 0, lastfile = d.n, nbad = 0; i < d.n; i++) {
		if (d.f[i].state == LOG_BAD && nbad++ == 0)
			unread(&c, INT64_MIN);
		if (d.f[i].state == LOG_TIME)
			lastfile = i;
	}
	for (i = 0; i < d.n && !d.f[i].use; i++)
		;
	if (nbad == 0 && (i == d.n || d.f[i].first > c.start)) {
		/*
		 * up to the first line of the log after START: of the files
		 * placed, or of a far day left out, which begins at most a
		 * time zone before its midnight
		 */
		for (j = 0; j < d.n && !(d.f[j].state == LOG_TIME &&
		    d.f[j].first > c.start); j++)
			;
		to = j < d.n ? d.f[j].first : INT64_MIN;
		if (d.later && (to == INT64_MIN ||
		    d.laterday - LOGDIR_ZONE < to))
			to = d.laterday - LOGDIR_ZONE;
		nolog(&c, &d, j, to);
	}
	for (; i < d.n; i++)
		if (d.f[i].use)
			catfile(&c, &d.f[i], rg, i == lastfile && !d.later,
			    i + 1 < d.n && d.f[i + 1].state == LOG_TIME ?
			    d.f[i + 1].first : INT64_MIN);
	wr_flush(&out);
	progress_end(&c.bar);
	wr_free(&out);
	logdir_free(&d);
	free(lr);
	free(rg);
	return c.trouble ? EXIT_TROUBLE : c.wrote ? EXIT_MATCH : EXIT_NOMATCH;
}
