#!/bin/sh
# ctparse-table.sh - what ctparse's table of open flows costs on a busy
# gateway: the size of a dump and of a daily snapshot, ctparse's memory,
# and its throughput with the table kept.
#
#   sh t/bench/ctparse-table.sh [OPEN]
#
# OPEN: flows open at once (default 262000: the peak of gen.pl's campus
# profile at full size, 80 M events a day, found with
#	perl t/bench/gen.pl -n 8000000 | awk '/\[NEW\]/ { o++ }
#	    /\[DESTROY\]/ { o-- } o > m { m = o } END { print m }'
# times 10: the open flows grow with the rate, 13,053 at 4 M lines and
# 26,198 at 8 M).
#
# The input: conntrack -E's NOTICE, a dump of OPEN flows as conntrack -L
# prints it (made from gen.pl's NEW lines, with -o ktimestamp's start),
# its summary, then 2 M events of another gen.pl run from 23:30 to about
# 00:30 UTC: the new day's file starts with a snapshot of every flow open
# at midnight (the dump's, which no event stops, and the events' own).
# Timed: ctparse reading it from a file (the dump waits for the first
# event's time, so its records are held in memory meanwhile) and from a
# pipe (as in production: written at once); /usr/bin/time -v gives the
# maximum resident set size.  Then throughput on the 4 M-line benchmark
# day (t/bench/run.sh's data), with no table, with a table kept from an
# empty dump, and with OPEN flows in the table, against BASE (a ctparse
# built before the table existed, if given as $BASE).
#
# Environment: BENCH_DIR (default /tmp/ctbench), BENCH_OUT (where the
# timed runs write, default BENCH_DIR: e.g. /dev/shm), BENCH_CPU (default
# 1), BENCH_RUNS (default 5), BASE (path of an older ctparse to compare),
# DAY (the 4 M-line day if already made), CT (the ctparse to time,
# default: cmd/ctparse, built).
set -u
cd "$(dirname "$0")/../.." || exit 2
ROOT=$(pwd)
OPEN=${1:-262000}
DIR=${BENCH_DIR:-/tmp/ctbench}/table
CPU=${BENCH_CPU-1}
RUNS=${BENCH_RUNS:-5}
BASE=${BASE:-}
OUT=${BENCH_OUT:-$DIR}
CT=${CT:-}

die() {
	echo "ctparse-table.sh: $*" >&2
	exit 2
}

