/*
 * logread.h - time-query input: open one log file for a question about a
 * time, reading as little of it as the answer allows.
 *
 * Contract:
 * - logread_open() opens a path ("-": standard input) for line reading
 *   through in->r (rd.h: rd_line), with lines cut at o->maxline and the
 *   writer o->out flushed before any read that may block.
 * - A plain regular file larger than LOGREAD_NEAR is bisected (unless o->all)
 *   to a line whose time is before o->start, and read from there: the log
 *   is in time order up to a skew, so the caller passes START-skew, and no
 *   line before that line can be at or after START.  Input that is not a
 *   regular file is read from where it is.
 * - A gzip or zstd file (by its magic) is read through a "gzip -dc" or
 *   "zstd -q -dc" child.  When ctzip(1) wrote an index FILE.idx beside it
 *   (zidx.h; o->idx when the caller has loaded it: used if the file
 *   opened is still the one it was loaded for, o->idxdev and o->idxino,
 *   of its size) and o->all is 0, zidx_select() chooses the blocks
 *   with START = o->start, the windows [o->lo, o->hi], the end o->end
 *   (when o->hasend), and, when o->key is set ("nat;natport"), the
 *   long-flow filter of that key; only those blocks are decompressed: a
 *   gzip file's by a child of our own (inflate.h: no program, no feeder,
 *   ~3x gzip's speed), each block's members checked against the index's
 *   lengths and their CRC-32; when they are many and do not run to the
 *   end of the file, by up to LOGREAD_ZPARTS children at once (a part
 *   but the first waits in a temporary file).  The choice is an
 *   optimisation: it must never change the
 *   caller's answer, so the caller keeps judging every line it reads as
 *   it would from the whole file.  A stale or corrupt index is warned
 *   about and the whole file is read.  bzip2 and xz files are refused.
 * - logread_advance() is called after each line rd_line() hands out; it keeps
 *   in->off and in->lineoff (the byte offsets in the plain text, for
 *   messages when in->lineknown is 0) and steps between runs of blocks
 *   (in->irun: the run of the next line).
 * - For a caller that passes the log on (o->recs: ctcat), the coverage
 *   records of the blocks skipped, from the first block chosen by time
 *   to the cut at END, are kept, from a version 4 index: logread_records(in,
 *   k) gives those to write before run k (k = in->nrun, when it is not
 *   0: after the last), as whole lines.  An index of an older version,
 *   which has no records, is then not filtered by key: only the blocks
 *   before the first and from the cut on are skipped (records there are
 *   out of the caller's range).  From a version 5 index, with o->key and
 *   o->hasend, the near blocks whose key filter says they hold no line of
 *   the key and that end before o->end are skipped too (zidx_select's
 *   ZSEL_NEAR), and all the records the index keeps of them are given
 *   (alive records too: what ctgrep --records -N KEY keeps of them).
 *   in->toend tells whether the end of the
 *   lines is the end of the file (no blocks cut at END); in->haslast and
 *   in->tlast give the time of the file's last line with one, from the
 *   index.  A caller that does not set o->recs gets the blocks it got
 *   before (cttime's answers do not change).
 * - logread_pos() says how far into the file the reading is (a progress
 *   line): of an indexed file, the compressed offset of the next line's
 *   block.
 * - logread_close() closes and reaps the children.
 * - The children (proc.h's table): the decompressor (PROC_PROGRAM, or
 *   PROC_INFLATER: ours), a feeder (PROC_FEEDER) or a joiner
 *   (PROC_JOINER), whose decompressors and feeders are its own; SIGPIPE
 *   as the caller has it, but in the decompressors, which a reader gone
 *   ends (the default, unblocked).
 * - Test hooks, only when compiled with CT_TESTHOOKS (t/cttime-hooks and
 *   t/ctcat-hooks; the installed tools have none): with the environment
 *   variable CTTIME_DEBUG set, logread_close() warns the bytes read (probes
 *   included) and the blocks read of the index's, "debug: FILE: N bytes
 *   read", "debug: FILE: N of M blocks", and "debug: FILE: index handed
 *   over" or "... index read" (o->idx used, or read here); CTTIME_ZPARTS
 *   forces the number of parallel decompressors (1 to LOGREAD_ZPARTS).
 * - Errors are warned through err.h, naming the file (the inflater: and
 *   the offset of the member that failed, and why); logread_open returns
 *   -1 (nothing is open), logread_close -1 when a decompressor failed
 *   before the end of its output.  Out of memory is fatal.
 * - logread_time() is the time of a log line as the bisection reads it:
 *   callers that judge lines by time use it too, so that they agree.
 */
