#!/bin/sh
# ctzip benchmark (not a test): on a generated day of log (gen.pl, N
# events; 4 million is a busy campus day, about 450 MB of CSV),
#  (a) a query on the compressed day: cttime reading FILE.csv.gz through
#      its index, then the literal NAT filter, against the way without an
#      index, zcat FILE.csv.gz | ctgrep -N | cttime (the same lines: both
#      keep the lines of the NAT address and port within W seconds of T);
#  (b) compression: ctzip -j 2 and -j 1 (blocks of 4 MiB, each decompressed
#      again to check it) against one gzip -6 of the whole file; and the
#      sizes.
# Medians of hyperfine runs; outputs go to files, never /dev/null; the
# outputs of both query arms are compared first.
#
# usage: sh t/bench/ctzip.sh	(from the top of the tree, after make)
# env: DATA (default /work/benchdata/ctzip), N (events, default 4000000),
#      RUNS (default 10 for queries; compression runs 3 times)
set -eu
cd "$(dirname "$0")/../.."
DATA=${DATA:-/work/benchdata/ctzip}
N=${N:-4000000}
RUNS=${RUNS:-10}
CMD=$PWD/cmd
command -v hyperfine >/dev/null || { echo "needs hyperfine" >&2; exit 2; }
[ -x "$CMD/ctzip" ] || { echo "make first" >&2; exit 2; }
mkdir -p "$DATA"
day=$DATA/day-$N.csv
if [ ! -s "$day" ]; then
	perl t/bench/gen.pl -n "$N" | "$CMD/ctparse" >"$day.tmp" 2>/dev/null
	mv "$day.tmp" "$day"
fi
size=$(wc -c <"$day")
lines=$(wc -l <"$day")
nproc=$(getconf _NPROCESSORS_ONLN)

run() {	# name, runs, command: median seconds from hyperfine
	hyperfine -S sh --warmup 1 --runs "$2" \
	    --export-json "$DATA/$1.json" "$3" >"$DATA/$1.log" 2>&1
	perl -ne 'print "$1\n" if /"median":\s*([0-9.e-]+)/' "$DATA/$1.json" | head -1
}

# (b) compression first: it makes the files (a) reads
rm -f "$day.gz" "$day.gz.idx"
Z2="rm -f '$day.gz' '$day.gz.idx'; '$CMD/ctzip' -f -k -j 2 '$day'"
Z1="rm -f '$day.gz' '$day.gz.idx'; '$CMD/ctzip' -f -k -j 1 '$day'"
G="gzip -6 -c '$day' >'$DATA/whole.csv.gz'"
g=$(run gzip 3 "$G")
z1=$(run ctzip-j1 3 "$Z1")
z2=$(run ctzip-j2 3 "$Z2")
sh -c "$Z2"
zcat "$day.gz" | cmp - "$day"
zsize=$(wc -c <"$day.gz")
gsize=$(wc -c <"$DATA/whole.csv.gz")
blocks=$(awk 'NR == 1 { print $5 }' "$day.gz.idx")
isize=$(wc -c <"$day.gz.idx")

# (a) the query: the NAT address:port of a start line 3/4 into the day
# (the later in the day, the more a whole-file read costs), at its time
# + 3 s
mid=$(sed -n "$((lines * 3 / 4))p" "$day")
ip=$(echo "$mid" | cut -d';' -f8)
port=$(echo "$mid" | cut -d';' -f9)
t0=$(echo "$mid" | cut -d';' -f1)
sec=$(date -u -d "$(echo "$t0" | sed 's/T/ /; s/\..*//; s/Z$//') UTC" +%s)
T=$(date -u -d "@$((sec + 3))" +%Y-%m-%dT%H:%M:%SZ)
W=10
Q1="'$CMD/cttime' -w $W -t $T '$day.gz' | '$CMD/ctgrep' -N '$ip:$port' >'$DATA/q1.out'"
Q2="zcat '$day.gz' | '$CMD/ctgrep' -N '$ip:$port' | '$CMD/cttime' -w $W -t $T >'$DATA/q2.out'"
Q3="'$CMD/cttime' -w $W -t $T '$DATA/whole.csv.gz' | '$CMD/ctgrep' -N '$ip:$port' >'$DATA/q3.out'"
for c in "$Q1" "$Q2" "$Q3"; do sh -c "$c"; done
cmp "$DATA/q1.out" "$DATA/q2.out"
cmp "$DATA/q1.out" "$DATA/q3.out"
[ -s "$DATA/q1.out" ]
read1=$(CTTIME_DEBUG=1 "$CMD/cttime" -w $W -t $T "$day.gz" 2>&1 >"$DATA/q1.dbg" |
    sed -n 's/.* \([0-9]*\) bytes read$/\1/p')
q1=$(run q-index "$RUNS" "$Q1")
q2=$(run q-zcat "$RUNS" "$Q2")
q3=$(run q-noindex "$RUNS" "$Q3")

echo "day: $day, $N events, $size bytes, $lines lines; $nproc CPUs"
echo "query ;$ip;$port; at $T, -w $W: $(wc -l <"$DATA/q1.out") lines, the same in all arms"
awk -v g="$g" -v z1="$z1" -v z2="$z2" -v q1="$q1" -v q2="$q2" -v q3="$q3" \
    -v zs="$zsize" -v gs="$gsize" -v bl="$blocks" -v is="$isize" \
    -v r1="$read1" -v sz="$size" 'BEGIN {
	printf "(a) cttime FILE.gz (index) | ctgrep -N  %8.4f s   (decompressed %d of %d bytes)\n", q1, r1, sz
	printf "    zcat FILE.gz | ctgrep -N | cttime   %8.4f s   zcat/index %.0fx\n", q2, q2 / q1
	printf "    cttime FILE.gz (no index) | ctgrep  %8.4f s   no-index/index %.0fx\n", q3, q3 / q1
	printf "(b) gzip -6 whole file                  %8.2f s   %d bytes\n", g, gs
	printf "    ctzip -j 1                          %8.2f s   %.2f of gzip\n", z1, z1 / g
	printf "    ctzip -j 2                          %8.2f s   %.2f of gzip\n", z2, z2 / g
	printf "    ctzip size                          %d bytes in %d blocks (+ %d bytes of index): %.4f of gzip\n", zs, bl, is, zs / gs }'
