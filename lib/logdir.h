/*
 * logdir.h - which files make up a log, in which order, and which of them
 * a question about some ranges of time must read.  The one place that
 * knows the names of a log directory; reading a file is lib/logread's job.
 *
 * Names (of a directory's entries; files given by name are taken as
 * they are):
 *	YYYY-MM-DD.csv		a day, as ctparse -o DIR/%Y-%m-%d.csv writes
 *				(a date that exists)
 *	NAME.csv		one file, rotated by logrotate(8) to
 *	NAME.csv-DATE		dateext: DATE of digits and '-'
 *				(YYYY-MM-DD, YYYYMMDD)
 *	NAME.csv.N		a number
 * each plain or with .gz or .zst (compressed by gzip, zstd or ctzip(1),
 * whose index FILE.idx may be beside it).  Every other name is not the
 * log's: indexes, *.tmp (a compression under way), anything else.  A
 * name holding a control character is warned about and left out (it
 * once made a shell front end read another file).  When a plain file and
 * a compressed one of the same name are both there (a compression
 * stopped between its rename and its remove), the plain one is the log;
 * of a .gz and a .zst, the .gz.  Only regular files count: a symbolic
 * link in a log directory is warned about and left out, and its files
 * are opened without following one (O_NOFOLLOW), so that whoever can
 * write the directory cannot make a reader run as another user (cttrace
 * under sudo) read a file it cannot.
 *
 * Days: a file whose name (its last component, given or found) is a
 * day's, plain or compressed, is one (logfile.isday, .day): what a
 * front end that keeps days (examples/cron/ctcompress) asks of a name,
 * through ctcat -l, so that it knows no name itself.
 *
 * Time: a file's place is the time of its first line with a time (logread.h:
 * logread_time), from its index's first block with a time when a valid index
 * is beside it, else from its first LOGDIR_HEAD bytes of text (read, or
 * decompressed through the program: logread_open runs it as a child, which
 * ends by SIGPIPE when logread_close closes its pipe early, and is reaped
 * there); a file covers from its first line to the next file's first
 * line.  The log's order is the files' order by
 * that time (then by name); files without any time come last, by name:
 * they hold no line a question about time reads.
 *
 * Ranges: a question reads the lines of some ranges of time [start, end]
 * (microseconds; the caller has taken its skews into them).  A file named
 * as a day (YYYY-MM-DD, its midnight UTC D) holds lines of that local day
 * only, so when D is after every range's end plus a day, or D plus two
 * days is before every range's start, it is not opened at all (nor
 * placed): that saves decompressing the head of every day of a year.
 * (A local day begins at most LOGDIR_ZONE before its midnight UTC.)
 * logdir_choose() marks the files that can hold a line of a range: file
 * i, covering [F(i), F(i+1)), when F(i) <= end and F(i+1) >= start.
 *
 * Files of a day: a day's log (YYYY-MM-DD.csv, .gz, .zst), its index
 * (.csv.gz.idx, .csv.zst.idx) and the temporaries of its compression
 * (those names with .tmp) are the day's files (logdir_dayfile): what
 * retention (ctretain(1)) deletes together.  The plain YYYY-MM-DD.csv is
 * the one whose lock (flock(2)) ctzip and ctcompress take while they
 * compress the day.
 *
 * Retention: a file LOGDIR_RETAIN in the directory says that every day
 * of the log before a day D was deleted by ctretain(1).  Its lines that
 * begin with '#' are comments; the first other line is D, YYYY-MM-DD.
 * logdir_scan() reads it (a regular file, no link followed, at most
 * LOGDIR_RETMAX bytes) into retained and retday (D's midnight UTC);
 * one that cannot be read or names no day is warned about and ignored:
 * then no time is said to be deleted.
 *
 * Errors: a directory that cannot be read is -1 with errno; a file that
 * cannot be opened or whose head cannot be decompressed is warned about
 * (naming it) and kept with state LOG_BAD, so that its reader can say a
 * part of the log was not read.  Out of memory is fatal.
 */
#ifndef CT_LOGDIR_H
#define CT_LOGDIR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct zidx;

#define LOGDIR_HEAD (4 * 1024 * 1024)	/* text looked at for a time */
#define LOGDIR_ZONE (14 * 3600 * 1000000LL)	/* UTC+14: the earliest day */
#define LOGDIR_RETAIN "RETENTION"	/* the retention marker's name */
#define LOGDIR_RETMAX 4096		/* its size, at most */
#define LOGDIR_KEEPIDX 8		/* indexes kept for the readers */

