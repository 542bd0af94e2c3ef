/*
 * logread.c - time-query input: bisection, and compressed files read through
 * children, by the blocks of their index.  Contract: logread.h.
 */
#define _GNU_SOURCE	/* pipe2: glibc and Linux */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"
#include "err.h"
#include "inflate.h"
#include "proc.h"
#include "logread.h"
#include "tmpfd.h"
#include "tm.h"
#include "zidx.h"

#define PROBE 4096		/* bytes read by one bisection probe */
#define ZPARTMIN (4LL * 1024 * 1024)	/* compressed bytes worth two */
#define LOGREAD_PIPE (1024 * 1024)	/* the decompressor's pipe, bytes */

int
logread_time(struct span l, int64_t *t)
{
	const char *e = memchr(l.p, ';', l.n);

	if (csv_isheader(l))
		return 1;
	return e != NULL && tm_parse(l.p, (size_t)(e - l.p), t) == 0 ? 0 : -1;
}

/*
 * bisect: the offset to start reading a regular file of size sz at: a line
 * whose time is before target (START-skew), or 0.  Any such line is a safe
 * start, whatever the probes before it saw; a probe finding no time in its
 * block counts as "not before", which only moves the start earlier.
 */
static long long
bisect(struct logread *in, long long sz, int64_t target)
{
	char buf[PROBE];
	long long lo = 0, hi = sz, mid;
	const char *p, *q, *e;
	struct span l;
	int64_t t;
	ssize_t n;
	int found;

	while (hi - lo > LOGREAD_NEAR) {
		mid = lo + (hi - lo) / 2;
		/* from mid-1: a line starting at mid is found too */
		if ((n = pread(in->r.fd, buf, sizeof(buf), mid - 1)) < 0)
			return 0;	/* read it whole; the error recurs there */
		in->probed += (unsigned long long)n;
		e = buf + n;
		found = 0;
		for (p = memchr(buf, '\n', (size_t)n); p != NULL && !found;
		    p = q) {
			if ((q = memchr(p + 1, '\n', (size_t)(e - p - 1))) ==
			    NULL)
				break;
			l.p = p + 1;
			l.n = (size_t)(q - l.p);
			found = logread_time(l, &t) == 0;
		}
		if (found && t < target)
			lo = mid - 1 + (l.p - buf);
		else
			hi = mid;
	}
	return lo;
}

