/*
 * ctparse - rewrite `conntrack -E` event text as the compact CSV log.
 *
 *	conntrack -E -eNEW,DESTROY --src-nat \
 *	    -otimestamp,extended,id,ktimestamp --buffer-size=104857600 2>&1 |
 *	ctparse -o /var/log/conntrack/%Y-%m-%d.csv
 *
 * One event line of input becomes one line of output (schema in lib/csv.h);
 * conntrack's own messages are recognised (the ENOBUFS warning becomes an
 * in-band "lost" record); anything else is warned about and skipped.
 *
 * The log is evidence, so the output side (lib/logf) never loses or splits
 * a line: lines are written whole, a short write is cut back, lines wait
 * while writes fail, and what must be dropped is counted in a "lost"
 * record.  SIGHUP (logrotate) reopens the path; SIGTERM and SIGINT stop
 * reading, write out everything already read, and exit 0.  Output is
 * flushed whenever the next read would block, so the log is never more
 * than a moment behind at low rates.
 *
 * And it never claims more than it saw.  The coverage records (csv.h) say
 * which times the log answers for:
 * - begin when the first line from conntrack is read, then alive every -i
 *   seconds, end at the end of input or SIGTERM; restart when a new
 *   conntrack starts under this run; snapshot after the open records of a
 *   complete dump (conntrack -L) or, at the top of a new file, from the
 *   table of open flows while that table is trusted.
 * - Two clocks.  Live input (a pipe: not a regular file) stamps records
 *   with the wall clock, and an alive or end record only with an instant
 *   at which the input was found empty ("drained"): everything conntrack
 *   wrote before it had been read.  Input from regular files (a capture
 *   converted) has only the events' own clock: records take the latest
 *   event's time, and those that come before any event of a conntrack
 *   (its start, its dump) wait and take the time of its first event.
 * - The table of open flows (lib/otab) is trusted only from a complete
 *   dump on, kept by the start and stop events that follow it; restart,
 *   lost, conntrack's exit, a dump cut short or a full table end the trust
 *   (and the table is emptied: only a new dump, which replaces it, can
 *   make it trusted again).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include "ctev.h"
#include "err.h"
#include "logf.h"
#include "otab.h"
#include "rd.h"
#include "tm.h"

#define VERSION "ctparse 1.1"
#define MAXLINE CTEV_MAXLINE
#define WARNMAX 100		/* rejected lines shown before going quiet */
#define TABMAX (2 * 1024 * 1024)	/* open flows kept (~125 B each) */
#define NOTIME LOGF_NOTIME

static int hflag;		/* -H: header line at the top of each file */
static long iflag = 60;		/* -i: seconds between alive records, 0: none */
static int lflag;		/* -l: local time with offset */
static int sflag;		/* -s: whole seconds */
static const char *oflag;	/* -o FILE: the log (strftime path: daily) */

static volatile sig_atomic_t gothup, gotterm;

/* what the conntrack of the moment has shown */
enum phase {
	P_NONE,			/* nothing yet */
	P_STARTED,		/* conntrack -E started (its NOTICE) */
	P_DUMP,			/* dump lines (conntrack -L) */
	P_DUMPED,		/* the dump's summary */
	P_EVENTS,		/* events */
	P_EXITED		/* conntrack -E ended (its summary) */
};

enum tabstate { T_OFF, T_DUMP, T_ON };	/* untrusted, filling, trusted */

/* a record waiting for a time (input from files) */
enum hkind { H_BEGIN, H_RESTART, H_LOST, H_OPEN, H_SNAPSHOT };
struct held {
	int kind;
	int first;		/* H_OPEN: the first of its dump */
	long long n;		/* H_SNAPSHOT: its open records */
	int64_t from;
	size_t keyoff, keyn;	/* H_OPEN: its key in hkeys */
};