enum logform { LOG_PLAIN, LOG_GZIP, LOG_ZSTD, LOG_TABLE };
enum logstate { LOG_TIME, LOG_NOTIME, LOG_BAD };

struct logrange {
	int64_t start, end;	/* the first and last instants read */
};

struct logfile {
	char *path;
	enum logform form;	/* by its first bytes (by name if LOG_BAD) */
	int idx;		/* a valid ctzip index is beside it */
	enum logstate state;	/* LOG_TIME: first is its time */
	int64_t first;		/* the time of its first line with one */
	int64_t last, hi;	/* LOG_TABLE: of its last line, its latest */
	int nofollow;		/* found in a directory: open no link */
	int isday;		/* named as a day (see above): */
	int64_t day;		/* its midnight UTC */
	long long size;		/* its size in bytes, as found */
	struct zidx *zx;	/* the index placing it read, kept for its
				   reader (logdir_index), or NULL, */
	dev_t dev;		/* for the file of this device */
	ino_t ino;		/* and inode, as placing it found */
	int use;		/* logdir_choose: it can hold a range's line */
	size_t r0, r1;		/* then: the first and last such ranges */
};

struct logdir {
	struct logfile *f;	/* in log order after logdir_sort */
	size_t n, cap;
	const struct logrange *r;	/* the ranges, by start; none: all */
	size_t nr;
	int later;		/* a far day after the ranges was left out:
				   the last file placed is not the log's */
	int64_t laterday;	/* the first such day's midnight (UTC) */
	size_t nzx;		/* indexes kept (zx), at most LOGDIR_KEEPIDX */
	int retained;		/* logdir_scan found a retention marker: */
	int64_t retday;		/* the days before this one were deleted */
};

/*
 * logdir_days: the midnights (UTC) of the first and last days whose files
 * can hold a line of range r (the days a question may open; the others
 * are far)
 */
void logdir_days(const struct logrange *r, int64_t *first, int64_t *last);

/*
 * logdir_index: the index (zidx.h) that placing f loaded, handed to f's
 * reader, which owns it from then on (logread_opt.idx); NULL when none
 * was kept.  The first LOGDIR_KEEPIDX placed are kept (the few files of
 * a trace): a busy day's head is ~1 MB, and reading and checking it is
 * a good part of a trace's own time, which the reader would spend again.
 * f->dev and f->ino say which file it is the index of: a reader that
 * finds another file under the name (replaced since) reads its own.
 * logdir_free frees those not taken.
 */
struct zidx *logdir_index(struct logfile *f);

/* logdir_init: no files yet; ranges r[0..nr) sorted by start, or none */
void logdir_init(struct logdir *d, const struct logrange *r, size_t nr);

/* logdir_scan: add the log files of directory dir (by their names) */
int logdir_scan(struct logdir *d, const char *dir);

/* logdir_add: add the file path, whatever its name */
void logdir_add(struct logdir *d, const char *path);

/*
 * logdir_known: add a day of a log that a table holds (ctcat -C), named
 * name, of midnight day (UTC), the times of its first and last lines
 * first and last, its latest hi: placed without opening anything (form
 * LOG_TABLE); a far day is left out as logdir_scan leaves a day file
 */
void logdir_known(struct logdir *d, const char *name, int64_t day,
    int64_t first, int64_t last, int64_t hi);

/* logdir_sort: the files in log order (the far days left out) */
void logdir_sort(struct logdir *d);

/* logdir_choose: set use, r0 and r1 of each file (see above) */
void logdir_choose(struct logdir *d);

/*
 * logdir_dayfile: name (a directory entry's) is one of a day's files (see
 * above): 1 with *day its midnight UTC, *plain 1 for YYYY-MM-DD.csv
 */
int logdir_dayfile(const char *name, int64_t *day, int *plain);

/*
 * logdir_retention: the retention marker of the directory open as dfd
 * (named dir in messages): 1 with *day, 0 when there is none, -1 when it
 * cannot be read or says no day (warned)
 */
int logdir_retention(int dfd, const char *dir, int64_t *day);

/* logdir_formname: "plain", "gzip", "zstd" or "clickhouse" */
const char *logdir_formname(enum logform form);

void logdir_free(struct logdir *d);

#endif
