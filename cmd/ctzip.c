/*
 * ctzip - compress a log in independent blocks, with an index of times.
 *
 *	ctzip /var/log/conntrack/2026-11-26.csv
 *
 * FILE is cut at line boundaries into blocks of about -b bytes; each block
 * is compressed alone by the gzip (or zstd) program, several at once (-j),
 * and the members are written one after the other: FILE.gz is an ordinary
 * multi-member gzip file that zcat, gzip -t and zgrep read unchanged.
 * FILE.gz.idx beside it (format: zidx.h) says where each member is and
 * which times it holds, so cttime decompresses only the blocks it needs.
 * While the blocks are compressed, a pairing process reads their times
 * and pairs the start and stop lines (zmark.h), and the index names, for
 * each block, the NAT keys of the flows longer than -L seconds (or
 * doubtful) that start or end there: a trace (cttime -n) then skips the
 * far blocks of other keys.  The index also copies the coverage records
 * (begin, end, snapshot, restart, lost; and the alive records, and any
 * line ctgrep --records passes), so that a reader that skips a block can
 * still pass them on (ctcat), and holds for each block a filter of the
 * NAT keys of its lines (index version 5), by which ctcat -n skips the
 * blocks near its time that do not hold its key.
 * -L 300 by default: a trace reads every block within L of its window,
 * and on the campus profile 300 s halves that against 600 s for an index
 * only a quarter bigger (flows over 300 s: 4 %, over 600 s: 3 %, but over
 * 120 s: half of them, TCP's TIME_WAIT).
 *
 * Safe to interrupt, to run twice at once, and as root in a directory that
 * others can write; never loses the log:
 * - FILE is locked (flock(2), exclusive, not waited for) for the whole
 *   run: a second run on it, and ctcompress, which takes the same lock,
 *   leave it alone.  Only the holder of FILE's lock creates, renames or
 *   removes FILE.gz.tmp and FILE.gz.idx.tmp, so the holder may remove
 *   them as leftovers of a run that died; a run removes no other file
 *   it did not create but FILE itself;
 * - the lock is taken before anything is looked at: then FILE must still
 *   be the file opened (not removed by the run before) and FILE.gz must
 *   not exist in any form, a dangling link included;
 * - FILE is opened without following a link (a link is refused), the
 *   temporary files are created O_EXCL (never through a link planted in
 *   their place), owned by FILE's owner and group (as root) and given
 *   FILE's mode (a group that cannot be given gets no access);
 * - each block is decompressed again by the program and compared with the
 *   original bytes before it is appended to FILE.gz.tmp;
 * - FILE.gz.tmp and FILE.gz.idx.tmp are synced; FILE is checked to be
 *   unchanged (size, modification time, and the same file under its
 *   name); the index is renamed first, then FILE.gz (never over an
 *   existing one), FILE checked once more, and only then removed (-k
 *   keeps it).  An index without its FILE.gz, left by a kill between the
 *   two renames, is replaced by the next run; SIGINT, SIGTERM and SIGHUP
 *   remove the temporary files (after SIGKILL the next run replaces them);
 * - a file modified in the last 10 minutes (still being written), unless
 *   -f, and a FILE.gz that exists already are refused.
 * Blocks are compressed in worker processes (fork) that map their block,
 * feed the program through a pipe and write to an unnamed temporary file;
 * the parent only waits and appends in order, so it never has a pipe to
 * deadlock on, and stays small, so that forking a worker stays cheap.
 */
#define _GNU_SOURCE	/* pipe2, madvise(MADV_DONTFORK), memrchr: glibc and Linux */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "csv.h"
#include "err.h"
#include "inflate.h"
#include "proc.h"
#include "progress.h"
#include "rd.h"
#include "tm.h"
#include "tmpfd.h"
#include "wr.h"
#include "zidx.h"
#include "zmark.h"

#define VERSION "ctzip 1.0"
#define USAGE "usage: ctzip [-1..-9] [-fkq] [-z gzip|zstd] [-b blocksize] " \
	"[-j jobs] [-L seconds] [-F bits] file ...\n"
#define RECENT 600		/* seconds: a file this fresh is still written */
#define MAXJOBS 256
#define MAXBLOCK (1LL << 30)
#define IOSIZE (128 * 1024)

static long long bflag = 512 * 1024;	/* -b blocksize: bytes (see ctzip(1)) */
static long jflag;		/* -j jobs: 0, one per CPU */
static long long Lflag = ZIDX_LONG;	/* -L seconds: a flow is long */
static int Fflag = ZIDX_FBITS;	/* -F bits: the key filters' (zidx.h) */
static int kflag;		/* -k: keep the original */
static int fflag;		/* -f: compress a recently modified file too */
static int qflag;		/* -q: no progress line on a terminal */
static struct progress bar;	/* the file's, on a terminal (progress.h) */
static const char *ext = ".gz";	/* -z: the program and its suffix */
/*
 * -1 .. -9: the compressor's level.  5, not gzip's 6: 37 % less CPU for
 * 1.2 % more bytes, which pays for checking every block and pairing the
 * flows (ctzip(1), RESULTS-ctzip.md)
 */
