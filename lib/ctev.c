/* ctev.c - see ctev.h */
#define _GNU_SOURCE	/* memmem: glibc and Linux */
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "ctev.h"
#include "tm.h"

/* how a protocol's tuples name their ports */
enum l4kind { L4_OTHER, L4_PORTS, L4_ICMP, L4_GRE };

struct tuple {
	struct span src, dst, sport, dport, icmpid, skey, dkey, pkts, bytes;
};

static int
eq(struct span a, const char *lit, size_t n)
{
	return a.n == n && memcmp(a.p, lit, n) == 0;
}
#define EQ(sp, lit) eq(sp, lit, sizeof(lit) - 1)

static int
startswith(const char *s, const char *e, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(e - s) >= n && memcmp(s, lit, n) == 0;
}

static int
isdig(int c)
{
	return c >= '0' && c <= '9';
}

/* decimal digits only, at most maxd of them */
static int
isnum(struct span v, size_t maxd)
{
	size_t i;

	if (v.n == 0 || v.n > maxd)
		return 0;
	for (i = 0; i < v.n; i++)
		if (!isdig((unsigned char)v.p[i]))
			return 0;
	return 1;
}

static inline int
isport(struct span v)
{
	unsigned val = 0, d;
	size_t i;

	if (v.n == 0 || v.n > 5)
		return 0;
	for (i = 0; i < v.n; i++) {
		if ((d = (unsigned)(unsigned char)v.p[i] - '0') > 9)
			return 0;
		val = val * 10 + d;
	}
	return val <= 65535;
}

/* an IPv4 dotted quad as inet_ntop writes it: no leading zeros */
static int
isv4(struct span v)
{
	const unsigned char *p = (const unsigned char *)v.p, *e = p + v.n;
	unsigned d, val;
	int dots = 0;

	if (v.n < 7 || v.n > 15)
		return 0;
	for (;;) {
		if ((val = (unsigned)*p++ - '0') > 9)
			return 0;
		if (p < e && (d = (unsigned)*p - '0') <= 9) {
			if (val == 0)
				return 0;
			val = val * 10 + d;
			if (++p < e && (d = (unsigned)*p - '0') <= 9) {
				if ((val = val * 10 + d) > 255)
					return 0;
				p++;
			}
		}
		if (p == e)
			return dots == 3;
		if (*p++ != '.' || ++dots > 3 || p == e)
			return 0;
	}
}

static int
isv6(struct span v)
{
	char b[INET6_ADDRSTRLEN];
	unsigned char a[16];
	size_t i;

	if (v.n == 0 || v.n >= sizeof(b) || memchr(v.p, ':', v.n) == NULL)
		return 0;
	/* only what inet_ntop writes: inet_pton would stop at a NUL */
	for (i = 0; i < v.n; i++)
		if (!isdig((unsigned char)v.p[i]) && v.p[i] != ':' &&
		    v.p[i] != '.' && !((v.p[i] | 0x20) >= 'a' &&
		    (v.p[i] | 0x20) <= 'f'))
			return 0;
	memcpy(b, v.p, v.n);
	b[v.n] = '\0';
	return inet_pton(AF_INET6, b, a) == 1;
}

/* family: 4, 6, or 0 when not yet known from the layer-3 name */
static int
isaddr(struct span v, int family)
{
	if (family != 6 && isv4(v))
		return 1;
	return family != 4 && isv6(v);
}

/* a gre key: conntrack prints it as 0x%x */
static int
iskey(struct span v)
{
	size_t i;

	if (v.n < 3 || v.n > 10 || v.p[0] != '0' || v.p[1] != 'x')
		return 0;
	for (i = 2; i < v.n; i++)
		if (!isdig((unsigned char)v.p[i]) &&
		    !((v.p[i] | 0x20) >= 'a' && (v.p[i] | 0x20) <= 'f'))
			return 0;
	return 1;
}

/*
 * libnetfilter_conntrack's layer-4 name table; any other number prints as
 * "unknown".  A name must come with its own number: anything else is not
 * conntrack output.  Returns enum l4kind, or -1.
 */
