/*
 * ctretain - delete the days of a log older than a retention period.
 *
 *	ctretain -k 90 -d /var/log/conntrack
 *
 * The days of the log in LOGDIR (ctparse -o LOGDIR/%Y-%m-%d.csv) are kept
 * -k DAYS days: every time within the last DAYS days stays answerable.
 * A day is deleted once every line it can hold is older than that, in
 * any time zone its name may be in: its name (the day, never a file's
 * modification time) is before the UTC day of now - DAYS days - 12 hours
 * (a local day ends at most 12 hours after the UTC one).  DAYS has no
 * default: how long a log of personal data is kept is a decision of its
 * keeper (ctretain(1), README).
 *
 * What a day is, and which files are a day's, is lib/logdir's to say
 * (logdir_dayfile): YYYY-MM-DD.csv, .gz, .zst, their indexes and the
 * temporaries of a compression, deleted together, the plain file last.
 * A file of no day's name (logrotate's, anything else) is never touched.
 *
 * Safe to run as root in a directory the log's user can write, to run
 * twice at once, to interrupt, and beside ctcompress and ctzip:
 * - only entries of LOGDIR are removed, by unlinkat(2) on the directory
 *   opened once: no link is followed, nothing outside it is reached; an
 *   entry named as a day that is not a regular file (a link) is said and
 *   left alone;
 * - a day whose YYYY-MM-DD.csv is there is locked first, the lock ctzip
 *   and ctcompress take (flock(2) on that file, not waited for): a day
 *   being compressed is left alone (said, exit 1), and the next run
 *   deletes it; the file must still be the one locked.  The days after
 *   a day left alone are left for the next run too: the older go first;
 * - the file being written is never deleted: not today's (DAYS is at
 *   least 1), not the log's newest day (when it is old, logging has
 *   stopped: said), not a YYYY-MM-DD.csv modified in the last 10 minutes;
 * - runs in one directory exclude each other (flock on the directory).
 *
 * Evidence: what was deleted is said in LOGDIR/RETENTION (logdir.h), so
 * that a trace of a deleted time says "deleted by retention" rather than
 * only "no log".  It names D, the first day kept: every day before D is
 * gone and, in the log's order, the files before D's were deleted ones
 * (D is at most the day after the last day deleted, and no later than a
 * day left alone).  It is written only after a deletion before D, never
 * moved back, created 0640 (the directory's owner and group, as root) as
 * RETENTION.tmp (exclusively, no link followed), synced and renamed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "logdir.h"
#include "tm.h"
#include "wr.h"

#define VERSION "ctretain 1.0"
#define USAGE "usage: ctretain -k days [-nv] [-d logdir]\n"
#define LOGDIR "/var/log/conntrack"
#define MAXDAYS 100000		/* -k: about 270 years */
#define RECENT 600		/* seconds: a file this fresh is written */
#define DAYUS (86400 * TM_USEC)
#define RETTMP LOGDIR_RETAIN ".tmp"

static long kflag = -1;		/* -k days: the days kept (required) */
static const char *dflag = LOGDIR;	/* -d logdir */
static int nflag;		/* -n: say what would go, delete nothing */
static int vflag;		/* -v: name each file deleted */

/* a file of a day */
struct dfile {
	char *name;
	int64_t day;		/* days since 1970-01-01 */
	int plain;		/* YYYY-MM-DD.csv: the day's lock */
};

static struct wr out;
static int dfd;			/* LOGDIR, open */
static int trouble;

static _Noreturn void
usage(void)
{
	fputs(USAGE, stderr);
	exit(EXIT_TROUBLE);
}

/* by day, the plain file last (removed last: it holds the lock) */
static int
dfilecmp(const void *a, const void *b)
{
	const struct dfile *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (x->plain != y->plain)
		return x->plain - y->plain;
	return strcmp(x->name, y->name);
}

/* dayname: YYYY-MM-DD of day d in b (11 bytes) */
static void
dayname(char *b, int64_t d)
{
	int64_t y;
	int m, dd;

	tm_civil(d, &y, &m, &dd);
	snprintf(b, 11, "%04d-%02d-%02d", (int)y, m, dd);
}

/*
 * scan: the regular files of the days in LOGDIR, sorted; entries named
 * as a day that are something else are said when old (< cut)
 */
