/*
 * ctgrep - print the lines that contain a fixed string: the first step of
 * every trace, finding the few lines of a day's log (~10 GB) that carry one
 * NAT address and port.
 *
 *	ctgrep -N 203.0.113.5:40123 /var/log/conntrack/2026-11-27.csv
 *
 * Input is read in big blocks (lib/rd.h) and each block of whole lines is
 * searched in one go (lib/bmh.h); only around a hit is the enclosing line
 * looked for.  Lines are printed byte for byte (NULs and CRs included), a
 * last line without a newline gets one, as grep(1) does.  The files are
 * one input, in order, like `cat file ... | ctgrep`: -c counts and -m
 * limits over all of them, and no file names are printed.
 *
 * -N NATIP:PORT searches ";NATIP;PORT;" and keeps a line only when that
 * text is its nat and natport fields (lib/csv.h), not the same pair as the
 * destination.  The address is canonicalised as ctparse writes it
 * (inet_ntop: lower case, "::" compression) so any spelling finds it.
 *
 * --records passes the log's coverage records too (lib/csv.h: no flow
 * record holds CSV_RECORD, every coverage record does), so that the reader
 * downstream can tell where the log was complete (cttrace).
 *
 * Batches: -f FILE (literals, one a line, as grep -F -f), -N given several
 * times and --nat-file FILE (NAT keys, one a line; or complaints, "NATIP
 * PORT TIME" lines, whose time is not needed here) search many patterns in
 * one pass (lib/ac.h); one pattern in all is still lib/bmh.h.  With many
 * -N keys the field check is made at each occurrence's own start, and the
 * search goes on from the next byte when it fails: ac_find returns the
 * leftmost occurrence, so every start on the line is tried in turn (a line
 * may hold one key as destination and another as nat).
 *
 * read(2) rather than mmap(2): measured on a 1 GB log in the page cache,
 * mapping was no faster (the page faults and the scan from memory cost what
 * the copy into a 256 KiB buffer kept in cache costs) and used more CPU,
 * and a mapped file that shrinks (logrotate's copytruncate) is SIGBUS.
 *
 * Test hook, in the test build only (t/ctgrep-algo, made from this file
 * with CT_TESTHOOKS; the installed ctgrep has none): the environment
 * variable CTGREP_ALGO=bmh (or sse2, avx2) forces the search path, so the
 * tests compare the SIMD paths with the portable one; with many patterns
 * bmh and sse2 give the scalar prefilter, and dfa and nfa the automaton
 * without prefilter (lib/ac.h).
 */
#define _GNU_SOURCE	/* memrchr: glibc and Linux */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ac.h"
#ifdef CT_TESTHOOKS
#include "acpath.h"
#endif
#include "bmh.h"
#include "csv.h"
#include "err.h"
#include "natkey.h"
#include "natset.h"
#include "rd.h"
#include "wr.h"

#define VERSION "ctgrep 1.0"
#define USAGE "usage: ctgrep [-ciq] [-m num] [--records] " \
    "{-N natip:port | --nat-file file | -f file | pattern} [file ...]\n"

static int cflag;		/* -c: print the number of matching lines */
static int iflag;		/* -i: ASCII case-insensitive */
static long long mflag = -1;	/* -m num: stop after num lines; -1: never */
static int qflag;		/* -q: print nothing, exit 0 at the first */
static int nflag;		/* -N, --nat-file: the nat and natport fields */
static int fflag;		/* -f file: literals */
static int rflag;		/* --records: the coverage records too */
static int badkeys;		/* --nat-file: lines that were not keys */

static struct span *pats;	/* the patterns (-N, --nat-file, -f, arg) */
static size_t npat, patcap;
static struct bmh pat;		/* the compiled pattern, when one */
static struct ac multi;		/* the compiled patterns, when more */
static struct natset keys;	/* -N, --nat-file: the keys, "nat;natport" */
static size_t nkeys;
static int bykey;		/* search by keys (natset.h), not by text */
static struct wr out;
static unsigned long long nmatch;	/* matching lines so far */
static int trained;		/* bmh_train has seen enough input */

static void
usage(void)
{
	fputs(USAGE, stderr);
	exit(EXIT_TROUBLE);
}

/* addpat: add a copy of the m bytes at p to the patterns */
static void
addpat(const char *p, size_t m)
{
	char *c;

	if (npat == patcap) {
		patcap = patcap ? 2 * patcap : 16;
		pats = xreallocarray(pats, patcap, sizeof(*pats));
	}
	c = xmalloc(m + 1);
	memcpy(c, p, m);
	pats[npat].p = c;
	pats[npat++].n = m;
}