struct run {
	struct logf l;
	struct rd *in;		/* the input being read */
	int live;		/* this input is not a regular file */
	int begun;		/* begin written or waiting */
	int64_t begin;		/* its time, or NOTIME while it waits */
	int64_t beat;		/* time of the last begin or alive */
	int known;		/* files: clock holds the time of an event of
				   the conntrack of the moment */
	int64_t clock;		/* files: the latest event's time */
	int64_t seen;		/* live: the input was drained at this time */
	int cut;		/* live: the input ended in an unfinished line */
	int64_t last;		/* the latest event's time, or NOTIME */
	int64_t ctlast;		/* time of the last line of conntrack -E */
	int ctseen;		/* this run saw lines of a conntrack -E */
	int phase;		/* enum phase */
	int tab;		/* enum tabstate */
	int tabfull;		/* the table was given up as full (warned) */
	unsigned long long ndump;	/* open records of this dump */
	int dumpbad;		/* some were not logged: no snapshot */
	unsigned long long snapmark;	/* l.recdrops at a snapshot's start */
	int64_t maxday;		/* the latest day a file was opened for */
	struct otab ot;
	struct held *held;	/* records waiting (files) */
	size_t nheld, heldcap;
	char *hkeys;
	size_t hkeyn, hkeycap;
	unsigned long long nev;		/* events read (less drops: written) */
	unsigned long long nbad;	/* lines rejected */
	unsigned long long nlost;	/* conntrack's ENOBUFS warnings */
	int stopped;		/* SIGTERM: no more is read */
};

static void
usage(void)
{
	fprintf(stderr,
	    "usage: ctparse [-Hls] [-i seconds] [-o file] [file ...]\n");
	exit(EXIT_TROUBLE);
}

static void
onsig(int sig)
{
	if (sig == SIGHUP)
		gothup = 1;
	else
		gotterm = 1;
}

static int64_t
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * TM_USEC + ts.tv_nsec / 1000;
}

static void writesnap(struct run *r, int64_t t);

/*
 * newday: the first line of another day than the file's: open that day's
 * file.  The first time this run enters a day, the table (when trusted)
 * holds exactly the flows open at its first instant, no event of the day
 * being read yet: the file starts with them as a snapshot.
 */
static void
newday(struct run *r, int64_t t)
{
	int64_t d = tm_day(t, lflag);

	logf_reopen(&r->l, t);
	if (d > r->maxday) {
		if (r->maxday != INT64_MIN && r->tab == T_ON)
			writesnap(r, tm_daystart(d, lflag));
		r->maxday = d;
	}
}

/*
 * out: room for one line at t, the time and ';' written: where the rest
 * goes; NULL when the line is dropped.  A line of another day opens that
 * day's file first (not in the middle of a dump: its open records and
 * snapshot stay in one file).
 */
static char *
out(struct run *r, int64_t t, int event)
{
	if (logf_otherday(&r->l, t) && !(r->phase == P_DUMP && r->ndump > 0))
		newday(r, t);
	return logf_line(&r->l, t, event);
}

/* rec: write a coverage record (see logf_rec) */
static void
rec(struct run *r, int64_t t, const char *name, long long n, int64_t from)
{
	char *p = out(r, t, 0);

	if (p != NULL)
		logf_done(&r->l, logf_rec(&r->l, p, name, n, from));
}

/* openrec: an open record of key (proto .. id) from from (kern: whole s) */
static void
openrec(struct run *r, int64_t t, const char *key, size_t n, int64_t from,
    int kern)
{
	char *p = out(r, t, 0);

	if (p == NULL)
		return;
	memcpy(p, "open;", 5);
	memcpy(p + 5, key, n);
	memcpy(p + 5 + n, ";;;;;", 5);	/* id, opkts .. rbytes */
	p = logf_time(p + n + 10, kern ? &r->l.tfs : &r->l.tf, from);
	*p++ = '\n';
	logf_done(&r->l, p);
}

/* snaprec: a snapshot of n open records, unless one of them was dropped */
static void
snaprec(struct run *r, int64_t t, unsigned long long n)
{
	if (n > 0 && r->l.recdrops != r->snapmark)
		return;
	rec(r, t, "snapshot", (long long)n, r->begin);
}

/* writesnap: the table as a snapshot at t (a new day, a new file) */
static void
writesnap(struct run *r, int64_t t)
{
	const struct oflow *f = NULL;
	size_t i = 0;

	r->snapmark = r->l.recdrops;
	while ((f = ot_next(&r->ot, &i, f)) != NULL)
		openrec(r, t, f->key, f->n, f->from, f->kern);
	snaprec(r, t, r->ot.count);
}

