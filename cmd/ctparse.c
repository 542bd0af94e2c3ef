/*
 * ctparse - rewrite `conntrack -E` event text as the compact CSV log.
 *
 *	conntrack -E -eNEW,DESTROY --src-nat -otimestamp,extended,id \
 *	    --buffer-size=104857600 2>&1 | ctparse -o /var/log/conntrack/%Y-%m-%d.csv
 *
 * One line of input becomes one line of output (schema in lib/csv.h);
 * conntrack's own messages are recognised (the ENOBUFS warning becomes an
 * in-band "lost" record); anything else is warned about and skipped.
 *
 * The log is evidence, so the output side never loses or splits a line:
 * - lines are written whole, in blocks, and a write that stops short (disk
 *   full) is cut back to its last whole line with ftruncate(2);
 * - while writes fail, lines wait in a bounded buffer and writes are
 *   retried; once the buffer is full, events are counted and dropped, and a
 *   "lost" record with their number is written when writing works again;
 * - SIGHUP (logrotate) flushes, closes and reopens the path; SIGTERM and
 *   SIGINT stop reading, write out everything already read, and exit 0.
 * Output is flushed whenever the next read would block, so the log is never
 * more than a moment behind at low rates.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "csv.h"
#include "ctev.h"
#include "err.h"
#include "rd.h"
#include "tm.h"
#include "wr.h"	/* writeall */

#define VERSION "ctparse 1.0"
#define MAXLINE CTEV_MAXLINE
#define FLUSHAT (64 * 1024)	/* write in blocks of about this much */
#define PENDMAX (16 * 1024 * 1024)	/* lines kept while writes fail */
#define OUTLINE 512		/* room for one CSV line (fields are bounded) */
#define WARNMAX 100		/* rejected lines shown before going quiet */

static int hflag;		/* -H: header line at the top of each new file */
static int lflag;		/* -l: local time with offset */
static int sflag;		/* -s: whole seconds */
static const char *oflag;	/* -o FILE: the log (strftime path: daily) */

static volatile sig_atomic_t gothup, gotterm;

/* the log: a path template, the open file, and whole lines waiting */
struct log {
	const char *tmpl;	/* -o, or NULL for standard output */
	int daily;		/* tmpl has % conversions */
	int fd;			/* -1 when not open */
	char path[4096];
	int64_t day;		/* day number of path (daily) */
	char *buf;		/* whole lines not written yet */
	size_t len;
	int failing;		/* in an episode of write errors */
	time_t retry;		/* next write attempt while failing */
	unsigned long long dropped;	/* events lost since the last write */
	unsigned long long droptotal;	/* events lost in all */
	int64_t dropfrom;	/* time of the first of them */
	struct tmfmt tf;
};