static struct dfile *
scan(size_t *n, int64_t cut)
{
	struct dfile *f = NULL;
	struct dirent *e;
	struct stat st;
	size_t cap = 0;
	int64_t day;
	int plain, fd;
	DIR *dp;

	*n = 0;
	if ((fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    (dp = fdopendir(fd)) == NULL)
		die(EXIT_TROUBLE, "%s:", dflag);
	errno = 0;
	while ((e = readdir(dp)) != NULL) {
		if (!logdir_dayfile(e->d_name, &day, &plain))
			continue;
		if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;	/* gone meanwhile */
		if (!S_ISREG(st.st_mode)) {
			if (day / DAYUS < cut) {
				warn("%s/%s: not a regular file (a link?): "
				    "left alone", dflag, e->d_name);
				trouble = 1;
			}
			continue;
		}
		if (*n == cap) {
			cap = cap * 2 + 64;
			f = xreallocarray(f, cap, sizeof(*f));
		}
		f[*n].name = xstrdup(e->d_name);
		f[*n].day = day / DAYUS;
		f[(*n)++].plain = plain;
		errno = 0;
	}
	if (errno != 0)
		die(EXIT_TROUBLE, "%s:", dflag);
	closedir(dp);
	if (*n > 0)
		qsort(f, *n, sizeof(*f), dfilecmp);
	return f;
}

/*
 * lock: the day's lock, on its plain file name (opened without following
 * a link, not waiting on a FIFO), as ctzip takes it; then it must still
 * be that file, and not being written.  The descriptor; -1 when the file
 * is gone (then no run can be compressing the day); -2 after a message.
 */
static int
lock(const char *name, time_t now)
{
	struct stat st, named;
	int fd;

	if ((fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK)) < 0) {
		if (errno == ENOENT)
			return -1;
		warn("%s/%s:", dflag, name);
		return -2;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		warn("%s/%s: not a regular file: left alone", dflag, name);
		goto bad;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			warn("%s/%s: being compressed (locked): left alone, "
			    "for the next run", dflag, name);
		else
			warn("%s/%s: lock:", dflag, name);
		goto bad;
	}
	if (fstatat(dfd, name, &named, AT_SYMLINK_NOFOLLOW) < 0) {
		close(fd);
		return -1;	/* compressed and removed meanwhile */
	}
	if (named.st_dev != st.st_dev || named.st_ino != st.st_ino) {
		warn("%s/%s: replaced meanwhile: left alone", dflag, name);
		goto bad;
	}
	if (now - st.st_mtime < RECENT) {
		warn("%s/%s: modified in the last 10 minutes (being written?): "
		    "left alone", dflag, name);
		goto bad;
	}
	return fd;
bad:
	close(fd);
	return -2;
}

/* say: a file deleted (-v) or that would be (-n) */
static void
say(const char *name)
{
	if (nflag || vflag) {
		wr_put(&out, dflag, strlen(dflag));
		wr_putc(&out, '/');
		wr_put(&out, name, strlen(name));
		wr_putc(&out, '\n');
	}
}

/*
 * delday: delete the files f[0..n) of one day; 1 when they are all gone,
 * 0 when the day is left (said)
 */
static int
delday(const struct dfile *f, size_t n, time_t now)
{
	size_t i;
	int fd = -1, gone = 1;

	if (f[n - 1].plain && (fd = lock(f[n - 1].name, now)) == -2)
		return 0;
	for (i = 0; i < n; i++) {
		if (f[i].plain && fd == -1)
			continue;	/* compressed and removed meanwhile */
		if (!nflag && unlinkat(dfd, f[i].name, 0) < 0 &&
		    errno != ENOENT) {
			warn("%s/%s: cannot delete:", dflag, f[i].name);
			gone = 0;
			continue;
		}
		say(f[i].name);
	}
	if (fd >= 0)
		close(fd);	/* and with it the lock */
	return gone;
}

/*
 * mark: write the retention marker naming day d as the first kept
 * (see above); 0, or -1 after a message
 */
