/* span.h - a piece of a buffer: pointer and length, never NUL-terminated. */
#ifndef CT_SPAN_H
#define CT_SPAN_H

#include <stddef.h>

struct span {
	const char *p;
	size_t n;
};

#endif
