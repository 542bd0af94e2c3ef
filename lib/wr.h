/*
 * wr.h - buffered output for filters, written in big blocks with write(2).
 *
 * Contract: wr_put() appends to the buffer and writes it out when full;
 * wr_flush() writes everything.  Any write error is fatal for a filter:
 * the tool exits with EXIT_TROUBLE after one message naming the output,
 * except EPIPE (the reader went away, as with `| head`), which exits
 * quietly.  wr_idle() has the signature of rd's idle hook, so a filter
 * flushes exactly when its next read may block.
 */
#ifndef CT_WR_H
#define CT_WR_H

#include <stddef.h>

#define WR_BUFSIZE (128 * 1024)

struct wr {
	int fd;
	const char *name;	/* for messages */
	char *buf;
	size_t cap;
	size_t len;
};

void wr_init(struct wr *w, int fd, const char *name);
void wr_put(struct wr *w, const void *p, size_t n);
void wr_putc(struct wr *w, int c);
void wr_flush(struct wr *w);
int wr_idle(void *w, int fd);
void wr_free(struct wr *w);

/* writeall: write(2) until done; the bytes written are in *done. 0 or -1. */
int writeall(int fd, const void *p, size_t n, size_t *done);

#endif
