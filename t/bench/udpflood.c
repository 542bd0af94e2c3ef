/*
 * udpflood - paced one-datagram UDP flows, each with a source address,
 * source port and destination port of its own, for t/bench/gateway.sh: the
 * load a NAT gateway's conntrack sees as RATE new flows a second.
 *
 *	udpflood -r RATE -t SECONDS [-s SRC] [-n NSRC] [-d DST]
 *
 * Flow i goes from SRC+(i mod NSRC) (default 10.30.0.2, 8 addresses, the
 * namespace lab's inside hosts) port 1024+(i/(NSRC*1000) mod 64000) to DST
 * (default 198.51.100.2) port 10000+(i/NSRC mod 1000): no 5-tuple comes
 * back within NSRC*64,000,000 flows, and a thousand destination ports keep
 * the NAT's port pool per destination (one public address) far from full.
 *
 * The datagrams are written whole, IPv4 header included, through one raw
 * socket (root or CAP_NET_RAW): a Python client, a socket per flow, does
 * not reach 25,000 flows a second on a 2-core machine; this costs one
 * sendto(2) a flow.  The UDP checksum is 0 (none: allowed for IPv4); the
 * kernel fills the IP checksum and identification.
 *
 * Pacing: every millisecond (clock_nanosleep to an absolute time on
 * CLOCK_MONOTONIC) it sends the flows due since the start, RATE*elapsed
 * of them in all, so a late wake-up is made up at the next one.  At the
 * end it prints "sent N in S s: R/s, E errors" on stdout; a failed sendto
 * (ENOBUFS, ...) is counted, not retried.
 *
 * Exit status: 0, or 2 on a usage or socket error.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "err.h"

static double rate;		/* -r: flows a second */
static double secs;		/* -t: for how long */
static uint32_t src0;		/* -s: first source address, host order */
static unsigned nsrc = 8;	/* -n: how many source addresses */
static uint32_t dst;		/* -d: destination, host order */

static void
usage(void)
{
	fprintf(stderr, "usage: udpflood -r RATE -t SECONDS [-s SRC] [-n NSRC] "
	    "[-d DST]\n");
	exit(EXIT_TROUBLE);
}

static uint32_t
addr(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		die(EXIT_TROUBLE, "not an IPv4 address: %s", s);
	return ntohl(a.s_addr);
}

static double
number(const char *s)
{
	char *end;
	double v;

	v = strtod(s, &end);
	if (end == s || *end != '\0' || !(v > 0))
		die(EXIT_TROUBLE, "not a positive number: %s", s);
	return v;
}

static void
put16(unsigned char *p, unsigned v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void
put32(unsigned char *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static double
since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	    (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

int
main(int argc, char **argv)
{
	/* 20 bytes of IPv4 header, 8 of UDP, 1 of payload */
	unsigned char pkt[29];
	struct sockaddr_in to;
	struct timespec t0, next;
	unsigned long long i, due, errs;
	double el;
	int c, fd;

	err_init(argv[0]);
	src0 = addr("10.30.0.2");
	dst = addr("198.51.100.2");
	while ((c = getopt(argc, argv, "r:t:s:n:d:")) != -1) {
		switch (c) {
		case 'r':
			rate = number(optarg);
			break;
		case 't':
			secs = number(optarg);
			break;
		case 's':
			src0 = addr(optarg);
			break;
		case 'n':
			nsrc = (unsigned)number(optarg);
			if (nsrc < 1 || nsrc > 256)
				die(EXIT_TROUBLE, "-n: 1 to 256 addresses");
			break;
		case 'd':
			dst = addr(optarg);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || rate == 0 || secs == 0)
		usage();

	/* IPPROTO_RAW: the header is ours (IP_HDRINCL implied) */
	if ((fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW)) == -1)
		die(EXIT_TROUBLE, "raw socket:");
	memset(pkt, 0, sizeof pkt);
	pkt[0] = 0x45;			/* version 4, 5 words of header */
	put16(pkt + 2, sizeof pkt);	/* total length */
	pkt[8] = 64;			/* TTL */
	pkt[9] = IPPROTO_UDP;
	put32(pkt + 16, dst);
	put16(pkt + 24, 9);		/* UDP length: header and 1 byte */
	pkt[28] = 'x';
	memset(&to, 0, sizeof to);
	to.sin_family = AF_INET;
	to.sin_addr.s_addr = htonl(dst);

	i = errs = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	next = t0;
	for (;;) {
		el = since(&t0);
		if (el >= secs)
			break;
		for (due = (unsigned long long)(rate * el); i < due; i++) {
			put32(pkt + 12, src0 + (uint32_t)(i % nsrc));
			put16(pkt + 20, 1024 + (unsigned)(i / (nsrc * 1000ULL) % 64000));
			put16(pkt + 22, 10000 + (unsigned)(i / nsrc % 1000));
			if (sendto(fd, pkt, sizeof pkt, 0, (struct sockaddr *)&to,
			    sizeof to) != (ssize_t)sizeof pkt)
				errs++;
		}
		next.tv_nsec += 1000000;
		if (next.tv_nsec >= 1000000000) {
			next.tv_nsec -= 1000000000;
			next.tv_sec++;
		}
		while ((c = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
		    &next, NULL)) == EINTR)
			;
	}
	el = since(&t0);
	printf("sent %llu in %.2f s: %.0f/s, %llu errors\n", i, el,
	    (double)i / el, errs);
	return fflush(stdout) == 0 ? 0 : EXIT_TROUBLE;
}
