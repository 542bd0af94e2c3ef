/*
 * cttime - keep the log lines within a tolerance of a time.
 *
 *	grep -F ';203.0.113.7;40123;' day.csv | cttime -t '2026-11-27 10:06:49'
 *
 * The time of a complaint comes from someone else's clock: seconds off, in
 * some time zone.  cttime compares instants (never text) of the lines it is
 * given (a literal search, ctgrep or grep -F, found them), prints those
 * within -w seconds of -t (or the closest one, or the flows active then),
 * and stops reading as soon as the log is past the window.  The log is in
 * time order up to a skew (-k): conntrack's times can step back a little.
 * So:
 * - a line later than T+w+skew proves every later line is past T+w: stop
 *   (upstream of a pipe then gets SIGPIPE and the pipeline ends early);
 * - a line earlier than START-skew proves every line before it is earlier
 *   than START (the first instant that matters): a regular file is bisected
 *   for such a line and read from there.
 * Several files are read as one stream (yesterday's and today's logs).
 * A gzip or zstd file is read through a "gzip -dc" or "zstd -dc" child.
 * When ctzip(1) made it, its index (zidx.h) names the first block that
 * can hold a line from START-skew on: the child is started at that
 * block's offset, and the lines are read as from a bisected plain file.
 * With -n (the flows of one NAT key: cttrace), an index of version 2 also
 * tells which far blocks can matter to that key (zidx_select): only the
 * blocks chosen are fed to the child, by a feeder process that preads
 * them (concatenated members are one gzip or zstd stream), and reading
 * ends after the last of them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"
#include "err.h"
#include "proc.h"
#include "flow.h"
#include "rd.h"
#include "tm.h"
#include "wr.h"
#include "zidx.h"

#define VERSION "cttime 1.0"
#define MAXLINE (64 * 1024)	/* log lines are < 512 bytes: longer is junk */
#define PROBE 4096		/* bytes read by one bisection probe */
#define NEAR (64 * 1024)	/* bisect until the start is this near */
#define WARNMAX 100		/* warnings about lines before going quiet */
#define MAXSEC 1000000000LL	/* bound of -w, -k, -A: no overflow */
#define MAXTIME (100000000000LL * TM_USEC)	/* |T| bound, year ~5000 */
#define ZPARTS 4		/* decompressors at once, at most */
#define ZPARTMIN (4LL * 1024 * 1024)	/* compressed bytes worth two */
#define USAGE "usage: cttime {-t time | -f queries} [-cu] [-k skew] " \
	"[-p proto] [-D dst[:port]] [-n natip:port] [-w seconds] " \
	"[-1 | -a [-P] [-A maxage] [-R readon]] [file ...]\n"

static int64_t tflag;		/* -t time: the instant asked about */
static int64_t wflag = 10 * TM_USEC;	/* -w seconds: tolerance */
static int64_t kflag = 60 * TM_USEC;	/* -k skew: how far times step back */
static int64_t Aflag = 86400 * TM_USEC;	/* -A maxage: oldest flow start */
static int uflag;		/* -u: unsorted: read everything */
static int cflag;		/* -c: every line from where reading starts */
static int oneflag;		/* -1: the closest line only */
static int aflag;		/* -a: flows active in the window */
static int Pflag;		/* -P: with -a, start and stop lines */
static const char *pflag;	/* -p proto: this protocol only */
static char Dhost[INET6_ADDRSTRLEN];	/* -D dst[:port]: this destination, */
static const char *Dport;	/* as conntrack writes it, and port */
static char Nkey[INET6_ADDRSTRLEN + 8];	/* -n natip:port: "nat;natport" */

static const char *fflag;	/* -f queries: many questions, one pass */
static int64_t Rflag = -1;	/* -R readon: -P's reading on; -1: maxage */

static int64_t from;		/* first instant any query needs */
static int64_t wlo, whi;	/* the windows of all queries, from first to last */
static unsigned long nwarn;

/* the line closest to T so far, for -1 */
struct best {
	char *line;		/* a copy, NULL: none yet */
	size_t n, cap;
	int64_t t, d;		/* its time, its distance from T */
};

/*
 * One question: "what is near T" (-t), or with -f, "what is near T for
 * the NAT address and port KEY".  A query sees only the lines of its key,
 * in input order, and does with them exactly what cttime -t does with
 * the lines ctgrep -N KEY passes it: so one pass over a day answers a
 * batch of complaints, each as if it had been asked alone.
 */
struct query {
	struct query *hnext;	/* -f: the next query in its hash bucket */
	unsigned long lineno;	/* -f: its line in the query file */
	char key[INET6_ADDRSTRLEN + 8];	/* -f: "nat;natport", as logged */
	size_t keyn;
	uint64_t hash;
	int64_t t;		/* the instant asked about */
	int64_t wlo, whi;	/* the window [T-w, T+w] */
	int64_t from;		/* first instant that matters: wlo, -a: wlo-A */
	int more;		/* 0: past the window, only stops matter */
	int done;		/* nothing more can change the answer */
	int found;
	int ftinit;		/* ft made (lazily: -f may have many queries) */
	struct flowtab ft;	/* -a: the flows */
	struct best best;	/* -1: the closest line */
	char *buf;		/* its lines, kept to print in query order */
	size_t n, cap;
};