static char level[] = "-5";
static char *zargv[] = { "gzip", "-c", level, NULL };
static char *dargv[] = { "gzip", "-dc", NULL };
static char *zstdz[] = { "zstd", "-q", "-c", "-3", NULL };	/* or level */
static char *zstdd[] = { "zstd", "-q", "-dc", NULL };
static char **zcmd = zargv, **dcmd = dargv;

/* what a signal or die() must undo; see cleanup() */
static char gztmp[PATH_MAX], idxtmp[PATH_MAX];
static volatile sig_atomic_t gzmine, idxmine;	/* this run created them */
static pid_t owner;		/* ctzip itself, not a worker or the pairing */
static pid_t indexpid;		/* the pairing process of zip(), or 0 */

static _Noreturn void
usage(void)
{
	fputs(USAGE, stderr);
	exit(EXIT_TROUBLE);
}

/*
 * cleanup: stop the workers and the pairing process, remove the temporary
 * files (signal-safe).  The children are in proc.h's table, tagged: a
 * cleanup names the kinds it stops (compress() stops its workers alone,
 * the pairing may still be needed).  In a child (a worker or the pairing:
 * a signal, or die() there) it does nothing: the files and the children
 * are ctzip's; the child then ends by the signal, or exits.
 */
static void
cleanup(void)
{
	if (getpid() != owner)
		return;
	proc_kill(PROC_WORKER | PROC_INDEXER, SIGTERM);
	if (gzmine)
		unlink(gztmp);
	if (idxmine)
		unlink(idxtmp);
	progress_erase();
}

static void
onsig(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* sizearg: "N[kKmM]" bytes, 1 to MAXBLOCK */
static long long
sizearg(const char *s)
{
	char *e;
	long long v;

	errno = 0;
	v = strtoll(s, &e, 10);
	if (*e == 'k' || *e == 'K')
		v = v <= MAXBLOCK ? v * 1024 : -1, e++;
	else if (*e == 'm' || *e == 'M')
		v = v <= MAXBLOCK ? v * 1024 * 1024 : -1, e++;
	if (errno != 0 || e == s || *e != '\0' || *s < '0' || *s > '9' ||
	    v < 1 || v > MAXBLOCK)
		die(EXIT_TROUBLE, "-b %s: not a block size (1 to 1G bytes, "
		    "suffix k or m)", s);
	return v;
}

/*
 * inflated: the gzip members in zfd (the whole file) decompress to
 * exactly p[0..n), by lib/inflate (CRC-32 and lengths checked): the
 * check in the process, no gzip -dc to start for each block
 */
static int
inflated(const char *p, size_t n, int zfd)
{
	struct stat st;
	unsigned char *z, *u;
	size_t zn, at;
	int ok;

	if (fstat(zfd, &st) < 0 || st.st_size < 0)
		return 0;
	zn = (size_t)st.st_size;
	z = xmalloc(zn);
	u = xmalloc(n);
	ok = preadall(zfd, z, zn, 0) == 0 &&
	    gz_members(z, zn, u, n, &at) == GZ_OK && memcmp(u, p, n) == 0;
	free(z);
	free(u);
	return ok;
}

/*
 * gzcheck: in a worker process, compress p[0..n) into zfd by the program,
 * then decompress zfd again (gzip: in the process) and compare.  The exit
 * status of the worker.
 */
static int
gzcheck(const char *p, size_t n, int zfd, const char *name)
{
	char buf[IOSIZE];
	int pp[2], ok;
	size_t got = 0, wdone;
	ssize_t k;
	pid_t pid;

	if (pipe2(pp, O_CLOEXEC) < 0 ||
	    (pid = proc_spawn(zcmd, pp[0], zfd)) < 0)
		return 1;
	close(pp[0]);
	ok = writeall(pp[1], p, n, &wdone) == 0;
	close(pp[1]);
	if (!proc_ok(pid) || !ok) {
		warn("%s: %s failed", name, zcmd[0]);
		return 1;
	}
	if (dcmd == dargv) {
		if (!inflated(p, n, zfd)) {
			warn("%s: a block does not decompress to its bytes",
			    name);
			return 1;
		}
		return 0;
	}
	if (lseek(zfd, 0, SEEK_SET) < 0 || pipe2(pp, O_CLOEXEC) < 0 ||
	    (pid = proc_spawn(dcmd, zfd, pp[1])) < 0)
		return 1;
	close(pp[1]);
	ok = 1;
	while ((k = read(pp[0], buf, sizeof(buf))) != 0) {
		if (k < 0) {
			if (errno == EINTR)
				continue;
			ok = 0;
			break;
		}
		if ((size_t)k > n - got || memcmp(buf, p + got, (size_t)k) != 0) {
			ok = 0;
			break;
		}
		got += (size_t)k;
	}
	close(pp[0]);
	if (!proc_ok(pid) || !ok || got != n) {
		warn("%s: a block does not decompress to its bytes", name);
		return 1;
	}
	return 0;
}

/*
 * worker: gzcheck() on block b of the file fd, in a worker.  The worker maps
 * the block itself: the parent's map of the whole file is not inherited
 * (MADV_DONTFORK), since fork() copies the page tables of every mapped
 * page, 18 MB for a 9 GB day, once per block: a fifth of ctzip's time on
 * a 10 GB day went there and to unmapping them at the worker's exit.
 * Then it closes fd, so that the lock on it is the parent's alone: a
 * parent killed by SIGKILL leaves the file unlocked as soon as its
 * children have run, not when they end (they finish unnamed files only;
 * the pairing reads the whole day).
 */
static int
worker(int fd, const struct zblock *b, int zfd, const char *name)
{
	long pg = sysconf(_SC_PAGESIZE);
	long long at = b->uoff - b->uoff % pg;
	size_t n = (size_t)(b->ulen + (b->uoff - at));
	const char *q;

	if (b->ulen == 0) {
		close(fd);
		return gzcheck("", 0, zfd, name);
	}
	q = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, (off_t)at);
	close(fd);
	if (q == MAP_FAILED) {
		warn("%s:", name);
		return 1;
	}
	return gzcheck(q + (b->uoff - at), (size_t)b->ulen, zfd, name);
}

