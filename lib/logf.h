/*
 * logf.h - the log as evidence: ctparse's output side.  It never loses or
 * splits a line silently.
 *
 * Contract:
 * - The log is standard output (tmpl NULL), a file, or a strftime(3)
 *   template ("daily": the file of a day, UTC or local; the caller opens
 *   the file of a line's day with logf_reopen when logf_otherday says it
 *   differs).  Files are appended to, created mode 0640 (personal data),
 *   with the header line at the top of an empty one if asked.
 * - Lines are appended to a buffer: logf_line gives room for one with its
 *   time and ';' written, logf_done ends it.  They are written whole, in
 *   blocks (FLUSHAT), and by logf_flush, which the caller calls before a
 *   read that may block.
 * - A write that stops short (disk full) is cut back to the last whole
 *   line with ftruncate(2); what is not written waits (PENDMAX at most)
 *   and is retried by logf_flush, at most once a second while failing.
 *   Lines wait by day: those of a day go to that day's file whatever day
 *   it is when writing works again (the caller has moved on with
 *   logf_reopen), in the order they came; SEGMAX days at most wait, the
 *   last of them for drops only.
 * - Past PENDMAX logf_line refuses lines: an event is counted (dropped),
 *   and a "lost" record with their number, the least of their times
 *   (from) and the greatest (its time) is written in their place, after
 *   the lines of their day that came before them and before those after
 *   (csv.h): one for each day, in that day's file.  Another record is
 *   counted in recdrops only (a record claims: a missing one loses no
 *   event, but a snapshot short of an open record must not be written).
 * - A file that does not end with '\n' when it is opened ends with half a
 *   line (a write cut short by SIGKILL or a crash, ours or another's):
 *   that is cut back to its last whole line (at most LINEMAX bytes, with
 *   a warning), or ended with a '\n' if it is longer, so that the lines
 *   appended stay whole.
 * - Errors writing standard output are fatal: a message and exit 2, or a
 *   quiet exit 2 on EPIPE, as grep.
 */
#ifndef CT_LOGF_H
#define CT_LOGF_H

#include <stdint.h>
#include <time.h>

#include "tm.h"

#define LOGF_FLUSHAT (64 * 1024)	/* written in blocks of about this */
#define LOGF_PENDMAX (16 * 1024 * 1024)	/* lines kept while writes fail */
#define LOGF_LINEMAX 512		/* room for one line (fields bounded) */
#define LOGF_SEGMAX 64			/* days whose lines wait at once */
#define LOGF_NOTIME INT64_MIN		/* an empty time field */

/* lines waiting for one day's file (or for the one file), in buf */
struct logseg {
	int64_t t;		/* an instant of that day: the file's name */
	size_t len;		/* bytes of its lines, after the earlier days' */
	int droponly;		/* the last of SEGMAX: takes drops, no line */
	unsigned long long dropped;	/* events refused after its lines */
	int64_t dropfrom, dropto;	/* the least and greatest of their times */
};

struct logf {
	const char *tmpl;	/* the path or template; NULL: standard output */
	int daily;		/* tmpl has % conversions */
	int local;		/* times and days in local time (TZ) */
	int header;		/* the header line at the top of a new file */
	int fd;			/* -1 when not open */
	int fresh;		/* the file was empty when last opened */
	int hdrdue;		/* it still needs its header line */
	char path[4096];	/* the file open, or to open */
	int64_t pathday;	/* day number of path (daily) */
	int64_t day;		/* day number of new lines (daily) */
	char *buf;		/* whole lines not written yet */
	size_t len;
	struct logseg seg[LOGF_SEGMAX];	/* buf by day, oldest first */
	int nseg;		/* at least 1; the last takes new lines */
	int failing;		/* in an episode of write errors */
	time_t retry;		/* next write attempt while failing */
	unsigned long long dropped;	/* events lost, not yet in a record */
	unsigned long long droptotal;	/* events lost in all */
	unsigned long long recdrops;	/* other records lost in all */
	struct tmfmt tf;	/* the time column's format */
	struct tmfmt tfs;	/* the same in whole seconds: the kernel's */
};

/*
 * logf_init: tmpl (NULL: standard output), flags TM_LOCAL and TM_SECONDS
 * for the times, header.  A plain file is opened at once: -1 with errno
 * if it cannot be (ENOSPC and EDQUOT are retried later: 0).
 */
int logf_init(struct logf *l, const char *tmpl, int flags, int header);
void logf_free(struct logf *l);

/* logf_otherday: a line at t belongs to another day than lines go to now */
int logf_otherday(const struct logf *l, int64_t t);

/*
 * logf_reopen: write out, close, open again (daily: the file of t's day,
 * where lines go from now on; what still waits goes to its own day's)
 */
void logf_reopen(struct logf *l, int64_t t);

/*
 * logf_line: room for a line at t (event: it is an event), its time and
 * ';' written: where the rest goes (LOGF_LINEMAX in all); NULL when it is
 * refused (see above).  logf_done: the line ends before p (after '\n').
 */
char *logf_line(struct logf *l, int64_t t, int event);
void logf_done(struct logf *l, char *p);

/* logf_flush: write what waits (while failing, at most once a second) */
void logf_flush(struct logf *l);

/* logf_time: instant t (LOGF_NOTIME: nothing) at p in format tf, and ';' */
char *logf_time(char *p, struct tmfmt *tf, int64_t t);

/*
 * logf_rec: a coverage record's fields after its time at p (csv.h):
 * event name, proto .. natport empty, id n (empty when n < 0), from
 * (empty when LOGF_NOTIME), to empty, '\n'
 */
char *logf_rec(struct logf *l, char *p, const char *name, long long n,
    int64_t from);

/* logf_unwritten: the events among the lines still waiting */
unsigned long long logf_unwritten(const struct logf *l);

#endif
