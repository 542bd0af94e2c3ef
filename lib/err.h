/*
 * err.h - the one error helper family of the project.
 *
 * Every message goes to stderr as "PROG: message\n", PROG being the name set
 * by err_init() (the basename of argv[0]).  A format ending in ':' has
 * ": strerror(errno)" appended, so callers never format errno themselves.
 * <err.h> is a BSD/glibc extension, not C11, hence these.
 *
 * Exit statuses follow grep(1) and are shared by every tool.
 */
#ifndef CT_ERR_H
#define CT_ERR_H

#include <stddef.h>

enum exitstatus {
	EXIT_MATCH = 0,		/* something found / all went well */
	EXIT_NOMATCH = 1,	/* ran fine, nothing found */
	EXIT_TROUBLE = 2	/* usage, input or output error */
};

void err_init(const char *argv0);

/*
 * The allocation family: as malloc(3), calloc(3), realloc(3) (of n
 * elements of size bytes, the product checked for overflow) and
 * strdup(3), but out of memory is fatal (EXIT_TROUBLE, one message): the
 * tools have no use for half an answer.  A size of 0 allocates 1 byte,
 * so that a NULL is never an answer.
 */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);

const char *err_prog(void);

/*
 * err_hook: before is called before each message is written (NULL: none):
 * a progress line (progress.h) erases itself, so that a message starts a
 * line of its own
 */
void err_hook(void (*before)(void));

/*
 * err_excerpt: the head of p[0..n) for a message that quotes input, into
 * b (size >= 4): at most size - 4 bytes, each not printable ASCII shown
 * as '?' (no terminal escape reaches the operator), "..." when cut; b
 */
char *err_excerpt(char *b, size_t size, const char *p, size_t n);

_Noreturn void die(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