/* logread_kind: which magic the file starts with (logread.h) */
int
logread_kind(int fd)
{
	unsigned char m[4];

	if (pread(fd, m, sizeof(m), 0) != sizeof(m))
		return LOGREAD_PLAIN;
	if (m[0] == 0x1f && m[1] == 0x8b)
		return LOGREAD_GZIP;
	if (m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
		return LOGREAD_ZSTD;
	if ((m[0] == 'B' && m[1] == 'Z' && m[2] == 'h') ||
	    (m[0] == 0xfd && m[1] == '7' && m[2] == 'z' && m[3] == 'X'))
		return LOGREAD_OTHER;
	return LOGREAD_PLAIN;
}

/*
 * keeprecs: the records of the blocks of [q->first, q->cut) that sel
 * skips, cut by the runs read (logread_records)
 */
static void
keeprecs(struct logread *in, const struct zidx *x, const struct zquery *q,
    const unsigned char *sel)
{
	size_t i, j, k, len = 0, cap = 0, *rs;
	const struct zrec *r;
	char *p;

	if ((rs = calloc(in->nrun + 1, sizeof(*rs))) == NULL ||
	    (in->gap = calloc(in->nrun + 2, sizeof(*in->gap))) == NULL)
		die(EXIT_TROUBLE, "out of memory:");
	for (i = 0, k = 0; i < x->n; i++)	/* the first block of each run */
		if (sel[i] == ZSEL_READ && (i == 0 || sel[i - 1] != ZSEL_READ))
			rs[k++] = i;
	for (k = 0, j = 0; k <= in->nrun; k++) {
		in->gap[k] = len;
		for (; j < x->nrec && (k == in->nrun || x->rec[j].blk < rs[k]);
		    j++) {
			r = &x->rec[j];
			if (r->blk < q->first || r->blk >= q->cut ||
			    sel[r->blk] == ZSEL_READ ||
			    (r->extra && sel[r->blk] != ZSEL_NEAR))
				continue;
			if (cap - len < r->n + 1) {
				cap = (len + r->n + 1) * 2;
				if ((p = realloc(in->rectext, cap)) == NULL)
					die(EXIT_TROUBLE, "out of memory:");
				in->rectext = p;
			}
			memcpy(in->rectext + len, r->p, r->n);
			in->rectext[len + r->n] = '\n';
			len += r->n + 1;
		}
	}
	in->gap[in->nrun + 1] = len;
	free(rs);
}

/* logread_records: the records to write before run k (see logread.h) */
struct span
logread_records(const struct logread *in, size_t k)
{
	struct span s = { "", 0 };

	if (in->rectext != NULL && k <= in->nrun) {
		s.p = in->rectext + in->gap[k];
		s.n = in->gap[k + 1] - in->gap[k];
	}
	return s;
}

/* runs: the blocks of x that sel chooses, one by one and as runs */
static void
runs(struct logread *in, const struct zidx *x, const unsigned char *sel)
{
	size_t i, k;

	in->run = xcalloc(x->n + 1, sizeof(*in->run));
	in->blk = xcalloc(x->n + 1, sizeof(*in->blk));
	in->nblock = x->n;
	for (i = 0, k = 0; i < x->n; i++) {
		struct logread_run *r = &in->run[in->nrun];

		if (sel[i] != ZSEL_READ)
			continue;
		in->blk[k].coff = x->b[i].coff;
		in->blk[k].clen = x->b[i].clen;
		in->blk[k].uoff = x->b[i].uoff;
		in->blk[k++].uend = x->b[i].uoff + x->b[i].ulen;
		if (in->nrun > 0 && i > 0 && sel[i - 1] == ZSEL_READ) {
			r[-1].clen += x->b[i].clen;
			r[-1].uend += x->b[i].ulen;
			continue;
		}
		r->coff = x->b[i].coff;
		r->clen = x->b[i].clen;
		r->uoff = x->b[i].uoff;
		r->uend = x->b[i].uoff + x->b[i].ulen;
		in->nrun++;
	}
}

/*
 * zselect: the runs of blocks of a compressed file to decompress, from its
 * index PATH.idx, in in->run (no index: in->nblock 0, the whole file).  A
 * stale or corrupt index is warned about and ignored.
 */
static void
zselect(struct logread *in, const char *path, int fd,
    const struct logread_opt *o)
{
	struct stat st;
	struct zidx x;
	struct zquery q;
	char idx[4096];
	unsigned char *sel;
	size_t i;
	int nr;

	if (o->all || fstat(fd, &st) < 0 ||
	    (size_t)snprintf(idx, sizeof(idx), "%s.idx", path) >= sizeof(idx) ||
	    access(idx, F_OK) < 0)
		return;
	if (o->idx != NULL && o->idx->zsize == (long long)st.st_size &&
	    o->idxdev == st.st_dev && o->idxino == st.st_ino) {
		x = *o->idx;	/* loaded by the caller, for this file */
		memset(o->idx, 0, sizeof(*o->idx));	/* now x's */
		o->idx->fd = -1;
		in->idxgiven = 1;
	} else if (zidx_load(&x, idx, (long long)st.st_size) < 0) {
		warn("%s: stale or corrupt index, reading the whole file", idx);
		return;
	}
	memset(&q, 0, sizeof(q));
	q.start = o->start;
	q.lo = o->lo;
	q.hi = o->hi;
	q.hasend = o->hasend;
	q.end = o->end;
	if ((q.haskey = o->key != NULL && o->key[0] != '\0'))
		q.fp = zidx_fp(o->key, strlen(o->key));
	if (o->recs && x.version < 4)
		q.haskey = 0;	/* no records to pass on for what it skips */
	if (q.haskey && zidx_key(&x, q.fp) < 0) {
		zidx_free(&x);
		warn("%s: stale or corrupt index, reading the whole file", idx);
		return;
	}
	/*
	 * Version 5: near blocks without the key are skipped too, when the
	 * caller passes on all their records (ctcat, for ctgrep --records
	 * -N KEY: those and the key's lines are all it keeps of a block).
	 */
	if (q.haskey && o->recs && q.hasend) {
		q.kh = zidx_hash(ZIDX_HASH0, o->key, strlen(o->key));
		if ((nr = zidx_near(&x, &q)) < 0) {
			zidx_free(&x);
			warn("%s: stale or corrupt index, reading the whole "
			    "file", idx);
			return;
		}
		q.filter = nr == 0;	/* 1: no filters to use */
	}
	sel = xmalloc(x.n + 1);
	in->nsel = zidx_select(&x, &q, sel);
	runs(in, &x, sel);
	in->toend = q.cut == x.n;
	for (i = x.n; i-- > 0;)
		if (x.b[i].hastime) {
			in->haslast = 1;
			in->tlast = x.b[i].tlast;
			break;
		}
	if (o->recs)
		keeprecs(in, &x, &q, sel);
	free(sel);
	zidx_free(&x);
}

/*
 * feed: in a child, write the members of blocks [b0, b1) of in->blk, read
 * from in->r.fd, to fd; its exit status
 */
static int
feed(struct logread *in, size_t b0, size_t b1, int fd)
{
	char buf[128 * 1024];
	long long off, end;
	size_t i, want;
	ssize_t k, w, n;

	for (i = b0; i < b1; i++)
		for (off = in->blk[i].coff, end = off + in->blk[i].clen;
		    off < end; off += k) {
			want = end - off < (long long)sizeof(buf) ?
			    (size_t)(end - off) : sizeof(buf);
			if ((k = pread(in->r.fd, buf, want, (off_t)off)) < 0 &&
			    errno == EINTR)
				k = 0;
			else if (k <= 0)
				return 1;	/* the child sees a cut member */
			for (w = 0; w < k; w += n)
				if ((n = write(fd, buf + w, (size_t)(k - w))) < 0) {
					if (errno != EINTR)
						return 1;
					n = 0;
				}
		}
	return 0;
}

/*
 * inflate: in a child, the gzip members of blocks [b0, b1) of in->blk,
 * read from in->r.fd, decompressed in the process (inflate.h) and
 * written to fd; its exit status.  A block's members must fill its
 * compressed length and give exactly its plain length (the index's),
 * each with its CRC-32 right; else the message names the file and the
 * member's offset, and the status is 1, as gzip's would be.  gzip -dc
 * inflates ~140 MB/s here and a trace needs a few blocks: in the process
 * there is no program to start, no feeder, and ~3x the speed.
 */
static int
inflate(struct logread *in, size_t b0, size_t b1, int fd)
{
	unsigned char *z = NULL, *u = NULL;
	size_t i, zn, un, at, done;
	int e;

	for (i = b0; i < b1; i++) {
		zn = (size_t)in->blk[i].clen;
		un = (size_t)(in->blk[i].uend - in->blk[i].uoff);
		z = xreallocarray(z, zn, 1);
		u = xreallocarray(u, un, 1);
		if (preadall(in->r.fd, z, zn, (off_t)in->blk[i].coff) < 0) {
			warn("%s: cannot read the member at offset %lld",
			    in->r.name, in->blk[i].coff);
			return 1;
		}
		if ((e = gz_members(z, zn, u, un, &at)) != GZ_OK) {
			if (e == GZ_ESHORT)
				at = 0;	/* the block's members, from its first */
			warn("%s: the member at offset %lld: %s", in->r.name,
			    in->blk[i].coff + (long long)at, gz_strerror(e));
			return 1;
		}
		if (writeall(fd, u, un, &done) < 0)
			return 1;
	}
	return 0;
}

/*
 * decomp: a child decompressing blocks [b0, b1) to out: "PROG -dc" fed
 * them by a feeder process (*feeder), or, argv NULL, a gzip file's
 * inflated in a child of our own (inflate; *feeder 0); the child's pid,
 * or -1.  The feeder and the inflater close out (theirs) and shut (the
 * read end of out's pipe, or -1): if they held that open, a reader that
 * stops early would leave a child blocked in a write instead of killed
 * by SIGPIPE, and its own close waiting for it.  The inflater, like an
 * exec'd decompressor, has SIGPIPE at its default and unblocked.
 */
static pid_t
decomp(struct logread *in, char **argv, size_t b0, size_t b1, int out,
    int shut, pid_t *feeder)
{
	int fp[2];
	pid_t z;

	*feeder = 0;
	if (argv == NULL) {
		if ((z = proc_fork(PROC_INFLATER)) == 0) {
			if (shut >= 0)
				close(shut);
			proc_sigpipe();
			_exit(inflate(in, b0, b1, out));
		}
		return z;
	}

	if (pipe2(fp, O_CLOEXEC) < 0)
		return -1;
	if ((z = proc_spawn(argv, fp[0], out)) < 0 ||
	    (*feeder = proc_fork(PROC_FEEDER)) < 0) {
		close(fp[0]);
		close(fp[1]);
		if (z > 0)	/* its input ends: it does too */
			proc_ok(z);
		return -1;
	}
	if (*feeder == 0) {
		close(fp[0]);
		close(out);
		if (shut >= 0)
			close(shut);
		_exit(feed(in, b0, b1, fp[1]));
	}
	close(fp[0]);
	close(fp[1]);
	return z;
}

/*
 * join: in a child, decompress the blocks chosen in np parts at once, the
 * first straight into out, the others each into a temporary file, and
 * then copy those to out in order; its exit status (0: every part was
 * decompressed and written).  gzip -dc inflates ~120 MB/s on one CPU: a
 * trace on a busy day reads ~100 MB near its time, so the CPUs that the
 * pipeline after cttime leaves idle shorten it (measured: README).
 * SIGPIPE is blocked in this process (its own: the caller's disposition
 * and mask are untouched): a reader gone is then a write error (EPIPE),
 * after which it stops the decompressors still running and reaps them all,
 * where the signal would kill it and leave them to run on.  The pending
 * signal goes with the process at _exit; proc_spawn unblocks it in the
 * decompressors, which a reader gone must stop.
 */
static int
join(struct logread *in, char **argv, size_t np, int out)
{
	pid_t z[LOGREAD_ZPARTS], f[LOGREAD_ZPARTS];
	int tmp[LOGREAD_ZPARTS], ok = 1;
	size_t p, b0 = 0, b1 = 0;
	long long total = 0, acc = 0;
	sigset_t pipe;

	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe, NULL);
	for (p = 0; p < in->nsel; p++)
		total += in->blk[p].clen;
	for (p = 0; p < np; p++) {
		/* about 1/np of the compressed bytes each, whole blocks */
		while (b1 < in->nsel - (np - 1 - p) && (b1 == b0 ||
		    p == np - 1 || acc + in->blk[b1].clen / 2 <=
		    total / (long long)np * (long long)(p + 1)))
			acc += in->blk[b1++].clen;
		if ((tmp[p] = p == 0 ? out : tmpfd(NULL)) < 0 ||
		    (z[p] = decomp(in, argv, b0, b1, tmp[p], -1, &f[p])) < 0) {
			warn("%s: decompressing:", in->r.name);
			np = p;
			ok = 0;
			break;
		}
		b0 = b1;
	}
	for (p = 0; p < np; p++) {
		if (ok && !(proc_ok(z[p]) &&
		    (p == 0 || tmpfd_copy(tmp[p], out) >= 0))) {
			ok = 0;		/* the decompressors after p */
			proc_kill(PROC_PROGRAM | PROC_INFLATER, SIGTERM);
		} else if (!ok)
			proc_ok(z[p]);
		if (f[p] > 0)
			proc_ok(f[p]);
		if (p > 0)
			close(tmp[p]);
	}
	return ok ? 0 : 1;
}

