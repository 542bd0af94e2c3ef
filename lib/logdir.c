/* logdir.c - the files of a log: names, order, choice.  Contract: logdir.h */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "logdir.h"
#include "logread.h"
#include "tm.h"
#include "zidx.h"

#define DAY (86400 * TM_USEC)

/* a name of the directory that may be the log's, before the choice */
struct cand {
	char *name;
	size_t base;		/* its length less .gz or .zst */
	int z;			/* 0: plain, 1: .gz, 2: .zst (the order kept) */
};


void
logdir_init(struct logdir *d, const struct logrange *r, size_t nr)
{
	memset(d, 0, sizeof(*d));
	d->r = r;
	d->nr = nr;
}

const char *
logdir_formname(enum logform form)
{
	return form == LOG_GZIP ? "gzip" : form == LOG_ZSTD ? "zstd" :
	    form == LOG_TABLE ? "clickhouse" : "plain";
}

static int
alldigits(const char *s, size_t n, const char *also)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((s[i] < '0' || s[i] > '9') && strchr(also, s[i]) == NULL)
			return 0;
	return n > 0;
}

/*
 * logname: name is one of the log's (logdir.h); *base its length less a
 * compression suffix, *z which (0: none, 1: .gz, 2: .zst)
 */
static int
logname(const char *name, size_t *base, int *z)
{
	size_t n = strlen(name), i;
	const char *rest;

	*z = 0;
	if (n > 3 && strcmp(name + n - 3, ".gz") == 0)
		n -= 3, *z = 1;
	else if (n > 4 && strcmp(name + n - 4, ".zst") == 0)
		n -= 4, *z = 2;
	*base = n;
	/* the last ".csv" with a name before it, then "", -DATE or .N */
	for (i = n >= 4 ? n - 4 : 0; i > 0; i--)
		if (memcmp(name + i, ".csv", 4) == 0)
			break;
	if (i == 0)
		return 0;
	rest = name + i + 4;
	n -= i + 4;
	return n == 0 || (rest[0] == '-' && rest[1] >= '0' && rest[1] <= '9' &&
	    alldigits(rest + 1, n - 1, "-")) ||
	    (rest[0] == '.' && alldigits(rest + 1, n - 1, ""));
}

/*
 * daily: name (its base of n bytes) is YYYY-MM-DD.csv of a date that
 * exists: its midnight UTC
 */
static int
daily(const char *name, size_t n, int64_t *day)
{
	int y, m, dd, m2, d2;
	int64_t days, y2;

	if (n != 14 || memcmp(name + 10, ".csv", 4) != 0 ||
	    !alldigits(name, 4, "") || name[4] != '-' ||
	    !alldigits(name + 5, 2, "") || name[7] != '-' ||
	    !alldigits(name + 8, 2, ""))
		return 0;
	y = atoi(name);
	m = atoi(name + 5);
	dd = atoi(name + 8);
	if (m < 1 || m > 12 || dd < 1 || dd > 31)
		return 0;
	days = tm_days(y, m, dd);
	tm_civil(days, &y2, &m2, &d2);	/* 2026-02-31 is no day */
	if (y2 != y || m2 != m || d2 != dd)
		return 0;
	*day = days * DAY;
	return 1;
}

int
logdir_dayfile(const char *name, int64_t *day, int *plain)
{
	static const char *const rest[] = { "", ".gz", ".zst", ".gz.idx",
	    ".zst.idx", ".gz.tmp", ".zst.tmp", ".gz.idx.tmp", ".zst.idx.tmp" };
	size_t i;

	if (strlen(name) < 14 || !daily(name, 14, day))
		return 0;
	for (i = 0; i < sizeof(rest) / sizeof(rest[0]); i++)
		if (strcmp(name + 14, rest[i]) == 0) {
			*plain = i == 0;
			return 1;
		}
	return 0;
}

int
logdir_retention(int dfd, const char *dir, int64_t *day)
{
	char b[LOGDIR_RETMAX + 1], *p, *nl;
	struct stat st;
	ssize_t n;
	size_t got = 0;
	int fd;

	if ((fd = openat(dfd, LOGDIR_RETAIN, O_RDONLY | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno == ELOOP)
			warn("%s/%s: a symbolic link, ignored", dir,
			    LOGDIR_RETAIN);
		else
			warn("%s/%s:", dir, LOGDIR_RETAIN);
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		warn("%s/%s: not a regular file, ignored", dir, LOGDIR_RETAIN);
		close(fd);
		return -1;
	}
	while (got < sizeof(b) && (n = read(fd, b + got, sizeof(b) - got)) !=
	    0) {
		if (n < 0) {
			warn("%s/%s:", dir, LOGDIR_RETAIN);
			close(fd);
			return -1;
		}
		got += (size_t)n;
	}
	close(fd);
	/* the first line that is not a comment: YYYY-MM-DD */
	for (p = b; got <= LOGDIR_RETMAX && p < b + got; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(b + got - p))) == NULL)
			nl = b + got;
		if (*p == '#')
			continue;
		if (nl - p == 10) {
			char name[15];

			memcpy(name, p, 10);
			memcpy(name + 10, ".csv", 5);
			if (daily(name, 14, day))
				return 1;
		}
		break;
	}
	warn("%s/%s: names no day (YYYY-MM-DD), ignored", dir, LOGDIR_RETAIN);
	return -1;
}

