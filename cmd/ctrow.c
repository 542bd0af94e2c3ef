/*
 * ctrow - the lines of a day file as rows of the ClickHouse table.
 *
 *	ctrow -g nat1 -D 2026-11-27 /var/log/conntrack/2026-11-27.csv.gz |
 *	    clickhouse-client -q 'INSERT INTO ctlog.events FORMAT TabSeparated'
 *
 * The loader's one step that reads the log (examples/clickhouse/ctload):
 * every line of the file (plain, gzip or zstd, read whole through
 * lib/logread) that has a time becomes one row, TabSeparated, in the columns
 * of lib/chlog.h: the gateway and the day given, the line's number in
 * the file, its time in microseconds (read as every reader reads it:
 * logread_time), its number of fields and the fields themselves, so that
 * ctcat -C gives the line back byte for byte.  A line without a time is
 * no row: a header line quietly, any other with a warning naming its
 * line (no question about a time can need it).
 *
 * A file that cannot be read to its end (a truncated .gz) is an error,
 * exit 2, whatever was written: the loader then keeps the day out of
 * the table.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chlog.h"
#include "err.h"
#include "rd.h"
#include "logread.h"
#include "wr.h"

#define VERSION "ctrow 1.0"
#define MAXLINE (64 * 1024)	/* log lines are < 512 bytes: longer is junk */
#define WARNMAX 100		/* warnings about lines before going quiet */
#define MAXROW 4294967295ULL	/* line is a UInt32 */
#define USAGE "usage: ctrow -g gateway -D day [file]\n"

static const char *gflag;	/* -g gateway: its name */
static const char *Dflag;	/* -D day: the file's day, YYYY-MM-DD */

static unsigned long nwarn;

static _Noreturn void
usage(void)
{
	fputs(USAGE, stderr);
	exit(EXIT_TROUBLE);
}

/* lwarn: a line of path left out, and why, its first bytes printable */
static void
lwarn(const char *path, unsigned long long n, const char *why, struct span l)
{
	char b[52];

	if (++nwarn > WARNMAX)
		return;
	warn("%s:%llu: %s, left out: %s", path, n, why,
	    err_excerpt(b, sizeof(b), l.p, l.n));
	if (nwarn == WARNMAX)
		warn("further warnings about lines are left out");
}

int
main(int argc, char *argv[])
{
	struct logread in;
	struct logread_opt o;
	struct wr out;
	struct span l;
	const char *path, *e;
	unsigned long long rows = 0;
	int64_t t, day;
	int ch, r, trouble = 0;

	err_init(argv[0]);
	while ((ch = getopt(argc, argv, ":D:g:hV")) != -1)
		switch (ch) {
		case 'D':
			Dflag = optarg;
			break;
		case 'g':
			gflag = optarg;
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
	if (gflag == NULL || Dflag == NULL || argc > 1)
		usage();
	if ((e = chlog_gateway(gflag)) != NULL)
		die(EXIT_TROUBLE, "-g %s: %s", gflag, e);
	if (chlog_day(Dflag, strlen(Dflag), &day) < 0)
		die(EXIT_TROUBLE, "-D %s: not a day (YYYY-MM-DD)", Dflag);
	path = argc > 0 ? argv[0] : "-";

	memset(&o, 0, sizeof(o));
	o.all = 1;
	o.maxline = MAXLINE;
	o.out = &out;
	wr_init(&out, STDOUT_FILENO, "standard output");
	if (logread_open(&in, path, &o) < 0)	/* it said why */
		return EXIT_TROUBLE;
	while ((r = rd_line(&in.r, &l)) != 0) {
		logread_advance(&in, l.n);
		if (r < 0) {
			warn("read error on %s:", in.r.name);
			trouble = 1;
			break;
		}
		if (in.r.lineno > MAXROW)
			die(EXIT_TROUBLE, "%s: more than %llu lines", in.r.name,
			    MAXROW);
		if (r == 2) {
			lwarn(in.r.name, in.r.lineno, "a line over 64 KiB", l);
			continue;
		}
		if ((ch = logread_time(l, &t)) != 0) {
			if (ch < 0)
				lwarn(in.r.name, in.r.lineno, "no time", l);
			continue;
		}
		chlog_put(&out, gflag, Dflag, in.r.lineno, t, l);
		rows++;
	}
	if (logread_close(&in) < 0)	/* a decompressor said why */
		trouble = 1;
	wr_flush(&out);
	wr_free(&out);
	return trouble ? EXIT_TROUBLE : rows > 0 ? EXIT_MATCH : EXIT_NOMATCH;
}
