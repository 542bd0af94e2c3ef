#!/bin/sh
# ctzip benchmark (not a test): on a generated day of log (gen.pl, N
# events; 4 million is a busy campus day, about 450 MB of CSV),
#  (a) a query on the compressed day: cttime reading FILE.csv.gz through
#      its index, then the literal NAT filter, against the way without an
#      index, zcat FILE.csv.gz | ctgrep -N | cttime (the same lines: both
#      keep the lines of the NAT address and port within W seconds of T);
#  (b) compression: ctzip -j 2 and -j 1 (blocks of 4 MiB, each decompressed
#      again to check it) against one gzip -6 of the whole file; and the
#      sizes;
#  (c) cttrace on two consecutive generated days (gen.pl -n TN over 48
#      hours, split by ctparse -o into day files), ctzip'd with -L LONG:
#      with the index (its long-flow filters), with the same .gz files
#      without their index, and zcat DAYS | ctgrep -N | cttime -a -P; at
#      1/4, 1/2 and 3/4 into the second day, for the NAT address and port
#      of a start line there, 3 s after it;
#  (d) the index arm of (c) at the density of an 80-million-event day
#      (10 GB): 10 million events over 3 hours (gen.pl -d 10800), queries
#      at 1/2 and 3/4 of it (what a trace decompresses near its time
#      grows with the density; see RESULTS-ctzip.md for the scaling).
#  (e) cttrace on two full-size generated days, 80 million events each
#      (gen.pl -n 160000000 over 48 hours, 9 GB of CSV a day; FDATA), the
#      index arm 10 runs at 1/4, 1/2 and 3/4 into the second day (its
#      answer compared with cttrace's on the plain days, which cats them
#      whole: minutes), against, once, zcat DAYS | ctgrep -N | cttime -a -P
#      at 1/2.
# Medians of hyperfine runs; outputs go to files, never /dev/null; the
# outputs of the arms are compared first.
#
# usage: sh t/bench/ctzip.sh [a] [b] [c] [d] [e]	(from the top of the tree,
#	after make; default: all; (a) needs the files (b) makes)
# env: DATA (default /work/benchdata/ctzip), N (events, default 4000000),
#      RUNS (default 10 for queries; compression runs 3 times); for (c):
#      TDATA (default /work/benchdata/cttrace), TN (events over the two
#      days, default 20000000), LONG (ctzip -L, default 300), SLOWRUNS
#      (runs of the arms without index, default 3)
set -eu
cd "$(dirname "$0")/../.."
arms=${*:-a b c d e}
arm() { case " $arms " in *" $1 "*) return 0 ;; esac; return 1; }
DATA=${DATA:-/work/benchdata/ctzip}
N=${N:-4000000}
RUNS=${RUNS:-10}
CMD=$PWD/cmd
command -v hyperfine >/dev/null || { echo "needs hyperfine" >&2; exit 2; }
HOOKS=$PWD/t/hooks	# cttime, ctcat with CTTIME_DEBUG (Makefile: HOOKPROG)
[ -x "$CMD/ctzip" ] && [ -x "$HOOKS/cttime" ] ||
    { echo "make all t/hooks/cttime t/hooks/ctcat first" >&2; exit 2; }
mkdir -p "$DATA"
day=$DATA/day-$N.csv
if [ ! -s "$day" ]; then
	perl t/bench/gen.pl -n "$N" | "$CMD/ctparse" >"$day.tmp" 2>/dev/null
	mv "$day.tmp" "$day"
fi
size=$(wc -c <"$day")
lines=$(wc -l <"$day")
nproc=$(getconf _NPROCESSORS_ONLN)

pick() {	# a log line: its NAT address and port, and its time + 3 s
	ip=$(echo "$1" | cut -d';' -f8)
	port=$(echo "$1" | cut -d';' -f9)
	sec=$(date -u -d "$(echo "$1" | cut -d';' -f1)" +%s)
	T=$(date -u -d "@$((sec + 3))" +%Y-%m-%dT%H:%M:%SZ)
}

run() {	# name, runs, command: median seconds from hyperfine
	hyperfine -S sh --warmup 1 --runs "$2" \
	    --export-json "$DATA/$1.json" "$3" >"$DATA/$1.log" 2>&1
	perl -ne 'print "$1\n" if /"median":\s*([0-9.e-]+)/' "$DATA/$1.json" | head -1
}

if arm b; then
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
fi