/* taboff: the table is not trusted any more: emptied, no longer kept */
static void
taboff(struct run *r)
{
	if (r->tab != T_OFF || r->ot.count > 0)
		ot_clear(&r->ot);
	r->tab = T_OFF;
}

/* tabput: add a flow; a full table is given up */
static void
tabput(struct run *r, const char *key, size_t n, int64_t from, int kern)
{
	if (ot_put(&r->ot, key, n, from, kern) == 0)
		return;
	if (!r->tabfull)
		warn("more than %d open flows: no snapshots until the next "
		    "complete dump", TABMAX);
	r->tabfull = 1;
	taboff(r);
}

/* hold: keep a record until the time of the next event (files) */
static struct held *
hold(struct run *r, int kind, int64_t from, const char *key, size_t n)
{
	struct held *h;

	if (r->nheld == r->heldcap) {
		r->heldcap = r->heldcap ? 2 * r->heldcap : 64;
		if ((r->held = realloc(r->held, r->heldcap *
		    sizeof(*r->held))) == NULL)
			die(EXIT_TROUBLE, "out of memory:");
	}
	if (r->hkeyn + n > r->hkeycap) {
		r->hkeycap = r->hkeycap ? 2 * r->hkeycap : 65536;
		if (r->hkeycap < r->hkeyn + n)
			r->hkeycap = r->hkeyn + n;
		if ((r->hkeys = realloc(r->hkeys, r->hkeycap)) == NULL)
			die(EXIT_TROUBLE, "out of memory:");
	}
	h = &r->held[r->nheld++];
	h->kind = kind;
	h->first = 0;
	h->n = 0;
	h->from = from;
	h->keyoff = r->hkeyn;
	h->keyn = n;
	if (n > 0)
		memcpy(r->hkeys + r->hkeyn, key, n);
	r->hkeyn += n;
	return h;
}

/* waiting: records wait for an event's time (files, none since start) */
static int
waiting(const struct run *r)
{
	return !r->live && !r->known;
}

/* rtime: the time of a record written now */
static int64_t
rtime(const struct run *r)
{
	return r->live ? now() : r->clock;
}

/*
 * unhold: write the waiting records at t, the time of the first event
 * after them; at the end of input (dump false) their dump lines, which
 * have no time, are dropped.
 */
static void
unhold(struct run *r, int64_t t, int dump)
{
	struct held *h;
	unsigned long long ndrop = 0;
	size_t i;

	for (i = 0; i < r->nheld; i++) {
		h = &r->held[i];
		switch (h->kind) {
		case H_BEGIN:
			r->begin = r->beat = t;
			rec(r, t, "begin", iflag, t);
			break;
		case H_RESTART:
			rec(r, t, "restart", -1, h->from != NOTIME &&
			    h->from > r->begin ? h->from : r->begin);
			break;
		case H_LOST:
			rec(r, t, "lost", -1, NOTIME);
			break;
		case H_OPEN:
			if (!dump) {
				ndrop++;
				break;
			}
			if (h->first)
				r->snapmark = r->l.recdrops;
			openrec(r, t, r->hkeys + h->keyoff, h->keyn, h->from,
			    1);
			break;
		case H_SNAPSHOT:
			if (dump)
				snaprec(r, t, (unsigned long long)h->n);
			break;
		}
	}
	if (ndrop > 0)
		warn("%llu lines of a dump with no event after them: their "
		    "time is not known, not logged", ndrop);
	r->nheld = r->hkeyn = 0;
}

/* begin: the first line from conntrack: the run's coverage begins */
static void
begin(struct run *r)
{
	if (r->begun)
		return;
	r->begun = 1;
	if (waiting(r))
		hold(r, H_BEGIN, NOTIME, NULL, 0);
	else {
		r->begin = r->beat = now();
		rec(r, r->begin, "begin", iflag, r->begin);
	}
}

/*
 * restart: a conntrack starts after this run saw another: its events
 * from the last line of the other on may be missing.  With files, the
 * new conntrack's time is that of its first event.
 */