static struct query *qs;	/* the queries, in the order asked */
static size_t nq, ndone;
static struct query **qtab;	/* -f: by key hash; size qmask + 1 */
static size_t qmask;

/* one input file, with what messages need to name a line */
struct input {
	struct rd r;
	int lineknown;		/* read from its start: r.lineno is right */
	long long off;		/* offset of the next line */
	long long lineoff;	/* offset of the current line */
	unsigned long long probed;	/* bytes read by bisection */
	pid_t zpid;		/* the decompressing child, or 0 */
	const char *zprog;	/* its name, for messages */
	pid_t feedpid;		/* the process feeding it blocks, or 0 */
	struct zrun *run;	/* the runs of blocks read (-n), or NULL */
	size_t nrun, irun;	/* how many, the one being read */
	struct zrun *blk;	/* the blocks read, one by one */
	size_t nsel, nblock;	/* blocks read, blocks in the file */
};

/* adjacent blocks of a compressed file that are read */
struct zrun {
	long long coff, clen;	/* their members */
	long long uoff, uend;	/* their text in the plain file */
};

static _Noreturn void
usage(void)
{
	fputs(USAGE, stderr);
	exit(EXIT_TROUBLE);
}

/* secarg: "SECONDS[.fraction]" of option c as microseconds */
static int64_t
secarg(int c, const char *s)
{
	int64_t v = 0, f = 0;
	int k = 0;
	const char *p = s;

	for (; *p >= '0' && *p <= '9' && v <= MAXSEC; p++)
		v = v * 10 + (*p - '0');
	if (p == s || v > MAXSEC)
		goto bad;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, k++)
			if (k < 6)
				f = f * 10 + (*p - '0');
	for (; k < 6; k++)
		f *= 10;
	if (*p == '\0')
		return v * TM_USEC + f;
bad:
	die(EXIT_TROUBLE, "-%c %s: not a number of seconds (0 to %lld)", c,
	    s, MAXSEC);
}

/* lwarn: a warning about the current line of in */
static void
lwarn(struct input *in, const char *what, struct span l)
{
	char b[52];
	size_t i, n = l.n < 48 ? l.n : 48;

	if (++nwarn > WARNMAX)
		return;
	for (i = 0; i < n; i++)
		b[i] = l.p[i] >= ' ' && l.p[i] < 127 ? l.p[i] : '?';
	strcpy(b + n, l.n > n ? "..." : "");
	if (in->lineknown)
		warn("%s:%llu: %s: %s", in->r.name, in->r.lineno, what, b);
	else
		warn("%s: line at byte %lld: %s: %s", in->r.name,
		    in->lineoff, what, b);
	if (nwarn == WARNMAX)
		warn("further warnings about lines are left out");
}

/* timeof: the time of a log line (header: 1), or -1 */
static int
timeof(struct span l, int64_t *t)
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
bisect(struct input *in, long long sz, int64_t target)
{
	char buf[PROBE];
	long long lo = 0, hi = sz, mid;
	const char *p, *q, *e;
	struct span l;
	int64_t t;
	ssize_t n;
	int found;

	while (hi - lo > NEAR) {
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
			found = timeof(l, &t) == 0;
		}
		if (found && t < target)
			lo = mid - 1 + (l.p - buf);
		else
			hi = mid;
	}
	return lo;
}

enum { Z_NONE, Z_GZIP, Z_ZSTD, Z_OTHER };