/* stat1: line s has time t: block b's times (b->lines counts it) */
static void
stat1(struct zblock *b, int64_t t)
{
	if (!b->hastime) {
		b->hastime = 1;
		b->tfirst = b->tmin = b->tmax = t;
	}
	b->tlast = t;
	if (t < b->tmin)
		b->tmin = t;
	if (t > b->tmax)
		b->tmax = t;
}

/* cut: blocks of about bflag bytes ending at line ends; at least one */
static struct zblock *
cut(const char *p, long long size, size_t *nb)
{
	struct zblock *b = NULL, *q;
	size_t n = 0, cap = 0;
	long long s = 0, e;
	const char *nl;

	do {
		e = size - s <= bflag ? size : s + bflag;
		if (e < size && p[e - 1] != '\n')
			e = (nl = memchr(p + e, '\n', (size_t)(size - e))) ==
			    NULL ? size : nl - p + 1;
		if (n == cap) {
			cap = cap * 2 + 16;
			if ((q = realloc(b, cap * sizeof(*b))) == NULL)
				die(EXIT_TROUBLE, "out of memory:");
			b = q;
		}
		if (n >= UINT32_MAX - 1)
			die(EXIT_TROUBLE, "too many blocks: raise -b");
		memset(&b[n], 0, sizeof(b[n]));
		b[n].uoff = s;
		b[n++].ulen = e - s;
		s = e;
	} while (s < size);
	*nb = n;
	return b;
}

/* a coverage record, as the pairing process sends it to the parent */
struct rec {
	long long blk, off, n;	/* its block, offset and length in p */
};

/* the records found (in the pairing process) */
static struct rec *recs;
static size_t nrecs, caprecs;

/*
 * record: line s[0..n) of block blk may be a record the index copies
 * (zidx_isrecord): the event is looked at first, as most lines are flows
 */
static void
record(const char *p, const char *s, size_t n, size_t blk)
{
	const char *e = memchr(s, ';', n), *f;

	if ((e == NULL || (f = memchr(e + 1, ';', n - (size_t)(e + 1 - s))) ==
	    NULL || f - e - 1 < 3 || strchr("berls", e[1]) == NULL ||
	    !zidx_isrecord(s, n)) && (n >= ZIDX_FLINE || memmem(s, n,
	    CSV_RECORD, sizeof(CSV_RECORD) - 1) == NULL ||
	    !zidx_isextra(s, n)))
		return;	/* neither a record nor an extra (zidx.h) */
	if (nrecs == caprecs) {
		caprecs = caprecs * 2 + 64;
		if ((recs = realloc(recs, caprecs * sizeof(*recs))) == NULL)
			die(EXIT_TROUBLE, "out of memory:");
	}
	recs[nrecs].blk = (long long)blk;
	recs[nrecs].off = s - p;
	recs[nrecs++].n = (long long)n;
}

/*
 * scanblock: the line count and times of block i of p, for the index, its
 * start and stop lines, to the long-flow marks (zmark.h), and its
 * records: one pass, in the pairing process (indexer()), beside the
 * compression; only the cutting into blocks comes before the workers
 * start.
 */
/* the key filters (index version 5), made in the pairing process */
static unsigned char *filt;
static size_t filtlen;
static uint64_t *kh;		/* a block's key hashes */
static size_t nkh, capkh;