static void
restart(struct run *r)
{
	taboff(r);
	if (!r->live)
		r->known = 0;
	if (waiting(r))
		hold(r, H_RESTART, r->ctlast, NULL, 0);
	else
		rec(r, rtime(r), "restart", -1, r->ctlast);
}

/* cutshort: a dump that ends otherwise than with its summary */
static void
cutshort(struct run *r)
{
	if (r->phase == P_DUMP) {
		taboff(r);
		r->phase = P_DUMPED;
	}
}

/* alive: a heartbeat at t when one is due */
static void
alive(struct run *r, int64_t t)
{
	if (iflag > 0 && r->begun && r->begin != NOTIME &&
	    r->phase != P_EXITED && t >= r->beat + iflag * TM_USEC) {
		rec(r, t, "alive", -1, r->begin);
		r->beat = t;
	}
}

static inline char *
put(char *p, struct span s)
{
	if (s.n > 0)	/* an empty span may have a NULL pointer */
		memcpy(p, s.p, s.n);
	p[s.n] = ';';
	return p + s.n + 1;
}

/* putkey: the key of ev, "proto;src;sport;dst;dport;nat;natport;id;" */
static char *
putkey(char *p, const struct ctev *ev)
{
	p = put(p, ev->proto);
	p = put(p, ev->src);
	p = put(p, ev->sport);
	p = put(p, ev->dst);
	p = put(p, ev->dport);
	p = put(p, ev->nat);
	p = put(p, ev->natport);
	return put(p, ev->id);
}

/* event: an event at t: its line, then the table */
static void
event(struct run *r, const struct ctev *ev, int64_t t)
{
	static const struct span name[] = {
		[CTEV_NEW] = { "start;", 6 }, [CTEV_UPDATE] = { "update;", 7 },
		[CTEV_DESTROY] = { "stop;", 5 },
	};
	char scratch[LOGF_LINEMAX], *key, *p;
	size_t kn;

	if ((p = out(r, t, 1)) != NULL) {
		memcpy(p, name[ev->type].p, name[ev->type].n);
		key = p += name[ev->type].n;
		p = putkey(p, ev);
		kn = (size_t)(p - key);
		if (ev->type == CTEV_DESTROY) {
			p = put(p, ev->opkts);
			p = put(p, ev->obytes);
			p = put(p, ev->rpkts);
			p = put(p, ev->rbytes);
			p = logf_time(p, &r->l.tfs, ev->kstart);
			if (ev->kstop != NOTIME)
				p += tm_fmt(&r->l.tfs, p, ev->kstop);
		} else {
			memcpy(p, ";;;;;", 5);	/* counters, from; to */
			p += 5;
		}
		*p++ = '\n';
		logf_done(&r->l, p);
	} else if (r->tab == T_ON) {	/* dropped: the table still learns */
		key = scratch;
		kn = (size_t)(putkey(key, ev) - key);
	}
	if (r->tab != T_ON)
		return;
	if (ev->type == CTEV_NEW)
		tabput(r, key, kn - 1, t, 0);
	else if (ev->type == CTEV_DESTROY)
		ot_del(&r->ot, key, kn - 1);
}

/* dumpline: a line of conntrack -L: an open record, and into the table */
static void
dumpline(struct run *r, const struct ctev *ev)
{
	char key[LOGF_LINEMAX];
	size_t kn = (size_t)(putkey(key, ev) - key) - 1;

	if (r->phase == P_EVENTS || r->phase == P_EXITED)
		restart(r);	/* a new conntrack, without its NOTICE */
	if (r->phase != P_DUMP) {	/* a new dump replaces the table */
		ot_clear(&r->ot);
		r->tab = T_DUMP;
		r->ndump = 0;
		r->dumpbad = 0;
		r->phase = P_DUMP;
	}
	if (waiting(r)) {
		if (r->nheld > TABMAX)	/* bounded like the table */
			r->dumpbad = 1;
		else
			hold(r, H_OPEN, ev->kstart, key, kn)->first =
			    r->ndump == 0;
	} else {
		if (r->ndump == 0)
			r->snapmark = r->l.recdrops;
		openrec(r, rtime(r), key, kn, ev->kstart, 1);
	}
	r->ndump++;
	if (r->tab == T_DUMP)
		tabput(r, key, kn, ev->kstart, 1);
}