/*
 * zblocks: start what decompresses the chosen blocks (csum compressed
 * bytes; tail: they run to the end of the file) into pipe pp (argv
 * NULL: our inflater): one child, or, when they are many and not to the
 * end of the file (a part but the first waits in a temporary file: not
 * most of a day), a joiner running up to LOGREAD_ZPARTS at once, one a
 * CPU; 0, or -1
 */
static int
zblocks(struct logread *in, char **argv, int pp[2], long long csum, int tail)
{
	long np = 1;
#ifdef CT_TESTHOOKS
	const char *e;
#endif

	if (csum >= ZPARTMIN && !tail)
		np = sysconf(_SC_NPROCESSORS_ONLN);
#ifdef CT_TESTHOOKS	/* the test build's: see logread.h */
	if ((e = getenv("CTTIME_ZPARTS")) != NULL)
		np = atol(e);
#endif
	np = np < 1 ? 1 : np > LOGREAD_ZPARTS ? LOGREAD_ZPARTS : np;
	if (np > (long)in->nsel)
		np = (long)in->nsel;
	if (np == 1)
		in->zpid = decomp(in, argv, 0, in->nsel, pp[1], pp[0],
		    &in->feedpid);
	else if ((in->zpid = proc_fork(PROC_JOINER)) == 0) {
		close(pp[0]);
		_exit(join(in, argv, (size_t)np, pp[1]));
	}
	return in->zpid < 0 ? -1 : 0;
}

