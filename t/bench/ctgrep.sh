#!/bin/sh
# ctgrep.sh - benchmark ctgrep against grep -F, ripgrep and a Perl loop.
#
#	sh t/bench/ctgrep.sh [BYTES]		(from the top of the tree)
#
# Builds a CSV log of BYTES (default 1 GiB) under $BENCHDIR (default
# /work/benchdata/ctgrep; never in the tree): with $GEN if set (a command writing
# ctparse CSV to stdout, e.g. "perl t/bench/gen.pl | cmd/ctparse"), else
# with t/bench/gencsv.pl.  Takes the pattern ";NATIP;PORT;" of an IPv4 flow
# in the middle of the file, puts the file in the page cache, and times with
# hyperfine (median of runs; output through a pipe, never /dev/null, which
# GNU grep detects and then stops at the first match):
#   1. ctgrep, LC_ALL=C grep -F, rg -F, perl -ne 'print if index(...)'
#   2. ctgrep -i against ctgrep, and a user name search (no match)
#   3. zcat | ctgrep: ctgrep's CPU time (user+sys) against zcat's, and
#      that of dd (the cost of reading the pipe at all) for reference
# The machine may be shared: CPU times (user+sys, less disturbed by other
# load than elapsed time) are given beside the medians.
# Prints a Markdown report (t/bench/RESULTS-ctgrep.md is one).
# Needs hyperfine, rg (apt-get install -y hyperfine ripgrep), perl, gzip.
set -eu
cd "$(dirname "$0")/../.."
bytes=${1:-1073741824}
dir=${BENCHDIR:-/work/benchdata/ctgrep}
runs=${RUNS:-20}
mkdir -p "$dir"
csv=$dir/bench-${GEN:+gen-}$bytes.csv
out=$dir/out
json=$dir/h.json
for c in hyperfine rg perl gzip; do
	command -v $c >/dev/null || { echo "ctgrep.sh: needs $c" >&2; exit 2; }
done
make -s cmd/ctgrep cmd/ctparse
if [ ! -s "$csv" ]; then
	echo "building $csv" >&2
	if [ -n "${GEN:-}" ]; then
		sh -c "$GEN" | head -c "$bytes" | sed '$d' > "$csv"
	else
		perl t/bench/gencsv.pl "$bytes" 1 > "$csv"
	fi
fi
[ -s "$csv.gz" ] || gzip -1 -c "$csv" > "$csv.gz"
lines=$(wc -l < "$csv")
pat=$(tail -c +$((bytes / 2)) "$csv" |
    awk -F';' 'NR > 1 && $8 ~ /\./ { print ";" $8 ";" $9 ";"; exit }')
cat "$csv" > /dev/null

# median: per command of hyperfine's JSON, median time and mean CPU (ms)
median() {
	perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>);
	    printf "%.1f %.1f\n", 1000 * $_->{median},
	    1000 * ($_->{user} + $_->{system}) for @{$d->{results}}' < "$json"
}

hf() {
	hyperfine -i -w 2 -r "$runs" --output=pipe --export-json "$json" "$@" \
	    >&2
	median
}

set -- $(hf "cmd/ctgrep '$pat' $csv" "LC_ALL=C grep -F '$pat' $csv" \
    "rg -F '$pat' $csv" \
    "perl -ne 'print if index(\$_, q{$pat}) >= 0' $csv")
ct=$1 ctc=$2 gr=$3 grc=$4 rg=$5 rgc=$6 pl=$7 plc=$8
set -- $(hf "cmd/ctgrep -i '$pat' $csv" \
    "cmd/ctgrep JOrd0001@OX.AC.UK $csv" \
    "cmd/ctgrep -i JOrd0001@OX.AC.UK $csv" \
    "LC_ALL=C grep -F -i JOrd0001@OX.AC.UK $csv")
cti=$1 ctic=$2 ctu=$3 ctuc=$4 ctui=$5 ctuic=$6 grui=$7 gruic=$8
nmatch=$(cmd/ctgrep -c "$pat" "$csv")