/* compressed: which magic the file starts with */
static int
compressed(int fd)
{
	unsigned char m[4];

	if (pread(fd, m, sizeof(m), 0) != sizeof(m))
		return Z_NONE;
	if (m[0] == 0x1f && m[1] == 0x8b)
		return Z_GZIP;
	if (m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
		return Z_ZSTD;
	if ((m[0] == 'B' && m[1] == 'Z' && m[2] == 'h') ||
	    (m[0] == 0xfd && m[1] == '7' && m[2] == 'z' && m[3] == 'X'))
		return Z_OTHER;
	return Z_NONE;
}

/*
 * zselect: the runs of blocks of a compressed file to decompress, from its
 * index PATH.idx, in in->run (no index: in->nblock 0, the whole file).  A
 * stale or corrupt index is warned about and ignored.
 */
static void
zselect(struct input *in, const char *path, int fd)
{
	struct stat st;
	struct zidx x;
	struct zquery q;
	char idx[4096];
	unsigned char *sel;
	size_t i, k;

	if (uflag || fstat(fd, &st) < 0 ||
	    (size_t)snprintf(idx, sizeof(idx), "%s.idx", path) >= sizeof(idx) ||
	    access(idx, F_OK) < 0)
		return;
	if (zidx_load(&x, idx, (long long)st.st_size) < 0) {
		warn("%s: stale or corrupt index, reading the whole file", idx);
		return;
	}
	memset(&q, 0, sizeof(q));
	q.start = from - kflag;
	q.lo = wlo;
	q.hi = whi;
	if ((q.haskey = Nkey[0] != '\0'))
		q.fp = zidx_fp(Nkey, strlen(Nkey));
	if ((sel = malloc(x.n + 1)) == NULL ||
	    (in->run = calloc(x.n + 1, sizeof(*in->run))) == NULL ||
	    (in->blk = calloc(x.n + 1, sizeof(*in->blk))) == NULL)
		die(EXIT_TROUBLE, "out of memory:");
	in->nsel = zidx_select(&x, &q, sel);
	in->nblock = x.n;
	for (i = 0, k = 0; i < x.n; i++) {
		struct zrun *r = &in->run[in->nrun];

		if (!sel[i])
			continue;
		in->blk[k].coff = x.b[i].coff;
		in->blk[k].clen = x.b[i].clen;
		in->blk[k].uoff = x.b[i].uoff;
		in->blk[k++].uend = x.b[i].uoff + x.b[i].ulen;
		if (in->nrun > 0 && i > 0 && sel[i - 1]) {
			r[-1].clen += x.b[i].clen;
			r[-1].uend += x.b[i].ulen;
			continue;
		}
		r->coff = x.b[i].coff;
		r->clen = x.b[i].clen;
		r->uoff = x.b[i].uoff;
		r->uend = x.b[i].uoff + x.b[i].ulen;
		in->nrun++;
	}
	free(sel);
	zidx_free(&x);
}

/*
 * feed: in a child, write the members of blocks [b0, b1) of in->blk, read
 * from in->r.fd, to fd; its exit status
 */
static int
feed(struct input *in, size_t b0, size_t b1, int fd)
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
 * decomp: a child "PROG -dc" writing to out, fed blocks [b0, b1) by a
 * feeder process (*feeder); the child's pid, or -1
 */
static pid_t
decomp(struct input *in, char **argv, size_t b0, size_t b1, int out,
    pid_t *feeder)
{
	int fp[2];
	pid_t z;

	if (pipe2(fp, O_CLOEXEC) < 0)
		return -1;
	if ((z = proc_spawn(argv, fp[0], out)) < 0 ||
	    (*feeder = fork()) < 0) {
		close(fp[0]);
		close(fp[1]);
		return -1;
	}
	if (*feeder == 0) {
		close(fp[0]);
		_exit(feed(in, b0, b1, fp[1]));
	}
	close(fp[0]);
	close(fp[1]);
	return z;
}

/* tmpfd: an unnamed temporary file (gone when closed), or -1 */
static int
tmpfd(void)
{
	const char *dir = getenv("TMPDIR");
	char t[4096];
	int fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	if ((fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) >= 0)
		return fd;
	if ((size_t)snprintf(t, sizeof(t), "%s/cttime.XXXXXX", dir) >=
	    sizeof(t))
		return -1;
	if ((fd = mkstemp(t)) >= 0) {
		unlink(t);
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	return fd;
}

/* copyall: the whole of fd, from its start, to out; 0 or -1 */
static int
copyall(int fd, int out)
{
	char buf[128 * 1024];
	ssize_t k, w, n;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	while ((k = read(fd, buf, sizeof(buf))) != 0) {
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (w = 0; w < k; w += n)
			if ((n = write(out, buf + w, (size_t)(k - w))) < 0) {
				if (errno != EINTR)
					return -1;
				n = 0;
			}
	}
	return 0;
}

/*
 * join: in a child, decompress the blocks chosen in np parts at once, the
 * first straight into out, the others each into a temporary file, and
 * then copy those to out in order; its exit status (0: every part was
 * decompressed and written).  gzip -dc inflates ~120 MB/s on one CPU: a
 * trace on a busy day reads ~100 MB near its time, so the CPUs that the
 * pipeline after cttime leaves idle shorten it (measured: README).
 */
static int
join(struct input *in, char **argv, size_t np, int out)
{
	pid_t z[ZPARTS], f[ZPARTS];
	int tmp[ZPARTS], ok = 1;
	size_t p, q, b0 = 0, b1 = 0;
	long long total = 0, acc = 0;

	signal(SIGPIPE, SIG_IGN);	/* a reader gone: a write error */
	for (p = 0; p < in->nsel; p++)
		total += in->blk[p].clen;
	for (p = 0; p < np; p++) {
		/* about 1/np of the compressed bytes each, whole blocks */
		while (b1 < in->nsel - (np - 1 - p) && (b1 == b0 ||
		    p == np - 1 || acc + in->blk[b1].clen / 2 <=
		    total / (long long)np * (long long)(p + 1)))
			acc += in->blk[b1++].clen;
		if ((tmp[p] = p == 0 ? out : tmpfd()) < 0 ||
		    (z[p] = decomp(in, argv, b0, b1, tmp[p], &f[p])) < 0) {
			warn("%s: decompressing:", in->r.name);
			np = p;
			ok = 0;
			break;
		}
		b0 = b1;
	}
	for (p = 0; p < np; p++) {
		if (ok && !(proc_ok(z[p]) && (p == 0 || copyall(tmp[p], out) ==
		    0))) {
			ok = 0;
			for (q = p + 1; q < np; q++)
				kill(z[q], SIGTERM);
		} else if (!ok)
			proc_ok(z[p]);
		proc_ok(f[p]);
		if (p > 0)
			close(tmp[p]);
	}
	return ok ? 0 : 1;
}

/*
 * zopen: read the compressed file of in through a child "PROG -dc": the
 * child stops (SIGPIPE) when cttime has read enough.  Its standard input
 * is the file itself, from the first block chosen, when the blocks chosen
 * run to the end of the file; else a pipe from a feeder process that
 * writes the chosen members one after the other; and when they are many
 * (ZPARTMIN compressed bytes) and there are several CPUs, a joiner
 * process runs up to ZPARTS children at once on parts of them.
 */
static int
zopen(struct input *in, int kind)
{
	char *gz[] = { "gzip", "-dc", NULL }, *zs[] = { "zstd", "-q", "-dc",
	    NULL }, **argv = kind == Z_GZIP ? gz : zs;
	int pp[2];
	long long coff = 0, csum = 0;
	long np = 1;
	const char *e;
	size_t i;

	zselect(in, in->r.name, in->r.fd);
	if (pipe2(pp, O_CLOEXEC) < 0) {
		pp[0] = pp[1] = -1;
		goto fail;
	}
	if (in->nblock > 0 && in->nsel == 0) {	/* no block can matter */
		close(pp[1]);
		goto done;
	}
	if (in->nrun > 0)
		coff = in->run[0].coff;
	for (i = 0; i < in->nsel; i++)
		csum += in->blk[i].clen;
	if (in->nrun == 0 || (in->nrun == 1 && coff + csum >=
	    lseek(in->r.fd, 0, SEEK_END))) {
		/* to the end of the file: the child reads it itself */
		if (lseek(in->r.fd, (off_t)coff, SEEK_SET) < 0 ||
		    (in->zpid = proc_spawn(argv, in->r.fd, pp[1])) < 0)
			goto fail;
	} else {
		if (csum >= ZPARTMIN)
			np = sysconf(_SC_NPROCESSORS_ONLN);
		if ((e = getenv("CTTIME_ZPARTS")) != NULL)	/* test hook */
			np = atol(e);
		np = np < 1 ? 1 : np > ZPARTS ? ZPARTS : np;
		if (np > (long)in->nsel)
			np = (long)in->nsel;
		if (np == 1)
			in->zpid = decomp(in, argv, 0, in->nsel, pp[1],
			    &in->feedpid);
		else if ((in->zpid = fork()) == 0) {
			close(pp[0]);
			_exit(join(in, argv, (size_t)np, pp[1]));
		}
		if (in->zpid < 0)
			goto fail;
	}
	close(pp[1]);
done:
	close(in->r.fd);
	in->r.fd = pp[0];
	in->r.regular = 0;
	in->zprog = argv[0];
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
	in->run = in->blk = NULL;
	return -1;
}

/* in_advance: the line of n bytes just read; past a run, the next one */
static void
in_advance(struct input *in, size_t n)
{
	in->lineoff = in->off;
	in->off += (long long)n + 1;
	if (in->irun + 1 < in->nrun && in->off >= in->run[in->irun].uend)
		in->off = in->run[++in->irun].uoff;
}

/* in_open: open path for reading, bisected when that pays; -1 on error */
static int
in_open(struct input *in, const char *path, struct wr *out)
{
	struct stat st;
	long long start = 0;
	int kind;

	memset(in, 0, sizeof(*in));
	if (rd_open(&in->r, path) < 0) {
		warn("%s:", path);
		return -1;
	}
	if (strcmp(path, "-") == 0)
		in->r.name = "stdin";
	in->r.maxline = MAXLINE;
	in->r.idle = wr_idle;	/* flush before a read that may block */
	in->r.idlearg = out;
	if (in->r.regular && (kind = compressed(in->r.fd)) != Z_NONE) {
		if (kind != Z_OTHER && zopen(in, kind) == 0)
			return 0;
		if (kind == Z_OTHER)
			warn("%s: compressed: read it through bzcat, xzcat, "
			    "...", in->r.name);
		rd_close(&in->r);
		return -1;
	}
	if (in->r.regular && !uflag && fstat(in->r.fd, &st) == 0 &&
	    st.st_size > NEAR)
		start = bisect(in, (long long)st.st_size, from - kflag);
	if (start > 0 && rd_seek(&in->r, start) < 0)
		start = 0;
	in->lineknown = start == 0;
	in->off = start;
	return 0;
}

/* in_close: -1 if a decompressing child failed before the end */
static int
in_close(struct input *in)
{
	int eof = in->r.eof, r = 0;

	if (getenv("CTTIME_DEBUG") != NULL) {	/* test hook, see cttime(1) */
		warn("debug: %s: %llu bytes read", in->r.name,
		    in->r.nread + in->probed);
		if (in->nblock > 0)
			warn("debug: %s: %zu of %zu blocks", in->r.name,
			    in->nsel, in->nblock);
	}
	rd_close(&in->r);	/* a child still writing gets SIGPIPE */
	if (in->zpid > 0) {
		if (!proc_ok(in->zpid) && eof) {
			warn("%s: %s -dc failed", in->r.name, in->zprog);
			r = -1;
		}
	}
	if (in->feedpid > 0)
		proc_ok(in->feedpid);	/* it stops with its reader */
	free(in->run);
	free(in->blk);
	return r;
}

/* the line is of the protocol asked for (lost lines are of every one) */
static int
protook(const struct span *f)
{
	return pflag == NULL || (f[F_PROTO].n == strlen(pflag) &&
	    strncasecmp(f[F_PROTO].p, pflag, f[F_PROTO].n) == 0);
}

static int iseq(struct span, const char *);

/* the line goes to the destination asked for, if any */
static int
dstok(const struct span *f)
{
	return Dhost[0] == '\0' || (iseq(f[F_DST], Dhost) &&
	    (Dport == NULL || iseq(f[F_DPORT], Dport)));
}

/* the line's nat and natport fields are those asked for (-n) */
static int
natok(const struct span *f)
{
	size_t n = (size_t)(f[F_NATPORT].p + f[F_NATPORT].n - f[F_NAT].p);

	return n == strlen(Nkey) && memcmp(f[F_NAT].p, Nkey, n) == 0;
}

/*
 * ckeep: with -c -n, a line of the key or a lost line (the caller looks
 * for gaps in the window too); cheaper than the whole stream through a
 * pipe, as the blocks near the time hold ~100 MB on a busy day
 */
static int
ckeep(struct span l)
{
	struct span f[F_NFIELDS];

	return csv_split(l, f, F_NFIELDS) >= F_NFIELDS && (natok(f) ||
	    iseq(f[F_EVENT], "lost"));
}

/*
 * Nparse: -n natip:port or [v6addr]:port, kept as the log writes the nat
 * and natport fields, "nat;natport", the address as inet_ntop gives it
 * (as ctgrep -N does).
 */
static void
Nparse(char *arg)
{
	unsigned char a[16];
	char host[INET6_ADDRSTRLEN], *h = arg, *port, *e;
	int af = AF_INET;
	long v;

	if (*arg == '[') {
		h = arg + 1;
		if ((port = strchr(h, ']')) == NULL || port[1] != ':')
			die(EXIT_TROUBLE, "-n %s: expected [IPV6]:PORT", arg);
		*port = '\0';
		port += 2;
		af = AF_INET6;
	} else if ((port = strchr(arg, ':')) == NULL ||
	    strchr(port + 1, ':') != NULL)
		die(EXIT_TROUBLE, "-n %s: expected NATIP:PORT or [IPV6]:PORT",
		    arg);
	else
		*port++ = '\0';
	if (inet_pton(af, h, a) != 1 ||
	    inet_ntop(af, a, host, sizeof(host)) == NULL)
		die(EXIT_TROUBLE, "-n %s: bad IPv%d address", h,
		    af == AF_INET ? 4 : 6);
	v = strtol(port, &e, 10);
	if (*port < '0' || *port > '9' || *e != '\0' || v < 1 || v > 65535)
		die(EXIT_TROUBLE, "-n %s: bad port (1-65535)", port);
	snprintf(Nkey, sizeof(Nkey), "%s;%ld", host, v);
}

/*
 * Dparse: -D addr, addr:port, [v6addr] or [v6addr]:port, kept in the
 * form inet_ntop gives, the form of the log, so that 2001:DB8:0::1 finds
 * 2001:db8::1.
 */
static void
Dparse(char *arg)
{
	unsigned char a[16];
	char *host = arg, *port = NULL, *q;
	int af;

	if (*arg == '[') {
		host = arg + 1;
		if ((q = strchr(host, ']')) == NULL)
			die(EXIT_TROUBLE, "-D %s: missing ]", arg);
		*q++ = '\0';
		if (*q == ':')
			port = q + 1;
		else if (*q != '\0')
			die(EXIT_TROUBLE, "-D: bad destination");
	} else if ((q = strchr(arg, ':')) != NULL && strchr(q + 1, ':') == NULL) {
		*q = '\0';
		port = q + 1;
	}
	af = strchr(host, ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(af, host, a) != 1 ||
	    inet_ntop(af, a, Dhost, sizeof(Dhost)) == NULL)
		die(EXIT_TROUBLE, "-D %s: not an IPv4 or IPv6 address", host);
	if (port != NULL) {
		char *end;
		long v = strtol(port, &end, 10);

		if (*port < '0' || *port > '9' || *end != '\0' || v > 65535)
			die(EXIT_TROUBLE, "-D: %s: bad port", port);
		Dport = port;
	}
}

static int
iseq(struct span s, const char *lit)
{
	return s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0;
}

static void
putline(struct wr *out, const char *p, size_t n)
{
	wr_put(out, p, n);
	wr_putc(out, '\n');
}


static void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n > 0 ? n : 1)) == NULL)
		die(EXIT_TROUBLE, "out of memory:");
	return p;
}