static void
usage(void)
{
	fprintf(stderr, "usage: ctparse [-Hls] [-o file] [file ...]\n");
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

/* the day an instant falls in, in the log's time zone */
static int64_t
dayof(int64_t usec)
{
	int64_t s = usec / TM_USEC;

	if (lflag)
		s += tm_offset(s);
	return (s - (s % 86400 + 86400) % 86400) / 86400;
}

/* log_path: the daily file's name for instant t */
static void
log_path(struct log *l, int64_t t)
{
	struct tm tm;
	time_t s = (time_t)(t / TM_USEC);

	if ((lflag ? localtime_r(&s, &tm) : gmtime_r(&s, &tm)) == NULL ||
	    strftime(l->path, sizeof(l->path), l->tmpl, &tm) == 0)
		die(EXIT_TROUBLE, "%s: bad file name template", l->tmpl);
	l->day = dayof(t);
}

/* log_open: open the log file: append, created 0640 (personal data) */
static int
log_open(struct log *l)
{
	struct stat st;
	size_t done;

	if (l->tmpl == NULL)
		return 0;
	if (l->path[0] == '\0')	/* daily, nothing logged yet */
		log_path(l, now());
	l->fd = open(l->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (l->fd < 0) {
		if (!l->failing)
			warn("cannot open %s:", l->path);
		l->failing = 1;
		return -1;
	}
	if (hflag && fstat(l->fd, &st) == 0 && st.st_size == 0 &&
	    writeall(l->fd, CSV_HEADER "\n", sizeof(CSV_HEADER), &done) < 0 &&
	    ftruncate(l->fd, 0) < 0)	/* no half header: retried next open */
		warn("cannot truncate %s:", l->path);
	return 0;
}

static void
log_close(struct log *l)
{
	if (l->tmpl != NULL && l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}

/*
 * log_write: write the waiting lines.  A short write is cut back to its
 * last whole line so the file never holds half a line; what is not written
 * stays waiting.  Returns 0 when everything was written.
 */
static int
log_write(struct log *l)
{
	size_t done, keep;
	const char *nl;
	struct stat st;

	if (l->len == 0)
		return 0;
	if (l->fd < 0 && log_open(l) < 0)
		return -1;
	if (writeall(l->fd, l->buf, l->len, &done) == 0) {
		l->len = 0;
		return 0;
	}
	if (l->tmpl == NULL) {	/* standard output: a filter, errors fatal */
		if (errno == EPIPE)
			exit(EXIT_TROUBLE);
		die(EXIT_TROUBLE, "write error on standard output:");
	}
	if (!l->failing)
		warn("write error on %s (will retry; nothing is lost until "
		    "%d MiB wait):", l->path, PENDMAX >> 20);
	l->failing = 1;
	nl = done > 0 ? memrchr(l->buf, '\n', done) : NULL;
	keep = nl != NULL ? (size_t)(nl + 1 - l->buf) : 0;
	if (done > keep && (fstat(l->fd, &st) < 0 ||
	    ftruncate(l->fd, st.st_size - (off_t)(done - keep)) < 0))
		warn("cannot cut %s back to its last whole line:", l->path);
	memmove(l->buf, l->buf + keep, l->len - keep);
	l->len -= keep;
	return -1;
}

/* log_lost: append a "lost" record: n events (0: unknown) from time t */
static void
log_lost(struct log *l, int64_t t, unsigned long long n)
{
	char *p = l->buf + l->len;

	p += tm_fmt(&l->tf, p, t);
	if (n > 0)
		p += sprintf(p, ";lost;;;;;;;;%llu;;;;\n", n);
	else
		p += sprintf(p, ";lost;;;;;;;;;;;;\n");
	l->len = (size_t)(p - l->buf);
}

/* log_flush: write what waits; while failing, at most once a second */
static void
log_flush(struct log *l)
{
	time_t t = time(NULL);

	if (l->failing && t < l->retry)
		return;
	if (log_write(l) < 0) {
		l->retry = t + 1;
		return;
	}
	if (l->dropped > 0) {
		log_lost(l, l->dropfrom, l->dropped);
		l->dropped = 0;
		if (log_write(l) < 0) {
			l->retry = t + 1;
			return;
		}
	}
	if (l->failing)
		warn("writing %s again", l->path);
	l->failing = 0;
}

/* log_room: room for one more line (1), or it is counted as dropped (0) */
static int
log_room(struct log *l, int64_t t)
{
	if (l->len >= FLUSHAT)
		log_flush(l);
	if (l->len + 2 * OUTLINE > PENDMAX) {	/* keep room for "lost" */
		if (l->dropped++ == 0)
			l->dropfrom = t;
		l->droptotal++;
		return 0;
	}
	return 1;
}

/* log_reopen: after SIGHUP, or when an event starts a new day */
static void
log_reopen(struct log *l, int64_t t)
{
	log_flush(l);
	log_close(l);
	if (l->daily)
		log_path(l, t);
	log_open(l);
}

static void
put(char **pp, struct span s)
{
	if (s.n > 0)	/* an empty span may have a NULL pointer */
		memcpy(*pp, s.p, s.n);
	*pp += s.n;
	*(*pp)++ = ';';
}

/* event: append ev as a CSV line */
static void
event(struct log *l, const struct ctev *ev, int64_t t)
{
	static const struct span name[] = {
		[CTEV_NEW] = { "start", 5 }, [CTEV_UPDATE] = { "update", 6 },
		[CTEV_DESTROY] = { "stop", 4 },
	};
	static const struct span none = { "", 0 };
	int stop = ev->type == CTEV_DESTROY;
	char *p;

	if (!log_room(l, t))
		return;
	p = l->buf + l->len;
	p += tm_fmt(&l->tf, p, t);
	*p++ = ';';
	put(&p, name[ev->type]);
	put(&p, ev->proto);
	put(&p, ev->src);
	put(&p, ev->sport);
	put(&p, ev->dst);
	put(&p, ev->dport);
	put(&p, ev->nat);
	put(&p, ev->natport);
	put(&p, ev->id);
	put(&p, stop ? ev->opkts : none);
	put(&p, stop ? ev->obytes : none);
	put(&p, stop ? ev->rpkts : none);
	put(&p, stop ? ev->rbytes : none);
	p[-1] = '\n';
	l->len = (size_t)(p - l->buf);
}

/* idle: input would block: flush, then wait for input or a signal */
static int
idle(void *arg, int fd)
{
	struct log *l = arg;
	sigset_t block, old;
	fd_set rfds;
	struct timespec ts = { 1, 0 };
	int n;

	log_flush(l);
	sigemptyset(&block);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (gothup || gotterm) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return -1;
	}
	FD_ZERO(&rfds);
	FD_SET(fd, &rfds);
	/* pselect: signals are let in only while waiting, so none is missed */
	n = pselect(fd + 1, &rfds, NULL, NULL, l->failing || l->dropped ?
	    &ts : NULL, &old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return n > 0 ? 0 : -1;
}

/* excerpt: a printable head of a rejected line, for the warning */
static const char *
excerpt(struct span s)
{
	static char b[64];
	size_t i, n = s.n < 48 ? s.n : 48;

	for (i = 0; i < n; i++)
		b[i] = s.p[i] >= ' ' && s.p[i] < 127 ? s.p[i] : '?';
	strcpy(b + n, s.n > n ? "..." : "");
	return b;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "header", no_argument, NULL, 'H' },
		{ "local", no_argument, NULL, 'l' },
		{ "seconds", no_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct sigaction sa;
	struct log l;
	struct rd in;
	struct span line;
	struct ctev ev;
	const char *why;
	unsigned long long nev = 0, nbad = 0, nlost = 0;
	int64_t t, last = 0;
	int c, i, r, status = EXIT_MATCH, stopped = 0;

	err_init(argv[0]);
	while ((c = getopt_long(argc, argv, "Hlso:hV", longopts, NULL)) != -1)
		switch (c) {
		case 'H':
			hflag = 1;
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
			printf("usage: ctparse [-Hls] [-o file] [file ...]\n");
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

	memset(&l, 0, sizeof(l));
	l.tmpl = oflag;
	l.daily = oflag != NULL && strchr(oflag, '%') != NULL;
	l.fd = oflag == NULL ? STDOUT_FILENO : -1;
	if (oflag != NULL && !l.daily)
		snprintf(l.path, sizeof(l.path), "%s", oflag);
	l.day = INT64_MIN;
	tm_fmtinit(&l.tf, (lflag ? TM_LOCAL : 0) | (sflag ? TM_SECONDS : 0));
	if ((l.buf = malloc(PENDMAX)) == NULL)
		die(EXIT_TROUBLE, "out of memory:");
	if (oflag != NULL && !l.daily && log_open(&l) < 0 &&
	    errno != ENOSPC && errno != EDQUOT)
		die(EXIT_TROUBLE, "cannot open %s:", l.path);
	if (hflag && oflag == NULL) {
		memcpy(l.buf, CSV_HEADER "\n", sizeof(CSV_HEADER));
		l.len = sizeof(CSV_HEADER);
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onsig;	/* no SA_RESTART: a blocked read returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	i = 0;
	do {
		const char *path = argc > 0 ? argv[i] : "-";

		if (rd_open(&in, path) < 0) {
			warn("%s:", path);
			status = EXIT_TROUBLE;
			continue;
		}
		in.maxline = MAXLINE;
		in.idle = idle;
		in.idlearg = &l;
		if (strcmp(path, "-") == 0)
			in.name = "stdin";
		for (;;) {
			if (gotterm && !stopped) {
				rd_stop(&in);	/* hand out what was read */
				stopped = 1;
			}
			if (gothup) {
				gothup = 0;
				log_reopen(&l, last ? last : now());
			}
			r = rd_line(&in, &line);
			if (r == 0)
				break;
			if (r < 0) {
				if (errno == EINTR)
					continue;
				warn("read error on %s:", in.name);
				status = EXIT_TROUBLE;
				break;
			}
			c = r == 2 ? CT_BAD : ctev_parse(line.p, line.n, &ev, &why);
			if (r == 2)
				why = "line too long";
			switch (c) {
			case CT_EVENT:
				t = ev.hasts ? ev.usec : now();
				if (l.daily && dayof(t) != l.day)
					log_reopen(&l, t);
				event(&l, &ev, t);
				last = t;
				nev++;	/* less droptotal: written */
				break;
			case CT_LOST:
				t = last ? last : now();
				if (log_room(&l, t))
					log_lost(&l, t, 0);
				nlost++;
				break;
			case CT_NOISE:
			case CT_START:
			case CT_EXIT:
			case CT_DUMP:
			case CT_DUMPEND:
				break;
			default:
				if (++nbad <= WARNMAX)
					warn("%s:%llu: %s: %s", in.name,
					    in.lineno, why, excerpt(line));
				if (nbad == WARNMAX)
					warn("further rejected lines are only "
					    "counted");
			}
		}
		rd_close(&in);
	} while (!stopped && ++i < argc);

	l.failing = 0;		/* a last try, now */
	log_flush(&l);
	if (l.len > 0 || l.dropped > 0) {
		warn("%zu bytes and %llu events could not be written to %s",
		    l.len, l.dropped, l.path);
		status = EXIT_TROUBLE;
	}
	log_close(&l);
	free(l.buf);
	fprintf(stderr, "ctparse: %llu events written, %llu dropped, %llu lines "
	    "rejected, %llu conntrack losses\n", nev - l.droptotal, l.droptotal,
	    nbad, nlost);
	return status;
}
