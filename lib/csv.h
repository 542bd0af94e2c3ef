/*
 * csv.h - the log format written by ctparse and read by the other tools.
 *
 * Schema v1: one event per line, fields separated by ';', no quoting (no
 * field can hold ';' or '\n'), in this order:
 *
 *	time;event;proto;src;sport;dst;dport;nat;natport;id;opkts;obytes;rpkts;rbytes
 *
 * time	ISO 8601, UTC 'Z' or local with offset, see tm.h
 * event	start (conntrack NEW), stop (DESTROY), update (UPDATE),
 *	lost (conntrack dropped events here: the log has a gap)
 * proto	tcp, udp, icmp, ... or the protocol number
 * src sport dst dport	the original direction (inside host -> outside)
 * nat natport	the reply direction's destination: the public (translated)
 *	source address and port; adjacent so ";NAT;PORT;" is one literal
 * id	conntrack id; opkts obytes rpkts rbytes: counters of a stop event
 *
 * Empty fields are empty strings.  A header line starts with "time;".
 */
#ifndef CT_CSV_H
#define CT_CSV_H

#include "span.h"

enum csvfield {
	F_TIME, F_EVENT, F_PROTO, F_SRC, F_SPORT, F_DST, F_DPORT, F_NAT,
	F_NATPORT, F_ID, F_OPKTS, F_OBYTES, F_RPKTS, F_RBYTES,
	F_NFIELDS
};

#define CSV_HEADER \
	"time;event;proto;src;sport;dst;dport;nat;natport;id;opkts;obytes;rpkts;rbytes"

/*
 * csv_split: cut line at ';' into f[0..max).  Returns the number of fields
 * the line has (which may exceed max; only max are stored).
 */
int csv_split(struct span line, struct span *f, int max);

/* csv_isheader: the line is a header line */
int csv_isheader(struct span line);

#endif