/*
 * emit: a line of q's answer.  With -t it is printed at once (a live
 * pipe sees it at once); with -f it is kept, as the answers are printed
 * one query after the other, in the order asked.
 */
static void
emit(struct query *q, struct wr *out, const char *p, size_t n)
{
	q->found = 1;
	if (!fflag) {
		putline(out, p, n);
		return;
	}
	if (q->cap - q->n < n + 1) {
		q->cap = (q->n + n + 1) * 2;
		q->buf = xrealloc(q->buf, q->cap);
	}
	memcpy(q->buf + q->n, p, n);
	q->buf[q->n + n] = '\n';
	q->n += n + 1;
}

/*
 * flowline: a start or stop line for -a.  Flows are kept only if they can
 * be active in the window: started in [from, whi]; a stop with no start
 * seen (earlier than from) makes a flow if it is in [wlo, whi].  Flows
 * that end before wlo are dropped at once, so memory holds only the flows
 * open at the time read, plus the candidates.  After the window (more is
 * 0) stops are only matched to the flows kept.
 */
static void
flowline(struct query *q, const struct span *f, struct span l, int64_t t)
{
	struct flow *fl;

	if (!q->ftinit) {
		flow_init(&q->ft);
		q->ftinit = 1;
	}
	if (iseq(f[F_EVENT], "start")) {
		fl = flow_start(&q->ft, f, l, t,
		    q->more && t >= q->from && t <= q->whi);
		if (fl != NULL && fl->t1 < q->wlo)
			flow_drop(&q->ft, fl);
	} else if (iseq(f[F_EVENT], "stop")) {
		fl = flow_stop(&q->ft, f, l, t,
		    q->more && t >= q->wlo && t <= q->whi);
		if (fl != NULL && fl->t1 < q->wlo)
			flow_drop(&q->ft, fl);
	}
}

