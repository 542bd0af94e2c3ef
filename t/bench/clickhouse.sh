#!/bin/sh
# ClickHouse store against the files, side by side in one run (not a
# test).  Two generated logs (t/bench/gen.pl | ctparse), each a day file
# compressed by ctzip (gzip blocks and an index), and the same loaded by
# examples/clickhouse/ctload into one ClickHouse server started here
# (t/clickhouse.bash: a private directory and ports on 127.0.0.1):
#	d10	a 10-million-event day (2026-11-27)
#	h80	one hour at the density of an 80-million-event day
#		(3 333 333 events from 00:00 to 01:00 of 2026-11-28)
# Measured, medians of hyperfine runs, every output to a file:
#  - load: ctload -f of the day (ctrow reading the .gz, INSERT, the
#    partition swapped in) in rows/s, against ctparse's output rate on
#    the raw conntrack text of h80 (lines/s);
#  - bytes an event: the table's active parts of the day (after OPTIMIZE
#    ... FINAL), against the .gz plus its index;
#  - trace latency: S single complaints in a row, and a batch of C (-b),
#    cttrace -C against cttrace -d on the ctzip'd day; the answers of the
#    batch compared (cmp) first.
#
# usage: sh t/bench/clickhouse.sh	(from the top of the tree, after make)
# env: DATA (default /work/benchdata/ch), C (1000), S (10), RUNS (3),
#      LRUNS (load runs, 2); N10, NH: the events of d10 and h80 (smaller
#      for a trial run)
set -eu
cd "$(dirname "$0")/../.."
DATA=${DATA:-/work/benchdata/ch}
C=${C:-1000}
S=${S:-10}
RUNS=${RUNS:-3}
LRUNS=${LRUNS:-2}
TOP=$PWD
PATH=$TOP/cmd:$TOP/examples/clickhouse:$PATH
export PATH
command -v hyperfine >/dev/null || { echo "needs hyperfine" >&2; exit 2; }
[ -x cmd/ctrow ] || { echo "make first" >&2; exit 2; }
mkdir -p "$DATA/d10" "$DATA/h80" "$DATA/ch"

# the logs: each begins as a deployment's does, with conntrack's NOTICE
# and a dump (here of no flow: gen.pl's flows begin after it), so that
# ctparse writes a snapshot and the log covers what it holds (without it,
# every answer in the first day would be "unknown": a flow could have
# begun before the log); ctparse reads them as files, so that its
# records are on the events' clock
dumphead() {
	echo 'NOTICE: Netlink socket buffer size has been set to 209715200 bytes.'
	echo 'conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.'
}
if [ ! -s "$DATA/d10/2026-11-27.csv.gz.idx" ]; then
	{ dumphead
	  perl t/bench/gen.pl -n "${N10:-10000000}" -s 7 -t 1795737600; } >"$DATA/d10.raw"
	ctparse "$DATA/d10.raw" >"$DATA/d10/2026-11-27.csv" 2>"$DATA/d10.err"
	rm -f "$DATA/d10.raw"
	touch -d '1 hour ago' "$DATA/d10/2026-11-27.csv"
	ctzip -f "$DATA/d10/2026-11-27.csv"
fi
if [ ! -s "$DATA/h80/2026-11-28.csv.gz.idx" ]; then
	{ dumphead
	  perl t/bench/gen.pl -n "${NH:-3333333}" -s 8 -t 1795824000 -d 3600 -i 20000; } >"$DATA/h80.raw"
	ctparse "$DATA/h80.raw" >"$DATA/h80/2026-11-28.csv" 2>"$DATA/h80.err"
	touch -d '1 hour ago' "$DATA/h80/2026-11-28.csv"
	ctzip -f "$DATA/h80/2026-11-28.csv"
fi

# the server
rm -rf "$DATA/ch"
mkdir -p "$DATA/ch"
bash -c '
	fail() { echo "$*" >&2; exit 2; }
	. t/clickhouse.bash
	ch_cluster "$1" 1 && echo "$CH_PORT_LIST" >"$1/port"' sh "$DATA/ch"
PORT=$(cat "$DATA/ch/port")
trap 'kill "$(cat "$DATA/ch/1/child")" 2>/dev/null' EXIT
ch() {
	clickhouse-client --host=127.0.0.1 --port="$PORT" "$@"
}
ch --multiquery <examples/clickhouse/schema.sql
T=127.0.0.1:$PORT/ctlog.events

