#!/bin/sh
# make demo: the whole job on a real capture.
#
# examples/sample/conntrack.txt is what ctparse read on a kernel NAT
# (network namespaces, t/e2e/sample.sh) deployed as examples/runit shows:
# conntrack's NOTICE, a dump of the flows open then, the events; then
# conntrack was killed and run again 4 seconds later (another NOTICE and
# dump) while test clients went on making TCP and UDP flows through a NAT
# of only 16 ports, so that ports pass between inside hosts.  The lab's
# server saw, among others, UDP datagrams from the NAT address
# 198.51.100.1 port 20013 at 08:14:33-35, sent by 10.30.0.9.
set -eu
cd "$(dirname "$0")/.."
PATH=$PWD/cmd:$PATH
d=$(mktemp -d "${TMPDIR:-/tmp}/ctdemo.XXXXXX")
trap 'rm -rf "$d"' EXIT

if [ -t 1 ]; then
	b=$(printf '\033[1m') n=$(printf '\033[0m')
else
	b= n=
fi

say() {
	printf '\n%s$ %s%s\n' "$b" "$*" "$n"
}

say "head -3 examples/sample/conntrack.txt      # conntrack: NOTICE, a dump, events"
head -3 examples/sample/conntrack.txt

say "ctparse -o '$d/log/%Y-%m-%d.csv' examples/sample/conntrack.txt"
mkdir "$d/log"
ctparse -o "$d/log/%Y-%m-%d.csv" examples/sample/conntrack.txt
ls -l "$d/log"

say "ctgrep --records -v ... # what the log says of itself: begin, snapshots, a restart, end"
ctgrep --records "$d"/log/*.csv | grep -v ';alive;'

say "ctgrep -N 198.51.100.1:20013 $d/log/*.csv  # the lines of one NAT port"
ctgrep -N 198.51.100.1:20013 "$d"/log/*.csv

say "ctgrep -N 198.51.100.1:20013 ... | cttime -a -t 2026-11-30T08:14:34Z  # active then"
ctgrep -N 198.51.100.1:20013 "$d"/log/*.csv | cttime -a -t 2026-11-30T08:14:34Z

say "cttrace -d $d/log 198.51.100.1 20013 2026-11-30T08:14:34Z"
cttrace -d "$d/log" 198.51.100.1 20013 2026-11-30T08:14:34Z

say "cttrace -T -d $d/log 198.51.100.1 20011 2026-11-30T08:14:26Z   # a port that changed hands"
cttrace -T -d "$d/log" 198.51.100.1 20011 2026-11-30T08:14:26Z

say "cttrace -T -d $d/log 198.51.100.1 20015 2026-11-30T08:14:11Z   # while conntrack was down"
cttrace -T -d "$d/log" 198.51.100.1 20015 2026-11-30T08:14:11Z || :

say "ctzip $d/log/*.csv && cttrace -p udp -d $d/log 198.51.100.1 20013 '2026-11-30 09:14:34+01:00'"
touch -d '1 hour ago' "$d"/log/*.csv
ctzip -q "$d"/log/*.csv 2>/dev/null || ctzip "$d"/log/*.csv
cttrace -p udp -d "$d/log" 198.51.100.1 20013 '2026-11-30 09:14:34+01:00'