/* closest: keep l if it is closer; ties: the earlier time, then line */
static void
closest(struct query *q, struct span l, int64_t t)
{
	struct best *b = &q->best;
	int64_t d = t < q->t ? q->t - t : t - q->t;

	if (b->line != NULL && (d > b->d || (d == b->d && t >= b->t)))
		return;
	if (b->cap < l.n) {
		b->cap = l.n * 2 + 1;
		b->line = xrealloc(b->line, b->cap);
	}
	memcpy(b->line, l.p, l.n);
	b->n = l.n;
	b->t = t;
	b->d = d;
}

/*
 * past: the line at t is later than q's window plus the skew, so every
 * later line of the log is past the window.  Returns 1 when q is done:
 * with -a -P it reads on for the stop lines of the flows it holds, while
 * any is open, up to readon past the window.
 */
static int
past(struct query *q, int64_t t)
{
	if (uflag || t <= q->whi + kflag)
		return 0;
	q->more = 0;
	if (!Pflag || (q->ftinit ? q->ft.nopen : 0) == 0 ||
	    t > q->whi + Rflag + kflag) {
		q->done = 1;
		ndone++;
		return 1;
	}
	return 0;
}

/*
 * answer: what a line with fields f at t is to q, which wants it (its
 * key, or every line with -t).  The caller has checked past().
 */
