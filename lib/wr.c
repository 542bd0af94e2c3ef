/* wr.c - see wr.h */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "wr.h"

int
writeall(int fd, const void *p, size_t n, size_t *done)
{
	const char *s = p;
	ssize_t k;

	*done = 0;
	while (*done < n) {
		k = write(fd, s + *done, n - *done);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (k == 0) {
			errno = ENOSPC;
			return -1;
		}
		*done += (size_t)k;
	}
	return 0;
}

static void
out(struct wr *w, const void *p, size_t n)
{
	size_t done;

	if (writeall(w->fd, p, n, &done) < 0) {
		if (errno == EPIPE)
			exit(EXIT_TROUBLE);
		die(EXIT_TROUBLE, "write error on %s:", w->name);
	}
}

void
wr_init(struct wr *w, int fd, const char *name)
{
	w->fd = fd;
	w->name = name;
	w->cap = WR_BUFSIZE;
	w->len = 0;
	w->buf = xmalloc(w->cap);
}

void
wr_flush(struct wr *w)
{
	if (w->len > 0)
		out(w, w->buf, w->len);
	w->len = 0;
}

void
wr_put(struct wr *w, const void *p, size_t n)
{
	if (n == 0)	/* p may be NULL then: memcpy(3) must not see it */
		return;
	if (w->len + n > w->cap) {
		wr_flush(w);
		if (n >= w->cap) {	/* big: skip the copy */
			out(w, p, n);
			return;
		}
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

void
wr_putc(struct wr *w, int c)
{
	if (w->len == w->cap)
		wr_flush(w);
	w->buf[w->len++] = (char)c;
}

int
wr_idle(void *w, int fd)
{
	(void)fd;
	wr_flush(w);
	return 0;
}

void
wr_free(struct wr *w)
{
	free(w->buf);
	w->buf = NULL;
}