static int
classify(struct span name, struct span num)
{
	static const struct {
		const char *name, *num;
		int kind;
	} tab[] = {
		{ "tcp", "6", L4_PORTS }, { "udp", "17", L4_PORTS },
		{ "udplite", "136", L4_PORTS }, { "sctp", "132", L4_PORTS },
		{ "dccp", "33", L4_PORTS }, { "icmp", "1", L4_ICMP },
		{ "icmpv6", "58", L4_ICMP }, { "gre", "47", L4_GRE },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (eq(name, tab[i].name, strlen(tab[i].name)))
			return eq(num, tab[i].num, strlen(tab[i].num)) ?
			    tab[i].kind : -1;
	if (EQ(name, "unknown") && num.p[0] != '0' &&
	    (num.n < 3 || memcmp(num.p, "255", 3) <= 0))
		return L4_OTHER;
	return -1;
}

/*
 * conntrack's messages on stderr, merged into the stream by 2>&1 (see
 * ctev.h).  The summaries are "conntrack vX (conntrack-tools): " and the
 * count (old versions print the count alone).
 */
static int
message(const char *p, const char *e, struct ctev *ev)
{
	static const char entries[] = " flow entries have been shown.";
	const size_t en = sizeof(entries) - 1;
	const char *q, *d;

	if (startswith(p, e, "WARNING: We have hit ENOBUFS!"))
		return CT_LOST;
	if (startswith(p, e, "NOTICE: Netlink socket buffer size"))
		return CT_START;
	if (startswith(p, e, "This message means that the current netlink") ||
	    startswith(p, e, "Please, check --buffer-size"))
		return CT_NOISE;
	if (!startswith(p, e, "conntrack v") && !isdig((unsigned char)*p))
		return CT_BAD;
	if (memmem(p, (size_t)(e - p), "flow events have been shown", 27))
		return CT_EXIT;
	if ((size_t)(e - p) > en && memcmp(e - en, entries, en) == 0) {
		for (q = d = e - en; d > p && isdig((unsigned char)d[-1]); d--)
			;
		if (d < q && q - d <= 10 && (d == p || d[-1] == ' ')) {
			ev->id.p = d;
			ev->id.n = (size_t)(q - d);
			return CT_DUMPEND;
		}
	}
	return CT_BAD;
}

/*
 * -o ktimestamp.  libnetfilter_conntrack writes "[start=%s]" with ctime(3)
 * of the kernel's time in seconds: "Fri Nov 27 06:21:07 2026", the day of
 * the month padded with a blank ("Nov  7").
 */
#define NOWALL INT64_MIN

/* kword: 7 or 6 for a word that opens [start= or [stop=, else 0 */
static int
kword(struct span w)
{
	if (w.n >= 7 && memcmp(w.p, "[start=", 7) == 0)
		return 7;
	if (w.n >= 6 && memcmp(w.p, "[stop=", 6) == 0)
		return 6;
	return 0;
}

static int
num2(const char *p, int *v)
{
	if (!isdig((unsigned char)p[0]) || !isdig((unsigned char)p[1]))
		return -1;
	*v = (p[0] - '0') * 10 + (p[1] - '0');
	return 0;
}

/*
 * ctimewall: ctime's text, exactly p[0..n), as seconds of the local clock
 * since 1970-01-01T00:00 (tm_fromlocal); -1 if it is not that text.  The
 * weekday must be the date's, so little else passes for a time.
 */
static int
ctimewall(const char *p, size_t n, int64_t *wall)
{
	static const char mon[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	static const char wday[] = "SunMonTueWedThuFriSat";
	const char *e = p + n, *q;
	int m, d, h, mi, s, y, yl, mdays;
	int64_t days;

	if (n < 24 || n > 25 || p[3] != ' ' || p[7] != ' ')
		return -1;
	for (m = 0; m < 12 && memcmp(p + 4, mon + 3 * m, 3) != 0; m++)
		;
	if (m == 12)
		return -1;
	q = p + 8;
	if (*q == ' ')
		q++;
	if (!isdig((unsigned char)*q))
		return -1;
	d = *q++ - '0';
	if (isdig((unsigned char)*q))
		d = d * 10 + (*q++ - '0');
	if (e - q != 14 || q[0] != ' ' || num2(q + 1, &h) < 0 || q[3] != ':' ||
	    num2(q + 4, &mi) < 0 || q[6] != ':' || num2(q + 7, &s) < 0 ||
	    q[9] != ' ' || num2(q + 10, &y) < 0 || num2(q + 12, &yl) < 0)
		return -1;
	y = y * 100 + yl;
	mdays = m == 1 ? 28 + (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) :
	    30 + ((m + (m > 6)) % 2 == 0);
	if (d < 1 || d > mdays || h > 23 || mi > 59 || s > 60)
		return -1;
	days = tm_days(y, m + 1, d);
	if (memcmp(p, wday + 3 * ((days % 7 + 11) % 7), 3) != 0)
		return -1;
	*wall = days * 86400 + h * 3600 + mi * 60 + (s == 60 ? 59 : s);
	return 0;
}

/*
 * kinstant: the instant (microseconds) of local time wall: of two (a
 * repeated hour), the one nearest to ref (seconds) when nearest, else the
 * latest at or before ref (or the earlier when both are after it).
 */
static int64_t
kinstant(int64_t wall, int64_t ref, int nearest)
{
	int64_t sol[2];
	int n = tm_fromlocal(wall, sol);

	if (n == 0)
		return CTEV_NOTIME;
	if (n == 2) {
		if (nearest) {
			if ((sol[1] > ref ? sol[1] - ref : ref - sol[1]) <
			    (sol[0] > ref ? sol[0] - ref : ref - sol[0]))
				sol[0] = sol[1];
		} else if (sol[1] <= ref)
			sol[0] = sol[1];
	}
	return sol[0] * TM_USEC;
}

/* deltaof: the value of delta-time= (seconds), or -1 */
static int64_t
deltaof(struct span v)
{
	int64_t d = 0;
	size_t i;

	if (v.n == 0 || v.n > 10)
		return -1;
	for (i = 0; i < v.n; i++) {
		if (!isdig((unsigned char)v.p[i]))
			return -1;
		d = d * 10 + (v.p[i] - '0');
	}
	return d;
}

/*
 * ktimes: ev->kstart and kstop from the local times read (see ctev.h);
 * dspan is delta-time='s value (n == 0: none)
 */
static void
ktimes(struct ctev *ev, int64_t wstart, int64_t wstop, struct span dspan)
{
	int64_t ref, delta;

	ev->kstart = ev->kstop = CTEV_NOTIME;
	if (wstart == NOWALL && wstop == NOWALL)
		return;
	ref = ev->hasts ? ev->usec / TM_USEC : (int64_t)time(NULL);
	if (wstop != NOWALL)
		ev->kstop = kinstant(wstop, ref, 0);
	if (wstart != NOWALL) {
		if (ev->kstop != CTEV_NOTIME)
			ref = ev->kstop / TM_USEC;
		delta = deltaof(dspan);
		ev->kstart = delta >= 0 ? kinstant(wstart, ref - delta, 1) :
		    kinstant(wstart, ref, 0);
	}
}

/* isl3l4: w can open a dump line: a layer-3 or layer-4 name */
static int
isl3l4(struct span w)
{
	static const char *const names[] = { "ipv4", "ipv6", "tcp", "udp",
		"udplite", "sctp", "dccp", "icmp", "icmpv6", "gre", "unknown" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (eq(w, names[i], strlen(names[i])))
			return 1;
	return 0;
}

/*
 * Words.  One lexer for both parsers: a word is what lies between blanks
 * (' ', '\t'); val() finds the blank after it, 16 bytes a step with SSE2
 * where the compiler targets it (values are short, so one compare finds
 * most), and word() first steps over the blanks before it (mostly one).
 * (This file once had a second lexer for the general parser, a bitmap of
 * the whole line's blanks, from when that parser read every line; since
 * fast() reads nearly every event it ran only on dumps and rare lines,
 * and on a 300,000-line dump it was no faster than this one.)
 */

/* val: the value up to the next blank or the end */
static inline struct span
val(const char **pp, const char *e)
{
	const char *p = *pp;
	struct span v;

	v.p = p;
#ifdef __SSE2__
	while (e - p >= 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_cmpeq_epi8(x, _mm_set1_epi8(' ')),
		    _mm_cmpeq_epi8(x, _mm_set1_epi8('\t'))));

		if (m != 0) {
			v.n = (size_t)(p - v.p) + (size_t)__builtin_ctz(m);
			*pp = v.p + v.n;
			return v;
		}
		p += 16;
	}
#endif
	while (p < e && *p != ' ' && *p != '\t')
		p++;
	v.n = (size_t)(p - v.p);
	*pp = p;
	return v;
}

/* word: the next word at *pp, blanks before it skipped (n == 0: the end) */
static inline struct span
word(const char **pp, const char *e)
{
	const char *p = *pp;

	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	*pp = p;
	return val(pp, e);
}

/* [SEC.USEC] with the fraction an integer count of microseconds */
static int
stamp(struct span w, const char **pp, const char *e, int64_t *usec)
{
	const char *p = w.p + 1, *end = w.p + w.n;
	int64_t sec = 0, us = 0;
	int nd;

	/* digits past the limits are counted, not added: no overflow */
	for (nd = 0; p < end && isdig((unsigned char)*p); p++, nd++)
		if (nd < 12)
			sec = sec * 10 + (*p - '0');
	if (nd == 0 || nd > 12 || p == end || *p++ != '.')
		return -1;
	for (nd = 0; p < end && isdig((unsigned char)*p); p++, nd++)
		if (nd < 6)
			us = us * 10 + (*p - '0');
	if (nd == 0 || nd > 6)
		return -1;
	if (p == end) {		/* "%-6ld" padding: blanks, then ']' */
		p = *pp;
		while (p < e && *p == ' ')
			p++;
		if (p == e || *p != ']')
			return -1;
		*pp = p + 1;
	} else if (*p != ']' || p + 1 != end)
		return -1;
	*usec = sec * 1000000 + us;
	return 0;
}

/* the keys of key=value words that matter; the rest are K_OTHER */
enum key {
	K_OTHER, K_SRC, K_DST, K_SPORT, K_DPORT, K_TYPE, K_CODE, K_ID,
	K_SRCKEY, K_DSTKEY, K_PACKETS, K_BYTES, K_ZONEDIR
};

/* by length first: one switch and a fixed-size compare per word */
static inline int
keyof(struct span k)
{
	switch (k.n) {
	case 2:
		return memcmp(k.p, "id", 2) == 0 ? K_ID : K_OTHER;
	case 3:
		if (memcmp(k.p, "src", 3) == 0)
			return K_SRC;
		return memcmp(k.p, "dst", 3) == 0 ? K_DST : K_OTHER;
	case 4:
		if (memcmp(k.p, "type", 4) == 0)
			return K_TYPE;
		return memcmp(k.p, "code", 4) == 0 ? K_CODE : K_OTHER;
	case 5:
		if (memcmp(k.p, "sport", 5) == 0)
			return K_SPORT;
		if (memcmp(k.p, "dport", 5) == 0)
			return K_DPORT;
		return memcmp(k.p, "bytes", 5) == 0 ? K_BYTES : K_OTHER;
	case 6:
		if (memcmp(k.p, "srckey", 6) == 0)
			return K_SRCKEY;
		return memcmp(k.p, "dstkey", 6) == 0 ? K_DSTKEY : K_OTHER;
	case 7:
		return memcmp(k.p, "packets", 7) == 0 ? K_PACKETS : K_OTHER;
	case 9:
		return memcmp(k.p, "zone-orig", 9) == 0 ? K_ZONEDIR : K_OTHER;
	case 10:
		return memcmp(k.p, "zone-reply", 10) == 0 ? K_ZONEDIR : K_OTHER;
	}
	return K_OTHER;
}

/*
 * The general parser, in three steps: head() reads what precedes the
 * tuples (the time, the event's tag or a dump's first word, the
 * protocols), words() the key=value words and flags after them, tuples()
 * checks the two tuples and fills *ev.  Each returns -1 with *why set,
 * or 0 (head: the kind of line, or a message's kind in *kind).
 */
struct refstate {
	const char *p, *e;	/* the rest of the line */
	int family, l4;		/* 4, 6 or 0 (not said); enum l4kind */
	struct tuple t[2];
	int nt;			/* tuples begun */
	int64_t wstart, wstop;	/* -o ktimestamp's wall times, or NOWALL */
	struct span delta;	/* delta-time= */
};

/* head: [time] tag [l3name l3num] l4name l4num; *kind the line's kind */
static int
head(struct refstate *r, struct ctev *ev, int *kind, const char **why)
{
	struct span w, num;

	w = word(&r->p, r->e);
	if (w.n == 0) {
		*why = "empty line";
		return -1;
	}
	if (w.p[0] == '[' && w.n > 1 && isdig((unsigned char)w.p[1])) {
		if (stamp(w, &r->p, r->e, &ev->usec) < 0) {
			*why = "bad timestamp";
			return -1;
		}
		ev->hasts = 1;
		w = word(&r->p, r->e);
	}
	/* an event's tag, a message, or the first word of a dump line */
	*kind = CT_EVENT;
	if (EQ(w, "[NEW]"))
		ev->type = CTEV_NEW;
	else if (EQ(w, "[DESTROY]"))
		ev->type = CTEV_DESTROY;
	else if (EQ(w, "[UPDATE]"))
		ev->type = CTEV_UPDATE;
	else if (!ev->hasts && (*kind = message(w.p, r->e, ev)) != CT_BAD)
		return 0;
	else if (!ev->hasts && isl3l4(w)) {
		ev->type = CTEV_DUMP;
		*kind = CT_DUMP;
	} else {
		*why = "not a conntrack event";
		return -1;
	}

	if (*kind == CT_EVENT)
		w = word(&r->p, r->e);
	num = word(&r->p, r->e);
	if (EQ(w, "ipv4") || EQ(w, "ipv6")) {
		r->family = EQ(w, "ipv4") ? 4 : 6;
		if (!(r->family == 4 ? EQ(num, "2") : EQ(num, "10"))) {
			*why = "bad layer-3 protocol number";
			return -1;
		}
		w = word(&r->p, r->e);
		num = word(&r->p, r->e);
	}
	if (w.n == 0 || !isnum(num, 3) || (r->l4 = classify(w, num)) < 0) {
		*why = "bad layer-4 protocol";
		return -1;
	}
	ev->proto = EQ(w, "unknown") ? num : w;
	return 0;
}

/*
 * flag: the bracketed word w: [start=...] and [stop=...] (-o ktimestamp)
 * read, others stepped over; 1 at [USERSPACE] (portid=, progname= to the
 * end: no more to read)
 */
static int
flag(struct refstate *r, struct span w, const char **why)
{
	const char *q;
	int64_t wall;
	int kw;

	if (EQ(w, "[USERSPACE]"))
		return 1;
	if ((kw = kword(w)) != 0) {
		q = memchr(w.p, ']', (size_t)(r->e - w.p));
		if (q == NULL) {
			*why = "unterminated [";
			return -1;
		}
		if (ctimewall(w.p + kw, (size_t)(q - w.p) - kw, &wall) == 0)
			*(kw == 7 ? &r->wstart : &r->wstop) = wall;
		r->p = q + 1;
		return 0;
	}
	if (w.p[w.n - 1] == ']')
		return 0;	/* [UNREPLIED], [ASSURED], ... */
	while (r->p < r->e && *r->p != ']')	/* [start=Fri Nov 27 ...] */
		r->p++;
	if (r->p == r->e) {
		*why = "unterminated [";
		return -1;
	}
	r->p++;
	return 0;
}

/* field: the tuple field of u that key names in a protocol l4, or NULL */
static struct span *
field(struct tuple *u, int key, int l4)
{
	switch (key) {
	case K_DST:
		return &u->dst;
	case K_SPORT:
		return l4 == L4_PORTS ? &u->sport : NULL;
	case K_DPORT:
		return l4 == L4_PORTS ? &u->dport : NULL;
	case K_ID:
		return l4 == L4_ICMP && u->icmpid.p == NULL ? &u->icmpid :
		    NULL;
	case K_SRCKEY:
		return l4 == L4_GRE ? &u->skey : NULL;
	case K_DSTKEY:
		return l4 == L4_GRE ? &u->dkey : NULL;
	case K_PACKETS:
		return &u->pkts;
	case K_BYTES:
		return &u->bytes;
	}
	return NULL;
}

/*
 * words: the rest, [timeout] [state], then key=value words and bracketed
 * flags.  src= opens a tuple; a word that cannot belong to a tuple
 * closes it, so the ICMP id= (which follows type= code= inside the
 * tuple) is never mistaken for the conntrack id.
 */
static int
words(struct refstate *r, struct ctev *ev, const char **why)
{
	struct span w, k, v, *f;
	int intuple = 0, state = 0, key, rc;
	const char *eqp;

	while ((w = word(&r->p, r->e)).n != 0) {
		if (w.p[0] == '[') {
			intuple = 0;
			if ((rc = flag(r, w, why)) != 0)
				return rc < 0 ? -1 : 0;
			continue;
		}
		if ((eqp = memchr(w.p, '=', w.n)) == NULL) {
			if (r->nt > 0 || state) {	/* bare word after tuples */
				if (EQ(w, "labels"))
					continue;
				*why = "unexpected word";
				return -1;
			}
			/* timeout (digits), then state (a name) */
			if (!isnum(w, 10))
				state = 1;
			continue;
		}
		k.p = w.p;
		k.n = (size_t)(eqp - w.p);
		v.p = eqp + 1;
		v.n = w.n - k.n - 1;
		key = keyof(k);
		if (key == K_SRC) {
			if (r->nt == 2) {
				*why = "more than two tuples";
				return -1;
			}
			r->nt++;
			intuple = 1;
			if (!isaddr(v, r->family)) {
				*why = "bad src address";
				return -1;
			}
			r->t[r->nt - 1].src = v;
			continue;
		}
		if (intuple) {
			if (key == K_ZONEDIR || ((key == K_TYPE ||
			    key == K_CODE) && r->l4 == L4_ICMP))
				continue;
			if ((f = field(&r->t[r->nt - 1], key, r->l4)) != NULL) {
				if (f->p != NULL) {
					*why = "repeated tuple field";
					return -1;
				}
				*f = v;
				continue;
			}
			intuple = 0;	/* mark=, zone=, id=, ...: tuples over */
		}
		if (r->nt < 2) {
			*why = "field outside the tuples";
			return -1;
		}
		if (key == K_ID) {
			if (!isnum(v, 10)) {
				*why = "bad id";
				return -1;
			}
			ev->id = v;	/* the last id= is the conntrack id */
		} else if (EQ(k, "delta-time"))
			r->delta = v;
		/* mark, secctx, zone, delta-time, helper, use, labels: unused */
	}
	return 0;
}

/* tuples: both tuples whole and valid for the protocol: into *ev */
static int
tuples(struct refstate *r, struct ctev *ev, const char **why)
{
	const struct tuple *t = r->t;

	if (r->nt < 2 || t[0].dst.p == NULL || t[1].dst.p == NULL) {
		*why = "missing original or reply tuple";
		return -1;
	}
	if (!isaddr(t[0].dst, r->family) || !isaddr(t[1].dst, r->family)) {
		*why = "bad dst address";
		return -1;
	}
	ev->src = t[0].src;
	ev->dst = t[0].dst;
	ev->nat = t[1].dst;
	switch (r->l4) {
	case L4_PORTS:
		if (!isport(t[0].sport) || !isport(t[0].dport) ||
		    !isport(t[1].sport) || !isport(t[1].dport)) {
			*why = "bad or missing port";
			return -1;
		}
		ev->sport = t[0].sport;
		ev->dport = t[0].dport;
		ev->natport = t[1].dport;
		break;
	case L4_ICMP:
		if (!isport(t[0].icmpid) || !isport(t[1].icmpid)) {
			*why = "bad or missing icmp id";
			return -1;
		}
		ev->sport = t[0].icmpid;
		ev->natport = t[1].icmpid;
		break;
	case L4_GRE:
		if (!iskey(t[0].skey) || !iskey(t[0].dkey) ||
		    !iskey(t[1].skey) || !iskey(t[1].dkey)) {
			*why = "bad or missing gre key";
			return -1;
		}
		ev->sport = t[0].skey;
		ev->dport = t[0].dkey;
		ev->natport = t[1].dkey;
		break;
	}
	if ((t[0].pkts.p != NULL) != (t[0].bytes.p != NULL) ||
	    (t[1].pkts.p != NULL) != (t[1].bytes.p != NULL) ||
	    (t[0].pkts.p != NULL && (!isnum(t[0].pkts, 20) ||
	    !isnum(t[0].bytes, 20))) || (t[1].pkts.p != NULL &&
	    (!isnum(t[1].pkts, 20) || !isnum(t[1].bytes, 20)))) {
		*why = "bad counters";
		return -1;
	}
	ev->opkts = t[0].pkts;
	ev->obytes = t[0].bytes;
	ev->rpkts = t[1].pkts;
	ev->rbytes = t[1].bytes;
	return 0;
}

int
ctev_parse_ref(const char *s, size_t n, struct ctev *ev, const char **why)
{
	struct refstate r;
	int kind;

	memset(ev, 0, sizeof(*ev));
	ev->kstart = ev->kstop = CTEV_NOTIME;
	memset(&r, 0, sizeof(r));
	r.p = s;
	r.e = s + n;
	r.wstart = r.wstop = NOWALL;
	if (n > CTEV_MAXLINE) {
		*why = "line too long";
		return CT_BAD;
	}
	if (head(&r, ev, &kind, why) < 0)
		return CT_BAD;
	if (kind != CT_EVENT && kind != CT_DUMP)
		return kind;		/* a message */
	if (words(&r, ev, why) < 0 || tuples(&r, ev, why) < 0)
		return CT_BAD;
	ktimes(ev, r.wstart, r.wstop, r.delta);
	return kind;
}

/*
 * The fast path.  Nearly every line is a tcp or udp event in exactly the
 * layout conntrack 1.4.x prints with -o timestamp[,extended][,id]:
 *
 *   [SEC.USEC]\t    [NEW] ipv4     2 tcp      6 120 SYN_SENT src=A dst=B
 *   sport=P dport=Q [packets=N bytes=N] [[UNREPLIED]] src=B dst=C sport=Q
 *   dport=R [packets=N bytes=N] [ASSURED] [delta-time=N] [id=I]
 *
 * fast() reads that layout in one pass, expecting each literal in turn,
 * and gives up (-1) at the first thing it does not expect; the general
 * parser below, which knows the whole grammar, then decides.  So fast()
 * never accepts a line the general parser would reject or read otherwise
 * (the fuzz harness t/fuzz/ctev.c checks exactly that).
 */

/* lit: the literal l of length ln is next: step over it */
#define LIT(p, e, l) ((size_t)((e) - (p)) >= sizeof(l) - 1 && \
	memcmp((p), (l), sizeof(l) - 1) == 0 ? ((p) += sizeof(l) - 1, 1) : 0)