/*
 * natpat: add the needle ";NATIP;PORT;" for the NAT key k (lib/natkey.h),
 * given as arg; an IPv4-mapped address is said to be taken as IPv4.
 */
static void
natpat(const struct natkey *k, const char *arg)
{
	char buf[NATKEY_LOGMAX + 2];
	size_t n;

	if (k->mapped)
		warn("%s: taken as the IPv4 address %s", arg, k->addr);
	buf[0] = ';';
	n = natkey_log(k, buf + 1, sizeof(buf) - 2);
	buf[n + 1] = ';';
	addpat(buf, n + 2);
	if (nkeys++ == 0)
		natset_init(&keys);
	natset_add(&keys, buf + 1, n);
}

/*
 * complaint: the key of a complaint line "NATIP PORT TIME" (lib/query.h)
 * in k: NULL or why it is bad; *is 0 when s[0..n) holds no blank (then it
 * is not one)
 */
static const char *
complaint(const char *s, size_t n, struct natkey *k, int *is)
{
	const char *ae, *p, *pe, *e = s + n, *why;

	for (ae = s; ae < e && *ae != ' ' && *ae != '\t'; ae++)
		;
	if ((*is = ae < e) == 0)
		return NULL;
	for (p = ae; p < e && (*p == ' ' || *p == '\t'); p++)
		;
	for (pe = p; pe < e && *pe != ' ' && *pe != '\t'; pe++)
		;
	if ((why = natkey_addr(k, s, (size_t)(ae - s))) != NULL)
		return why;
	return natkey_port(k, p, (size_t)(pe - p));
}

/*
 * patfile: add the lines of path as patterns: each line whole (-f: a CR
 * before the newline is part of it, as with grep -F -f), or (--nat-file,
 * nat set) a NAT key, with blanks around it, '#' comments and blank lines
 * allowed, or a complaint "NATIP PORT TIME" (its key).  A bad key is
 * warned about, naming FILE:LINE, and left out (the exit status is 2).
 */
static void
patfile(const char *path, int nat)
{
	char key[64];
	struct rd r;
	struct span s;
	struct natkey k;
	const char *e;
	int c, is;

	if (rd_open(&r, path) < 0)
		die(EXIT_TROUBLE, "%s:", path);
	while ((c = rd_line(&r, &s)) != 0) {
		if (c < 0) {
			if (errno == EINTR)
				continue;
			die(EXIT_TROUBLE, "read error on %s:", r.name);
		}
		if (!nat) {
			addpat(s.p, s.n);
			continue;
		}
		if ((e = memchr(s.p, '#', s.n)) != NULL)
			s.n = (size_t)(e - s.p);
		while (s.n > 0 && strchr(" \t\r", s.p[s.n - 1]) != NULL)
			s.n--;
		while (s.n > 0 && strchr(" \t", s.p[0]) != NULL) {
			s.p++;
			s.n--;
		}
		if (s.n == 0)
			continue;
		e = memchr(s.p, '\0', s.n) != NULL ? "a NUL byte" : NULL;
		if (e == NULL && (e = complaint(s.p, s.n, &k, &is)) == NULL &&
		    !is) {
			if (s.n >= sizeof(key))
				e = "expected NATIP:PORT";
			else {
				memcpy(key, s.p, s.n);
				key[s.n] = '\0';
				e = natkey_parse(&k, key, 0);
			}
		}
		if (e == NULL) {
			memcpy(key, s.p, s.n < sizeof(key) ? s.n : sizeof(key) - 1);
			key[s.n < sizeof(key) ? s.n : sizeof(key) - 1] = '\0';
			natpat(&k, key);
			continue;
		}
		if (e != NULL) {	/* the line, '?' for unprintable bytes */
			warn("%s:%llu: %s: %s", r.name, r.lineno,
			    err_excerpt(key, sizeof(key), s.p, s.n), e);
			badkeys++;
		}
	}
	rd_close(&r);
}

/* natfield: the hit at h on the line from bol is the nat and natport */
static int
natfield(const char *bol, const char *h)
{
	int semis = 0;

	/* the needle's first ';' ends field F_NAT - 1, its F_NAT'th ';' */
	for (; bol < h; bol++)
		if (*bol == ';' && ++semis >= F_NAT)
			return 0;
	return semis == F_NAT - 1;
}

/*
 * search: print the matching lines of s (whole lines; the last may lack
 * its '\n' at end of input).  Returns 1 when -m is reached.
 */
/* print: one matching line, l[0..n) without its '\n'; 1 when -m is reached */
static int
print(const char *l, size_t n)
{
	nmatch++;
	if (qflag)
		exit(EXIT_MATCH);
	if (!cflag) {
		wr_put(&out, l, n);
		wr_putc(&out, '\n');
	}
	return mflag >= 0 && nmatch >= (unsigned long long)mflag;
}

