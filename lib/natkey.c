/* natkey.c - see natkey.h */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "natkey.h"

const char *
natkey_addr(struct natkey *k, const char *s, size_t n)
{
	unsigned char bin[16];
	char a[INET6_ADDRSTRLEN + 1];
	static const unsigned char v4map[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
		if (memchr(s, ':', n) == NULL)
			return "bad IPv6 address";
	}
	k->v6 = memchr(s, ':', n) != NULL;
	k->mapped = 0;
	if (n == 0 || n >= sizeof(a))
		return k->v6 ? "bad IPv6 address" : "bad IPv4 address";
	memcpy(a, s, n);
	a[n] = '\0';
	if (inet_pton(k->v6 ? AF_INET6 : AF_INET, a, bin) != 1)
		return k->v6 ? "bad IPv6 address" : "bad IPv4 address";
	if (k->v6 && memcmp(bin, v4map, sizeof(v4map)) == 0) {
		memmove(bin, bin + 12, 4);
		k->v6 = 0;
		k->mapped = 1;
	}
	if (inet_ntop(k->v6 ? AF_INET6 : AF_INET, bin, k->addr,
	    sizeof(k->addr)) == NULL)
		return "bad address";
	return NULL;
}

const char *
natkey_port(struct natkey *k, const char *s, size_t n)
{
	unsigned long v = 0;
	size_t i;

	if (n == 0)
		return "bad port (1-65535)";
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || v > 65535)
			return "bad port (1-65535)";
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < 1 || v > 65535)
		return "bad port (1-65535)";
	k->port = (unsigned)v;
	return NULL;
}

const char *
natkey_parse(struct natkey *k, const char *s, int portopt)
{
	const char *e, *port = NULL, *why;
	size_t n;

	k->port = 0;
	if (s[0] == '[') {
		if ((e = strchr(s, ']')) == NULL)
			return portopt ? "expected [IPV6] or [IPV6]:PORT" :
			    "expected [IPV6]:PORT";
		if (e[1] == ':')
			port = e + 2;
		else if (e[1] != '\0' || !portopt)
			return portopt ? "expected [IPV6] or [IPV6]:PORT" :
			    "expected [IPV6]:PORT";
		n = (size_t)(e + 1 - s);
	} else if ((e = strchr(s, ':')) == NULL) {
		if (!portopt)
			return "expected NATIP:PORT";
		n = strlen(s);
	} else if (strchr(e + 1, ':') != NULL) {
		if (!portopt)
			return "write an IPv6 address in brackets: "
			    "[2001:db8::1]:61234";
		n = strlen(s);	/* a bare IPv6 address, no port */
	} else {
		port = e + 1;
		n = (size_t)(e - s);
	}
	if ((why = natkey_addr(k, s, n)) != NULL)
		return why;
	return port != NULL ? natkey_port(k, port, strlen(port)) : NULL;
}

size_t
natkey_log(const struct natkey *k, char *b, size_t n)
{
	int r = snprintf(b, n, "%s;%u", k->addr, k->port);

	return r < 0 ? 0 : (size_t)r < n ? (size_t)r : n - 1;
}

const char *
natkey_proto(const char *s, char *b, size_t n)
{
	static const struct {
		const char *name;
		int num;
	} p[] = {
		{ "icmp", 1 }, { "tcp", 6 }, { "udp", 17 }, { "dccp", 33 },
		{ "gre", 47 }, { "icmpv6", 58 }, { "sctp", 132 },
		{ "udplite", 136 },
	};
	size_t i, len = strlen(s);
	int v = 0;

	for (i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		if (strcasecmp(s, p[i].name) == 0) {
			snprintf(b, n, "%s", p[i].name);
			return NULL;
		}
	if (len == 0 || len > 3 || strspn(s, "0123456789") != len)
		return "not a protocol (tcp, udp, udplite, sctp, dccp, icmp, "
		    "icmpv6, gre, or a number 0-255)";
	for (i = 0; i < len; i++)
		v = v * 10 + (s[i] - '0');
	if (v > 255)
		return "not a protocol number (0-255)";
	for (i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		if (p[i].num == v) {
			snprintf(b, n, "%s", p[i].name);
			return NULL;
		}
	snprintf(b, n, "%d", v);
	return NULL;
}