run() {	# name, runs, command: median seconds from hyperfine
	hyperfine -i -S sh --runs "$2" --export-json "$DATA/$1.json" "$3" \
	    >"$DATA/$1.log" 2>&1
	perl -ne 'print "$1\n" if /"median":\s*([0-9.e-]+)/' "$DATA/$1.json" | head -1
}
res=$DATA/result.txt
: >"$res"
say() {
	echo "$*" | tee -a "$res"
}

p=$(run ctparse 3 "ctparse '$DATA/h80.raw' >'$DATA/h80.out' 2>'$DATA/h80.out.err'")
praw=$(wc -l <"$DATA/h80.raw")
say "ctparse: $praw lines of conntrack text (h80) in $p s: $(echo "$praw $p" | awk '{ printf "%.0f", $1 / $2 }') lines/s"

for g in d10:2026-11-27 h80:2026-11-28; do
	gw=${g%%:*} day=${g#*:}
	dir=$DATA/$gw
	gz=$dir/$day.csv.gz
	ctload -C "$T" "$dir" "$day" 2>"$DATA/load.err" || { cat "$DATA/load.err"; exit 2; }
	rows=$(ch --query="SELECT rows FROM ctlog.events_loads WHERE gateway = '$gw' AND day = '$day'")
	l=$(run "load-$gw" "$LRUNS" "ctload -f -C '$T' '$dir' $day 2>'$DATA/load.out'")
	ch --query="OPTIMIZE TABLE ctlog.events PARTITION ('$day', '$gw') FINAL"
	bytes=$(ch --query="SELECT sum(bytes_on_disk) FROM system.parts WHERE active AND database = 'ctlog' AND table = 'events' AND partition = '(''$day'',''$gw'')'")
	fbytes=$(($(wc -c <"$gz") + $(wc -c <"$gz.idx")))
	say "$gw: $rows rows; load $l s: $(echo "$rows $l" | awk '{ printf "%.0f", $1 / $2 }') rows/s; bytes an event: table $(echo "$bytes $rows" | awk '{ printf "%.1f", $1 / $2 }') ($bytes), .gz + index $(echo "$fbytes $rows" | awk '{ printf "%.1f", $1 / $2 }') ($fbytes)"

	# complaints: the first start after every (lines/C)th line, at its
	# time + 3 s; S of them spread over the log for single runs
	lines=$(gzip -dc "$gz" | wc -l)
	gzip -dc "$gz" | awk -F';' -v step=$((lines / C)) -v c="$C" 'NR % step == 1 { want = 1 }
	    want && $2 == "start" && n < c {
		want = 0; n++; print $8, $9, substr($1, 1, 19) "Z" }' |
	    while read -r ip port t; do
		echo "$ip $port @$(($(date -u -d "$t" +%s) + 3))"
	    done >"$DATA/$gw.c"
	nc=$(wc -l <"$DATA/$gw.c")
	awk -v k=$((nc / S)) 'NR % k == 0' "$DATA/$gw.c" | head -n "$S" >"$DATA/$gw.some"
	# (-g names the gateway: so does NAME= for the directory)
	cttrace -o tsv -d "$gw=$dir" -b "$DATA/$gw.c" >"$DATA/$gw.files.tsv" || :
	cttrace -o tsv -C "$T" -g "$gw" -b "$DATA/$gw.c" >"$DATA/$gw.ch.tsv" || :
	cmp "$DATA/$gw.files.tsv" "$DATA/$gw.ch.tsv"
	say "$gw: the $nc answers of cttrace -C -b equal cttrace -d -b's"
	fb=$(run "batch-files-$gw" "$RUNS" "cttrace -d '$gw=$dir' -b '$DATA/$gw.c' >'$DATA/b.out'")
	cb=$(run "batch-ch-$gw" "$RUNS" "cttrace -C '$T' -g '$gw' -b '$DATA/$gw.c' >'$DATA/b.out'")
	fs=$(run "single-files-$gw" "$RUNS" "while read -r ip port t; do cttrace -d '$gw=$dir' \$ip \$port \$t; done <'$DATA/$gw.some' >'$DATA/s.out'")
	cs=$(run "single-ch-$gw" "$RUNS" "while read -r ip port t; do cttrace -C '$T' -g '$gw' \$ip \$port \$t; done <'$DATA/$gw.some' >'$DATA/s.out'")
	say "$gw: batch of $nc: files $fb s, ClickHouse $cb s; single (mean of $S in a row): files $(echo "$fs $S" | awk '{ printf "%.3f", $1 / $2 }') s, ClickHouse $(echo "$cs $S" | awk '{ printf "%.3f", $1 / $2 }') s"
done
