/* rd.c - see rd.h */
#define _GNU_SOURCE	/* memrchr: glibc and Linux */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "rd.h"

void
rd_fdopen(struct rd *r, int fd, const char *name)
{
	struct stat st;

	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->name = name;
	r->regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	r->cap = RD_BUFSIZE;
	r->buf = xmalloc(r->cap);
}

int
rd_open(struct rd *r, const char *path)
{
	int fd;

	if (path == NULL || strcmp(path, "-") == 0) {
		rd_fdopen(r, STDIN_FILENO, "(standard input)");
		return 0;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rd_fdopen(r, fd, path);
	return 0;
}

void
rd_close(struct rd *r)
{
	if (r->fd != STDIN_FILENO && r->fd >= 0)
		close(r->fd);
	free(r->buf);
	r->buf = NULL;
	r->fd = -1;
}

void
rd_stop(struct rd *r)
{
	r->eof = 1;
}

size_t
rd_pending(const struct rd *r)
{
	return r->hi - r->lo;
}

int
rd_seek(struct rd *r, long long off)
{
	if (lseek(r->fd, (off_t)off, SEEK_SET) < 0)
		return -1;
	r->lo = r->hi = r->scan = 0;
	r->eof = 0;
	r->skipping = 0;
	return 0;
}

/*
 * fill: read more bytes after buf[hi], first moving the unhanded tail to the
 * front (it is at most one partial line, so the copy is short) and growing
 * the buffer when the tail fills it.  Returns bytes read, 0 at EOF, -1.
 */
static long
fill(struct rd *r)
{
	ssize_t n;
	struct pollfd pfd;

	if (r->eof)
		return 0;
	if (r->lo > 0) {
		memmove(r->buf, r->buf + r->lo, r->hi - r->lo);
		r->hi -= r->lo;
		r->scan -= r->lo;
		r->lo = 0;
	}
	if (r->hi == r->cap) {
		char *nb = realloc(r->buf, r->cap * 2);

		if (nb == NULL)
			die(EXIT_TROUBLE, "%s: line too long for memory:",
			    r->name);
		r->buf = nb;
		r->cap *= 2;
	}
	if (!r->regular && r->idle != NULL) {
		pfd.fd = r->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 0) == 0 && r->idle(r->idlearg, r->fd) < 0) {
			errno = EINTR;
			return -1;
		}
	}
	n = read(r->fd, r->buf + r->hi, r->cap - r->hi);
	if (n < 0)
		return -1;
	if (n == 0)
		r->eof = 1;
	r->hi += (size_t)n;
	r->nread += (unsigned long long)n;
	return (long)n;
}

int
rd_lines(struct rd *r, struct span *s)
{
	const char *nl;
	long n;

	r->skipping = 0;
	for (;;) {
		if (r->hi > r->scan) {
			nl = memrchr(r->buf + r->scan, '\n', r->hi - r->scan);
			if (nl != NULL) {
				s->p = r->buf + r->lo;
				s->n = (size_t)(nl + 1 - s->p);
				r->lo = r->scan = (size_t)(nl + 1 - r->buf);
				return 1;
			}
			r->scan = r->hi;
		}
		if ((n = fill(r)) < 0)
			return -1;
		if (n == 0) {
			if (r->lo == r->hi)
				return 0;
			s->p = r->buf + r->lo;
			s->n = r->hi - r->lo;
			r->lo = r->scan = r->hi;
			return 1;
		}
	}
}

int
rd_line(struct rd *r, struct span *s)
{
	const char *nl;
	long n;
	int cut;

	r->nonl = 0;
	for (;;) {
		if (r->hi > r->scan) {
			nl = memchr(r->buf + r->scan, '\n', r->hi - r->scan);
			if (nl != NULL) {
				s->p = r->buf + r->lo;
				s->n = (size_t)(nl - s->p);
				r->lo = r->scan = (size_t)(nl + 1 - r->buf);
				if (r->skipping) {	/* tail of a cut line */
					r->skipping = 0;
					continue;
				}
				r->lineno++;
				if (r->maxline > 0 && s->n > r->maxline) {
					s->n = r->maxline;
					return 2;
				}
				return 1;
			}
			r->scan = r->hi;
		}
		if (r->maxline > 0 && r->hi - r->lo >= r->maxline) {
			/* Too long: hand out the head, drop the rest. */
			cut = !r->skipping;
			s->p = r->buf + r->lo;
			s->n = r->maxline;
			r->lo = r->scan = r->hi;
			if (cut) {
				r->skipping = 1;
				r->lineno++;
				return 2;
			}
		}
		if ((n = fill(r)) < 0)
			return -1;
		if (n == 0) {
			if (r->lo == r->hi) {
				r->skipping = 0;
				return 0;
			}
			s->p = r->buf + r->lo;
			s->n = r->hi - r->lo;
			r->lo = r->scan = r->hi;
			if (r->skipping) {
				r->skipping = 0;
				return 0;
			}
			r->lineno++;
			r->nonl = 1;
			return 1;
		}
	}
}

int
preadall(int fd, void *p, size_t n, off_t off)
{
	ssize_t k;

	for (; n > 0; n -= (size_t)k, off += k, p = (char *)p + k)
		if ((k = pread(fd, p, n, off)) <= 0) {
			if (k < 0 && errno == EINTR)
				k = 0;
			else
				return -1;
		}
	return 0;
}