/*
 * dumpend: conntrack -L's summary, "N flow entries have been shown": the
 * dump is whole when N open records were logged, and then a snapshot.
 * (An empty table's dump is its summary alone, right after the NOTICE.)
 */
static void
dumpend(struct run *r, struct span count)
{
	unsigned long long n = strtoull(count.p, NULL, 10);

	if (r->phase == P_STARTED && n == 0) {
		ot_clear(&r->ot);
		r->tab = T_DUMP;
		r->ndump = 0;
		r->dumpbad = 0;
		r->phase = P_DUMP;
	}
	if (r->phase != P_DUMP)
		return;		/* not the end of a dump of this run's */
	if (n != r->ndump || r->dumpbad) {
		warn("a dump of %llu flows was logged as %llu open records: "
		    "no snapshot", n, r->dumpbad ? 0 : r->ndump);
		taboff(r);
	} else if (waiting(r))
		hold(r, H_SNAPSHOT, NOTIME, NULL, 0)->n = (long long)n;
	else
		snaprec(r, rtime(r), n);
	if (r->tab == T_DUMP)
		r->tab = T_ON;
	r->phase = P_DUMPED;
}

/*
 * drained: the input is empty now and no part of a line waits in ours:
 * everything written to it before t has been read and (as rd_line calls
 * idle only when no whole line is left) logged.  With half a line read
 * (a writer that has not finished it), the line's event is not logged:
 * nothing is vouched for until it is.  The clock is read before the
 * input is looked at.
 */
static void
drained(struct run *r, int fd)
{
	struct pollfd pfd;
	int64_t t = now();

	pfd.fd = fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 0) == 0 && rd_pending(r->in) == 0 && t > r->seen)
		r->seen = t;
}

/*
 * idle: input would block: write a heartbeat if one is due, flush, then
 * wait for input, a signal, the next heartbeat or the next write retry
 */
static int
idle(void *arg, int fd)
{
	struct run *r = arg;
	struct logf *l = &r->l;
	sigset_t block, old;
	fd_set rfds;
	struct timespec ts, *tsp = NULL;
	int64_t wait = INT64_MAX;
	int n;

	drained(r, fd);
	alive(r, r->seen);
	logf_flush(l);
	sigemptyset(&block);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (gothup || gotterm) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return -1;
	}
	if (l->failing || l->dropped)
		wait = TM_USEC;
	if (iflag > 0 && r->begun && r->phase != P_EXITED &&
	    r->beat + iflag * TM_USEC - now() < wait)
		wait = r->beat + iflag * TM_USEC - now();
	if (wait != INT64_MAX) {
		if (wait < 0)
			wait = 0;
		ts.tv_sec = (time_t)(wait / TM_USEC);
		ts.tv_nsec = (long)(wait % TM_USEC * 1000);
		tsp = &ts;
	}
	FD_ZERO(&rfds);
	FD_SET(fd, &rfds);
	/* pselect: signals are let in only while waiting, so none is missed */
	n = pselect(fd + 1, &rfds, NULL, NULL, tsp, &old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (n <= 0)
		drained(r, fd);
	return n > 0 ? 0 : -1;
}

/* excerpt: a printable head of a rejected line, for the warning */
static const char *
excerpt(struct span s)
{
	static char b[52];

	return err_excerpt(b, sizeof(b), s.p, s.n);
}

/*
 * reopen: SIGHUP: the file opened again (logrotate moved it away).  A new,
 * empty file starts with a snapshot of the trusted table, at the instant
 * up to which every event has been read: the table's instant.
 */
static void
reopen(struct run *r)
{
	int64_t t = r->live ? (r->last > r->seen ? r->last : r->seen) :
	    r->clock;

	if (t == NOTIME || t == 0)
		t = now();
	if (logf_otherday(&r->l, t)) {
		newday(r, t);
		return;
	}
	logf_reopen(&r->l, t);
	if (r->l.fresh && r->tab == T_ON && (r->live || r->known))
		writesnap(r, t);
}

