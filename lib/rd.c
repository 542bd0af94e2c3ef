/* rd.c - see rd.h */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
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
	r->buf = malloc(r->cap);
	if (r->buf == NULL)
		die(EXIT_TROUBLE, "out of memory:");
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

int
rd_map(struct rd *r)
{
	struct stat st;
	void *p;

	if (r->map != NULL || r->hi > 0 || fstat(r->fd, &st) < 0 ||
	    !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (unsigned long long)st.st_size > SIZE_MAX)
		return -1;
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, r->fd, 0);
	if (p == MAP_FAILED)
		return -1;
	/* the whole file from start to end: more read-ahead, freed behind */
	madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL);
	r->map = p;
	r->mapn = (size_t)st.st_size;
	r->mapoff = 0;
	return 0;
}

/* unmap: the mapping is used up: read what follows it, as usual */
static void
unmap(struct rd *r)
{
	munmap((void *)r->map, r->mapn);
	r->map = NULL;
	if (lseek(r->fd, (off_t)r->mapn, SEEK_SET) < 0)
		r->eof = 1;
}

/* maplines: the next span of the mapping, whole lines */
static void
maplines(struct rd *r, struct span *s)
{
	const char *p = r->map + r->mapoff, *nl;
	size_t n = r->mapn - r->mapoff;

	if (n > RD_MAPCHUNK) {
		nl = memrchr(p, '\n', RD_MAPCHUNK);
		if (nl == NULL)		/* a line over RD_MAPCHUNK */
			nl = memchr(p + RD_MAPCHUNK, '\n', n - RD_MAPCHUNK);
		if (nl != NULL)
			n = (size_t)(nl + 1 - p);
	}
	s->p = p;
	s->n = n;
	r->mapoff += n;
	r->nread += n;
}

void
rd_close(struct rd *r)
{
	if (r->map != NULL)
		munmap((void *)r->map, r->mapn);
	r->map = NULL;
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
	if (r->map != NULL)
		r->mapoff = r->mapn;
}

int
rd_seek(struct rd *r, long long off)
{
	if (lseek(r->fd, (off_t)off, SEEK_SET) < 0)
		return -1;
	if (r->map != NULL)
		munmap((void *)r->map, r->mapn);
	r->map = NULL;
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
	if (r->map != NULL) {
		if (r->mapoff < r->mapn) {
			maplines(r, s);
			return 1;
		}
		unmap(r);
	}
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
			return 1;
		}
	}
}