/* tuple: "src=A dst=B sport=P dport=Q[ packets=N bytes=N]" */
static int
ftuple(const char **pp, const char *e, struct tuple *t)
{
	const char *p = *pp;

	if (!LIT(p, e, "src="))
		return -1;
	t->src = val(&p, e);
	if (!LIT(p, e, " dst="))
		return -1;
	t->dst = val(&p, e);
	if (!LIT(p, e, " sport="))
		return -1;
	t->sport = val(&p, e);
	if (!LIT(p, e, " dport="))
		return -1;
	t->dport = val(&p, e);
	t->pkts.p = t->bytes.p = NULL;
	t->pkts.n = t->bytes.n = 0;
	if (LIT(p, e, " packets=")) {
		t->pkts = val(&p, e);
		if (!LIT(p, e, " bytes="))
			return -1;
		t->bytes = val(&p, e);
	}
	*pp = p;
	return 0;
}

/*
 * fhead: "[SEC.USEC]\t [EVENT] [ipv4     2 ]PROTO N [TIMEOUT ][STATE ]",
 * the line's start up to its first tuple: the time, the event and the
 * protocol into ev, the family (4, 6, 0: not said) into *family
 */
static int
fhead(const char **pp, const char *e, struct ctev *ev, int *family)
{
	const char *p = *pp;
	struct span w;
	int64_t sec = 0, us = 0;
	int nd;

	if (e - p < 20 || *p++ != '[')
		return -1;
	for (nd = 0; p < e && isdig((unsigned char)*p) && nd < 12; p++, nd++)
		sec = sec * 10 + (*p - '0');
	if (nd == 0 || !LIT(p, e, "."))
		return -1;
	for (nd = 0; p < e && isdig((unsigned char)*p) && nd < 6; p++, nd++)
		us = us * 10 + (*p - '0');
	if (nd != 6 || !LIT(p, e, "]\t"))
		return -1;
	ev->usec = sec * 1000000 + us;
	while (p < e && *p == ' ')
		p++;
	if (LIT(p, e, "[NEW] "))
		ev->type = CTEV_NEW;
	else if (LIT(p, e, "[DESTROY] "))
		ev->type = CTEV_DESTROY;
	else if (LIT(p, e, "[UPDATE] "))
		ev->type = CTEV_UPDATE;
	else
		return -1;
	*family = 0;
	if (LIT(p, e, "ipv4     2 "))
		*family = 4;
	else if (LIT(p, e, "ipv6     10 "))
		*family = 6;
	ev->proto.p = p;
	if (LIT(p, e, "tcp      6 "))
		ev->proto.n = 3;
	else if (LIT(p, e, "udp      17 "))
		ev->proto.n = 3;
	else
		return -1;
	if (p < e && isdig((unsigned char)*p)) {	/* timeout */
		w = val(&p, e);
		if (!isnum(w, 10) || !LIT(p, e, " "))
			return -1;
	}
	if (p < e && *p >= 'A' && *p <= 'Z') {		/* state */
		while (p < e && ((*p >= 'A' && *p <= 'Z') || *p == '_' ||
		    isdig((unsigned char)*p)))
			p++;
		if (!LIT(p, e, " "))
			return -1;
	}
	*pp = p;
	return 0;
}