#ifndef CT_LOGREAD_H
#define CT_LOGREAD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "rd.h"
#include "span.h"
#include "wr.h"

struct zidx;

#define LOGREAD_NEAR (64 * 1024)	/* bisect until the start is this near */
#define LOGREAD_ZPARTS 4		/* decompressors at once, at most */

struct logread_opt {
	int all;		/* read everything: no bisection, no index */
	int64_t start;		/* no earlier line matters (START-skew) */
	int64_t lo, hi;		/* the windows asked about, first to last */
	int hasend;		/* 1: the reader stops at its first line */
	int64_t end;		/* after END-skew (index: zidx_select) */
	const char *key;	/* "nat;natport": index filter; NULL or "" */
	int recs;		/* 1: keep the records of skipped blocks */
	int nofollow;		/* 1: a regular file, not a symbolic link */
	size_t maxline;		/* rd_line: cut longer lines */
	struct wr *out;		/* flushed before a read that may block;
				   NULL: nothing to flush */
	struct zidx *idx;	/* the file's index already loaded
				   (logdir_index), or NULL: logread_open
				   takes it over (uses or frees it); */
	dev_t idxdev;		/* it is the index of this file only */
	ino_t idxino;
};

/* adjacent blocks of a compressed file that are read */
struct logread_run {
	long long coff, clen;	/* their members */
	long long uoff, uend;	/* their text in the plain file */
};

/* one input file, with what messages need to name a line */
struct logread {
	struct rd r;
	int lineknown;		/* read from its start: r.lineno is right */
	long long off;		/* offset of the next line */
	long long lineoff;	/* offset of the current line */
	unsigned long long probed;	/* bytes read by bisection */
	pid_t zpid;		/* the decompressing child, or 0 */
	const char *zprog;	/* its name, for messages */
	int zself;		/* it is our own inflater (inflate.h) */
	pid_t feedpid;		/* the process feeding it blocks, or 0 */
	struct logread_run *run;	/* the runs of blocks read, or NULL */
	size_t nrun, irun;	/* how many, the one being read */
	struct logread_run *blk;	/* the blocks read, one by one */
	size_t nsel, nblock;	/* blocks read, blocks in the file */
	char *rectext;		/* o->recs: records of skipped blocks, */
	size_t *gap;		/* those before run k: [gap[k], gap[k+1]) */
	int toend;		/* the lines run to the end of the file */
	int haslast;		/* the index gives tlast: */
	int64_t tlast;		/* the time of the file's last timed line */
	int idxgiven;		/* the index was the caller's (o->idx) */
	int zin;		/* the compressed file, when its child reads
				   it itself (their offset is shared), or -1 */
};

int logread_open(struct logread *in, const char *path,
    const struct logread_opt *o);
void logread_advance(struct logread *in, size_t n);
int logread_close(struct logread *in);

/*
 * logread_pos: how far into the file (its bytes on disk) the reading is, for
 * a progress line: the offset of the child that reads a compressed file
 * itself, the start of the block of the next line (of the blocks read),
 * the offset of a plain file's next line; 0 when it cannot be told
 */
long long logread_pos(const struct logread *in);
struct span logread_records(const struct logread *in, size_t k);

/*
 * logread_kind: how logread_open reads the regular file fd, by its first bytes:
 * plain, through gzip, through zstd, or refused (bzip2, xz)
 */
enum { LOGREAD_PLAIN, LOGREAD_GZIP, LOGREAD_ZSTD, LOGREAD_OTHER };
int logread_kind(int fd);

/* logread_time: the time of a log line in *t: 0; a header line: 1; else -1 */
int logread_time(struct span l, int64_t *t);

#endif