static void
answer(struct query *q, struct wr *out, const struct span *f, struct span l,
    int64_t t)
{
	if (!aflag && (t < q->wlo || t > q->whi))
		return;
	if (iseq(f[F_EVENT], "lost")) {
		if (!oneflag && !aflag)
			emit(q, out, l.p, l.n);
		return;
	}
	if (!protook(f) || !dstok(f))
		return;
	if (aflag)
		flowline(q, f, l, t);
	else if (oneflag)
		closest(q, l, t);
	else
		emit(q, out, l.p, l.n);
}

/* qset: the instants of a query at t */
static void
qset(struct query *q, int64_t t)
{
	q->t = t;
	q->wlo = t - wflag;
	q->whi = t + wflag;
	q->from = aflag ? q->wlo - Aflag : q->wlo;
	q->more = 1;
}

static uint64_t
qhash(const char *p, size_t n)
{
	return zidx_hash(ZIDX_HASH0, p, n);
}

/*
 * qline: one line of a query file, "NATIP PORT TIME" (blanks between;
 * IPv6 with or without brackets; TIME as for -t, spaces allowed, up to
 * the end of the line).  0: a query in q; 1: a blank or # comment line;
 * -1: not a query, why says so.
 */
static int
qline(char *s, struct query *q, char *why, size_t whyn)
{
	unsigned char bin[16];
	char nat[INET6_ADDRSTRLEN], *a, *p, *e;
	unsigned long port;
	int64_t t;
	int af;

	s += strspn(s, " \t");
	for (e = s + strlen(s); e > s && strchr(" \t\r\n", e[-1]); e--)
		;
	*e = '\0';
	if (*s == '\0' || *s == '#')
		return 1;
	a = s;
	s += strcspn(s, " \t");
	if (*s == '\0') {
		snprintf(why, whyn, "expected NATIP PORT TIME");
		return -1;
	}
	*s++ = '\0';
	if (*a == '[' && (p = strchr(a, ']')) != NULL && p[1] == '\0') {
		*p = '\0';
		a++;
	}
	af = strchr(a, ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(af, a, bin) != 1 ||
	    inet_ntop(af, bin, nat, sizeof(nat)) == NULL) {
		snprintf(why, whyn, "%.64s: not an IPv4 or IPv6 address", a);
		return -1;
	}
	s += strspn(s, " \t");
	p = s;
	s += strcspn(s, " \t");
	if (*s == '\0' && p == s) {
		snprintf(why, whyn, "expected NATIP PORT TIME");
		return -1;
	}
	if (*s != '\0')
		*s++ = '\0';
	if (*p == '\0' || strspn(p, "0123456789") != strlen(p) ||
	    strlen(p) > 5 || (port = strtoul(p, NULL, 10)) < 1 ||
	    port > 65535) {
		snprintf(why, whyn, "%.16s: bad port (1-65535)", p);
		return -1;
	}
	s += strspn(s, " \t");
	if (*s == '\0') {
		snprintf(why, whyn, "no time after the port");
		return -1;
	}
	if (tm_parsearg(s, &t, why, whyn) < 0)
		return -1;
	if (t > MAXTIME || t < -MAXTIME) {
		snprintf(why, whyn, "%.64s: time out of range", s);
		return -1;
	}
	memset(q, 0, sizeof(*q));
	q->keyn = (size_t)snprintf(q->key, sizeof(q->key), "%s;%lu", nat,
	    port);
	q->hash = qhash(q->key, q->keyn);
	qset(q, t);
	return 0;
}

