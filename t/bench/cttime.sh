#!/bin/sh
# cttime benchmark (not a test): on a generated day of log,
#  (a) whole day through a literal prefilter: grep -F | cttime, against the
#      same prefilter | an awk doing the same time check (instants, not text);
#  (b) bisection: cttime -t on the file, against cat file | cttime -t;
#  (c) the time check alone over every line of the day: cat | cttime -u
#      (reads all, as awk does) against cat | awk.
# grep block-buffers its output to a pipe, so in (a) cttime sees the few
# matches only when grep ends; the arm with --line-buffered shows what the
# early exit (SIGPIPE upstream) saves when lines come as they are found.
# Medians of hyperfine runs; outputs go to files, never /dev/null; the
# outputs of both arms are compared first.
#
# usage: sh t/bench/cttime.sh	(from the top of the tree, after make)
# env: DATA (default /tmp/ctbench), N (events, default 4000000),
#      GEN (default t/bench/gen.pl; if absent, CSV is made by awk here),
#      RUNS (default 10)
set -eu
cd "$(dirname "$0")/../.."
DATA=${DATA:-/tmp/ctbench}
N=${N:-4000000}
GEN=${GEN:-t/bench/gen.pl}
RUNS=${RUNS:-10}
CT=$PWD/cmd/cttime
command -v hyperfine >/dev/null || { echo "needs hyperfine" >&2; exit 2; }
HOOKS=$PWD/t/hooks	# cttime with CTTIME_DEBUG (Makefile: HOOKPROG)
[ -x "$CT" ] && [ -x "$HOOKS/cttime" ] ||
    { echo "make all t/hooks/cttime first" >&2; exit 2; }
mkdir -p "$DATA"
day=$DATA/day-$N.csv

if [ ! -s "$day" ]; then
	if [ -f "$GEN" ]; then
		perl "$GEN" -n "$N" | cmd/ctparse >"$day.tmp" 2>/dev/null
	else	# increasing times over a day, realistic fields
		awk -v n="$N" 'BEGIN { srand(1)
		    for (i = 0; i < n; i++) {
			us = int(i * 86400e6 / n); s = int(us / 1e6); j = int(i / 2)
			printf "2026-11-27T%02d:%02d:%02d.%06dZ;%s;%s;10.%d.%d.%d;%d;%d.%d.%d.%d;443;192.76.8.%d;%d;%d;%s\n",
			    s / 3600, s / 60 % 60, s % 60, us % 1e6,
			    i % 2 ? "stop" : "start", j % 3 ? "tcp" : "udp",
			    j % 50, j % 251, j % 241, 1024 + j % 64000,
			    j % 223 + 1, j % 97, j % 89, j % 83, 20 + j % 8,
			    1024 + (j * 7919) % 64512, j * 2654435761 % 4294967296,
			    i % 2 ? (j % 40) ";" (j % 9000) ";" (j % 50) ";" (j % 90000) : ";;;"
		    } }' >"$day.tmp"
	fi
	mv "$day.tmp" "$day"
fi
size=$(wc -c <"$day")
lines=$(wc -l <"$day")

# the query: the NAT address:port of a start line in the middle of the
# day, at its time + 3 s
mid=$(sed -n "$((lines / 2))p" "$day")
ip=$(echo "$mid" | cut -d';' -f8)
port=$(echo "$mid" | cut -d';' -f9)
t0=$(echo "$mid" | cut -d';' -f1)
sec=$(date -u -d "$(echo "$t0" | sed 's/T/ /; s/\..*//; s/Z$//') UTC" +%s)
T=$(date -u -d "@$((sec + 3))" +%Y-%m-%dT%H:%M:%SZ)
lit=";$ip;$port;"
W=10
echo "day: $day, $size bytes, $lines lines; query $lit at $T, -w $W"

