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
 * read(2) rather than mmap(2): measured on a 1 GB log in the page cache,
 * mapping was no faster (the page faults and the scan from memory cost what
 * the copy into a 256 KiB buffer kept in cache costs) and used more CPU,
 * and a mapped file that shrinks (logrotate's copytruncate) is SIGBUS.
 *
 * Test hook: the environment variable CTGREP_ALGO=bmh (or sse2, avx2)
 * forces the search path, so the tests compare the SIMD paths with the
 * portable one.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bmh.h"
#include "csv.h"
#include "err.h"
#include "rd.h"
#include "wr.h"

#define VERSION "ctgrep 1.0"
#define USAGE "usage: ctgrep [-ciq] [-m num] {-N natip:port | pattern} " \
    "[file ...]\n"

static int cflag;		/* -c: print the number of matching lines */
static int iflag;		/* -i: ASCII case-insensitive */
static long long mflag = -1;	/* -m num: stop after num lines; -1: never */
static int qflag;		/* -q: print nothing, exit 0 at the first */
static const char *nflag;	/* -N natip:port: the nat and natport fields */

static struct bmh pat;		/* the compiled pattern */
static struct wr out;
static unsigned long long nmatch;	/* matching lines so far */
static int trained;		/* bmh_train has seen enough input */

static void
usage(void)
{
	fputs(USAGE, stderr);
	exit(EXIT_TROUBLE);
}

/*
 * natpat: the needle ";NATIP;PORT;" for -N's argument, in buf (room for
 * INET6_ADDRSTRLEN + 8).  Dies on a bad address or port.
 */
static size_t
natpat(const char *arg, char *buf)
{
	char addr[INET6_ADDRSTRLEN + 1], text[INET6_ADDRSTRLEN];
	unsigned char bin[16];
	const char *a, *ae, *port;
	unsigned long pn;
	int af, len;

	if (arg[0] == '[') {
		af = AF_INET6;
		a = arg + 1;
		if ((ae = strchr(a, ']')) == NULL || ae[1] != ':')
			die(EXIT_TROUBLE, "-N %s: expected [IPV6]:PORT", arg);
		port = ae + 2;
	} else {
		af = AF_INET;
		a = arg;
		if ((ae = strchr(a, ':')) == NULL)
			die(EXIT_TROUBLE, "-N %s: expected NATIP:PORT", arg);
		if (strchr(ae + 1, ':') != NULL)
			die(EXIT_TROUBLE, "-N %s: write an IPv6 address in "
			    "brackets: [2001:db8::1]:61234", arg);
		port = ae + 1;
	}
	if ((size_t)(ae - a) >= sizeof(addr) || ae == a)
		die(EXIT_TROUBLE, "-N %s: bad IPv%d address", arg,
		    af == AF_INET ? 4 : 6);
	memcpy(addr, a, (size_t)(ae - a));
	addr[ae - a] = '\0';
	if (inet_pton(af, addr, bin) != 1 ||
	    inet_ntop(af, bin, text, sizeof(text)) == NULL)
		die(EXIT_TROUBLE, "-N %s: bad IPv%d address", arg,
		    af == AF_INET ? 4 : 6);
	if (port[0] == '\0' || strspn(port, "0123456789") != strlen(port) ||
	    strlen(port) > 5 || (pn = strtoul(port, NULL, 10)) < 1 ||
	    pn > 65535)
		die(EXIT_TROUBLE, "-N %s: bad port (1-65535)", arg);
	len = sprintf(buf, ";%s;%lu;", text, pn);
	return (size_t)len;
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
static int
search(struct span s)
{
	const char *p = s.p, *end = s.p + s.n, *ls = s.p, *h, *bol, *eol;

	if (!trained)	/* the prefilter's bytes, by counting on the input */
		trained = bmh_train(&pat, s.p, s.n);
	while (p < end && (h = bmh_find(&pat, p, (size_t)(end - p))) != NULL) {
		bol = h > ls ? memrchr(ls, '\n', (size_t)(h - ls)) : NULL;
		bol = bol != NULL ? bol + 1 : ls;
		if (nflag != NULL && !natfield(bol, h)) {
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

/* algo: the CTGREP_ALGO test hook as bmh_init flags */
static int
algo(void)
{
	const char *a = getenv("CTGREP_ALGO");

	if (a == NULL || *a == '\0' || strcmp(a, "avx2") == 0)
		return 0;
	if (strcmp(a, "sse2") == 0)
		return BMH_SSE2;
	if (strcmp(a, "bmh") == 0)
		return BMH_PORTABLE;
	die(EXIT_TROUBLE, "CTGREP_ALGO=%s: not bmh, sse2 or avx2", a);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "count", no_argument, NULL, 'c' },
		{ "ignore-case", no_argument, NULL, 'i' },
		{ "max-count", required_argument, NULL, 'm' },
		{ "nat", required_argument, NULL, 'N' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "silent", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	char natbuf[INET6_ADDRSTRLEN + 8], *e;
	const char *needle;
	size_t m;
	struct rd in;
	struct span s;
	int c, i, r, trouble = 0, done = 0;

	err_init(argv[0]);
	opterr = 0;	/* a bad option: the usage line only */
	while ((c = getopt_long(argc, argv, "cim:N:qhV", longopts, NULL)) != -1)
		switch (c) {
		case 'c':
			cflag = 1;
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
			nflag = optarg;
			break;
		case 'q':
			qflag = 1;
			break;
		case 'h':
			fputs(USAGE, stdout);
			return EXIT_MATCH;
		case 'V':
			puts(VERSION);
			return EXIT_MATCH;
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if (nflag == NULL && argc < 1)
		usage();

	if (nflag != NULL) {
		m = natpat(nflag, natbuf);
		needle = natbuf;
	} else {
		needle = *argv++;
		argc--;
		m = strlen(needle);
		if (memchr(needle, '\n', m) != NULL)
			die(EXIT_TROUBLE, "the pattern contains a newline, "
			    "which no line can hold");
	}
	if (mflag == 0)		/* as grep: read nothing, print nothing */
		return EXIT_NOMATCH;
	if (bmh_init(&pat, needle, m, (iflag ? BMH_ICASE : 0) | algo()) < 0)
		die(EXIT_TROUBLE, "out of memory:");
	wr_init(&out, STDOUT_FILENO, "standard output");

	for (i = 0; !done && (i == 0 || i < argc); i++) {
		const char *path = argc > 0 ? argv[i] : "-";

		if (rd_open(&in, path) < 0) {
			warn("%s:", path);
			trouble = 1;
			continue;
		}
		in.idle = wr_idle;
		in.idlearg = &out;
		while (!done && (r = rd_lines(&in, &s)) != 0) {
			if (r < 0) {
				if (errno == EINTR)
					continue;
				warn("read error on %s:", in.name);
				trouble = 1;
				break;
			}
			done = search(s);
		}
		rd_close(&in);
	}
	if (cflag && !qflag) {
		char num[32];

		wr_put(&out, num, (size_t)snprintf(num, sizeof(num), "%llu\n",
		    nmatch));
	}
	wr_flush(&out);
	wr_free(&out);
	bmh_free(&pat);
	return trouble ? EXIT_TROUBLE : nmatch > 0 ? EXIT_MATCH : EXIT_NOMATCH;
}
