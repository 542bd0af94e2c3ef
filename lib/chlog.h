/*
 * chlog.h - a log held in a ClickHouse table: the rows a day's lines
 * become (ctrow), the queries that give them back (ctcat -C), and the
 * client that runs those.  The one place in C that knows the table's
 * columns; examples/clickhouse/schema.sql creates it.
 *
 * The table TABLE holds one line of a day file a row, its columns in
 * this order (ctrow writes them so, the loader inserts them so):
 *	gateway	String	the gateway's name (chlog_gateway)
 *	day	Date	the day of the file, as its name has it (YYYY-MM-DD)
 *	line	UInt32	the line's number in its file, from 1
 *	us	Int64	its time, microseconds since the Epoch (logread_time)
 *	rec	UInt8	1 when the line holds csv.h's CSV_RECORD (what
 *			ctgrep --records passes whatever the key), else 0
 *	fields	UInt8	how many ';'-separated fields the line has, at
 *			most 16 (a log written before from and to: 14)
 *	time event proto src sport dst dport nat natport id opkts obytes
 *	rpkts rbytes from to	the 16 fields of csv.h, as written; "to"
 *			holds the rest of a longer line, ';' and all
 * so that a line comes back byte for byte: its first "fields" columns
 * joined by ';'.  A line without a time (a header, junk) is no row: it
 * is in no range of time.  Rows lose the file's order, hence line: a
 * reader orders them by (day, line), the log's order.
 *
 * TABLE_loads holds a row for each day loaded (the loader writes it once
 * the day's rows are in), and a reader takes only the days it lists:
 *	gateway, day	as above
 *	first, last	the time (us) of its first and last line, in file
 *			order (where it is placed in the log, and its eof)
 *	hi		its latest time (whether a reader of a range would
 *			have stopped in it)
 *	rows		rows loaded; checksum, file: what was loaded (cksum
 *			of the file as stored, its path); loaded: when
 *
 * Rows travel as ClickHouse's TabSeparated text: a tab between fields, a
 * newline after each row, and in a field the bytes backslash, tab,
 * newline, carriage return and NUL written \\ \t \n \r \0 (the reader
 * also takes the other escapes ClickHouse writes: \a \b \f \v \' \"
 * and \xHH).
 *
 * The client is clickhouse-client, found on PATH, run as a child with the
 * query on its standard input (a file: any length) and its output read
 * through a pipe; its messages go to standard error as they are, and its
 * user and password come from its own configuration, not from here.
 */
#ifndef CT_CHLOG_H
#define CT_CHLOG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "rd.h"
#include "span.h"
#include "wr.h"

#define CHLOG_NAMEMAX 64	/* a gateway's name, at most */
#define CHLOG_MAXCOL 24		/* columns of a row read, at most */

/* a table: [host[:port]/]db.table */
struct chtab {
	char host[256];		/* "": the client's default */
	char port[8];		/* "": the client's default */
	char name[132];		/* "db.table" */
};

/* chlog_table: parse s into t; NULL, or why not */
const char *chlog_table(struct chtab *t, const char *s);

/* chlog_gateway: s is a gateway's name (letters, digits, . _ -): NULL */
const char *chlog_gateway(const char *s);

/* chlog_day: s is a date YYYY-MM-DD; *midnight its midnight UTC (us) */
int chlog_day(const char *s, size_t n, int64_t *midnight);

/*
 * chlog_put: the row of line l (number lineno, time t) of gateway's day
 * file, as TabSeparated text, to w
 */
void chlog_put(struct wr *w, const char *gateway, const char *day,
    unsigned long long lineno, int64_t t, struct span l);

/*
 * A query being run: chlog_run starts the client with the text sql
 * (statements ended by ';', run one after the other, every result
 * TabSeparated) and flushes out, when not NULL, before any read that may
 * block; chlog_row gives its next row, split into col[0..ncol) and
 * unescaped (valid until the next call): 1, 0 at the end, -1 on a read
 * error or a row of more than CHLOG_MAXCOL columns (warned); chlog_end
 * reaps the client, stopping it (SIGTERM) when its output was not read
 * to the end: 0 when it exited 0, else -1 (it has said why on standard
 * error; chlog_end says how it ended).  chlog_run returns -1 (warned)
 * when the client could not be started.
 */
struct chlog {
	const struct chtab *t;
	pid_t pid;
	struct rd r;
	char *buf;		/* the unescaped row */
	size_t cap;
	struct span col[CHLOG_MAXCOL];
	int ncol;
};

int chlog_run(struct chlog *q, const struct chtab *t, const char *sql,
    struct wr *out);
int chlog_row(struct chlog *q);
int chlog_end(struct chlog *q);

/*
 * chlog_line: the log line of an events row whose columns from col[k] on
 * are fields, time .. to (as the queries select them), into *l (valid
 * until the next chlog_row); -1 when they are not such
 */
int chlog_line(struct chlog *q, int k, struct span *l);

/* a growing string, for the queries' text */
struct chsql {
	char *p;
	size_t n, cap;
};
void chsql_add(struct chsql *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * chlog_loads: append to s the query of the days TABLE_loads lists (of
 * gateway; NULL: of every gateway), by gateway and day, each row
 *	L gateway day first last hi
 */
void chlog_loads(struct chsql *s, const struct chtab *t, const char *gateway);

/* chlog_gateways: append to s the query of the gateways loaded, a row each */
void chlog_gateways(struct chsql *s, const struct chtab *t);

/* a range of a question: the days that may hold it, its lines' times */
struct chspan {
	int64_t dfirst, dlast;	/* midnights UTC of its first and last day */
	int64_t from, to;	/* microseconds */
};

/*
 * chlog_lines: append to s the query of the rows of gateway (NULL: any)
 * in the spans sp[0..nsp) (days and times) whose nat and natport are one
 * of the keys k[0..nk) ("nat;natport", as logged; none: any), as ctgrep
 * -N takes them (the line has a field after natport), or which ctgrep
 * --records passes whatever the key (rec), in the log's order (day,
 * line), each row
 *	E day us fields time event ... to
 */
void chlog_lines(struct chsql *s, const struct chtab *t, const char *gateway,
    const struct chspan *sp, size_t nsp, const char *const *k, size_t nk);

#endif
