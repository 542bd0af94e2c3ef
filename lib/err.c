/* err.c - see err.h */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

static const char *prog = "ct";
static void (*hook)(void);	/* err_hook */

void
err_init(const char *argv0)
{
	const char *p;

	if (argv0 == NULL || *argv0 == '\0')
		return;
	p = strrchr(argv0, '/');
	prog = p != NULL ? p + 1 : argv0;
}

const char *
err_prog(void)
{
	return prog;
}

void
err_hook(void (*before)(void))
{
	hook = before;
}

static void
vmsg(const char *fmt, va_list ap)
{
	int saved = errno;
	size_t n = strlen(fmt);

	if (hook != NULL)
		hook();
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	if (n > 0 && fmt[n - 1] == ':')
		fprintf(stderr, " %s", strerror(saved));
	fputc('\n', stderr);
	errno = saved;
}

void
die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(status);
}

void
warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n > 0 ? n : 1);

	if (p == NULL)
		die(EXIT_TROUBLE, "out of memory:");
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n > 0 ? n : 1, size > 0 ? size : 1);

	if (p == NULL)
		die(EXIT_TROUBLE, "out of memory:");
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size > 0 && n > (size_t)-1 / size) {
		errno = ENOMEM;
		die(EXIT_TROUBLE, "out of memory:");
	}
	if ((p = realloc(p, n * size > 0 ? n * size : 1)) == NULL)
		die(EXIT_TROUBLE, "out of memory:");
	return p;
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

char *
err_excerpt(char *b, size_t size, const char *p, size_t n)
{
	size_t i, k = n < size - 4 ? n : size - 4;

	for (i = 0; i < k; i++)
		b[i] = p[i] >= ' ' && p[i] < 127 ? p[i] : '?';
	strcpy(b + k, n > k ? "..." : "");
	return b;
}
