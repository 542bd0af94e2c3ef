/* logf.c - see logf.h */
#define _GNU_SOURCE	/* memrchr: glibc and Linux */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"
#include "err.h"
#include "logf.h"
#include "wr.h"	/* writeall */

/* dayfile: the daily file of instant t in path */
static void
dayfile(struct logf *l, int64_t t)
{
	struct tm tm;
	time_t s = (time_t)(t / TM_USEC);

	if ((l->local ? localtime_r(&s, &tm) : gmtime_r(&s, &tm)) == NULL ||
	    strftime(l->path, sizeof(l->path), l->tmpl, &tm) == 0)
		die(EXIT_TROUBLE, "%s: bad file name template", l->tmpl);
	l->pathday = tm_day(t, l->local);
}

/*
 * mend: the file open is size bytes long: if it does not end with '\n',
 * its last line is unfinished (a write cut short by SIGKILL or a crash).
 * Half a line of ours is shorter than LINEMAX: cut it back to the last
 * whole line.  A longer one is not ours to cut: end it.
 */
static void
mend(struct logf *l, off_t size)
{
	char b[LOGF_LINEMAX];
	off_t at = size > (off_t)sizeof(b) ? size - (off_t)sizeof(b) : 0;
	ssize_t n = pread(l->fd, b, (size_t)(size - at), at);
	const char *nl;
	size_t done;

	if (n < 0 && errno == EBADF)	/* opened write-only: cannot tell */
		return;
	if (n != size - at) {
		warn("cannot read the end of %s:", l->path);
		return;
	}
	if (b[n - 1] == '\n')
		return;
	nl = memrchr(b, '\n', (size_t)n);
	if (nl == NULL && at > 0) {
		if (writeall(l->fd, "\n", 1, &done) < 0)
			warn("cannot end the unfinished last line of %s:",
			    l->path);
		else
			warn("%s: ended an unfinished last line (longer than "
			    "a log line: not cut)", l->path);
		return;
	}
	at = nl != NULL ? at + (off_t)(nl + 1 - b) : 0;
	if (ftruncate(l->fd, at) < 0)
		warn("cannot cut %s back to its last whole line:", l->path);
	else
		warn("%s: cut back %lld bytes of an unfinished last line (a "
		    "write cut short)", l->path, (long long)(size - at));
}

/*
 * open_: open the log file: append, created 0640 (personal data), read
 * too when allowed (to mend its end)
 */