static void
scanblock(struct zmark *m, const char *p, struct zblock *b, size_t i)
{
	const char *s = p + b->uoff, *e = s + b->ulen, *nl, *sc, *k;
	size_t kn;
	long long fl;
	int64_t t;
	int bad = 0;

	nkh = 0;
	for (; s < e; s = nl + 1) {
		if ((nl = memchr(s, '\n', (size_t)(e - s))) == NULL)
			nl = e;
		b->lines++;
		record(p, s, (size_t)(nl - s), i);
		if ((sc = memchr(s, ';', (size_t)(nl - s))) != NULL &&
		    tm_parse(s, (size_t)(sc - s), &t) == 0) {
			stat1(b, t);
			zmark_line(m, s, (size_t)(nl - s), t, (uint32_t)i);
		}
		/* the key filter: every line's key, wherever ctgrep looks */
		if (nl - s >= ZIDX_FLINE)
			bad = 1;	/* a reader may cut it: no filter */
		else if (zidx_linekey(s, (size_t)(nl - s), &k, &kn) == 0) {
			if (nkh == capkh) {
				capkh = capkh * 2 + 4096;
				if ((kh = realloc(kh, capkh * sizeof(*kh))) ==
				    NULL)
					die(EXIT_TROUBLE, "out of memory:");
			}
			kh[nkh++] = zidx_hash(ZIDX_HASH0, k, kn);
		}
	}
	b->foff = (long long)filtlen;
	b->nkf = -1;
	b->flen = 0;
	if (!bad && Fflag > 0) {	/* -F 0: no filters */
		if ((fl = zidx_filter(kh, nkh, i, Fflag, &filt, &filtlen,
		    &b->nkf)) < 0)
			die(EXIT_TROUBLE, "out of memory:");
		b->flen = fl;
	}
}

/* a mark as the key table sorts them: fp << 32 | block, then UNTIL */
struct kent {
	uint64_t k;
	int64_t until;
};

static int
cmpkent(const void *a, const void *b)
{
	uint64_t x = ((const struct kent *)a)->k, y = ((const struct kent *)b)->k;

	return (x > y) - (x < y);
}

/* keytable: the marks as the index's key table, fp << 32 | block */
static void
keytable(struct zmark *m, struct zidx *x)
{
	struct zment *mk;
	struct kent *e;
	size_t nm, i;

	mk = zmark_end(m, &nm);
	e = xcalloc(nm + 1, sizeof(*e));
	for (i = 0; i < nm; i++) {
		e[i].k = (uint64_t)mk[i].fp << 32 | mk[i].blk;
		e[i].until = mk[i].until;
	}
	free(mk);
	qsort(e, nm, sizeof(*e), cmpkent);
	x->keys = xcalloc(nm + 1, sizeof(*x->keys));
	x->kuntil = xcalloc(nm + 1, sizeof(*x->kuntil));
	for (i = 0; i < nm; i++) {
		x->keys[i] = e[i].k;
		x->kuntil[i] = e[i].until;
	}
	free(e);
	x->nkeys = nm;
}

/*
 * indexer: in a child process, read the times of every block and pair its
 * flow lines (scanblock()), and write to rfd the blocks, then the number of
 * keys and the key table, then the number of records and the records
 * (struct rec); its exit status.  A process of its own, not
 * the parent, which forks a worker per block and so must stay small:
 * fork() copies the page tables of the parent, and the first write to
 * each page after it faults, so a parent holding the pairing's hundreds
 * of MB on a 10 GB day made every block cost more (sys time went from 4
 * to 16 s per GB).  It runs beside the workers, on the CPU they leave.
 */
static int
indexer(const char *p, struct zidx *x, int rfd)
{
	struct zmark m;
	size_t i, wdone;

	zmark_init(&m, Lflag);
	for (i = 0; i < x->n; i++)
		scanblock(&m, p, &x->b[i], i);
	keytable(&m, x);	/* frees m */
	return writeall(rfd, x->b, x->n * sizeof(*x->b), &wdone) < 0 ||
	    writeall(rfd, &x->nkeys, sizeof(x->nkeys), &wdone) < 0 ||
	    writeall(rfd, x->keys, x->nkeys * sizeof(*x->keys), &wdone) < 0 ||
	    writeall(rfd, x->kuntil, x->nkeys * sizeof(*x->kuntil),
	    &wdone) < 0 ||
	    writeall(rfd, &nrecs, sizeof(nrecs), &wdone) < 0 ||
	    writeall(rfd, recs, nrecs * sizeof(*recs), &wdone) < 0 ||
	    writeall(rfd, &filtlen, sizeof(filtlen), &wdone) < 0 ||
	    writeall(rfd, filt, filtlen, &wdone) < 0;
}

/*
 * takeindex: the indexer's results from rfd into x, its records pointing into
 * p, the log; 0, or -1 after a message
 */