/* searchkeys: search's work by keys (natset.h) */
static int
searchkeys(struct span s)
{
	const char *p = s.p, *end = s.p + s.n, *l;
	size_t n;

	while (p < end && (l = natset_find(&keys, p, (size_t)(end - p), rflag,
	    &n)) != NULL) {
		if (print(l, n))
			return 1;
		p = l + n + 1;
	}
	return 0;
}

static int
search(struct span s)
{
	if (bykey)
		return searchkeys(s);
	const char *p = s.p, *end = s.p + s.n, *ls = s.p, *h, *bol, *eol;
	size_t len;

	if (npat == 0)
		return 0;
	if (!trained)	/* the prefilter's bytes, by counting on the input */
		trained = npat == 1 ? bmh_train(&pat, s.p, s.n) :
		    ac_train(&multi, s.p, s.n);
	while (p < end && (h = npat == 1 ? bmh_find(&pat, p, (size_t)(end - p)) :
	    ac_find(&multi, p, (size_t)(end - p), &len)) != NULL) {
		bol = h > ls ? memrchr(ls, '\n', (size_t)(h - ls)) : NULL;
		bol = bol != NULL ? bol + 1 : ls;
		if (nflag && !natfield(bol, h) && !(rflag &&
		    (size_t)(end - h) >= sizeof(CSV_RECORD) - 1 &&
		    memcmp(h, CSV_RECORD, sizeof(CSV_RECORD) - 1) == 0)) {
			p = h + 1;	/* maybe further on this line */
			ls = bol;
			continue;
		}
		eol = memchr(h, '\n', (size_t)(end - h));
		nmatch++;
		if (qflag)
			exit(EXIT_MATCH);
		if (!cflag) {
			if (eol != NULL)
				wr_put(&out, bol, (size_t)(eol + 1 - bol));
			else {
				wr_put(&out, bol, (size_t)(end - bol));
				wr_putc(&out, '\n');
			}
		}
		if (mflag >= 0 && nmatch >= (unsigned long long)mflag)
			return 1;
		p = ls = eol != NULL ? eol + 1 : end;
	}
	return 0;
}

#ifdef CT_TESTHOOKS
/*
 * algo: the CTGREP_ALGO test hook as bmh_init flags, in *acf as ac_init
 * flags, and in *noset whether the automaton is forced (no key set)
 */
static int
algo(int *acf, int *noset)
{
	const char *a = getenv("CTGREP_ALGO");

	*acf = *noset = 0;
	if (a == NULL || *a == '\0' || strcmp(a, "avx2") == 0)
		return 0;
	if (strcmp(a, "sse2") == 0) {
		*acf = AC_PORTABLE;
		return BMH_SSE2;
	}
	if (strcmp(a, "bmh") == 0) {
		*acf = AC_PORTABLE;
		return BMH_PORTABLE;
	}
	if (strcmp(a, "dfa") == 0 || strcmp(a, "nfa") == 0) {
		*acf = AC_NOFILTER | (a[0] == 'n' ? AC_NFA : 0);
		*noset = 1;
		return 0;
	}
	die(EXIT_TROUBLE, "CTGREP_ALGO=%s: not bmh, sse2, avx2, dfa or nfa", a);
}
#else
/* algo: the search paths the CPU allows (the test build can force one) */
static int
algo(int *acf, int *noset)
{
	*acf = *noset = 0;
	return 0;
}
#endif

/*
 * matcher: the search for the patterns and keys given.  Keys, more than
 * one or with the records: read each line's key where it is (natset.h);
 * one key alone: its text (bmh.h) is faster; the automaton's paths, for
 * the tests, with CTGREP_ALGO.
 */
static void
matcher(void)
{
	size_t k;
	int acf, bmf, noset;

	bmf = algo(&acf, &noset);
	bykey = nflag && !fflag && !iflag && (nkeys >= 2 || (rflag &&
	    nkeys == 1)) && !noset;
	if (bykey) {
		keys.portable = bmf == BMH_PORTABLE;
		keys.avx2 = keys.avx2 && bmf == 0;
	} else if (rflag)	/* after the keys: not a key (natfield) */
		addpat(CSV_RECORD, sizeof(CSV_RECORD) - 1);
	for (k = 0; k < npat; k++)
		if (memchr(pats[k].p, '\n', pats[k].n) != NULL)
			die(EXIT_TROUBLE, "the pattern contains a newline, "
			    "which no line can hold");
	if (!bykey && (npat == 1 ? bmh_init(&pat, pats[0].p, pats[0].n,
	    (iflag ? BMH_ICASE : 0) | bmf) < 0 : ac_init(&multi, pats, npat,
	    (iflag ? AC_ICASE : 0) | acf) < 0))
		die(EXIT_TROUBLE, "%s:", npat == 1 ? "out of memory" :
		    "the patterns");
}