void
logdir_days(const struct logrange *r, int64_t *first, int64_t *last)
{
	*first = r->start - 2 * DAY;
	*last = r->end + DAY;
}

/* far: a day file of midnight day holds no line of any range */
static int
far(const struct logdir *d, int64_t day)
{
	int64_t first, last;
	size_t i;

	if (d->nr == 0)
		return 0;
	for (i = 0; i < d->nr; i++) {
		logdir_days(&d->r[i], &first, &last);
		if (day >= first && day <= last)
			return 0;
	}
	return 1;
}

/*
 * head: the time of f's first line with one, in its first LOGDIR_HEAD
 * bytes of text, read through logread (which decompresses)
 */
static void
head(struct logfile *f)
{
	struct logread in;
	struct logread_opt o;
	struct span l;
	int64_t t;
	int r, found = 0;

	memset(&o, 0, sizeof(o));
	o.nofollow = f->nofollow;
	o.all = 1;
	o.maxline = 64 * 1024;
	if (logread_open(&in, f->path, &o) < 0) {
		f->state = LOG_BAD;
		return;
	}
	while (!found && in.off < LOGDIR_HEAD &&
	    (r = rd_line(&in.r, &l)) != 0) {
		logread_advance(&in, l.n);
		if (r < 0) {
			warn("read error on %s:", f->path);
			break;
		}
		found = r == 1 && logread_time(l, &t) == 0;
	}
	if (logread_close(&in) < 0 && !found)
		f->state = LOG_BAD;	/* warned: no text, not no time */
	else if (found) {
		f->state = LOG_TIME;
		f->first = t;
	} else
		f->state = LOG_NOTIME;
}

/*
 * place: open f (named with compression z) and find its time; keep its
 * index when keep is 1 (logdir_index)
 */
static void
place(struct logfile *f, int z, int keep)
{
	struct stat st;
	struct zidx x;
	char idx[4096];
	size_t i;
	int fd, kind;

	f->form = z == 1 ? LOG_GZIP : z == 2 ? LOG_ZSTD : LOG_PLAIN;
	if ((fd = open(f->path, O_RDONLY | O_CLOEXEC | (f->nofollow ?
	    O_NOFOLLOW : 0))) < 0 || fstat(fd, &st) < 0) {
		warn("%s:", f->path);
		if (fd >= 0)
			close(fd);
		f->state = LOG_BAD;
		return;
	}
	kind = logread_kind(fd);
	close(fd);
	f->size = (long long)st.st_size;
	if (kind == LOGREAD_OTHER) {
		warn("%s: compressed: read it through bzcat, xzcat, ...",
		    f->path);
		f->state = LOG_BAD;
		return;
	}
	f->form = kind == LOGREAD_GZIP ? LOG_GZIP : kind == LOGREAD_ZSTD ?
	    LOG_ZSTD : LOG_PLAIN;
	if (f->form != LOG_PLAIN && (size_t)snprintf(idx, sizeof(idx),
	    "%s.idx", f->path) < sizeof(idx) && access(idx, F_OK) == 0 &&
	    zidx_load(&x, idx, (long long)st.st_size) == 0) {
		f->idx = 1;
		f->state = LOG_NOTIME;
		for (i = 0; i < x.n; i++)
			if (x.b[i].hastime) {
				f->state = LOG_TIME;
				f->first = x.b[i].tfirst;
				break;
			}
		if (keep) {
			f->zx = xmalloc(sizeof(*f->zx));
			*f->zx = x;
			f->dev = st.st_dev;
			f->ino = st.st_ino;
		} else
			zidx_free(&x);
		return;
	}
	head(f);
}

/* leftout: a day of midnight day is far: left out, and noted */
static int
leftout(struct logdir *d, int64_t day)
{
	if (!far(d, day))
		return 0;
	if (day > d->r[d->nr - 1].start && (!d->later ||
	    day < d->laterday)) {	/* after the ranges */
		d->later = 1;
		d->laterday = day;
	}
	return 1;
}

/* newfile: a new entry for path */
static struct logfile *
newfile(struct logdir *d, const char *path)
{
	struct logfile *f;

	if (d->n == d->cap) {
		d->cap = d->cap * 2 + 32;
		d->f = xreallocarray(d->f, d->cap, sizeof(*d->f));
	}
	f = &d->f[d->n++];
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path);
	return f;
}

/* add: a file of the log, opened and placed unless it is a far day */
static void
add(struct logdir *d, const char *path, int z, const char *name,
    size_t base)
{
	struct logfile *f;
	int64_t day;
	int z0;

	if (name != NULL && daily(name, base, &day) && leftout(d, day))
		return;
	f = newfile(d, path);
	f->nofollow = name != NULL;	/* found in a directory */
	if (name == NULL) {	/* given: its last component's name */
		name = (name = strrchr(path, '/')) != NULL ? name + 1 : path;
		if (!logname(name, &base, &z0))
			base = 0;
	}
	f->isday = daily(name, base, &f->day);
	place(f, z, d->nzx < LOGDIR_KEEPIDX);
	d->nzx += f->zx != NULL;
}

