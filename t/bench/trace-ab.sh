#!/bin/sh
# trace-ab.sh (not a test): cttrace on two ctzip'd copies of one day (say
# 1 MiB against 512 KiB blocks, or -F 7 against -F 0), the same
# complaints, one hyperfine invocation a complaint (both copies), the
# answers compared (cmp), and the blocks and plain bytes ctcat read (the
# test build's CTTIME_DEBUG).  Outputs go to files, never /dev/null.
#
# usage: sh t/bench/trace-ab.sh DIR_A DIR_B COMPLAINTS	(from the top of
#	the tree, after make all t/hooks/ctcat; COMPLAINTS: lines "natip
#	port time", as t/bench/trace-vs-ch.sh writes them)
# env: RUNS (10), OUT (a directory for the results, default ./trace-ab.out)
set -eu
[ $# -eq 3 ] || { echo "usage: sh t/bench/trace-ab.sh DIR_A DIR_B COMPLAINTS" >&2; exit 2; }
a=$1 b=$2 q=$3
top=$(pwd)
export PATH="$top/cmd:$PATH"
out=${OUT:-trace-ab.out}
mkdir -p "$out"
: >"$out/bytes.txt"
i=0
while read -r ip port t; do
	i=$((i + 1))
	for d in "$a" "$b"; do
		n=$([ "$d" = "$a" ] && echo A || echo B)
		cttrace -d "full=$d" "$ip" "$port" "$t" >"$out/answer.$i.$n" || :
		CTTIME_DEBUG=1 "$top/t/hooks/ctcat" -d "$d" -w 10 -k 60 -A 86400 -R 0 \
		    -n "$ip:$port" -t "$t" 2>"$out/debug" >"$out/cat.out" || :
		awk -v n=$n -v i=$i '/bytes read/ { b = $(NF - 2) }
		    / of .* blocks/ { k = $(NF - 3) " of " $(NF - 1) }
		    END { print i, n, b, k }' "$out/debug" >>"$out/bytes.txt"
	done
	if cmp -s "$out/answer.$i.A" "$out/answer.$i.B"; then
		echo "$i answers equal" >>"$out/bytes.txt"
	else
		echo "$i answers DIFFER" >>"$out/bytes.txt"
	fi
	hyperfine -N -w 2 -r "${RUNS:-10}" --export-json "$out/h.$i.json" \
	    --output=pipe "cttrace -d full=$a $ip $port $t" \
	    "cttrace -d full=$b $ip $port $t" >"$out/h.$i.txt" 2>&1
done <"$q"
echo "# complaint: A median ms (CPU ms) | B median ms (CPU ms)"
j=1
while [ "$j" -le "$i" ]; do
	perl -MJSON::PP -e '
		local $/; my $d = decode_json(<STDIN>);
		printf "%s: %s\n", $ARGV[0], join(" | ", map { sprintf "%.1f (%.1f)",
		    $_->{median} * 1000, ($_->{user} + $_->{system}) * 1000 } @{$d->{results}})' "$j" <"$out/h.$j.json"
	j=$((j + 1))
done
cat "$out/bytes.txt"
