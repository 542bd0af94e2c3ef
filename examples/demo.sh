#!/bin/sh
# make demo: the whole job on a real capture.
#
# examples/sample/conntrack.txt is what `conntrack -E -eNEW,DESTROY
# --src-nat -otimestamp,extended,id` printed on a kernel NAT (network
# namespaces, t/e2e/natlab.sh) while test clients made TCP, UDP and ICMP
# flows through it.  The lab's server saw, among others, a TCP connection
# from the NAT address 198.51.100.1 port 26281 that lasted four seconds;
# the question is who was behind it two seconds in.
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

say "head -3 examples/sample/conntrack.txt      # real conntrack -E text"
head -3 examples/sample/conntrack.txt

say "ctparse -o '$d/log/%Y-%m-%d.csv' examples/sample/conntrack.txt"
mkdir "$d/log"
ctparse -o "$d/log/%Y-%m-%d.csv" examples/sample/conntrack.txt
ls -l "$d/log"
head -3 "$d"/log/*.csv

say "ctgrep -N 198.51.100.1:26281 $d/log/*.csv  # the lines of one NAT port"
ctgrep -N 198.51.100.1:26281 "$d"/log/*.csv

say "ctgrep -N 198.51.100.1:26281 ... | cttime -a -t 2026-11-27T06:21:10Z  # active then"
ctgrep -N 198.51.100.1:26281 "$d"/log/*.csv | cttime -a -t 2026-11-27T06:21:10Z

say "cttrace -d $d/log 198.51.100.1 26281 2026-11-27T06:21:10Z"
cttrace -d "$d/log" 198.51.100.1 26281 2026-11-27T06:21:10Z

say "gzip $d/log/*.csv && cttrace -p tcp -d $d/log 198.51.100.1 26281 '2026-11-27 07:21:10+01:00'"
gzip "$d"/log/*.csv
cttrace -p tcp -d "$d/log" 198.51.100.1 26281 '2026-11-27 07:21:10+01:00'