/*
 * finish: the end record, at the last instant up to which every event
 * was read (the wall clock at the end of live input, the instant it was
 * last drained after SIGTERM or when live input ended in an unfinished
 * line (its writer killed), the latest event's time in files), but not
 * after conntrack's own end.
 */
static void
finish(struct run *r, int eof)
{
	int64_t t;

	if (!r->live && !r->known) {
		if (r->begin == NOTIME) {	/* no event at all: no claim */
			r->nheld = 0;
			return;
		}
		unhold(r, r->clock, 0);
	}
	if (r->begin == NOTIME)
		return;
	if (!r->live)
		t = r->clock;
	else
		t = eof && !r->cut ? now() : r->seen;
	if (r->phase == P_EXITED && r->ctlast < t)
		t = r->ctlast;
	if (t < r->begin)
		t = r->begin;
	rec(r, t, "end", -1, r->begin);
}

/*
 * The lines of an input, by kind (ctev.h).  An event is written (event)
 * and moves the clocks; conntrack's messages say it started (a restart
 * when one ran before under this run), ended, or lost events; a dump's
 * lines and its summary go to the open-flow table.
 */
static void
onevent(struct run *r, const struct ctev *ev)
{
	int64_t t = ev->hasts ? ev->usec : now();

	cutshort(r);
	if (!r->live) {
		if (r->clock == NOTIME || t > r->clock)
			r->clock = t;
		if (!r->known) {
			r->known = 1;
			unhold(r, t, 1);
		}
	}
	event(r, ev, t);
	r->last = r->ctlast = t;
	r->ctseen = 1;
	r->phase = P_EVENTS;
	r->nev++;
	if (!r->live && r->clock >= r->beat + iflag * TM_USEC)
		alive(r, r->clock);
}

/* conntrack started (CT_START) or ended (CT_EXIT) */
static void
onconntrack(struct run *r, int kind)
{
	cutshort(r);
	if (kind == CT_START && r->ctseen)
		restart(r);
	taboff(r);
	r->ctlast = waiting(r) ? r->clock : rtime(r);
	r->ctseen = 1;
	r->phase = kind == CT_START ? P_STARTED : P_EXITED;
}

/* conntrack lost events (ENOBUFS): a lost record now, or when known */
static void
onlost(struct run *r)
{
	int64_t t;

	cutshort(r);
	taboff(r);
	if (r->last != NOTIME && !waiting(r))
		t = r->last;
	else if (!waiting(r))
		t = rtime(r);
	else
		t = NOTIME;
	if (t == NOTIME)
		hold(r, H_LOST, NOTIME, NULL, 0);
	else
		rec(r, t, "lost", -1, NOTIME);
	r->ctlast = t != NOTIME ? t : r->clock;
	r->ctseen = 1;
	r->nlost++;
}

/* online: one line of input (rr: rd_line's 1, or 2 for one too long) */
static void
online(struct run *r, struct span line, int rr)
{
	struct ctev ev;
	const char *why = "line too long";
	int c;

	c = rr == 2 ? CT_BAD : ctev_parse(line.p, line.n, &ev, &why);
	if (c != CT_BAD && c != CT_NOISE)
		begin(r);
	switch (c) {
	case CT_EVENT:
		onevent(r, &ev);
		break;
	case CT_DUMP:
		dumpline(r, &ev);
		break;
	case CT_DUMPEND:
		dumpend(r, ev.id);
		break;
	case CT_START:
	case CT_EXIT:
		onconntrack(r, c);
		break;
	case CT_LOST:
		onlost(r);
		break;
	case CT_NOISE:
		break;
	default:
		if (++r->nbad <= WARNMAX)
			warn("%s:%llu: %s: %s", r->in->name, r->in->lineno,
			    why, excerpt(line));
		if (r->nbad == WARNMAX)
			warn("further rejected lines are only counted");
	}
}

/*
 * readfile: the lines of path ("-": standard input) until its end (*eof
 * 1), SIGTERM (*eof 0: what was read is handed out, half a line dropped)
 * or a read error (*eof 0); 0, or -1 on an error (warned: a file that
 * cannot be opened leaves *eof as it was).  SIGHUP reopens the output
 * between two lines.
 */