static int
open_(struct logf *l)
{
	struct stat st;

	l->fresh = l->hdrdue = 0;
	if (l->tmpl == NULL)
		return 0;
	l->fd = open(l->path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (l->fd < 0 && errno == EACCES)
		l->fd = open(l->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
		    0640);
	if (l->fd < 0) {
		if (!l->failing)
			warn("cannot open %s:", l->path);
		l->failing = 1;
		return -1;
	}
	if (fstat(l->fd, &st) == 0 && st.st_size > 0)
		mend(l, st.st_size);
	l->fresh = fstat(l->fd, &st) == 0 && st.st_size == 0;
	l->hdrdue = l->header && l->fresh;
	return 0;
}

static void
close_(struct logf *l)
{
	if (l->tmpl != NULL && l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}

int
logf_init(struct logf *l, const char *tmpl, int flags, int header)
{
	memset(l, 0, sizeof(*l));
	l->tmpl = tmpl;
	l->daily = tmpl != NULL && strchr(tmpl, '%') != NULL;
	l->local = (flags & TM_LOCAL) != 0;
	l->header = header;
	l->fd = tmpl == NULL ? STDOUT_FILENO : -1;
	l->day = l->pathday = INT64_MIN;
	l->nseg = 1;
	l->seg[0].t = LOGF_NOTIME;
	tm_fmtinit(&l->tf, flags);
	tm_fmtinit(&l->tfs, flags | TM_SECONDS);
	if ((l->buf = malloc(LOGF_PENDMAX)) == NULL)
		die(EXIT_TROUBLE, "out of memory:");
	if (header && tmpl == NULL) {
		memcpy(l->buf, CSV_HEADER "\n", sizeof(CSV_HEADER));
		l->len = l->seg[0].len = sizeof(CSV_HEADER);
	}
	if (tmpl != NULL && !l->daily) {
		snprintf(l->path, sizeof(l->path), "%s", tmpl);
		if (open_(l) < 0 && errno != ENOSPC && errno != EDQUOT)
			return -1;
	}
	return 0;
}

void
logf_free(struct logf *l)
{
	close_(l);
	free(l->buf);
	l->buf = NULL;
}

int
logf_otherday(const struct logf *l, int64_t t)
{
	return l->daily && tm_day(t, l->local) != l->day;
}

/* failed: a write to the log failed (errno): fatal on standard output */
static void
failed(struct logf *l)
{
	if (l->tmpl == NULL) {	/* standard output: a filter, errors fatal */
		if (errno == EPIPE)
			exit(EXIT_TROUBLE);
		die(EXIT_TROUBLE, "write error on standard output:");
	}
	if (!l->failing)
		warn("write error on %s (will retry; nothing is lost until "
		    "%d MiB wait):", l->path, LOGF_PENDMAX >> 20);
	l->failing = 1;
}

/* cutback: a write stopped after done bytes: keep only the first keep */
static void
cutback(struct logf *l, size_t done, size_t keep)
{
	struct stat st;

	if (done > keep && (fstat(l->fd, &st) < 0 ||
	    ftruncate(l->fd, st.st_size - (off_t)(done - keep)) < 0))
		warn("cannot cut %s back to its last whole line:", l->path);
}

/* hdr: the header line, when the file open still needs it */
static int
hdr(struct logf *l)
{
	size_t done;

	if (!l->hdrdue)
		return 0;
	if (writeall(l->fd, CSV_HEADER "\n", sizeof(CSV_HEADER), &done) < 0) {
		failed(l);
		cutback(l, done, 0);
		return -1;
	}
	l->hdrdue = 0;
	return 0;
}

/*
 * put: write the first n bytes waiting (lines of seg[0]) to the file
 * open.  A short write is cut back to its last whole line so the file
 * never holds half a line; what is not written stays waiting.  0 when
 * all n were written.
 */
static int
put(struct logf *l, size_t n)
{
	size_t done, keep = n;
	const char *nl;

	if (hdr(l) < 0)
		return -1;
	if (writeall(l->fd, l->buf, n, &done) < 0) {
		failed(l);
		nl = done > 0 ? memrchr(l->buf, '\n', done) : NULL;
		keep = nl != NULL ? (size_t)(nl + 1 - l->buf) : 0;
		cutback(l, done, keep);
	}
	if (keep < l->len)
		memmove(l->buf, l->buf + keep, l->len - keep);
	l->len -= keep;
	l->seg[0].len -= keep;
	return keep == n ? 0 : -1;
}

/* lostrec: the lost record of s's drops at p: where it ends */
static char *
lostrec(struct logf *l, char *p, const struct logseg *s)
{
	p = logf_time(p, &l->tf, s->dropto);
	return logf_rec(l, p, "lost", (long long)s->dropped, s->dropfrom);
}

/* putlost: write the lost record of s's drops (after its lines) */
static int
putlost(struct logf *l, struct logseg *s)
{
	char b[LOGF_LINEMAX];
	size_t n = (size_t)(lostrec(l, b, s) - b), done;

	if (hdr(l) < 0)
		return -1;
	if (writeall(l->fd, b, n, &done) < 0) {
		failed(l);
		cutback(l, done, 0);
		return -1;
	}
	l->dropped -= s->dropped;
	s->dropped = 0;
	return 0;
}

/*
 * segtime: an instant of the day of s's file: its own, or for drops only
 * (days merged), that of the latest of them, its lost record's time
 */
static int64_t
segtime(const struct logseg *s)
{
	if (s->droponly && s->dropped > 0)
		return s->dropto;
	return s->t != LOGF_NOTIME ? s->t : (int64_t)time(NULL) * TM_USEC;
}

/*
 * write_: write what waits, day by day: each day's lines to its file,
 * then the lost record of its drops.  Returns 0 when everything was
 * written, -1 when something still waits.
 */
static int
write_(struct logf *l)
{
	struct logseg *s = &l->seg[0];

	for (;;) {
		if (s->len > 0 || s->dropped > 0) {
			if (l->daily &&
			    tm_day(segtime(s), l->local) != l->pathday) {
				close_(l);
				dayfile(l, segtime(s));
			}
			if (l->fd < 0 && open_(l) < 0)
				return -1;
			if (s->len > 0 && put(l, s->len) < 0)
				return -1;
			if (s->dropped > 0 && putlost(l, s) < 0)
				return -1;
		}
		if (l->nseg == 1)
			break;
		memmove(&l->seg[0], &l->seg[1],
		    (size_t)(l->nseg - 1) * sizeof(l->seg[0]));
		l->nseg--;
	}
	s->droponly = 0;	/* nothing waits: lines of its day are taken */
	return 0;
}

/*
 * segment: lines at t go to t's day's file from now on.  A day whose
 * lines still wait keeps them; a new day after SEGMAX - 1 days of them
 * takes drops only, and so does every day after it until they are out.
 */
static void
segment(struct logf *l, int64_t t)
{
	struct logseg *s = &l->seg[l->nseg - 1];
	int64_t d = tm_day(t, l->local);

	if (d == l->day)
		return;
	l->day = d;
	if (s->droponly || (s->len == 0 && s->dropped == 0)) {
		s->t = t;
		return;
	}
	s = &l->seg[l->nseg++];
	memset(s, 0, sizeof(*s));
	s->t = t;
	s->droponly = l->nseg == LOGF_SEGMAX;
}

void
logf_reopen(struct logf *l, int64_t t)
{
	logf_flush(l);
	if (l->daily)
		segment(l, t);
	close_(l);
	if (l->daily)
		dayfile(l, l->seg[l->nseg - 1].t);
	open_(l);
}

char *
logf_time(char *p, struct tmfmt *tf, int64_t t)
{
	if (t != LOGF_NOTIME)
		p += tm_fmt(tf, p, t);
	*p++ = ';';
	return p;
}

char *
logf_rec(struct logf *l, char *p, const char *name, long long n,
    int64_t from)
{
	size_t k = strlen(name);

	memcpy(p, name, k);
	p += k;
	memcpy(p, ";;;;;;;;", 8);	/* the event's, proto .. natport */
	p += 8;
	if (n >= 0)
		p += sprintf(p, "%lld", n);
	memcpy(p, ";;;;;", 5);		/* id, opkts .. rbytes */
	p = logf_time(p + 5, &l->tf, from);
	*p++ = '\n';			/* to: empty */
	return p;
}

void
logf_flush(struct logf *l)
{
	time_t t = time(NULL);

	if (l->failing && t < l->retry)
		return;
	if (write_(l) < 0) {
		l->retry = t + 1;
		return;
	}
	if (l->failing)
		warn("writing %s again", l->path);
	l->failing = 0;
}

char *
logf_line(struct logf *l, int64_t t, int event)
{
	struct logseg *s;
	char *p;

	if (l->len >= LOGF_FLUSHAT)
		logf_flush(l);
	s = &l->seg[l->nseg - 1];
	if (s->droponly || l->len + 2 * LOGF_LINEMAX > LOGF_PENDMAX) {
		if (!event) {		/* room is kept for "lost" (below) */
			l->recdrops++;
			return NULL;
		}
		if (s->dropped == 0 || t < s->dropfrom)
			s->dropfrom = t;
		if (s->dropped == 0 || t > s->dropto)
			s->dropto = t;
		s->dropped++;
		l->dropped++;
		l->droptotal++;
		return NULL;
	}
	if (s->dropped > 0) {	/* their lost record, in their place */
		p = lostrec(l, l->buf + l->len, s);
		s->len += (size_t)(p - (l->buf + l->len));
		l->len = (size_t)(p - l->buf);
		l->dropped -= s->dropped;
		s->dropped = 0;
	}
	return logf_time(l->buf + l->len, &l->tf, t);
}

void
logf_done(struct logf *l, char *p)
{
	size_t n = (size_t)(p - l->buf);

	l->seg[l->nseg - 1].len += n - l->len;
	l->len = n;
}

unsigned long long
logf_unwritten(const struct logf *l)
{
	const char *p = l->buf, *e = l->buf + l->len, *q;
	unsigned long long n = 0;

	for (; p < e; p = q + 1) {
		q = memchr(p, '\n', (size_t)(e - p));
		if (q == NULL)
			q = e;
		p = memchr(p, ';', (size_t)(q - p));
		if (p != NULL && (strncmp(p, ";start;", 7) == 0 ||
		    strncmp(p, ";stop;", 6) == 0 ||
		    strncmp(p, ";update;", 8) == 0))
			n++;
	}
	return n;
}
