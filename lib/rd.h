/*
 * rd.h - read(2) input in big blocks, handed out as spans without copying.
 *
 * Contract:
 * - One struct rd per input.  Bytes are read with read(2) into one buffer
 *   (RD_BUFSIZE to start, doubled while a single line does not fit, so
 *   there is no line length limit unless maxline is set).
 * - rd_lines() hands out every complete line now buffered as ONE span that
 *   ends just after a '\n' (filters search the whole span, then find the
 *   enclosing line around a hit).  rd_line() hands out one line at a time,
 *   without its '\n'.  At end of input a last line without '\n' is handed
 *   out too.  NUL bytes are ordinary bytes.  Mixing the two calls is fine.
 * - A span stays valid until the next call on the same rd.
 * - Before a read(2) that may block (the input is not a regular file and
 *   poll(2) says nothing is ready), the idle hook is called: filters flush
 *   their output there, so they stay live in pipes without line buffering.
 *   The hook may wait itself; if it returns -1, the read is not done and the
 *   call returns -1 with errno EINTR (used for signal handling).
 * - Read errors return -1 with errno set (EINTR included); the buffer is left
 *   as it was, so the call can simply be repeated.
 */
#ifndef CT_RD_H
#define CT_RD_H

#include <stddef.h>
#include <sys/types.h>

#include "span.h"

#define RD_BUFSIZE (256 * 1024)	/* big reads; fits in L2 with room */

struct rd {
	int fd;
	const char *name;	/* for messages: path, or "(standard input)" */
	char *buf;
	size_t cap;		/* bytes allocated */
	size_t lo;		/* first byte not handed out yet */
	size_t hi;		/* end of the bytes read */
	size_t scan;		/* no '\n' in [lo, scan): resume search here */
	size_t maxline;		/* rd_line: 0, or cut lines longer than this */
	int eof;		/* read(2) returned 0, or rd_stop() */
	int regular;		/* fd is a regular file: reads never block */
	int skipping;		/* discarding the rest of a cut line */
	int nonl;		/* rd_line's last line had no '\n': it was
				   the tail of the input (or of what was read
				   before rd_stop: maybe half a line) */
	unsigned long long lineno;	/* number of the line rd_line returned */
	unsigned long long nread;	/* bytes read so far (tests, benchmarks) */
	int (*idle)(void *arg, int fd);	/* see above; NULL: none */
	void *idlearg;
};

/* rd_open: path "-" or NULL is standard input.  -1 with errno on failure. */
int rd_open(struct rd *r, const char *path);
void rd_fdopen(struct rd *r, int fd, const char *name);
void rd_close(struct rd *r);	/* closes the fd unless it is stdin */

/* rd_lines: 1 and a span of whole lines, 0 at end of input, -1 on error. */
int rd_lines(struct rd *r, struct span *s);

/*
 * rd_line: 1 and the next line without '\n'; 2 when the line was longer than
 * maxline (the span holds its first maxline bytes, the rest is skipped);
 * 0 at end of input; -1 on error.
 */
int rd_line(struct rd *r, struct span *s);

/* rd_stop: read nothing more; what is buffered is still handed out. */
void rd_stop(struct rd *r);

/*
 * rd_pending: bytes read but not handed out yet.  When the idle hook is
 * called they are the start of a line not finished yet (0: the input
 * holds no part of a line).
 */
size_t rd_pending(const struct rd *r);

/* rd_seek: drop the buffer and continue reading at byte offset off. */
int rd_seek(struct rd *r, long long off);

/*
 * preadall: n bytes at offset off of fd into p, by pread(2) until done
 * (EINTR retried); 0, or -1 on an error or when the file ends first.  The
 * reading twin of wr.h's writeall.
 */
int preadall(int fd, void *p, size_t n, off_t off);

#endif