/*
 * zopen: read the compressed file of in through a child that stops
 * (SIGPIPE) when the reader has read enough.  Without an index (or a zstd
 * file's blocks that run to its end) a "PROG -dc" whose standard input
 * is the file itself, from the first block chosen; else, the blocks
 * chosen, a gzip file's inflated by a child of our own, a zstd file's by
 * "zstd -dc" fed by a feeder process, the members one after the other;
 * and when they are many, a joiner runs several at once (zblocks).
 */
static int
zopen(struct logread *in, int kind, const struct logread_opt *o)
{
	char *gz[] = { "gzip", "-dc", NULL }, *zs[] = { "zstd", "-q", "-dc",
	    NULL }, **argv = kind == LOGREAD_GZIP ? gz : zs;
	int pp[2], itself = 0, tail;
	long long coff = 0, csum = 0;
	size_t i;

	zselect(in, in->r.name, in->r.fd, o);
	if (pipe2(pp, O_CLOEXEC) < 0) {
		pp[0] = pp[1] = -1;
		goto fail;
	}
	/*
	 * Room for a whole block in the pipe (Linux; else, or beyond the
	 * user's pipe pages, the default 64 KiB): the decompressor inflates
	 * the next block while the reader still reads this one.
	 */
	(void)fcntl(pp[1], F_SETPIPE_SZ, LOGREAD_PIPE);
	if (in->nblock > 0 && in->nsel == 0) {	/* no block can matter */
		close(pp[1]);
		goto done;
	}
	if (in->nrun > 0)
		coff = in->run[0].coff;
	for (i = 0; i < in->nsel; i++)
		csum += in->blk[i].clen;
	tail = in->nrun == 1 && coff + csum >= lseek(in->r.fd, 0, SEEK_END);
	if (in->nrun == 0 || (tail && kind != LOGREAD_GZIP)) {
		/* the whole file, or to its end: the child reads it itself */
		if (lseek(in->r.fd, (off_t)coff, SEEK_SET) < 0 ||
		    (in->zpid = proc_spawn(argv, in->r.fd, pp[1])) < 0)
			goto fail;
		itself = 1;
	} else {
		if (kind == LOGREAD_GZIP) {	/* inflated in the process */
			argv = NULL;
			in->zself = 1;
		}
		if (zblocks(in, argv, pp, csum, tail) < 0)
			goto fail;
	}
	close(pp[1]);
done:
	if (itself)	/* kept: its offset is the child's (logread_pos) */
		in->zin = in->r.fd;
	else
		close(in->r.fd);
	in->r.fd = pp[0];
	in->r.regular = 0;
	in->zprog = kind == LOGREAD_GZIP ? "gzip" : "zstd";
	in->off = in->nrun > 0 ? in->run[0].uoff : 0;
	in->lineknown = in->off == 0 && in->nrun <= 1;
	return 0;
fail:
	warn("%s:", in->r.name);
	if (pp[0] >= 0) {
		close(pp[0]);
		close(pp[1]);
	}
	free(in->run);
	free(in->blk);
	free(in->rectext);
	free(in->gap);
	in->run = in->blk = NULL;
	in->rectext = NULL;
	in->gap = NULL;
	return -1;
}