if arm a; then
# (a) the query: the NAT address:port of a start line 3/4 into the day
# (the later in the day, the more a whole-file read costs), at its time
# + 3 s
mid=$(sed -n "$((lines * 3 / 4))p" "$day")
pick "$mid"
W=10
Q1="'$CMD/cttime' -w $W -t $T '$day.gz' | '$CMD/ctgrep' -N '$ip:$port' >'$DATA/q1.out'"
Q2="zcat '$day.gz' | '$CMD/ctgrep' -N '$ip:$port' | '$CMD/cttime' -w $W -t $T >'$DATA/q2.out'"
Q3="'$CMD/cttime' -w $W -t $T '$DATA/whole.csv.gz' | '$CMD/ctgrep' -N '$ip:$port' >'$DATA/q3.out'"
for c in "$Q1" "$Q2" "$Q3"; do sh -c "$c"; done
cmp "$DATA/q1.out" "$DATA/q2.out"
cmp "$DATA/q1.out" "$DATA/q3.out"
[ -s "$DATA/q1.out" ]
read1=$(CTTIME_DEBUG=1 "$HOOKS/cttime" -w $W -t $T "$day.gz" 2>&1 >"$DATA/q1.dbg" |
    sed -n 's/.* \([0-9]*\) bytes read$/\1/p')
q1=$(run q-index "$RUNS" "$Q1")
q2=$(run q-zcat "$RUNS" "$Q2")
q3=$(run q-noindex "$RUNS" "$Q3")
fi

echo "day: $day, $N events, $size bytes, $lines lines; $nproc CPUs"
if arm a; then
echo "query ;$ip;$port; at $T, -w $W: $(wc -l <"$DATA/q1.out") lines, the same in all arms"
awk -v q1="$q1" -v q2="$q2" -v q3="$q3" -v r1="$read1" -v sz="$size" 'BEGIN {
	printf "(a) cttime FILE.gz (index) | ctgrep -N  %8.4f s   (decompressed %d of %d bytes)\n", q1, r1, sz
	printf "    zcat FILE.gz | ctgrep -N | cttime   %8.4f s   zcat/index %.0fx\n", q2, q2 / q1
	printf "    cttime FILE.gz (no index) | ctgrep  %8.4f s   no-index/index %.0fx\n", q3, q3 / q1 }'
fi
if arm b; then
awk -v g="$g" -v z1="$z1" -v z2="$z2" \
    -v zs="$zsize" -v gs="$gsize" -v bl="$blocks" -v is="$isize" 'BEGIN {
	printf "(b) gzip -6 whole file                  %8.2f s   %d bytes\n", g, gs
	printf "    ctzip -j 1                          %8.2f s   %.2f of gzip\n", z1, z1 / g
	printf "    ctzip -j 2                          %8.2f s   %.2f of gzip\n", z2, z2 / g
	printf "    ctzip size                          %d bytes in %d blocks (+ %d bytes of index): %.4f of gzip\n", zs, bl, is, zs / gs }'
fi

if arm c; then
# (c) cttrace over two days
TD=${TDATA:-/work/benchdata/cttrace}
TN=${TN:-20000000}
LONG=${LONG:-300}
SLOWRUNS=${SLOWRUNS:-3}
mkdir -p "$TD/plain"
if [ ! -s "$TD/plain/2026-11-27.csv" ]; then
	perl t/bench/gen.pl -n "$TN" -d 172800 -t 1795651200 |
	    "$CMD/ctparse" -o "$TD/plain/%Y-%m-%d.csv" 2>/dev/null
fi
idx=$TD/idx-$LONG noidx=$TD/noidx-$LONG
if [ ! -s "$idx/2026-11-27.csv.gz.idx" ]; then
	rm -rf "$idx" "$noidx"
	mkdir -p "$idx" "$noidx"
	for f in "$TD"/plain/*.csv; do
		cp "$f" "$idx/"
		s0=$(date +%s.%N)
		"$CMD/ctzip" -f -j 2 -L "$LONG" "$idx/${f##*/}"
		echo "ctzip -j 2 -L $LONG ${f##*/}: $(echo "$(date +%s.%N) - $s0" | bc) s (one run)"
		ln "$idx/${f##*/}.gz" "$noidx/"
	done