# zcat | READER: CPU seconds of zcat and of the reader, best of 3 by ratio
pipecpu() {
	best=
	for i in 1 2 3; do
		/usr/bin/time -f '%U %S' -o "$dir/zcat.t" zcat "$csv.gz" |
		    /usr/bin/time -f '%U %S' -o "$dir/rd.t" "$@" > "$out"
		r=$(awk 'NR == FNR { z = $1 + $2; next } { c = $1 + $2 }
		    END { printf "%.2f %.2f %.2f\n", z, c, 100 * c / z }' \
		    "$dir/zcat.t" "$dir/rd.t")
		if [ -z "$best" ] || awk -v a="$r" -v b="$best" 'BEGIN {
		    split(a, x, " "); split(b, y, " "); exit !(x[3] < y[3]) }'
		then
			best=$r
		fi
	done
	echo "$best"
}
set -- $(pipecpu cmd/ctgrep "$pat") $(pipecpu dd bs=256k of=/dev/null status=none)
zc=$1 zct=$2 zpct=$3 zcd=$4 zdd=$5 zpdd=$6

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
gbs() { awk -v t="$1" -v n="$bytes" 'BEGIN { printf "%.2f", n / t / 1e6 }'; }
cat <<EOT
# ctgrep benchmark

$(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo |
    sed 's/.*: //'), Linux $(uname -r); $(cmd/ctgrep -V),
$(grep -V | head -1), $(rg -V | head -1), perl $(perl -e 'print $^V').

Input: $bytes bytes, $lines lines of ctparse CSV ($(if [ -n "${GEN:-}" ];
then echo "\`$GEN\`"; else echo t/bench/gencsv.pl; fi)), in the page cache.
Pattern \`$pat\` (the NAT pair of a flow in the middle of the file,
$nmatch matching lines).  Median of $runs runs (hyperfine, output to a pipe).

| command | median ms | GB/s | time / ctgrep's | CPU ms | CPU / ctgrep's |
|---|---:|---:|---:|---:|---:|
| ctgrep | $ct | $(gbs "$ct") | 1.00 | $ctc | 1.00 |
| LC_ALL=C grep -F | $gr | $(gbs "$gr") | $(ratio "$gr" "$ct") | $grc | $(ratio "$grc" "$ctc") |
| rg -F | $rg | $(gbs "$rg") | $(ratio "$rg" "$ct") | $rgc | $(ratio "$rgc" "$ctc") |
| perl index() | $pl | $(gbs "$pl") | $(ratio "$pl" "$ct") | $plc | $(ratio "$plc" "$ctc") |

Throughput ratio ctgrep / rg: **$(ratio "$rg" "$ct")** (target >= 1.0;
by CPU time $(ratio "$rgc" "$ctc")); ctgrep / grep: $(ratio "$gr" "$ct");
ctgrep / perl: $(ratio "$pl" "$ct").

Case-insensitive (target: -i at most 1.5 times the case-sensitive time):

| command | median ms | ratio | CPU ms | CPU ratio |
|---|---:|---:|---:|---:|
| ctgrep '$pat' | $ct | 1.00 | $ctc | 1.00 |
| ctgrep -i '$pat' | $cti | $(ratio "$cti" "$ct") | $ctic | $(ratio "$ctic" "$ctc") |
| ctgrep JOrd0001@OX.AC.UK | $ctu | 1.00 | $ctuc | 1.00 |
| ctgrep -i JOrd0001@OX.AC.UK | $ctui | $(ratio "$ctui" "$ctu") | $ctuic | $(ratio "$ctuic" "$ctuc") |
| LC_ALL=C grep -F -i JOrd0001@OX.AC.UK | $grui | $(ratio "$grui" "$ctu") | $gruic | $(ratio "$gruic" "$ctuc") |

Through a pipe, \`zcat $(basename "$csv").gz | ctgrep '$pat'\` (best of 3):
zcat $zc s CPU, ctgrep $zct s CPU (user+sys): **$zpct%** of zcat's
(target < 5%).  For reference, reading the pipe and nothing else,
\`zcat | dd bs=256k of=/dev/null\` (the read(2) calls ctgrep makes):
zcat $zcd s, dd $zdd s, **$zpdd%**.
EOT
rm -f "$out" "$json" "$dir/zcat.t" "$dir/rd.t"