# awk equivalent of the time check: the instant of the time field (UTC or
# offset), kept when within W seconds of T
cat >"$DATA/window.awk" <<'EOF'
function days(y, m, d) {	# days since 1970-01-01, civil from days
	y -= m <= 2; era = int((y >= 0 ? y : y - 399) / 400)
	yoe = y - era * 400
	doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
	return era * 146097 + yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy - 719468
}
function instant(s,   z, off, sec) {
	sec = days(substr(s, 1, 4), substr(s, 6, 2) + 0, substr(s, 9, 2) + 0) * 86400 \
	    + substr(s, 12, 2) * 3600 + substr(s, 15, 2) * 60 + substr(s, 18, 2)
	z = substr(s, length(s) - 5)
	if (z ~ /^[+-][0-9][0-9]:[0-9][0-9]$/) {
		off = substr(z, 2, 2) * 3600 + substr(z, 5, 2) * 60
		sec -= z ~ /^-/ ? -off : off
		s = substr(s, 1, length(s) - 6)
	}
	if (substr(s, 20, 1) == ".")
		sec += ("0" substr(s, 20, 7)) + 0
	return sec
}
BEGIN { FS = ";"; t = instant(T) }
$1 != "time" { d = instant($1) - t; if (d >= -W && d <= W) print }
EOF

run() {	# name, command: median seconds from hyperfine
	hyperfine -S sh --warmup 2 --runs "$RUNS" \
	    --export-json "$DATA/$1.json" "$2" >"$DATA/$1.log" 2>&1
	perl -ne 'print "$1\n" if /"median":\s*([0-9.e-]+)/' "$DATA/$1.json" | head -1
}

A1="LC_ALL=C grep -F '$lit' '$day' | '$CT' -w $W -t $T >'$DATA/a1.out'"
A2="LC_ALL=C grep -F '$lit' '$day' | awk -v T=$T -v W=$W -f '$DATA/window.awk' >'$DATA/a2.out'"
A3="LC_ALL=C grep --line-buffered -F '$lit' '$day' | '$CT' -w $W -t $T >'$DATA/a3.out'"
B1="'$CT' -w $W -t $T '$day' >'$DATA/b1.out'"
B2="cat '$day' | '$CT' -w $W -t $T >'$DATA/b2.out'"
C1="cat '$day' | '$CT' -u -w $W -t $T >'$DATA/c1.out'"
C2="cat '$day' | awk -v T=$T -v W=$W -f '$DATA/window.awk' >'$DATA/c2.out'"
for c in "$A1" "$A2" "$A3" "$B1" "$B2" "$C1" "$C2"; do sh -c "$c"; done
cmp "$DATA/a1.out" "$DATA/a2.out"
cmp "$DATA/a1.out" "$DATA/a3.out"
cmp "$DATA/b1.out" "$DATA/b2.out"
cmp "$DATA/b1.out" "$DATA/c1.out"
cmp "$DATA/b1.out" "$DATA/c2.out"
[ -s "$DATA/a1.out" ] && [ -s "$DATA/b1.out" ]
echo "outputs agree: $(wc -l <"$DATA/a1.out") and $(wc -l <"$DATA/b1.out") lines"
for k in 60 10 1; do
	bisect=$(CTTIME_DEBUG=1 "$HOOKS/cttime" -k $k -w $W -t $T "$day" 2>&1 \
	    >"$DATA/b1.k$k.out" | sed -n 's/.* \([0-9]*\) bytes read$/\1/p')
	echo "bisection with -k $k read $bisect of $size bytes"
done

a1=$(run a1 "$A1"); a2=$(run a2 "$A2"); a3=$(run a3 "$A3")
b1=$(run b1 "$B1"); b2=$(run b2 "$B2"); c1=$(run c1 "$C1"); c2=$(run c2 "$C2")
awk -v a1="$a1" -v a2="$a2" -v a3="$a3" -v b1="$b1" -v b2="$b2" \
    -v c1="$c1" -v c2="$c2" 'BEGIN {
	printf "(a) grep -F | cttime                 %9.4f s\n", a1
	printf "    grep -F | awk                    %9.4f s   awk/cttime %.2fx\n", a2, a2 / a1
	printf "    grep --line-buffered | cttime    %9.4f s   awk/this %.2fx\n", a3, a2 / a3
	printf "(b) cttime FILE (bisection)          %9.4f s\n", b1
	printf "    cat FILE | cttime                %9.4f s   cat/bisect %.0fx\n", b2, b2 / b1
	printf "(c) cat FILE | cttime -u (all lines) %9.4f s\n", c1
	printf "    cat FILE | awk (all lines)       %9.4f s   awk/cttime %.1fx\n", c2, c2 / c1 }'