fi
d2=$TD/plain/2026-11-27.csv
n2=$(wc -l <"$d2")
echo "days: $(ls "$TD/plain" | tr '\n' ' ')($(cat "$TD"/plain/*.csv | wc -c) bytes, $(cat "$TD"/plain/*.csv | wc -l) lines); second day $n2 lines"
for f in "$idx"/*.idx; do
	echo "index ${f##*/}: $(wc -c <"$f") bytes, $(awk 'NR > 1 { k += $10 } END { print k }' "$f") keys; .gz $(wc -c <"${f%.idx}") bytes"
done
export PATH="$CMD:$PATH"
i=0
for frac in 1 2 3; do
	# a start line with an IPv4 NAT address, frac/4 into the second day
	l=$(awk -F';' -v n=$((n2 * frac / 4)) \
	    'NR >= n && $2 == "start" && $8 !~ /:/ { print; exit }' "$d2")
	pick "$l"
	i=$((i + 1))
	C1="cttrace -d '$idx' $ip $port $T >'$TD/c1-$i.out'"
	C2="cttrace -d '$noidx' $ip $port $T >'$TD/c2-$i.out'"
	C3="zcat '$noidx'/*.gz | ctgrep -N $ip:$port | cttime -a -P -t $T -w 10 -k 60 -A 86400 >'$TD/c3-$i.out'"
	for c in "$C1" "$C2" "$C3"; do sh -c "$c"; done
	cttrace -d "$TD/plain" "$ip" "$port" "$T" >"$TD/c0-$i.out"
	cmp "$TD/c0-$i.out" "$TD/c1-$i.out"
	cmp "$TD/c0-$i.out" "$TD/c2-$i.out"
	[ -s "$TD/c3-$i.out" ]
	CTTIME_DEBUG=1 PATH="$HOOKS:$PATH" cttrace -d "$idx" "$ip" "$port" "$T" 2>"$TD/c1-$i.dbg" >"$TD/c1-$i.out2"
	t1=$(run "trace-idx-$LONG-$i" "$RUNS" "$C1")
	t2=$(run "trace-noidx-$LONG-$i" "$SLOWRUNS" "$C2")
	t3=$(run "trace-zcat-$LONG-$i" "$SLOWRUNS" "$C3")
	echo "(c) query $i: $ip $port at $T ($(grep -c '^[0-9]' "$TD/c1-$i.out") candidates, $(tail -n 1 "$TD/c1-$i.out" | cut -c1-40)...)"
	sed -n 's/^cttime: debug: \(.*\)$/    \1/p' "$TD/c1-$i.dbg" | grep -v stdin
	awk -v t1="$t1" -v t2="$t2" -v t3="$t3" 'BEGIN {
		printf "    cttrace, index          %8.3f s\n", t1
		printf "    cttrace, no index       %8.3f s   %.0fx the index\n", t2, t2 / t1
		printf "    zcat | ctgrep | cttime  %8.3f s   %.0fx the index\n", t3, t3 / t1 }'
done
fi

if arm d; then
# (d) the same density as a 10 GB day, over 3 hours
TD=${TDATA:-/work/benchdata/cttrace}/dense
LONG=${LONG:-300}
mkdir -p "$TD/plain"
if [ ! -s "$TD/plain/2026-11-27.csv" ]; then
	perl t/bench/gen.pl -n 10000000 -d 10800 -t 1795737600 |
	    "$CMD/ctparse" -o "$TD/plain/%Y-%m-%d.csv" 2>/dev/null
fi
idx=$TD/idx-$LONG
if [ ! -s "$idx/2026-11-27.csv.gz.idx" ]; then
	rm -rf "$idx"
	mkdir -p "$idx"
	cp "$TD/plain/2026-11-27.csv" "$idx/"
	"$CMD/ctzip" -f -j 2 -L "$LONG" "$idx/2026-11-27.csv"
fi
d=$TD/plain/2026-11-27.csv
n=$(wc -l <"$d")
export PATH="$CMD:$PATH"
echo "dense: $n lines in 3 hours ($(wc -c <"$d") bytes); index $(wc -c <"$idx/2026-11-27.csv.gz.idx") bytes"
i=0
for frac in 2 3; do
	l=$(awk -F';' -v n=$((n * frac / 4)) \
	    'NR >= n && $2 == "start" && $8 !~ /:/ { print; exit }' "$d")
	pick "$l"
	i=$((i + 1))
	C1="cttrace -d '$idx' $ip $port $T >'$TD/d1-$i.out'"
	sh -c "$C1"
	cttrace -d "$TD/plain" "$ip" "$port" "$T" >"$TD/d0-$i.out"
	cmp "$TD/d0-$i.out" "$TD/d1-$i.out"
	CTTIME_DEBUG=1 PATH="$HOOKS:$PATH" cttrace -d "$idx" "$ip" "$port" "$T" 2>"$TD/d1-$i.dbg" >"$TD/d1-$i.out2"
	t1=$(run "dense-idx-$LONG-$i" "$RUNS" "$C1")
	echo "(d) query $i: $ip $port at $T"
	sed -n 's/^cttime: debug: \(.*\)$/    \1/p' "$TD/d1-$i.dbg" | grep -v stdin
	echo "    cttrace, index          $t1 s"