/*
 * fwords: the words after the tuples, up to e: flags, the conntrack id
 * into ev, the kernel's times into *wstart, *wstop and *delta, mark=;
 * any other word is the general parser's
 */
static int
fwords(const char *p, const char *e, struct ctev *ev, int64_t *wstart,
    int64_t *wstop, struct span *delta)
{
	struct span w;
	const char *q;
	int64_t wall;
	int kw;

	ev->id.p = NULL;
	ev->id.n = 0;
	while (p < e) {
		if (!LIT(p, e, " "))
			return -1;
		w = val(&p, e);		/* empty after a trailing blank */
		if (w.n > 0 && w.p[0] == '[' && (kw = kword(w)) != 0) {
			if ((q = memchr(w.p, ']', (size_t)(e - w.p))) == NULL ||
			    ctimewall(w.p + kw, (size_t)(q - w.p) - kw,
			    &wall) < 0)
				return -1;
			*(kw == 7 ? wstart : wstop) = wall;
			p = q + 1;
			continue;
		}
		if (w.n >= 2 && w.p[0] == '[' && w.p[w.n - 1] == ']') {
			if (w.n == 11 && memcmp(w.p, "[USERSPACE]", 11) == 0)
				break;
			continue;
		}
		if (w.n > 3 && memcmp(w.p, "id=", 3) == 0) {
			ev->id.p = w.p + 3;
			ev->id.n = w.n - 3;
			if (!isnum(ev->id, 10))
				return -1;
		} else if (w.n > 11 && memcmp(w.p, "delta-time=", 11) == 0) {
			delta->p = w.p + 11;
			delta->n = w.n - 11;
		} else if (!(w.n > 5 && memcmp(w.p, "mark=", 5) == 0))
			return -1;	/* anything else: the general parser */
	}
	return 0;
}