static int
takeindex(struct zidx *x, int rfd, const char *path, const char *p)
{
	struct zblock *b;
	struct rec *r;
	size_t i, nb = x->n * sizeof(*b), fl;
	unsigned char *f;
	off_t at;
	int ok;

	ok = proc_ok(indexpid);	/* it may have ended during compress() */
	indexpid = 0;
	if (!ok) {
		warn("%s: pairing the flows failed", path);
		return -1;
	}
	if ((b = malloc(nb + 1)) == NULL)
		die(EXIT_TROUBLE, "out of memory:");
	if (preadall(rfd, b, nb, 0) < 0 ||
	    preadall(rfd, &x->nkeys, sizeof(x->nkeys), (off_t)nb) < 0) {
		warn("%s: reading the pairing's results:", path);
		free(b);
		return -1;
	}
	for (i = 0; i < x->n; i++) {
		x->b[i].lines = b[i].lines;
		x->b[i].hastime = b[i].hastime;
		x->b[i].tfirst = b[i].tfirst;
		x->b[i].tlast = b[i].tlast;
		x->b[i].tmin = b[i].tmin;
		x->b[i].tmax = b[i].tmax;
		x->b[i].nkf = b[i].nkf;
		x->b[i].flen = b[i].flen;
		x->b[i].foff = b[i].foff;
	}
	free(b);
	if ((x->keys = malloc(x->nkeys * sizeof(*x->keys) + 1)) == NULL ||
	    (x->kuntil = malloc(x->nkeys * sizeof(*x->kuntil) + 1)) == NULL)
		die(EXIT_TROUBLE, "out of memory:");
	at = (off_t)(nb + sizeof(x->nkeys));
	if (preadall(rfd, x->keys, x->nkeys * sizeof(*x->keys), at) < 0 ||
	    preadall(rfd, x->kuntil, x->nkeys * sizeof(*x->kuntil), at +=
	    (off_t)(x->nkeys * sizeof(*x->keys))) < 0 ||
	    preadall(rfd, &x->nrec, sizeof(x->nrec), at +=
	    (off_t)(x->nkeys * sizeof(*x->kuntil))) < 0) {
		warn("%s: reading the pairing's results:", path);
		return -1;
	}
	if ((r = malloc(x->nrec * sizeof(*r) + 1)) == NULL ||
	    (x->rec = malloc(x->nrec * sizeof(*x->rec) + 1)) == NULL)
		die(EXIT_TROUBLE, "out of memory:");
	if (preadall(rfd, r, x->nrec * sizeof(*r), at +
	    (off_t)sizeof(x->nrec)) < 0) {
		warn("%s: reading the pairing's results:", path);
		free(r);
		return -1;
	}
	for (i = 0; i < x->nrec; i++) {
		x->rec[i].blk = (size_t)r[i].blk;
		x->rec[i].p = p + r[i].off;
		x->rec[i].n = (size_t)r[i].n;
	}
	free(r);
	at += (off_t)(sizeof(x->nrec) + x->nrec * sizeof(*r));
	if (preadall(rfd, &fl, sizeof(fl), at) < 0 ||
	    (f = malloc(fl + 1)) == NULL ||
	    preadall(rfd, f, fl, at + (off_t)sizeof(fl)) < 0) {
		warn("%s: reading the pairing's results:", path);
		return -1;
	}
	x->filt = f;
	x->fsize = (long long)fl;
	return 0;
}

/*
 * newfile: create path, exclusively (O_EXCL: not through a link planted
 * there, nor over another's file), with st's owner and group (as root;
 * else ours and, if we are in it, st's group) and st's mode: never wider
 * (a group we cannot give gets no access).  The caller holds the lock
 * and has removed a leftover.  The descriptor, or -1 with errno.
 */
static int
newfile(const char *path, const struct stat *st)
{
	mode_t mode = st->st_mode & 0777;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0)
		return -1;
	if (fchown(fd, st->st_uid, st->st_gid) < 0 &&
	    fchown(fd, (uid_t)-1, st->st_gid) < 0)
		mode &= ~(mode_t)070;
	if (fchmod(fd, mode) < 0) {
		close(fd);
		unlink(path);
		return -1;
	}
	return fd;
}

/*
 * unchanged: the file fd, opened as path, is still as st says: the same
 * size and modification time, and still the file under that name
 */
static int
unchanged(int fd, const char *path, const struct stat *st)
{
	struct stat now, named;

	return fstat(fd, &now) == 0 && lstat(path, &named) == 0 &&
	    now.st_size == st->st_size &&
	    now.st_mtim.tv_sec == st->st_mtim.tv_sec &&
	    now.st_mtim.tv_nsec == st->st_mtim.tv_nsec &&
	    named.st_dev == st->st_dev && named.st_ino == st->st_ino;
}

/* placegz: rename from to to, never over an existing to; 0 or -1 */
static int
placegz(const char *from, const char *to)
{
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* a file system without it: the lock keeps other runs out */
	return rename(from, to);
}

/* a block being compressed: its worker, and the member it writes */
struct job {
	pid_t pid;		/* the worker, 0: ended */
	int zfd;		/* the member (tmpfd), -1: appended */
	int ok;			/* the worker succeeded */
};