done
fi

arm e || exit 0
# (e) two full-size days
FD=${FDATA:-/work/benchdata/full}
mkdir -p "$FD/plain"
if [ ! -s "$FD/plain/2026-11-27.csv" ]; then
	perl t/bench/gen.pl -n 160000000 -d 172800 -t 1795651200 |
	    "$CMD/ctparse" -o "$FD/plain/%Y-%m-%d.csv" 2>/dev/null
fi
idx=$FD/idx
mkdir -p "$idx"
for f in "$FD"/plain/*.csv; do
	[ -s "$idx/${f##*/}.gz.idx" ] && continue
	cp "$f" "$idx/"
	s0=$(date +%s.%N)
	"$CMD/ctzip" -f -j 2 "$idx/${f##*/}"
	echo "ctzip -j 2 ${f##*/}: $(echo "$(date +%s.%N) - $s0" | bc) s (one run)"
done
export PATH="$CMD:$PATH"
d2=$FD/plain/2026-11-27.csv
for f in "$idx"/*.idx; do
	echo "${f##*/}: $(head -n 1 "$f"); $(wc -c <"$f") bytes; .gz $(wc -c <"${f%.idx}") bytes; plain $(wc -c <"$FD/plain/$(basename "${f%.gz.idx}")") bytes"
done
size2=$(wc -c <"$d2")
i=0
for frac in 1 2 3; do
	# a start line with an IPv4 NAT address, frac/4 into the second day
	# (by bytes: the file is too big to count lines for each query)
	l=$(tail -c +$((size2 * frac / 4)) "$d2" | awk -F';' \
	    'NR > 1 && $2 == "start" && $8 !~ /:/ { print; exit }')
	pick "$l"
	i=$((i + 1))
	C1="cttrace -d '$idx' $ip $port $T >'$FD/e1-$i.out'"
	sh -c "$C1"
	cttrace -d "$FD/plain" "$ip" "$port" "$T" >"$FD/e0-$i.out"
	cmp "$FD/e0-$i.out" "$FD/e1-$i.out"
	# what cttrace's cttime -c reads of each day (inside cttrace it is
	# ended by SIGPIPE before it can say)
	for f in "$idx"/*.gz; do
		CTTIME_DEBUG=1 "$HOOKS/cttime" -c -a -t "$T" -w 10 -k 60 -A 86400 -R 0 \
		    -n "$ip:$port" "$f" 2>&1 >"$FD/e1-$i.lines" | grep debug
	done >"$FD/e1-$i.dbg"
	t1=$(run "full-idx-$i" "$RUNS" "$C1")
	echo "(e) query $i: $ip $port at $T ($(grep -c '^[0-9]' "$FD/e1-$i.out") candidates, the same answer as on the plain days)"
	sed -n 's/^cttime: debug: \(.*\)$/    \1/p' "$FD/e1-$i.dbg" | grep -v stdin
	echo "    cttrace, index          $t1 s"
	if [ "$frac" = 2 ]; then
		C3="zcat '$idx'/*.gz | ctgrep -N $ip:$port | cttime -a -P -R 0 -t $T -w 10 -k 60 -A 86400 >'$FD/e3-$i.out'"
		hyperfine -S sh --runs 1 --export-json "$FD/full-zcat.json" "$C3" >"$FD/full-zcat.log" 2>&1
		t3=$(perl -ne 'print "$1\n" if /"median":\s*([0-9.e-]+)/' "$FD/full-zcat.json" | head -1)
		[ -s "$FD/e3-$i.out" ]
		awk -v t1="$t1" -v t3="$t3" 'BEGIN {
			printf "    zcat | ctgrep | cttime  %8.3f s   %.0fx the index (one run)\n", t3, t3 / t1 }'
	fi
done
