/*
 * query.h - complaints: "NATIP PORT TIME" lines, as cttime -f, ctcat -f
 * and cttrace -b take them.
 *
 * A line holds the public address (IPv4, or IPv6 with or without
 * brackets), the port (1-65535) and the time (as tm_parsearg takes it,
 * spaces allowed, up to the end of the line), separated by blanks.  Blank
 * lines and '#' comments are no complaints.  The key is kept as the log
 * writes the nat and natport fields, "nat;natport", the address as
 * inet_ntop(3) gives it, so any spelling of an address finds its lines
 * (lib/natkey.h: an IPv4-mapped IPv6 address is the IPv4 address).
 */
#ifndef CT_QUERY_H
#define CT_QUERY_H

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>

#define QUERY_KEYMAX (INET6_ADDRSTRLEN + 8)	/* "nat;natport" and NUL */
#define QUERY_MAXTIME (100000000000LL * 1000000)	/* |T| bound: year ~5000 */

struct qline {
	unsigned long lineno;	/* its line in the file */
	char key[QUERY_KEYMAX];	/* "nat;natport", as logged */
	size_t keyn;
	uint64_t hash;		/* query_hash of key */
	int64_t t;		/* the instant asked about, microseconds */
	int mapped;		/* its address was IPv4-mapped IPv6 */
};

/*
 * query_parse: one line s (changed in place).  0: a complaint in *q (its
 * lineno not set); 1: a blank or comment line; -1: not a complaint, and
 * why says why in one line.
 */
int query_parse(char *s, struct qline *q, char *why, size_t whyn);

/*
 * query_load: the complaints of path in a new array *qs (free(3) it) of
 * the returned number.  A line that is not a complaint is warned about,
 * naming the file and line, and counted in *nbad.  A file that cannot be
 * read is fatal.
 */
size_t query_load(const char *path, struct qline **qs, unsigned long *nbad);

/* query_hash: the hash of a key, as qline.hash */
uint64_t query_hash(const char *key, size_t n);

#endif
