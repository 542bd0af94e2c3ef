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
 * Lines that are conntrack's own messages (merged with 2>&1) are told
 * apart: CT_LOST for the ENOBUFS warning (events were dropped there),
 * CT_NOISE for the rest of that warning, the NOTICE about the buffer size
 * and the "flow events have been shown" summary.
 */
#ifndef CT_CTEV_H
#define CT_CTEV_H

#include <stdint.h>

#include "span.h"

#define CTEV_MAXLINE 65536	/* longer lines are rejected (conntrack: < 2 KiB) */

enum ctevtype { CTEV_NEW, CTEV_UPDATE, CTEV_DESTROY };
enum ctkind { CT_EVENT, CT_LOST, CT_NOISE, CT_BAD };

struct ctev {
	int type;		/* enum ctevtype */
	int hasts;		/* the line had a [SEC.USEC] timestamp */
	int64_t usec;		/* that timestamp, microseconds since Epoch */
	struct span proto;	/* tcp, udp, ... or the protocol number */
	struct span src, sport, dst, dport;	/* original direction */
	struct span nat, natport;	/* reply destination = NAT source */
	struct span id;		/* conntrack id, may be empty */
	struct span opkts, obytes, rpkts, rbytes;	/* may be empty */
};

/*
 * ctev_parse: classify and parse s[0..n) (no '\n').  Returns enum ctkind;
 * for CT_EVENT *ev is filled (spans point into s), for CT_BAD *why says
 * what is wrong.
 */
int ctev_parse(const char *s, size_t n, struct ctev *ev, const char **why);

/*
 * ctev_parse_ref: the same without the fast path for the common layout:
 * the reference the fast path is tested against.
 */
int ctev_parse_ref(const char *s, size_t n, struct ctev *ev,
    const char **why);

#endif
