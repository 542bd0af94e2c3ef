/*
 * ctev.h - parse one line of `conntrack -E` text (conntrack-tools 1.4.x
 * over libnetfilter_conntrack's default output) into an event.
 *
 * A line, with every part in brackets optional (-o timestamp, extended,
 * id, accounting, ...):
 *
 *   [SEC.USEC]\t  [NEW] [ipv4 2] tcp 6 [120] [SYN_SENT]
 *     src=A dst=B sport=P dport=Q [packets=N bytes=N] [UNREPLIED]
 *     src=B dst=N sport=Q dport=R [packets=N bytes=N] [ASSURED]
 *     [mark=N] [secctx=S] [zone=N] [delta-time=N] [use=N] [id=N]
 *     [[start=...] [stop=...]] [helper=S] [labels] [[USERSPACE] portid=N ...]
 *
 * - The event tag is [NEW], [UPDATE] or [DESTROY], right-aligned.
 * - The first src= opens the original tuple, the second the reply tuple.
 *   In the reply tuple dst= and dport= are the translated (NAT) source.
 * - icmp/icmpv6 tuples carry type= code= id=, the id being the ICMP echo
 *   identifier; gre tuples carry srckey= dstkey=.  The conntrack id is the
 *   id= outside the tuples (printed last, after any ICMP id).
 * - The timestamp's fraction is microseconds as an integer: conntrack
 *   prints it with "%-.6ld" (zero-padded) or "%-6ld" (left-aligned, blank
 *   padded) depending on the version, so "[1.5     ]" means 5 us.
 * - Bracketed words may hold spaces ("[start=Fri Nov 27 10:06:49 2026]").
 * - Unknown key=value words are ignored (later conntrack versions add
 *   some); unknown layer-4 names ("unknown") give the protocol number.
 *
 * - -o ktimestamp adds the kernel's start and end of the flow, written by
 *   ctime(3) in conntrack's local time zone, whole seconds:
 *   "[start=Fri Nov 27 06:21:07 2026] [stop=Fri Nov 27 06:21:09 2026]".
 *   They are read back with this process's TZ (tm_fromlocal), so
 *   conntrack and its reader must share TZ.  A local time that a clock
 *   change repeats is resolved toward the line's own time: the stop is
 *   the latest candidate at or before the line's timestamp (the time of
 *   parsing for a line without one), the start the candidate nearest to
 *   the stop (or that time) less delta-time=, the flow's age in seconds.
 *   Text that is not ctime's gives no time, and the line is still read.
 *
 * `conntrack -L` (a dump of the table) prints its entries in the same
 * form without the timestamp and the event tag ("ipv4     2 tcp      6
 * 114 TIME_WAIT src=... use=1 id=N"): CT_DUMP.
 *
 * Lines that are conntrack's own messages (merged with 2>&1) are told
 * apart:
 *   CT_START	"NOTICE: Netlink socket buffer size has been set to N
 *		bytes.": conntrack -E started (with --buffer-size) and its
 *		event socket is open (it is printed after the socket is
 *		bound: seen with strace)
 *   CT_EXIT	"conntrack v1.4.7 (conntrack-tools): N flow events have
 *		been shown.": conntrack -E ended (SIGTERM, SIGINT)
 *   CT_DUMPEND	"conntrack v1.4.7 (conntrack-tools): N flow entries have
 *		been shown.": conntrack -L printed its whole dump; ev->id
 *		holds N
 *   CT_LOST	"WARNING: We have hit ENOBUFS! ...": events were dropped
 *   CT_NOISE	the two lines that follow that warning
 */
#ifndef CT_CTEV_H
#define CT_CTEV_H

#include <stdint.h>

#include "span.h"

#define CTEV_MAXLINE 65536	/* longer lines are rejected (conntrack: < 2 KiB) */

#define CTEV_NOTIME INT64_MIN	/* kstart, kstop: not given */

enum ctevtype { CTEV_NEW, CTEV_UPDATE, CTEV_DESTROY, CTEV_DUMP };
enum ctkind {
	CT_EVENT, CT_LOST, CT_NOISE, CT_BAD, CT_DUMP, CT_START, CT_EXIT,
	CT_DUMPEND
};

struct ctev {
	int type;		/* enum ctevtype */
	int hasts;		/* the line had a [SEC.USEC] timestamp */
	int64_t usec;		/* that timestamp, microseconds since Epoch */
	struct span proto;	/* tcp, udp, ... or the protocol number */
	struct span src, sport, dst, dport;	/* original direction */
	struct span nat, natport;	/* reply destination = NAT source */
	struct span id;		/* conntrack id, may be empty */
	struct span opkts, obytes, rpkts, rbytes;	/* may be empty */
	int64_t kstart, kstop;	/* -o ktimestamp: microseconds since the
				   Epoch, whole seconds; or CTEV_NOTIME */
};

/*
 * ctev_parse: classify and parse s[0..n) (no '\n').  Returns enum ctkind;
 * for CT_EVENT and CT_DUMP *ev is filled (spans point into s; a dump's
 * type is CTEV_DUMP and hasts 0), for CT_DUMPEND ev->id, for CT_BAD *why
 * says what is wrong.
 */
int ctev_parse(const char *s, size_t n, struct ctev *ev, const char **why);

/*
 * ctev_parse_ref: the same without the fast path for the common layout:
 * the reference the fast path is tested against.
 */
int ctev_parse_ref(const char *s, size_t n, struct ctev *ev,
    const char **why);

#endif