void
logdir_known(struct logdir *d, const char *name, int64_t day, int64_t first,
    int64_t last, int64_t hi)
{
	struct logfile *f;

	if (leftout(d, day))
		return;
	f = newfile(d, name);
	f->form = LOG_TABLE;
	f->isday = 1;
	f->day = day;
	f->state = LOG_TIME;
	f->first = first;
	f->last = last;
	f->hi = hi;
}

void
logdir_add(struct logdir *d, const char *path)
{
	add(d, path, 0, NULL, 0);
}

static int
candcmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	size_t n = x->base < y->base ? x->base : y->base;
	int c = memcmp(x->name, y->name, n);

	if (c != 0)
		return c;
	if (x->base != y->base)
		return x->base < y->base ? -1 : 1;
	return x->z - y->z;
}

/* ctlname: a name that has a control character, printable ('?' for it) */
static int
ctlname(const char *name, char *out, size_t n)
{
	size_t i;
	int bad = 0;

	for (i = 0; name[i] != '\0' && i + 1 < n; i++) {
		bad |= (unsigned char)name[i] < ' ' || name[i] == 0x7f;
		out[i] = (unsigned char)name[i] < ' ' || name[i] == 0x7f ?
		    '?' : name[i];
	}
	out[i] = '\0';
	for (; name[i] != '\0'; i++)
		bad |= (unsigned char)name[i] < ' ' || name[i] == 0x7f;
	return bad;
}

int
logdir_scan(struct logdir *d, const char *dir)
{
	DIR *dp;
	struct dirent *e;
	struct cand *c = NULL;
	struct stat st;
	size_t nc = 0, cap = 0, i, base;
	char path[4096], shown[256];
	int z, err;

	if ((dp = opendir(dir)) == NULL)
		return -1;
	d->retained = logdir_retention(dirfd(dp), dir, &d->retday) == 1;
	errno = 0;
	while ((e = readdir(dp)) != NULL) {
		if (ctlname(e->d_name, shown, sizeof(shown))) {
			warn("%s/%s: a file name with control characters, "
			    "left out", dir, shown);
			continue;
		}
		if (!logname(e->d_name, &base, &z) ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    e->d_name) >= sizeof(path) || lstat(path, &st) < 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			warn("%s: a symbolic link, left out", path);
			continue;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		if (nc == cap) {
			cap = cap * 2 + 64;
			c = xreallocarray(c, cap, sizeof(*c));
		}
		c[nc].name = xstrdup(e->d_name);
		c[nc].base = base;
		c[nc++].z = z;
	}
	err = errno;
	closedir(dp);
	if (nc > 0)
		qsort(c, nc, sizeof(*c), candcmp);
	for (i = 0; i < nc; i++) {
		/* of one name, plain, .gz, .zst: the first (see logdir.h) */
		if (i == 0 || c[i].base != c[i - 1].base ||
		    memcmp(c[i].name, c[i - 1].name, c[i].base) != 0) {
			snprintf(path, sizeof(path), "%s/%s", dir, c[i].name);
			add(d, path, c[i].z, c[i].name, c[i].base);
		}
	}
	for (i = 0; i < nc; i++)
		free(c[i].name);
	free(c);
	errno = err;
	return err != 0 ? -1 : 0;
}

/* log order: by time, then name; no time, then unreadable, by name */
static int
filecmp(const void *a, const void *b)
{
	const struct logfile *x = a, *y = b;

	if (x->state != y->state)
		return (int)x->state - (int)y->state;
	if (x->state == LOG_TIME && x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return strcmp(x->path, y->path);
}

void
logdir_sort(struct logdir *d)
{
	if (d->n > 0)
		qsort(d->f, d->n, sizeof(*d->f), filecmp);
}

void
logdir_choose(struct logdir *d)
{
	size_t i, j;
	int64_t next;
	struct logfile *f;

	for (i = 0; i < d->n && d->f[i].state == LOG_TIME; i++) {
		f = &d->f[i];
		next = i + 1 < d->n && d->f[i + 1].state == LOG_TIME ?
		    d->f[i + 1].first : INT64_MAX;
		f->use = d->nr == 0;
		f->r0 = 0;
		f->r1 = d->nr > 0 ? d->nr - 1 : 0;
		for (j = 0; j < d->nr; j++)
			if (f->first <= d->r[j].end && next >= d->r[j].start) {
				if (!f->use)
					f->r0 = j;
				f->use = 1;
				f->r1 = j;
			}
	}
}

struct zidx *
logdir_index(struct logfile *f)
{
	struct zidx *x = f->zx;

	f->zx = NULL;
	return x;
}

void
logdir_free(struct logdir *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->f[i].path);
		if (d->f[i].zx != NULL)
			zidx_free(d->f[i].zx);
		free(d->f[i].zx);
	}
	free(d->f);
	memset(d, 0, sizeof(*d));
}
