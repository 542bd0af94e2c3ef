/*
 * acpath.h - ac_init() flags that force one of ac.h's paths: for the tests
 * only (t/actest, t/fuzz/ac.c, ctgrep's test build t/ctgrep-algo), which
 * compare every path with a naive search.  Not part of ac.h: a caller of
 * the library gets the path ac_init() chooses; the results are the same on
 * every path, only the speed differs.  The CPU's own fallback (no AVX2:
 * the prefilter's scalar loop) needs none of these.
 */
#ifndef CT_ACPATH_H
#define CT_ACPATH_H

#include "ac.h"

enum {
	AC_NOFILTER = 2,	/* never the prefilter */
	AC_NFA = 4,		/* never the table */
	AC_PORTABLE = 8,	/* the prefilter without SIMD */
};

#endif