/*
 * grepfile: search path ("-": standard input) to its end, or until
 * -m's count or -q's first match (*done); -1 when it cannot be read
 * (warned)
 */
static int
grepfile(const char *path, int *done)
{
	struct rd in;
	struct span s;
	int r, status = 0;

	if (rd_open(&in, path) < 0) {
		warn("%s:", path);
		return -1;
	}
	in.idle = wr_idle;
	in.idlearg = &out;
	while (!*done && (r = rd_lines(&in, &s)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			warn("read error on %s:", in.name);
			status = -1;
			break;
		}
		*done = search(s);
	}
	rd_close(&in);
	return status;
}

/* freeall: what the search held */
static void
freeall(void)
{
	size_t k;

	if (!bykey && npat == 1)
		bmh_free(&pat);
	else if (!bykey)
		ac_free(&multi);
	if (nkeys > 0)
		natset_free(&keys);
	for (k = 0; k < npat; k++)
		free((char *)pats[k].p);
	free(pats);
}

/*
 * options: the command line's options and patterns into the flags and
 * the patterns above, usage() when they make none of the synopsis'
 * forms; returns the index of the first file
 */
static int
options(int argc, char *argv[])
{
	enum { OPT_NATFILE = 256, OPT_RECORDS };
	static const struct option longopts[] = {
		{ "count", no_argument, NULL, 'c' },
		{ "file", required_argument, NULL, 'f' },
		{ "ignore-case", no_argument, NULL, 'i' },
		{ "max-count", required_argument, NULL, 'm' },
		{ "nat", required_argument, NULL, 'N' },
		{ "nat-file", required_argument, NULL, OPT_NATFILE },
		{ "quiet", no_argument, NULL, 'q' },
		{ "records", no_argument, NULL, OPT_RECORDS },
		{ "silent", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	char *e;
	const char *why;
	struct natkey nk;
	int c;

	opterr = 0;	/* a bad option: the usage line only */
	while ((c = getopt_long(argc, argv, "cf:im:N:qhV", longopts,
	    NULL)) != -1)
		switch (c) {
		case 'c':
			cflag = 1;
			break;
		case 'f':
			fflag = 1;
			patfile(optarg, 0);
			break;
		case 'i':
			iflag = 1;
			break;
		case 'm':
			errno = 0;
			mflag = strtoll(optarg, &e, 10);
			if (*optarg == '\0' || *e != '\0' || errno != 0 ||
			    mflag < 0)
				die(EXIT_TROUBLE, "-m %s: not a number of "
				    "lines", optarg);
			break;
		case 'N':
			nflag = 1;
			if ((why = natkey_parse(&nk, optarg, 0)) != NULL)
				die(EXIT_TROUBLE, "-N %s: %s", optarg, why);
			natpat(&nk, optarg);
			break;
		case OPT_NATFILE:
			nflag = 1;
			patfile(optarg, 1);
			break;
		case OPT_RECORDS:
			rflag = 1;
			break;
		case 'q':
			qflag = 1;
			break;
		case 'h':
			fputs(USAGE, stdout);
			exit(EXIT_MATCH);
		case 'V':
			puts(VERSION);
			exit(EXIT_MATCH);
		default:
			usage();
		}
	if (nflag && fflag)
		die(EXIT_TROUBLE, "-f searches text, -N and --nat-file NAT "
		    "keys: not both");
	if (!nflag && !fflag && !rflag) {
		if (optind >= argc)
			usage();
		addpat(argv[optind], strlen(argv[optind]));
		optind++;
	}
	return optind;
}

int
main(int argc, char *argv[])
{
	int i, trouble = 0, done = 0;

	err_init(argv[0]);
	i = options(argc, argv);
	argc -= i;
	argv += i;
	if (badkeys > 0)
		trouble = 1;
	matcher();
	if (mflag == 0)		/* as grep: read nothing, print nothing */
		return EXIT_NOMATCH;
	wr_init(&out, STDOUT_FILENO, "standard output");
	for (i = 0; !done && (i == 0 || i < argc); i++)
		if (grepfile(argc > 0 ? argv[i] : "-", &done) < 0)
			trouble = 1;
	if (cflag && !qflag) {
		char num[32];

		wr_put(&out, num, (size_t)snprintf(num, sizeof(num), "%llu\n",
		    nmatch));
	}
	wr_flush(&out);
	wr_free(&out);
	freeall();
	return trouble ? EXIT_TROUBLE : nmatch > 0 ? EXIT_MATCH : EXIT_NOMATCH;
}
