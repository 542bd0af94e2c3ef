/*
 * natkey.h - the NAT address and port of a complaint (and the other
 * addresses, ports and protocols a question names), read the one way
 * every tool reads them, and written as the log writes them.
 *
 * The log (csv.h) writes an address as inet_ntop(3) gives it (IPv6 in
 * lower case with "::" compression), a port in decimal, a protocol by
 * conntrack's name or, for one it has no name for, its number.  A person
 * may write them otherwise: 2001:DB8:0::1, 07001, TCP, 6.  So every
 * question is brought to the log's form before it is compared, and a
 * question that no line can match is refused with the reason, never
 * answered "none":
 * - An IPv4-mapped IPv6 address (::ffff:198.51.100.1), the form in which
 *   dual-stack servers log IPv4 clients, is the IPv4 address: the NAT
 *   logs IPv4 flows as IPv4 (natkey.mapped says so, for a note).
 * - A port is 1 to 65535, in decimal; leading zeros are allowed.
 * - A protocol is a name conntrack gives (tcp, udp, udplite, sctp, dccp,
 *   icmp, icmpv6, gre; any case) or a number 0-255, which becomes the
 *   name when there is one.
 * Functions return NULL, or a short reason (a static string).
 */
#ifndef CT_NATKEY_H
#define CT_NATKEY_H

#include <arpa/inet.h>
#include <stddef.h>

#define NATKEY_LOGMAX (INET6_ADDRSTRLEN + 8)	/* "addr;port" and NUL */

struct natkey {
	char addr[INET6_ADDRSTRLEN];	/* as the log writes it */
	unsigned port;		/* 0: none given */
	int v6;			/* an IPv6 address */
	int mapped;		/* given as IPv4-mapped IPv6 */
};

/* natkey_addr: the address s[0..n), brackets allowed around IPv6 */
const char *natkey_addr(struct natkey *k, const char *s, size_t n);

/* natkey_port: the port s[0..n) */
const char *natkey_port(struct natkey *k, const char *s, size_t n);

/*
 * natkey_parse: "ADDR:PORT" or "[IPV6]:PORT" (an IPv6 address with a
 * port must be in brackets); with portopt, also "ADDR" and "[IPV6]" (a
 * port of 0 in k: any).
 */
const char *natkey_parse(struct natkey *k, const char *s, int portopt);

/* natkey_log: "addr;port", the nat and natport fields, into b[n] */
size_t natkey_log(const struct natkey *k, char *b, size_t n);

/* natkey_proto: the protocol s as the log writes it, into b[n] */
const char *natkey_proto(const char *s, char *b, size_t n);

#endif
