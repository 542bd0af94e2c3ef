/*
 * csv.h - the log format written by ctparse and read by the other tools.
 *
 * Schema v1: one record per line, fields separated by ';', no quoting (no
 * field can hold ';' or '\n'), in this order:
 *
 *	time;event;proto;src;sport;dst;dport;nat;natport;id;opkts;obytes;rpkts;rbytes;from;to
 *
 * time	ISO 8601, UTC 'Z' or local with offset, see tm.h
 * event	what the line records (below)
 * proto	tcp, udp, icmp, ... or the protocol number
 * src sport dst dport	the original direction (inside host -> outside)
 * nat natport	the reply direction's destination: the public (translated)
 *	source address and port; adjacent so ";NAT;PORT;" is one literal
 * id	conntrack id; opkts obytes rpkts rbytes: counters of a stop event
 * from to	instants in the time column's format (whole seconds when
 *	they come from the kernel), meaning per event (below)
 *
 * Logs written before from and to existed have 14 fields; readers take
 * 14 or more and treat the missing ones as empty.  Empty fields are empty
 * strings.  A header line starts with "time;".
 *
 * Flow records (proto, src, sport, dst, dport, nat and natport set):
 *   start	conntrack NEW, at the time conntrack read it
 *   update	conntrack UPDATE
 *   stop	conntrack DESTROY; from and to: the flow's start and end as
 *		the kernel stamped them (conntrack -o ktimestamp, with
 *		nf_conntrack_timestamp=1), whole seconds, when known: the
 *		kernel's end is when the flow expired, the line's time can
 *		be much later (the garbage collector)
 *   open	a flow open at the line's time, from a snapshot (below): it
 *		began at "from" when that is known (the kernel's start from
 *		a dump, or the time of its start line from ctparse's table),
 *		else at some unknown time before; its later lines (stop) are
 *		logged as usual
 * Coverage records (proto .. natport empty; see CSV_RECORD): what the log
 * knows about itself.  A reader may only say "nobody held the port" for
 * times the log covers.
 *   begin	logging (one run of ctparse) begins at this time: nothing
 *		before it is this run's, so the log may have a gap from the
 *		previous record to here; id: the heartbeat interval in
 *		seconds (0: none); from: this time
 *   alive	a heartbeat, every id seconds: this run of ctparse logged
 *		every event conntrack gave it from "from" (the time of the
 *		run's begin) to this time, except where a restart or lost
 *		record says otherwise
 *   end	logging ends here (end of input, SIGTERM); from as for alive
 *   snapshot	the id open records just before this one are every flow
 *		open at this time (in the view conntrack was given:
 *		--src-nat); written only when that is so; from as for alive
 *   restart	conntrack restarted under ctparse: the events between
 *		"from" (its last line from the previous conntrack) and this
 *		time may be missing
 *   lost	conntrack reported that it lost events (ENOBUFS) at this
 *		time; id: how many, when known.  Events from a little
 *		before (readers take their skew) to here may be missing.
 *		With "from" set, ctparse itself had to drop id events
 *		(writes failing), from "from" to this time
 * Records a reader adds to what it passes on, never written to a log
 * file (ctcat):
 *   nolog	no log file holds lines from this time to "to" (when it
 *		is known, else to the next line); "from", when set, says
 *		why: the log's days before the day that begins at "from"
 *		(midnight UTC) were deleted by retention (ctretain(1)),
 *		and this time is before what the log kept
 *   unread	part of the log could not be read from this time to "to"
 *		(else to the next line; a message names the file)
 *   eof	the log ends here: its last line is at this time
 *
 * So a time is covered when an alive, end or snapshot record at or after
 * it has "from" at or before it, and no restart, lost, nolog, unread or
 * eof record takes it away (lib/cover.h; a lost record takes away from
 * its "from", or from a little before it without one, to its time).  A
 * log without any begin, alive, end or snapshot record (written before
 * they existed) covers what its files hold, less the lost records.
 */
#ifndef CT_CSV_H
#define CT_CSV_H

#include "span.h"

enum csvfield {
	F_TIME, F_EVENT, F_PROTO, F_SRC, F_SPORT, F_DST, F_DPORT, F_NAT,
	F_NATPORT, F_ID, F_OPKTS, F_OBYTES, F_RPKTS, F_RBYTES, F_FROM, F_TO,
	F_NFIELDS
};

#define F_NFIELDS_OLD 14	/* fields of a log written before from, to */

#define CSV_HEADER \
	"time;event;proto;src;sport;dst;dport;nat;natport;id;opkts;obytes;" \
	"rpkts;rbytes;from;to"

/*
 * CSV_RECORD: text that every coverage record holds and no flow record
 * can: the event's ';' and the seven empty fields proto .. natport.  A
 * flow record has at most seven ';' in a row (id and every field after
 * it empty), so ctgrep passes the records with one more literal.
 */
#define CSV_RECORD ";;;;;;;;"

/* the events, as csv_event() names them */
enum csvevent {
	EV_OTHER,		/* not one of these: skip it */
	EV_START, EV_STOP, EV_UPDATE, EV_OPEN,	/* flow records */
	EV_BEGIN, EV_ALIVE, EV_END, EV_SNAPSHOT, EV_RESTART, EV_LOST,
	EV_NOLOG, EV_UNREAD, EV_EOF	/* added by readers */
};

/* csv_event: the event of an event field */
enum csvevent csv_event(struct span event);

/* csv_evname: the text of an event (NULL for EV_OTHER) */
const char *csv_evname(enum csvevent ev);

/*
 * csv_split: cut line at ';' into f[0..max).  Returns the number of fields
 * the line has (which may exceed max; only max are stored).
 */
int csv_split(struct span line, struct span *f, int max);

/*
 * csv_fields: csv_split into f[0..F_NFIELDS), the fields a log of 14
 * (F_NFIELDS_OLD) has left empty; the number of fields the line has, or
 * 0 when it has fewer than 14 (not a log line).
 */
int csv_fields(struct span line, struct span *f);

/* csv_isheader: the line is a header line */
int csv_isheader(struct span line);

#endif