/* logread_advance: the line of n bytes just read; past a run, the next one */
void
logread_advance(struct logread *in, size_t n)
{
	in->lineoff = in->off;
	in->off += (long long)n + 1;
	if (in->irun + 1 < in->nrun && in->off >= in->run[in->irun].uend)
		in->off = in->run[++in->irun].uoff;
}

/* lopen: logread_open but for the index handed over */
static int
lopen(struct logread *in, const char *path, const struct logread_opt *o)
{
	struct stat st;
	long long start = 0;
	int kind;

	memset(in, 0, sizeof(*in));
	in->toend = 1;
	in->zin = -1;
	if (o->nofollow) {	/* a file of a log directory (logdir.h) */
		int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

		if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			if (fd >= 0)
				close(fd);
			warn(fd < 0 ? "%s:" : "%s: not a regular file", path);
			return -1;
		}
		rd_fdopen(&in->r, fd, path);
	} else if (rd_open(&in->r, path) < 0) {
		warn("%s:", path);
		return -1;
	}
	if (strcmp(path, "-") == 0)
		in->r.name = "stdin";
	in->r.maxline = o->maxline;
	if (o->out != NULL) {	/* flush before a read that may block */
		in->r.idle = wr_idle;
		in->r.idlearg = o->out;
	}
	if (in->r.regular && (kind = logread_kind(in->r.fd)) != LOGREAD_PLAIN) {
		if (kind != LOGREAD_OTHER && zopen(in, kind, o) == 0)
			return 0;
		if (kind == LOGREAD_OTHER)
			warn("%s: compressed: read it through bzcat, xzcat, "
			    "...", in->r.name);
		rd_close(&in->r);
		return -1;
	}
	if (in->r.regular && !o->all && fstat(in->r.fd, &st) == 0 &&
	    st.st_size > LOGREAD_NEAR)
		start = bisect(in, (long long)st.st_size, o->start);
	if (start > 0 && rd_seek(&in->r, start) < 0)
		start = 0;
	in->lineknown = start == 0;
	in->off = start;
	return 0;
}