case $DIR in "$ROOT"/*) die "BENCH_DIR must be outside the repository" ;; esac
mkdir -p "$DIR" "$OUT" || die "cannot make $DIR or $OUT"
if [ -z "$CT" ]; then
	make -s cmd/ctparse >/dev/null || die "build failed"
	CT=$ROOT/cmd/ctparse
fi
pin=
[ -n "$CPU" ] && taskset -c "$CPU" true 2>/dev/null && pin="taskset -c $CPU"

# dumplines N SEED: N lines of conntrack -L, from gen.pl's NEW lines
dumplines() {
	perl "$ROOT/t/bench/gen.pl" -n $(($1 * 3)) -s "$2" | grep -F '[NEW]' |
	    head -n "$1" | TZ=UTC perl -ne '
		s/^\[(\d+)\.\d+\]\t *\[NEW\] // or next;
		my $t = $1;
		s/ tcp      6 120 SYN_SENT / tcp      6 431999 ESTABLISHED /;
		s/ udp      17 30 / udp      17 117 /;
		s/ \[UNREPLIED\] src=/ packets=12 bytes=1543 src=/;
		s/ id=(\d+)$/" packets=9 bytes=8042 [ASSURED] mark=0 delta-time=600 [start=" . scalar(gmtime($t)) . "] use=1 id=$1"/e;
		print'
}

notice() {
	echo 'NOTICE: Netlink socket buffer size has been set to 209715200 bytes.'
}

in=$DIR/busy-$OPEN.txt
if [ ! -s "$in" ]; then
	echo "making $in" >&2
	{
		notice
		dumplines "$OPEN" 7
		echo "conntrack v1.4.7 (conntrack-tools): $OPEN flow entries have been shown."
		perl "$ROOT/t/bench/gen.pl" -n 2000000 -s 3 -t 1795822200 -d 3600
	} >"$in.tmp" && mv "$in.tmp" "$in" || die "cannot make $in"
fi
echo "input: $(wc -l <"$in") lines, $(wc -c <"$in") bytes; dump of $OPEN flows:" \
    "$(grep -c '^ipv' "$in") lines, $(grep '^ipv' "$in" | wc -c) bytes"

# run MODE: ctparse on the input, from a file or a pipe
run() {
	rm -rf "$DIR/log-$1" && mkdir "$DIR/log-$1"
	if [ "$1" = file ]; then
		/usr/bin/time -v -o "$DIR/time-$1" "$CT" -o "$DIR/log-$1/%Y-%m-%d.csv" \
		    "$in" 2>"$DIR/err-$1"
	else
		cat "$in" | /usr/bin/time -v -o "$DIR/time-$1" "$CT" \
		    -o "$DIR/log-$1/%Y-%m-%d.csv" 2>"$DIR/err-$1"
	fi || die "ctparse failed: $(cat "$DIR/err-$1")"
	echo "$1: $(tail -n 1 "$DIR/err-$1")"
	echo "$1: max RSS $(sed -n 's/.*Maximum resident set size (kbytes): //p' "$DIR/time-$1") kB," \
	    "$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$DIR/time-$1") wall," \
	    "user $(sed -n 's/.*User time (seconds): //p' "$DIR/time-$1") s," \
	    "sys $(sed -n 's/.*System time (seconds): //p' "$DIR/time-$1") s"
}
run file
run pipe
# the daily snapshot: the top of the new day's file (from the file run;
# the pipe run stamps its records with today's clock, so the generated
# days are earlier ones and no new day is entered for the first time)
f=$DIR/log-file/2026-11-28.csv
n=$(awk -F';' '$2 == "snapshot" { print NR; exit }' "$f")
[ -n "$n" ] || die "no snapshot in $f"
echo "daily snapshot: $n lines, $(head -n "$n" "$f" | wc -c) bytes," \
    "$(sed -n "${n}p" "$f" | cut -d';' -f10) flows"
echo "dump's open records: $(grep -c ';open;' "$DIR/log-file/2026-11-27.csv") lines," \
    "$(grep ';open;' "$DIR/log-file/2026-11-27.csv" | wc -c) bytes"

# throughput: the run.sh benchmark's 4 M lines (gen.pl -n 4000000 -s 1)
day=${DAY:-$DIR/day-4M.txt}
[ -s "$day" ] || perl "$ROOT/t/bench/gen.pl" -n 4000000 -s 1 >"$day" ||
    die "gen.pl failed"
{ notice; echo "conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown."; cat "$day"; } >"$DIR/day-dump0.txt"
{ sed -n "1,$((OPEN + 2))p" "$in"; cat "$day"; } >"$DIR/day-dumpN.txt"
{ sed -n "1,$((OPEN + 2))p" "$in"; head -n 1 "$day"; } >"$DIR/dumpN.txt"
cat "$day" "$DIR/day-dump0.txt" "$DIR/day-dumpN.txt" >/dev/null	# page cache
set --
[ -n "$BASE" ] && set -- -n base "$pin $BASE $day >$OUT/o-base.csv 2>/dev/null"
hyperfine --style basic --warmup 1 --runs "$RUNS" --export-json "$DIR/tp.json" \
    "$@" \
    -n "no table" "$pin $CT $day >$OUT/o-new.csv 2>/dev/null" \
    -n "table, empty dump" "$pin $CT $DIR/day-dump0.txt >$OUT/o-dump0.csv 2>/dev/null" \
    -n "table, $OPEN flows" "$pin $CT $DIR/day-dumpN.txt >$OUT/o-dumpN.csv 2>/dev/null" \
    -n "the dump alone" "$pin $CT $DIR/dumpN.txt >$OUT/o-dumpN1.csv 2>/dev/null" \
    >"$DIR/hyperfine.txt" 2>&1 || die "hyperfine failed: $(tail "$DIR/hyperfine.txt")"
perl -MJSON::PP -e 'local $/; for my $r (@{decode_json(<STDIN>)->{results}}) {
    printf "%-22s median %6.3f s   cpu %6.3f s (user %6.3f)\n", $r->{command},
	$r->{median}, $r->{user} + $r->{system}, $r->{user} }' <"$DIR/tp.json"
echo "load average: $(cut -d ' ' -f 1-3 /proc/loadavg)"

# instructions (callgrind), which a busy machine does not blur, on the
# day's first 200,000 lines: per line
if command -v valgrind >/dev/null 2>&1; then
	head -n 200000 "$day" >"$DIR/day200k.txt"
	{ notice; echo "conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown."; cat "$DIR/day200k.txt"; } >"$DIR/day200k-dump0.txt"
	ir() {	# ir NAME PROGRAM INPUT
		valgrind --tool=callgrind --callgrind-out-file="$DIR/cg.out" \
		    "$2" "$3" >"$OUT/o-cg.csv" 2>"$DIR/cg.err" || die "valgrind failed"
		sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$DIR/cg.err" |
		    awk -v n="$1" '{ printf "%-22s %5.0f instructions a line\n", n, $1 / 200000 }'
	}
	[ -z "$BASE" ] || ir base "$BASE" "$DIR/day200k.txt"
	ir "no table" "$CT" "$DIR/day200k.txt"
	ir "table, empty dump" "$CT" "$DIR/day200k-dump0.txt"
fi