static int
readfile(struct run *r, const char *path, int *eof)
{
	struct rd in;
	struct span line;
	int rr, status = 0;

	if (rd_open(&in, path) < 0) {
		warn("%s:", path);
		return -1;
	}
	*eof = 0;
	in.maxline = MAXLINE;
	in.idle = idle;
	in.idlearg = r;
	r->in = &in;
	if (strcmp(path, "-") == 0)
		in.name = "stdin";
	r->live = !in.regular;
	for (;;) {
		if (gotterm && !r->stopped) {
			rd_stop(&in);	/* hand out what was read */
			r->stopped = 1;
		}
		if (gothup) {
			gothup = 0;
			reopen(r);
		}
		rr = rd_line(&in, &line);
		if (rr == 0) {
			*eof = !r->stopped;
			break;
		}
		if (rr < 0) {
			if (errno == EINTR)
				continue;
			warn("read error on %s:", in.name);
			status = -1;
			break;
		}
		if (in.nonl && r->live)
			r->cut = 1;
		if (r->stopped && in.nonl) {	/* half a line */
			warn("%s:%llu: an unfinished line at SIGTERM, "
			    "dropped: %s", in.name, in.lineno, excerpt(line));
			r->nbad++;
			break;
		}
		online(r, line, rr);
	}
	rd_close(&in);
	return status;
}

/*
 * summary: the last try to write what waits, and the counts: written are
 * the events that reached the file (EXIT_TROUBLE when some did not)
 */
static int
summary(struct run *r)
{
	struct logf *l = &r->l;
	unsigned long long nwait;
	int status = EXIT_MATCH;

	l->failing = 0;		/* a last try, now */
	logf_flush(l);
	nwait = logf_unwritten(l);
	if (l->len > 0 || l->dropped > 0) {
		warn("%zu bytes (%llu events) and %llu dropped events could "
		    "not be written to %s", l->len, nwait, l->dropped, l->path);
		status = EXIT_TROUBLE;
	}
	fprintf(stderr, "ctparse: %llu events written, %llu dropped, "
	    "%llu lines rejected, %llu conntrack losses\n",
	    r->nev - l->droptotal - nwait, l->droptotal + nwait, r->nbad,
	    r->nlost);
	logf_free(l);
	ot_clear(&r->ot);
	free(r->held);
	free(r->hkeys);
	return status;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "header", no_argument, NULL, 'H' },
		{ "interval", required_argument, NULL, 'i' },
		{ "local", no_argument, NULL, 'l' },
		{ "seconds", no_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static struct run run;
	struct run *r = &run;
	struct sigaction sa;
	char *end;
	int c, i, status = EXIT_MATCH, eof = 0;

	err_init(argv[0]);
	while ((c = getopt_long(argc, argv, "Hi:lso:hV", longopts, NULL)) != -1)
		switch (c) {
		case 'H':
			hflag = 1;
			break;
		case 'i':
			errno = 0;
			iflag = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || end == optarg ||
			    iflag < 0 || iflag > 86400)
				usage();
			break;
		case 'l':
			lflag = 1;
			break;
		case 's':
			sflag = 1;
			break;
		case 'o':
			oflag = optarg;
			break;
		case 'h':
			printf("usage: ctparse [-Hls] [-i seconds] [-o file] "
			    "[file ...]\n");
			return EXIT_MATCH;
		case 'V':
			puts(VERSION);
			return EXIT_MATCH;
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if (oflag != NULL && *oflag == '\0')
		usage();

	if (logf_init(&r->l, oflag, (lflag ? TM_LOCAL : 0) |
	    (sflag ? TM_SECONDS : 0), hflag) < 0)
		die(EXIT_TROUBLE, "cannot open %s:", oflag);
	r->begin = r->last = r->ctlast = r->clock = NOTIME;
	r->maxday = INT64_MIN;
	ot_init(&r->ot, TABMAX);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onsig;	/* no SA_RESTART: a blocked read returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	i = 0;
	do {
		if (readfile(r, argc > 0 ? argv[i] : "-", &eof) < 0)
			status = EXIT_TROUBLE;
	} while (!r->stopped && ++i < argc);
	finish(r, eof);
	return summary(r) == EXIT_TROUBLE ? EXIT_TROUBLE : status;
}
