#!/bin/sh
# Batch tracing benchmark (not a test): on a generated day of log (gen.pl,
# N events, 4 million by default: a busy campus day, about 450 MB of CSV),
# C complaints (default 1000: NAT address and port of lines spread over
# the day, at their time + 3 s), answered
#  - by one cttrace -b (ctgrep --nat-file | cttime -f over the day),
#  - by single cttrace runs, one per complaint (S of them are timed, the
#    figure for C is S's times C/S),
#  - and, as peers of the one pass's filter, by LC_ALL=C grep -F -f and
#    rg -F -f with the same literals ";NATIP;PORT;",
# on the day plain (page cache), gzip'd (no index) and ctzip'd (index).
# The batch's answers are checked against the single runs first (the
# first K, default 100, on the plain day).  Medians of hyperfine runs; outputs go to files,
# never /dev/null.
#
# usage: sh t/bench/cttrace-batch.sh	(from the top of the tree, after make)
# env: DATA (default /work/benchdata/batch), N (default 4000000), C (1000),
#      S (10), RUNS (default 5)
set -eu
cd "$(dirname "$0")/../.."
DATA=${DATA:-/work/benchdata/batch}
N=${N:-4000000}
C=${C:-1000}
S=${S:-10}
RUNS=${RUNS:-5}
CMD=$PWD/cmd
PATH=$CMD:$PATH
export PATH
command -v hyperfine >/dev/null || { echo "needs hyperfine" >&2; exit 2; }
[ -x "$CMD/cttime" ] || { echo "make first" >&2; exit 2; }
mkdir -p "$DATA/plain" "$DATA/gz" "$DATA/idx"
day=$DATA/plain/2026-11-27.csv
if [ ! -s "$day" ]; then
	perl t/bench/gen.pl -n "$N" | ctparse >"$day.tmp" 2>/dev/null
	mv "$day.tmp" "$day"
fi
[ -s "$DATA/gz/2026-11-27.csv.gz" ] || gzip -6 -c "$day" >"$DATA/gz/2026-11-27.csv.gz"
if [ ! -s "$DATA/idx/2026-11-27.csv.gz.idx" ]; then
	cp "$day" "$DATA/idx/"
	ctzip -f "$DATA/idx/2026-11-27.csv"
fi
size=$(wc -c <"$day")

# the complaints: the first start line after every (lines/C)th line, at
# its time + 3 s
lines=$(wc -l <"$day")
awk -F';' -v step=$((lines / C)) -v c="$C" 'NR % step == 1 { want = 1 }
    want && $2 == "start" && n < c {
	want = 0; n++; print $8, $9, substr($1, 1, 19) "Z" }' "$day" |
    while read -r ip port t; do
	echo "$ip $port @$(($(date -u -d "$t" +%s) + 3))"
    done >"$DATA/complaints"
C=$(wc -l <"$DATA/complaints")
awk '{ print ";" $1 ";" $2 ";" }' "$DATA/complaints" >"$DATA/literals"
# S complaints spread over the day (a single run reads the day up to its
# complaint: the mean of these is the mean single run), and the last one
# (a single run that reads the whole day: one full pass)
awk -v k=$((C / S)) 'NR % k == 0' "$DATA/complaints" | head -n "$S" >"$DATA/some"
tail -n 1 "$DATA/complaints" >"$DATA/last"

run() {	# name, command: median seconds from hyperfine
	hyperfine -S sh --warmup 1 --runs "$RUNS" \
	    --export-json "$DATA/$1.json" "$2" >"$DATA/$1.log" 2>&1
	perl -ne 'print "$1\n" if /"median":\s*([0-9.e-]+)/' "$DATA/$1.json" | head -1
}

# the batch's answers are the single runs' (the first K complaints, each
# single run reads the whole plain day: K of them take a while)
K=${K:-100}
head -n "$K" "$DATA/complaints" >"$DATA/check"
cttrace -d "$DATA/plain" -b "$DATA/complaints" >"$DATA/batch.out" || true
awk -v k="$K" '/^line [0-9]+: / { on = $2 + 0 <= k; sub(/^line [0-9]+: /, "") }
    on && $0 != ""' "$DATA/batch.out" >"$DATA/batch.cmp"
while read -r ip port t; do
	cttrace -d "$DATA/plain" "$ip" "$port" "$t" || true
done <"$DATA/check" >"$DATA/single.cmp"
cmp "$DATA/batch.cmp" "$DATA/single.cmp"
echo "batch = single for the first $K of $C complaints"

# one single cttrace per complaint of "some": the time of S of them
singles="while read -r ip port t; do cttrace -d DIR \"\$ip\" \"\$port\" \"\$t\"; done <'$DATA/some' >'$DATA/singles.out'"
res=$DATA/result.txt
: >"$res"
for dir in plain gz idx; do
	b=$(run "batch-$dir" "cttrace -d '$DATA/$dir' -b '$DATA/complaints' >'$DATA/b.out'")
	s=$(run "single-$dir" "$(echo "$singles" | sed "s|DIR|'$DATA/$dir'|")")
	one=$(echo "$s $S" | awk '{ printf "%.3f", $1 / $2 }')
	read -r ip port t <"$DATA/last"
	full=$(run "last-$dir" "cttrace -d '$DATA/$dir' $ip $port $t >'$DATA/last.out'")
	echo "$dir: batch of $C $b s; mean single $one s ($S spread over the day, in a row: $s s); last complaint (a full pass) $full s; $C singles ~$(echo "$one $C" | awk '{ printf "%.0f", $1 * $2 }') s; batch / mean single $(echo "$b $one" | awk '{ printf "%.2f", $1 / $2 }'); batch / full pass $(echo "$b $full" | awk '{ printf "%.2f", $1 / $2 }'); $C singles / batch $(echo "$one $C $b" | awk '{ printf "%.0f", $1 * $2 / $3 }')" | tee -a "$res"
done

# the filter alone: the same literals, one pass over the plain day
awk '{ print (index($1, ":") ? "[" $1 "]" : $1) ":" $2 }' "$DATA/complaints" >"$DATA/nat"
f1=$(run f-ctgrep-nat "ctgrep --nat-file '$DATA/nat' '$day' >'$DATA/f1.out'")
f2=$(run f-ctgrep-f "ctgrep -f '$DATA/literals' '$day' >'$DATA/f2.out'")
f3=$(run f-grep "LC_ALL=C grep -F -f '$DATA/literals' '$day' >'$DATA/f3.out'")
f4=$(run f-rg "rg --no-config -N -F -f '$DATA/literals' '$day' >'$DATA/f4.out'")
ip1=$(head -n 1 "$DATA/complaints" | cut -d' ' -f1) p1=$(head -n 1 "$DATA/complaints" | cut -d' ' -f2)
f5=$(run f-ctgrep-one "ctgrep -N '$ip1:$p1' '$day' >'$DATA/f5.out'")
cmp "$DATA/f2.out" "$DATA/f3.out"
cmp "$DATA/f2.out" "$DATA/f4.out"
echo "filter over the plain day ($size bytes), $C keys: ctgrep --nat-file $f1 s, ctgrep -f $f2 s, grep -F -f $f3 s, rg -F -f $f4 s; one key ctgrep -N $f5 s" | tee -a "$res"
