#!/bin/sh
# ctzip's CPU time (not a test): two builds of ctzip on one sample of a
# day, -j 1, by block size, interleaved, ROUNDS rounds; user + system CPU
# of ctzip and its children (/usr/bin/time), wall, and the sizes.  The
# .gz and the index of the same block size must be byte-identical
# between the builds when only the checking changed (they are compared).
#
# usage: sh t/bench/ctzip-cpu.sh OLD NEW SAMPLE [ARMS]
#	OLD, NEW: ctzip binaries; SAMPLE: a plain day's log (a copy is
#	compressed each time); ARMS: "build:blocksize ..." (default
#	"old:1m new:1m new:512k"); env ROUNDS (2), DIR (a scratch
#	directory beside SAMPLE)
set -eu
[ $# -ge 3 ] || { echo "usage: sh t/bench/ctzip-cpu.sh OLD NEW SAMPLE [ARMS]" >&2; exit 2; }
old=$1 new=$2 sample=$3
arms=${4:-old:1m new:1m new:512k}
dir=${DIR:-$(dirname "$sample")/ctzip-cpu}
mkdir -p "$dir"
r=0
while [ "$r" -lt "${ROUNDS:-2}" ]; do
	r=$((r + 1))
	for arm in $arms; do
		v=${arm%%:*} b=${arm#*:}
		eval "bin=\$$v"
		rm -f "$dir/a.csv" "$dir/a.csv.gz" "$dir/a.csv.gz.idx"
		cp "$sample" "$dir/a.csv"
		touch -d '2 hours ago' "$dir/a.csv"
		/usr/bin/time -f "%e %U %S" -o "$dir/t" "$bin" -q -k -j 1 -b "$b" "$dir/a.csv"
		read -r wall user sys <"$dir/t"
		echo "$r $v $b $wall $user $sys $(wc -c <"$dir/a.csv.gz") $(wc -c <"$dir/a.csv.gz.idx")"
		cp "$dir/a.csv.gz" "$dir/gz.$v.$b"
		cp "$dir/a.csv.gz.idx" "$dir/idx.$v.$b"
	done
done | awk '
	{ print; cpu[$2 " " $3] += $5 + $6; wall[$2 " " $3] += $4; gz[$2 " " $3] = $7; ix[$2 " " $3] = $8; if (!first) first = $2 " " $3 }
	END {
		printf "\n| build, blocks | CPU (s, sum of rounds) | wall | CPU / %s | .gz | index |\n|---|---:|---:|---:|---:|---:|\n", first
		for (k in cpu) printf "| %s | %.2f | %.2f | %.3f | %d | %d |\n", k, cpu[k], wall[k], cpu[k] / cpu[first], gz[k], ix[k]
	}'
for b in $(printf '%s\n' $arms | sed 's/.*://' | sort -u); do
	[ -f "$dir/gz.old.$b" ] && [ -f "$dir/gz.new.$b" ] || continue
	if cmp -s "$dir/gz.old.$b" "$dir/gz.new.$b" && cmp -s "$dir/idx.old.$b" "$dir/idx.new.$b"; then
		echo "$b: .gz and index identical between the builds"
	else
		echo "$b: the builds' files differ"
	fi
done
rm -f "$dir/a.csv" "$dir/a.csv.gz" "$dir/a.csv.gz.idx" "$dir/t"