/*
 * qload: the queries of path, hashed by key.  A line that is not a
 * query is warned about (file and line) and left out; returns how many.
 */
static unsigned long
qload(const char *path)
{
	FILE *fp;
	char *line = NULL, why[256];
	size_t cap = 0, i, cq = 0;
	unsigned long lineno = 0, bad = 0;
	struct query q;
	int r;

	if ((fp = fopen(path, "r")) == NULL)
		die(EXIT_TROUBLE, "%s:", path);
	while (getline(&line, &cap, fp) != -1) {
		lineno++;
		if ((r = qline(line, &q, why, sizeof(why))) > 0)
			continue;
		if (r < 0) {
			warn("%s:%lu: %s", path, lineno, why);
			bad++;
			continue;
		}
		q.lineno = lineno;
		if (nq == cq)
			qs = xrealloc(qs, (cq = cq * 2 + 16) * sizeof(*qs));
		qs[nq++] = q;
	}
	if (ferror(fp))
		die(EXIT_TROUBLE, "%s:", path);
	fclose(fp);
	free(line);
	for (qmask = 15; qmask < nq * 2; qmask = qmask * 2 + 1)
		;
	qtab = xrealloc(NULL, (qmask + 1) * sizeof(*qtab));
	memset(qtab, 0, (qmask + 1) * sizeof(*qtab));
	for (i = nq; i-- > 0;) {	/* chains in the order asked */
		qs[i].hnext = qtab[qs[i].hash & qmask];
		qtab[qs[i].hash & qmask] = &qs[i];
	}
	return bad;
}

/* qfirst: the first query about the line's nat and natport, or NULL */
static struct query *
qfirst(const struct span *f, char *k, size_t *kn, uint64_t *h)
{
	struct query *q;

	if (f[F_NAT].n + f[F_NATPORT].n + 1 > INET6_ADDRSTRLEN + 8)
		return NULL;
	memcpy(k, f[F_NAT].p, f[F_NAT].n);
	k[f[F_NAT].n] = ';';
	memcpy(k + f[F_NAT].n + 1, f[F_NATPORT].p, f[F_NATPORT].n);
	*kn = f[F_NAT].n + 1 + f[F_NATPORT].n;
	*h = qhash(k, *kn);
	for (q = qtab[*h & qmask]; q != NULL; q = q->hnext)
		if (q->hash == *h && q->keyn == *kn &&
		    memcmp(q->key, k, *kn) == 0)
			return q;
	return NULL;
}

/* qnext: the next query after q with the same key */
static struct query *
qnext(struct query *q)
{
	struct query *r;

	for (r = q->hnext; r != NULL; r = r->hnext)
		if (r->hash == q->hash && r->keyn == q->keyn &&
		    memcmp(r->key, q->key, q->keyn) == 0)
			return r;
	return NULL;
}

/*
 * result: print q's answer.  With -f it is headed by a line
 *	#LINE NATIP PORT TIME EPOCH
 * (its line in the query file, the address as logged, the instant in
 * UTC and in seconds since the Epoch), even when it is empty.
 */
static void
result(struct query *q, struct wr *out)
{
	struct flow **rank;
	struct tmfmt tf;
	char hd[INET6_ADDRSTRLEN + 128], ts[TM_FMTMAX];
	const char *semi;
	size_t i, nrank;
	int64_t sec;

	if (fflag) {
		semi = memchr(q->key, ';', q->keyn);
		tm_fmtinit(&tf, 0);
		ts[tm_fmt(&tf, ts, q->t)] = '\0';
		sec = q->t >= 0 ? q->t / TM_USEC : -((-q->t + TM_USEC - 1) /
		    TM_USEC);
		wr_put(out, hd, (size_t)snprintf(hd, sizeof(hd),
		    "#%lu %.*s %s %s %lld\n", q->lineno, (int)(semi - q->key),
		    q->key, semi + 1, ts, (long long)sec));
		wr_put(out, q->buf, q->n);
	}
	if (oneflag && q->best.line != NULL) {
		putline(out, q->best.line, q->best.n);
		q->found = 1;
	}
	if (aflag && q->ftinit) {
		rank = flow_rank(&q->ft, q->t, &nrank);
		for (i = 0; i < nrank; i++) {
			if (rank[i]->flags & FL_START)
				putline(out, rank[i]->l0, rank[i]->n0);
			if (rank[i]->flags & FL_STOP &&
			    (Pflag || !(rank[i]->flags & FL_START)))
				putline(out, rank[i]->l1, rank[i]->n1);
			if (Pflag)
				wr_putc(out, '\n');
		}
		q->found = nrank > 0;
		free(rank);
		flow_free(&q->ft);
	}
	free(q->best.line);
	free(q->buf);
}