/*
 * startjob: a worker compressing block i of the file fd (worker()) into a
 * temporary file in dir, for j; 0, or -1 after a message
 */
static int
startjob(const char *path, const char *dir, int fd, struct zidx *x,
    size_t i, struct job *j)
{
	if ((j->zfd = tmpfd(dir)) < 0) {
		warn("%s: temporary file:", dir);
		return -1;
	}
	if ((j->pid = proc_fork(PROC_WORKER)) < 0) {
		warn("fork:");
		close(j->zfd);
		j->zfd = -1;
		return -1;
	}
	if (j->pid == 0)
		_exit(worker(fd, &x->b[i], j->zfd, path));
	return 0;
}

/*
 * append: the blocks from *done whose workers succeeded, in order, to out
 * at *coff, noting where their members are; 0, or -1 after a message
 */
static int
append(struct zidx *x, struct job *j, size_t *done, size_t next, int out,
    long long *coff)
{
	long long n;

	for (; *done < next && j[*done].ok; ++*done) {
		if ((n = tmpfd_copy(j[*done].zfd, out)) <= 0) {
			warn("%s:", gztmp);
			return -1;
		}
		close(j[*done].zfd);
		j[*done].zfd = -1;
		x->b[*done].coff = *coff;
		x->b[*done].clen = n;
		*coff += n;
	}
	if (*done > 0)	/* of the original's bytes */
		progress_set(&bar, x->b[*done - 1].uoff + x->b[*done - 1].ulen);
	return 0;
}

/*
 * compress: the blocks of the file fd into out, jflag at a time; 0 or -1.
 * The pairing process may end meanwhile: proc.h's table keeps its status
 * for takeindex().
 */
static int
compress(const char *path, const char *dir, int fd, struct zidx *x, int out)
{
	size_t next = 0, done = 0, i, running = 0;
	struct job *j;
	int st, fail = 0;
	long long coff = 0;
	pid_t w;

	if ((j = calloc(x->n, sizeof(*j))) == NULL)
		die(EXIT_TROUBLE, "out of memory:");
	progress_set(&bar, 0);
	while (done < x->n && !fail) {
		/* finished blocks wait for the ones before: bound them */
		while (!fail && running < (size_t)jflag && next < x->n &&
		    next < done + 2 * (size_t)jflag) {
			if ((fail = startjob(path, dir, fd, x, next, &j[next]) <
			    0))
				break;
			next++;
			running++;
		}
		if (running == 0)
			break;
		if ((w = proc_next(PROC_WORKER, &st)) < 0)
			die(EXIT_TROUBLE, "wait:");
		running--;
		for (i = done; i < next && j[i].pid != w; i++)
			;
		if (i == next)
			continue;
		j[i].pid = 0;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			if (!WIFEXITED(st))
				warn("%s: a worker was killed by signal %d",
				    path, WTERMSIG(st));
			fail = 1;
			break;
		}
		j[i].ok = 1;
		fail = append(x, j, &done, next, out, &coff) < 0;
	}
	proc_kill(PROC_WORKER, SIGTERM);	/* those left after a failure */
	while (proc_next(PROC_WORKER, &st) > 0)
		;
	for (i = done; i < next; i++)
		if (j[i].zfd >= 0)
			close(j[i].zfd);
	free(j);
	x->zsize = coff;
	return fail || done < x->n ? -1 : 0;
}

/*
 * lock: open path (no link followed, no wait on a FIFO) and take its
 * lock; then it must still be the file under that name.  The descriptor
 * and st, or -1 after a message.
 */
static int
lock(const char *path, struct stat *st)
{
	struct stat named;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)) <
	    0) {
		if (errno == ELOOP)
			warn("%s: a symbolic link: left alone", path);
		else
			warn("%s:", path);
		return -1;
	}
	if (fstat(fd, st) < 0) {
		warn("%s:", path);
		goto bad;
	}
	if (!S_ISREG(st->st_mode)) {
		warn("%s: not a regular file", path);
		goto bad;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			warn("%s: being compressed by another run (locked): "
			    "left alone", path);
		else
			warn("%s: lock:", path);
		goto bad;
	}
	if (lstat(path, &named) < 0 || named.st_dev != st->st_dev ||
	    named.st_ino != st->st_ino) {
		warn("%s: removed or replaced by another run: left alone",
		    path);
		goto bad;
	}
	return fd;
bad:
	close(fd);
	return -1;
}

/*
 * names: FILE.gz and FILE.gz.idx of path, their temporary names (gztmp,
 * idxtmp, for cleanup()) and path's directory; 0, or -1 after a message
 */
