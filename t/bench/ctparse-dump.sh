#!/bin/sh
# ctparse-dump.sh [FLOWS] - what a real dump costs: the router of a fresh
# namespace lab (t/e2e/natlab.sh) is filled with FLOWS one-datagram UDP
# flows (default 250000, under the kernel's nf_conntrack_max), kept open
# for ten minutes (nf_conntrack_udp_timeout=600 in the lab), then
#	conntrack -L --src-nat -oextended,id,ktimestamp
# as the examples run it is timed (wall, CPU) and its output measured,
# and ctparse reads it as it would after conntrack -E's NOTICE, from a
# pipe: its time and maximum resident set size.  Needs root; only the
# lab's own addresses are used; the lab is torn down at the end.
set -u
cd "$(dirname "$0")/../.." || exit 2
ROOT=$(pwd)
FLOWS=${1:-250000}
P=ctWd$$
DIR=$(mktemp -d)
CT=${CT:-$ROOT/cmd/ctparse}

cleanup() {
	"$ROOT/t/e2e/natlab.sh" down "$P" >/dev/null 2>&1
	rm -rf "$DIR"
}
trap cleanup EXIT
[ "$(id -u)" -eq 0 ] || { echo "ctparse-dump.sh: needs root" >&2; exit 2; }
NATLAB_RTR_SYSCTL="net.netfilter.nf_conntrack_udp_timeout=600" \
    "$ROOT/t/e2e/natlab.sh" up "$P" >/dev/null || exit 2
echo "nf_conntrack_max $(cat /proc/sys/net/netfilter/nf_conntrack_max)"

# FLOWS flows: 8 inside addresses, source ports from 10000 up, to ten
# server ports (the NAT needs a port per destination address and port)
t0=$(date +%s.%N)
ip netns exec "$P-cli" python3 -c '
import socket, sys
n = int(sys.argv[1])
src = ["10.30.0.%d" % i for i in range(2, 10)]
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src[i % 8], 10000 + i // 8))
    s.sendto(b"x", ("198.51.100.2", 7001 + i % 10))
    s.close()
' "$FLOWS" || exit 2
t1=$(date +%s.%N)
echo "made $FLOWS flows in $(echo "$t1 - $t0" | bc) s;" \
    "the router's table: $(ip netns exec "$P-rtr" conntrack -C) entries"

ip netns exec "$P-rtr" /usr/bin/time -v -o "$DIR/time-L" \
    conntrack -L --src-nat -oextended,id,ktimestamp >"$DIR/dump" 2>"$DIR/dump.err"
echo "conntrack -L: $(wc -l <"$DIR/dump") lines, $(wc -c <"$DIR/dump") bytes;" \
    "$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$DIR/time-L") wall," \
    "user $(sed -n 's/.*User time (seconds): //p' "$DIR/time-L") s," \
    "sys $(sed -n 's/.*System time (seconds): //p' "$DIR/time-L") s;" \
    "$(cat "$DIR/dump.err")"
head -n 1 "$DIR/dump"
{
	echo 'NOTICE: Netlink socket buffer size has been set to 209715200 bytes.'
	cat "$DIR/dump" "$DIR/dump.err"
} | /usr/bin/time -v -o "$DIR/time-p" "$CT" -o "$DIR/log.csv" 2>"$DIR/ctparse.err"
echo "ctparse: $(tail -n 1 "$DIR/ctparse.err");" \
    "max RSS $(sed -n 's/.*Maximum resident set size (kbytes): //p' "$DIR/time-p") kB," \
    "$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$DIR/time-p") wall," \
    "user $(sed -n 's/.*User time (seconds): //p' "$DIR/time-p") s"
echo "log: $(grep -c ';open;' "$DIR/log.csv") open records," \
    "$(grep ';open;' "$DIR/log.csv" | wc -c) bytes; $(grep ';snapshot;' "$DIR/log.csv")"
