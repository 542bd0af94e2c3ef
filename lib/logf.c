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

/* path: the daily file's name for instant t */
static void
path(struct logf *l, int64_t t)
{
	struct tm tm;
	time_t s = (time_t)(t / TM_USEC);

	if ((l->local ? localtime_r(&s, &tm) : gmtime_r(&s, &tm)) == NULL ||
	    strftime(l->path, sizeof(l->path), l->tmpl, &tm) == 0)
		die(EXIT_TROUBLE, "%s: bad file name template", l->tmpl);
	l->day = tm_day(t, l->local);
}

/* open_: open the log file: append, created 0640 (personal data) */
static int
open_(struct logf *l)
{
	struct stat st;
	size_t done;

	l->fresh = 0;
	if (l->tmpl == NULL)
		return 0;
	if (l->path[0] == '\0')	/* daily, nothing logged yet */
		path(l, (int64_t)time(NULL) * TM_USEC);
	l->fd = open(l->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (l->fd < 0) {
		if (!l->failing)
			warn("cannot open %s:", l->path);
		l->failing = 1;
		return -1;
	}
	l->fresh = fstat(l->fd, &st) == 0 && st.st_size == 0;
	if (l->header && l->fresh &&
	    writeall(l->fd, CSV_HEADER "\n", sizeof(CSV_HEADER), &done) < 0 &&
	    ftruncate(l->fd, 0) < 0)	/* no half header: retried next open */
		warn("cannot truncate %s:", l->path);
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
	l->day = INT64_MIN;
	tm_fmtinit(&l->tf, flags);
	tm_fmtinit(&l->tfs, flags | TM_SECONDS);
	if ((l->buf = malloc(LOGF_PENDMAX)) == NULL)
		die(EXIT_TROUBLE, "out of memory:");
	if (header && tmpl == NULL) {
		memcpy(l->buf, CSV_HEADER "\n", sizeof(CSV_HEADER));
		l->len = sizeof(CSV_HEADER);
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

/*
 * write_: write the waiting lines.  A short write is cut back to its last
 * whole line so the file never holds half a line; what is not written
 * stays waiting.  Returns 0 when everything was written.
 */
static int
write_(struct logf *l)
{
	size_t done, keep;
	const char *nl;
	struct stat st;

	if (l->len == 0)
		return 0;
	if (l->fd < 0 && open_(l) < 0)
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
		    "%d MiB wait):", l->path, LOGF_PENDMAX >> 20);
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

void
logf_reopen(struct logf *l, int64_t t)
{
	logf_flush(l);
	close_(l);
	if (l->daily)
		path(l, t);
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

/* lost: append the "lost" record of the events dropped */
static void
lost(struct logf *l)
{
	char *p = logf_time(l->buf + l->len, &l->tf, l->dropto);

	p = logf_rec(l, p, "lost", (long long)l->dropped, l->dropfrom);
	l->len = (size_t)(p - l->buf);
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
	if (l->dropped > 0) {
		lost(l);
		l->dropped = 0;
		if (write_(l) < 0) {
			l->retry = t + 1;
			return;
		}
	}
	if (l->failing)
		warn("writing %s again", l->path);
	l->failing = 0;
}

char *
logf_line(struct logf *l, int64_t t, int event)
{
	if (l->len >= LOGF_FLUSHAT)
		logf_flush(l);
	if (l->len + 2 * LOGF_LINEMAX > LOGF_PENDMAX) {	/* room for "lost" */
		if (!event)
			l->recdrops++;
		else {
			if (l->dropped++ == 0)
				l->dropfrom = t;
			l->dropto = t;
			l->droptotal++;
		}
		return NULL;
	}
	return logf_time(l->buf + l->len, &l->tf, t);
}

void
logf_done(struct logf *l, char *p)
{
	l->len = (size_t)(p - l->buf);
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