static int
names(const char *path, char *dir, char *gz, char *idx)
{
	char *slash;

	if ((size_t)snprintf(gz, PATH_MAX, "%s%s", path, ext) >= PATH_MAX ||
	    (size_t)snprintf(idx, PATH_MAX, "%s.idx", gz) >= PATH_MAX ||
	    (size_t)snprintf(gztmp, sizeof(gztmp), "%s.tmp", gz) >=
	    sizeof(gztmp) ||
	    (size_t)snprintf(idxtmp, sizeof(idxtmp), "%s.tmp", idx) >=
	    sizeof(idxtmp)) {
		warn("%s: name too long", path);
		return -1;
	}
	snprintf(dir, PATH_MAX, "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL)
		slash[slash == dir] = '\0';
	else
		strcpy(dir, ".");
	return 0;
}

/*
 * startindexer: the pairing of p (see indexer()) in a process of its own,
 * writing to rfd, a temporary file in dir; its pid, or -1 after a message
 */
static pid_t
startindexer(const char *p, struct zidx *x, const char *dir, int fd, int rfd)
{
	pid_t pid;

	if (rfd < 0 || (pid = proc_fork(PROC_INDEXER)) < 0) {
		warn("%s: pairing:", dir);
		return -1;
	}
	if (pid == 0) {
		close(fd);	/* the lock is the parent's (see worker()) */
		_exit(indexer(p, x, rfd));
	}
	return pid;
}

/* writeidx: the index x, to idxtmp with st's owner and mode; 0 or -1 */
static int
writeidx(struct zidx *x, const struct stat *st)
{
	char *text;
	size_t len, wdone;
	int ifd;

	if ((text = zidx_format(x, &len)) == NULL)
		die(EXIT_TROUBLE, "out of memory:");
	if ((ifd = newfile(idxtmp, st)) >= 0)
		idxmine = 1;
	if (ifd < 0 || writeall(ifd, text, len, &wdone) < 0 ||
	    fsync(ifd) < 0) {
		free(text);
		if (ifd >= 0)
			close(ifd);
		warn("%s:", idxtmp);
		return -1;
	}
	free(text);
	close(ifd);
	return 0;
}

/*
 * place: gztmp and idxtmp as FILE.gz and its index, then FILE removed
 * (unless -k), with the signals that clean up blocked; 0, or -1 after a
 * message.  From here the log exists complete under one name or the
 * other.  The index first: killed before FILE.gz is in place, it is an
 * index of no file, which readers ignore and the next run replaces.
 */
static int
place(int fd, const char *path, const struct stat *st, const char *dir,
    const char *gz, const char *idx)
{
	sigset_t sigs, old;
	int dfd, r = 0;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, &old);
	if (rename(idxtmp, idx) < 0) {
		warn("%s: rename:", idx);
		sigprocmask(SIG_SETMASK, &old, NULL);
		return -1;
	}
	idxmine = 0;
	if (placegz(gztmp, gz) < 0) {
		warn("%s: rename:", gz);
		unlink(idx);	/* ours, placed just now */
		sigprocmask(SIG_SETMASK, &old, NULL);
		return -1;
	}
	gzmine = 0;
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
	if (!kflag) {
		/* appended to since the check: ours are a shorter copy */
		if (!unchanged(fd, path, st)) {
			unlink(gz);
			unlink(idx);
			warn("%s: changed while being compressed: left as it was",
			    path);
			r = -1;
		} else if (unlink(path) < 0)
			warn("%s: cannot remove:", path);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}

/*
 * zipped: the blocks of p (the file fd, st) compressed into gztmp, paired
 * and indexed, and placed; 0, or -1 after a message (the caller cleans up)
 */
static int
zipped(const char *path, const char *dir, const char *gz, const char *idx,
    int fd, const struct stat *st, const char *p, struct zidx *x)
{
	int out, rfd, r;

	if ((out = newfile(gztmp, st)) < 0) {
		warn("%s:", gztmp);
		return -1;
	}
	gzmine = 1;
	rfd = tmpfd(dir);
	indexpid = startindexer(p != NULL ? p : "", x, dir, fd, rfd);
	if (indexpid < 0) {
		indexpid = 0;
		close(out);
		if (rfd >= 0)
			close(rfd);
		return -1;
	}
	if (p != NULL)	/* the workers map their own blocks: see worker() */
		madvise((void *)p, (size_t)st->st_size, MADV_DONTFORK);
	r = compress(path, dir, fd, x, out);
	if (r == 0)
		r = takeindex(x, rfd, path, p);
	close(rfd);
	if (r < 0) {
		close(out);
		return -1;
	}
	r = fsync(out);
	if (close(out) < 0 || r < 0) {
		warn("%s:", gztmp);
		return -1;
	}
	if (writeidx(x, st) < 0)
		return -1;
	if (!unchanged(fd, path, st)) {
		warn("%s: changed while being compressed: left as it was", path);
		return -1;
	}
	return place(fd, path, st, dir, gz, idx);
}

/* zip: compress one file; 0, or -1 after a message */
static int
zip(const char *path)
{
	char dir[PATH_MAX], gz[PATH_MAX], idx[PATH_MAX];
	struct stat st, gst;
	struct zidx x;
	const char *p = NULL;
	int fd, r = -1;

	if (names(path, dir, gz, idx) < 0 || (fd = lock(path, &st)) < 0)
		return -1;
	if (!fflag && time(NULL) - st.st_mtime < RECENT) {
		warn("%s: modified in the last 10 minutes: still being "
		    "written? (-f compresses it anyway)", path);
		goto out;
	}
	if (lstat(gz, &gst) == 0 || errno != ENOENT) {
		warn("%s: exists already", gz);
		goto out;
	}
	if (st.st_size > 0 && (p = mmap(NULL, (size_t)st.st_size, PROT_READ,
	    MAP_PRIVATE, fd, 0)) == MAP_FAILED) {
		p = NULL;
		warn("%s:", path);
		goto out;
	}
	memset(&x, 0, sizeof(x));
	x.srcsize = st.st_size;
	x.lsec = Lflag;
	x.fbits = Fflag > 0 ? Fflag : ZIDX_FBITS;	/* -F 0: none to read */
	x.b = cut(p != NULL ? p : "", st.st_size, &x.n);
	progress_start(&bar, path, (long long)st.st_size, qflag);
	/* leftovers of a run that died: ours to remove, we hold the lock */
	unlink(gztmp);
	unlink(idxtmp);
	if ((r = zipped(path, dir, gz, idx, fd, &st, p, &x)) < 0) {
		cleanup();
		gzmine = idxmine = 0;
	}
	if (indexpid > 0) {	/* after a failure: stopped by cleanup() */
		proc_ok(indexpid);
		indexpid = 0;
	}
	free(x.b);
	free(x.keys);
	free(x.kuntil);
	free(x.rec);
	free((void *)x.filt);
out:
	progress_end(&bar);
	if (p != NULL)
		munmap((void *)p, (size_t)st.st_size);
	close(fd);	/* and with it the lock */
	return r;
}

/*
 * options: the command line's options into the flags above, usage()
 * when no file is given; returns the index of the first file
 */
static int
options(int argc, char *argv[])
{
	char *e;
	int c;

	while ((c = getopt(argc, argv, ":123456789b:F:fhj:kL:qVz:")) != -1)
		switch (c) {
		case '1': case '2': case '3': case '4': case '5':
		case '6': case '7': case '8': case '9':
			level[1] = (char)c;
			zstdz[3] = level;
			break;
		case 'b':
			bflag = sizearg(optarg);
			break;
		case 'f':
			fflag = 1;
			break;
		case 'F':
			Fflag = (int)strtol(optarg, &e, 10);
			if (*optarg < '0' || *optarg > '9' || *e != '\0' ||
			    Fflag < 0 || Fflag > ZIDX_FBITSMAX)
				die(EXIT_TROUBLE, "-F %s: not a number of bits "
				    "(0 to %d)", optarg, ZIDX_FBITSMAX);
			break;
		case 'j':
			jflag = strtol(optarg, &e, 10);
			if (*optarg < '0' || *optarg > '9' || *e != '\0' ||
			    jflag < 1 || jflag > MAXJOBS)
				die(EXIT_TROUBLE, "-j %s: not a number of jobs "
				    "(1 to %d)", optarg, MAXJOBS);
			break;
		case 'k':
			kflag = 1;
			break;
		case 'q':
			qflag = 1;
			break;
		case 'L':
			Lflag = strtoll(optarg, &e, 10);
			if (*optarg < '0' || *optarg > '9' || *e != '\0' ||
			    Lflag > 1000000000LL)
				die(EXIT_TROUBLE, "-L %s: not a number of seconds "
				    "(0 to 1000000000)", optarg);
			break;
		case 'z':
			if (strcmp(optarg, "zstd") == 0) {
				zcmd = zstdz;
				dcmd = zstdd;
				ext = ".zst";
			} else if (strcmp(optarg, "gzip") != 0)
				die(EXIT_TROUBLE, "-z %s: gzip or zstd", optarg);
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
	if (optind == argc)
		usage();
	return optind;
}

int
main(int argc, char *argv[])
{
	struct sigaction sa;
	int i, trouble = 0;

	err_init(argv[0]);
	i = options(argc, argv);
	argc -= i;
	argv += i;
	if (jflag == 0) {
		jflag = sysconf(_SC_NPROCESSORS_ONLN);
		jflag = jflag < 1 ? 1 : jflag > MAXJOBS ? MAXJOBS : jflag;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onsig;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/*
	 * SIGPIPE ignored, ctzip's choice (proc.h leaves it to main): a
	 * worker writing to a compressor that died gets EPIPE and says
	 * which program failed, by its exit status; the programs get it
	 * back at its default (proc_spawn).
	 */
	signal(SIGPIPE, SIG_IGN);
	owner = getpid();
	atexit(cleanup);
	for (i = 0; i < argc; i++)
		if (zip(argv[i]) < 0)
			trouble = 1;
	return trouble ? EXIT_TROUBLE : EXIT_MATCH;
}