/* ftuplesok: the tuples' addresses, ports and counters are well formed */
static int
ftuplesok(const struct tuple t[2], int family)
{
	int i;

	for (i = 0; i < 2; i++)
		if (!isaddr(t[i].src, family) || !isaddr(t[i].dst, family) ||
		    !isport(t[i].sport) || !isport(t[i].dport) ||
		    (t[i].pkts.p != NULL && (!isnum(t[i].pkts, 20) ||
		    !isnum(t[i].bytes, 20))))
			return 0;
	return 1;
}

static int
fast(const char *s, size_t n, struct ctev *ev)
{
	const char *p = s, *e = s + n;
	struct tuple t[2];
	int64_t wstart = NOWALL, wstop = NOWALL;
	struct span delta = { NULL, 0 };
	int family;

	if (fhead(&p, e, ev, &family) < 0)
		return -1;
	if (ftuple(&p, e, &t[0]) < 0 || !LIT(p, e, " "))
		return -1;
	if (LIT(p, e, "[UNREPLIED] "), ftuple(&p, e, &t[1]) < 0)
		return -1;
	if (fwords(p, e, ev, &wstart, &wstop, &delta) < 0 ||
	    !ftuplesok(t, family))
		return -1;
	ev->hasts = 1;
	ev->src = t[0].src;
	ev->sport = t[0].sport;
	ev->dst = t[0].dst;
	ev->dport = t[0].dport;
	ev->nat = t[1].dst;
	ev->natport = t[1].dport;
	ev->opkts = t[0].pkts;
	ev->obytes = t[0].bytes;
	ev->rpkts = t[1].pkts;
	ev->rbytes = t[1].bytes;
	if (wstart == NOWALL && wstop == NOWALL)
		ev->kstart = ev->kstop = CTEV_NOTIME;
	else
		ktimes(ev, wstart, wstop, delta);
	return CT_EVENT;
}

int
ctev_parse(const char *s, size_t n, struct ctev *ev, const char **why)
{
	if (fast(s, n, ev) == CT_EVENT)
		return CT_EVENT;
	return ctev_parse_ref(s, n, ev, why);
}