/* logread_open: open path for reading, bisected when that pays; -1 on error */
int
logread_open(struct logread *in, const char *path, const struct logread_opt *o)
{
	int r = lopen(in, path, o);

	if (o->idx != NULL) {	/* emptied if zselect took it over */
		zidx_free(o->idx);
		free(o->idx);
	}
	return r;
}

long long
logread_pos(const struct logread *in)
{
	size_t lo = 0, hi = in->nsel, mid;
	off_t p;

	if (in->zin >= 0 && (p = lseek(in->zin, 0, SEEK_CUR)) >= 0)
		return (long long)p;
	if (in->nsel > 0) {	/* the block of the next line */
		while (hi - lo > 1) {
			mid = lo + (hi - lo) / 2;
			if (in->blk[mid].uoff <= in->off)
				lo = mid;
			else
				hi = mid;
		}
		return in->blk[lo].coff;
	}
	return in->zprog != NULL ? 0 : in->off;
}

/* logread_close: -1 if a decompressing child failed before the end */
int
logread_close(struct logread *in)
{
	int eof = in->r.eof, r = 0;

#ifdef CT_TESTHOOKS	/* the test build's: see logread.h */
	if (getenv("CTTIME_DEBUG") != NULL) {
		warn("debug: %s: %llu bytes read", in->r.name,
		    in->r.nread + in->probed);
		if (in->nblock > 0) {
			warn("debug: %s: %zu of %zu blocks", in->r.name,
			    in->nsel, in->nblock);
			warn("debug: %s: index %s", in->r.name, in->idxgiven ?
			    "handed over" : "read");
		}
	}
#endif
	rd_close(&in->r);	/* a child still writing gets SIGPIPE */
	if (in->zin >= 0)
		close(in->zin);
	if (in->zpid > 0) {
		if (!proc_ok(in->zpid) && eof) {
			if (!in->zself)	/* the inflater said why */
				warn("%s: %s -dc failed", in->r.name,
				    in->zprog);
			r = -1;
		}
	}
	if (in->feedpid > 0)
		proc_ok(in->feedpid);	/* it stops with its reader */
	free(in->run);
	free(in->blk);
	free(in->rectext);
	free(in->gap);
	return r;
}