static int
mark(int64_t d, time_t now)
{
	char day[11], b[512], at[TM_FMTMAX];
	struct tmfmt tf;
	struct stat st;
	size_t n, done;
	int fd;

	dayname(day, d);
	tm_fmtinit(&tf, TM_SECONDS);
	at[tm_fmt(&tf, at, (int64_t)now * TM_USEC)] = '\0';
	n = (size_t)snprintf(b, sizeof(b), "# ctretain: the days of this log "
	    "before the day below were deleted\n# (ctretain -k %ld, %s); "
	    "read by ctcat(1): not to be edited.\n%s\n", kflag, at, day);
	/* ours while we hold the directory's lock: a leftover, or planted */
	if (unlinkat(dfd, RETTMP, 0) < 0 && errno != ENOENT)
		goto bad;
	if ((fd = openat(dfd, RETTMP, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0640)) < 0)
		goto bad;
	/* 0640 whatever the umask; the directory's owner and group */
	if (fchmod(fd, 0640) < 0 || (geteuid() == 0 && (fstat(dfd, &st) < 0 ||
	    fchown(fd, st.st_uid, st.st_gid) < 0)) ||
	    writeall(fd, b, n, &done) < 0 || fsync(fd) < 0) {
		close(fd);
		unlinkat(dfd, RETTMP, 0);
		goto bad;
	}
	if (close(fd) < 0 || renameat(dfd, RETTMP, dfd, LOGDIR_RETAIN) < 0) {
		unlinkat(dfd, RETTMP, 0);
		goto bad;
	}
	fsync(dfd);
	return 0;
bad:
	warn("%s/%s:", dflag, LOGDIR_RETAIN);
	return -1;
}

/* options: the command line's options into the flags above */
static void
options(int argc, char *argv[])
{
	char *e;
	int c;

	while ((c = getopt(argc, argv, ":d:hk:nvV")) != -1)
		switch (c) {
		case 'd':
			dflag = optarg;
			break;
		case 'k':
			errno = 0;
			kflag = strtol(optarg, &e, 10);
			if (*optarg < '0' || *optarg > '9' || *e != '\0' ||
			    errno != 0 || kflag < 1 || kflag > MAXDAYS)
				die(EXIT_TROUBLE, "-k %s: not a number of days "
				    "(1 to %d)", optarg, MAXDAYS);
			break;
		case 'n':
			nflag = 1;
			break;
		case 'v':
			vflag = 1;
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
	if (optind != argc)
		usage();
	if (kflag < 0)
		die(EXIT_TROUBLE, "-k: how many days to keep must be said "
		    "(no default: see ctretain(1))");
}

int
main(int argc, char *argv[])
{
	struct dfile *f;
	size_t n, i, j;
	int64_t cut, oldday, keep = INT64_MAX, maxdel = INT64_MIN, mindel =
	    INT64_MAX, newest;
	char day[11];
	time_t now;
	int old, left = 0;	/* left: a day was left alone */

	err_init(argv[0]);
	options(argc, argv);
	wr_init(&out, STDOUT_FILENO, "standard output");
	if ((dfd = open(dflag, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		die(EXIT_TROUBLE, "%s:", dflag);
	if (flock(dfd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK)
			die(EXIT_TROUBLE, "%s: lock:", dflag);
		warn("%s: another ctretain is at work there: nothing done",
		    dflag);
		return EXIT_NOMATCH;
	}

	/* the first day kept: the UTC day of now - DAYS days - 12 hours */
	now = time(NULL);
	cut = (int64_t)now - (int64_t)kflag * 86400 - 43200;
	cut = (cut >= 0 ? cut : cut - 86399) / 86400;
	f = scan(&n, cut);
	newest = n > 0 ? f[n - 1].day : INT64_MIN;
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && f[j].day == f[i].day; j++)
			;
		if (f[i].day >= cut) {
			keep = f[i].day < keep ? f[i].day : keep;
			continue;
		}
		if (f[i].day == newest) {
			dayname(day, newest);
			warn("%s: %s is older than %ld days but the log's newest "
			    "day: kept (is the log still written?)", dflag, day,
			    kflag);
			trouble = 1;
			keep = f[i].day < keep ? f[i].day : keep;
			continue;
		}
		if (left || !delday(f + i, j - i, now)) {
			/* the older days first: then the marker is exact */
			trouble = left = 1;
			keep = f[i].day < keep ? f[i].day : keep;
			continue;
		}
		maxdel = f[i].day;
		mindel = f[i].day < mindel ? f[i].day : mindel;
	}
	if (maxdel != INT64_MIN && !nflag) {
		fsync(dfd);
		/* the first day kept: see above */
		if (maxdel + 1 < keep)
			keep = maxdel + 1;
		old = logdir_retention(dfd, dflag, &oldday);
		if (mindel < keep && (old != 1 || keep > oldday / DAYUS) &&
		    mark(keep, now) < 0)
			trouble = 1;
	}
	wr_flush(&out);
	for (i = 0; i < n; i++)
		free(f[i].name);
	free(f);
	return trouble ? EXIT_NOMATCH : EXIT_MATCH;
}