int
main(int argc, char *argv[])
{
	struct input in;
	struct wr out;
	struct query *q, one;
	struct span l, f[F_NFIELDS];
	char why[256], k[INET6_ADDRSTRLEN + 8];
	size_t i, kn;
	uint64_t h;
	int64_t t;
	int c, r, tset = 0, trouble = 0, found = 0, warned;
	int fi = 0;
	const char *path;

	err_init(argv[0]);
	while ((c = getopt(argc, argv, ":1aA:cD:f:hk:n:p:PR:t:uVw:")) != -1)
		switch (c) {
		case 'c':
			cflag = 1;
			break;
		case '1':
			oneflag = 1;
			break;
		case 'a':
			aflag = 1;
			break;
		case 'A':
			Aflag = secarg(c, optarg);
			break;
		case 'k':
			kflag = secarg(c, optarg);
			break;
		case 'p':
			pflag = optarg;
			break;
		case 'D':
			Dparse(optarg);
			break;
		case 'f':
			fflag = optarg;
			break;
		case 'n':
			Nparse(optarg);
			break;
		case 'P':
			Pflag = 1;
			break;
		case 'R':
			Rflag = secarg(c, optarg);
			break;
		case 't':
			if (tm_parsearg(optarg, &tflag, why, sizeof(why)) < 0)
				die(EXIT_TROUBLE, "%s", why);
			tset = 1;
			break;
		case 'u':
			uflag = 1;
			break;
		case 'w':
			wflag = secarg(c, optarg);
			break;
		case 'h':
			fputs(USAGE, stdout);
			return EXIT_MATCH;
		case 'V':
			puts(VERSION);
			return EXIT_MATCH;
		default:	/* a bad option, or one missing its argument */
			usage();
		}
	argc -= optind;
	argv += optind;
	if (tset == (fflag != NULL) || (oneflag && aflag) ||
	    (Pflag && !aflag) || (cflag && (oneflag || Pflag || fflag)) ||
	    (fflag && Nkey[0] != '\0'))
		usage();
	if (tset && (tflag > MAXTIME || tflag < -MAXTIME))
		die(EXIT_TROUBLE, "-t: time out of range");
	if (Rflag < 0)
		Rflag = Aflag;

	if (fflag) {
		if (qload(fflag) > 0)
			trouble = 1;
	} else {
		memset(&one, 0, sizeof(one));
		qset(&one, tflag);
		qs = &one;
		nq = 1;
	}
	from = nq > 0 ? qs[0].from : 0;
	wlo = nq > 0 ? qs[0].wlo : 0;
	whi = nq > 0 ? qs[0].whi : 0;
	for (i = 1; i < nq; i++) {
		from = qs[i].from < from ? qs[i].from : from;
		wlo = qs[i].wlo < wlo ? qs[i].wlo : wlo;
		whi = qs[i].whi > whi ? qs[i].whi : whi;
	}

	wr_init(&out, STDOUT_FILENO, "standard output");
	if (nq > 0) do {
		path = argc > 0 ? argv[fi] : "-";
		if (in_open(&in, path, &out) < 0) {
			trouble = 1;
			continue;
		}
		while (ndone < nq && (r = rd_line(&in.r, &l)) != 0) {
			in_advance(&in, l.n);
			if (r < 0) {
				warn("read error on %s:", in.r.name);
				trouble = 1;
				break;
			}
			if (r == 2) {
				lwarn(&in, "line too long", l);
				continue;
			}
			if (cflag) {	/* the caller filters: pass it on */
				if (Nkey[0] == '\0' || ckeep(l))
					emit(&qs[0], &out, l.p, l.n);
				continue;
			}
			if ((c = timeof(l, &t)) != 0) {
				if (c < 0)
					lwarn(&in, "bad time", l);
				continue;
			}
			if (!fflag) {	/* one query: every line is its */
				if (past(&qs[0], t))
					break;
				if (!aflag && (t < qs[0].wlo || t > qs[0].whi))
					continue;
			}
			if (csv_split(l, f, F_NFIELDS) < F_NFIELDS) {
				lwarn(&in, "not a log line (too few fields)",
				    l);
				continue;
			}
			if (Nkey[0] != '\0' && !natok(f))
				continue;
			if (iseq(f[F_EVENT], "lost")) {
				/* a gap in the log: every query's */
				for (i = 0, warned = 0; i < nq; i++) {
					q = &qs[i];
					if (q->done || (fflag && past(q, t)))
						continue;
					if (t >= q->from && t <= q->whi &&
					    q->more && !warned++)
						lwarn(&in, "the log lost events"
						    " here: a line may be "
						    "missing", l);
					answer(q, &out, f, l, t);
				}
				continue;
			}
			if (!fflag) {
				answer(&qs[0], &out, f, l, t);
				continue;
			}
			for (q = qfirst(f, k, &kn, &h); q != NULL;
			    q = qnext(q))
				if (!q->done && !past(q, t))
					answer(q, &out, f, l, t);
		}
		if (in_close(&in) < 0)
			trouble = 1;
	} while (ndone < nq && ++fi < argc);

	for (i = 0; i < nq; i++) {
		result(&qs[i], &out);
		found |= qs[i].found;
	}
	wr_flush(&out);
	wr_free(&out);
	if (fflag) {
		free(qs);
		free(qtab);
	}
	return trouble ? EXIT_TROUBLE : found ? EXIT_MATCH : EXIT_NOMATCH;
}
