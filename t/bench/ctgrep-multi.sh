#!/bin/sh
# ctgrep-multi.sh - benchmark ctgrep with a batch of patterns (-f,
# --nat-file) against grep -F -f, ripgrep -F -f, one single-pattern pass
# and single-pattern runs one after another.
#
#	sh t/bench/ctgrep-multi.sh [CSV]	(from the top of the tree)
#
# CSV defaults to $BENCHDIR/bench-gen-1073741824.csv (BENCHDIR defaults to
# /work/benchdata/ctgrep; t/bench/ctgrep.sh builds it), else is built with
# t/bench/gencsv.pl.  Takes 1,000 and 10,000 NAT keys that are in the data
# (the nat and natport fields of lines spread evenly over the day), writes
# them as a --nat-file and as the literals ";IP;PORT;" for -f, checks that
# every tool prints the same lines (cmp), puts the file in the page cache
# and times with hyperfine (median of RUNS runs, default 5; output through
# a pipe, never /dev/null, which GNU grep detects and then stops at the
# first match):
#   1. one ctgrep -N pass (the reference), ctgrep --nat-file and -f with
#      1,000 keys, LC_ALL=C grep -F -f and rg -F -f with the literals, and
#      10 single ctgrep -N runs in a row (times 100 for 1,000 keys)
#   2. the same with 10,000 keys (no single runs)
# CPU times (user+sys, mean of the runs) are given beside the medians: the
# machine may be shared.  Prints a Markdown report
# (t/bench/RESULTS-ctgrep-multi.md is one).
# Needs hyperfine, rg (apt-get install -y hyperfine ripgrep), perl.
set -eu
cd "$(dirname "$0")/../.."
dir=${BENCHDIR:-/work/benchdata/ctgrep}
csv=${1:-$dir/bench-gen-1073741824.csv}
runs=${RUNS:-5}
work=$(mktemp -d "${TMPDIR:-/tmp}/ctgrep-multi.XXXXXX")
trap 'rm -rf "$work"' EXIT
json=$work/h.json
for c in hyperfine rg perl; do
	command -v $c >/dev/null || { echo "ctgrep-multi.sh: needs $c" >&2; exit 2; }
done
make -s cmd/ctgrep
if [ ! -s "$csv" ]; then
	echo "building $csv" >&2
	mkdir -p "$(dirname "$csv")"
	perl t/bench/gencsv.pl 1073741824 1 > "$csv"
fi
bytes=$(wc -c < "$csv")
lines=$(wc -l < "$csv")

# keys N: N nat keys of lines spread over the file, in $work/nat$N (for
# --nat-file) and $work/lit$N (";IP;PORT;" for -f)
keys() {
	awk -F';' -v step=$((lines / $1)) -v n="$1" \
	    'NR > 1 && NR % step == 1 && k < n && $9 != "" {
		k++; print ($8 ~ /:/ ? "[" $8 "]" : $8) ":" $9 }' "$csv" \
	    > "$work/nat$1"
	sed 's/^\[\(.*\)\]:\([0-9]*\)$/;\1;\2;/; s/^\([^;].*\):\([0-9]*\)$/;\1;\2;/' \
	    "$work/nat$1" > "$work/lit$1"
}
keys 1000
keys 10000
head -10 "$work/nat1000" > "$work/nat10"
one=$(head -1 "$work/nat1000")
cat "$csv" > /dev/null

# same N: every tool prints the same lines, else stop
same() {
	cmd/ctgrep -f "$work/lit$1" "$csv" > "$work/want"
	LC_ALL=C grep -F -f "$work/lit$1" "$csv" | cmp - "$work/want"
	rg -F -f "$work/lit$1" "$csv" | cmp - "$work/want"
	cmd/ctgrep --nat-file "$work/nat$1" "$csv" > "$work/nat.out"
	# -N keeps the nat field only: a subset of the literal search's lines
	LC_ALL=C grep -F -x -v -f "$work/want" "$work/nat.out" > /dev/null &&
	    { echo "--nat-file found lines -f did not" >&2; exit 1; }
	echo "$(wc -l < "$work/want") $(wc -l < "$work/nat.out")"
}
set -- $(same 1000)
m1000=$1 n1000=$2
set -- $(same 10000)
m10000=$1 n10000=$2

median() {
	perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>);
	    printf "%.1f %.1f\n", 1000 * $_->{median},
	    1000 * ($_->{user} + $_->{system}) for @{$d->{results}}' < "$json"
}

hf() {
	hyperfine -i -w 1 -r "$runs" --output=pipe --export-json "$json" "$@" \
	    >&2
	median
}

set -- $(hf "cmd/ctgrep -N '$one' $csv" \
    "cmd/ctgrep --nat-file $work/nat1000 $csv" \
    "cmd/ctgrep -f $work/lit1000 $csv" \
    "LC_ALL=C grep -F -f $work/lit1000 $csv" \
    "rg -F -f $work/lit1000 $csv" \
    "for k in \$(cat $work/nat10); do cmd/ctgrep -N \$k $csv; done")
s=$1 sc=$2 n=$3 nc=$4 f=$5 fc=$6 g=$7 gc=$8 r=$9 rc=${10} t=${11} tc=${12}
set -- $(hf "cmd/ctgrep --nat-file $work/nat10000 $csv" \
    "cmd/ctgrep -f $work/lit10000 $csv" \
    "LC_ALL=C grep -F -f $work/lit10000 $csv" \
    "rg -F -f $work/lit10000 $csv")
N=$1 Nc=$2 F=$3 Fc=$4 G=$5 Gc=$6 R=$7 Rc=$8

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
x100() { awk -v a="$1" 'BEGIN { printf "%.0f", 100 * a }'; }
cat <<EOT
# ctgrep with many patterns: benchmark

$(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo |
    sed 's/.*: //'), Linux $(uname -r); $(cmd/ctgrep -V),
$(grep -V | head -1), $(rg -V | head -1).

Input: $(basename "$csv"), $bytes bytes, $lines lines of ctparse CSV, in
the page cache.  Keys: the nat and natport fields of lines spread evenly
over the file (IPv4 and IPv6 as they come).  Median of $runs runs
(hyperfine, output to a pipe); CPU = user+sys, mean.

1,000 keys ($m1000 lines contain a literal, $n1000 have it as nat):

| command | median ms | / one -N pass | CPU ms | CPU / one pass |
|---|---:|---:|---:|---:|
| ctgrep -N KEY (one key, the reference) | $s | 1.00 | $sc | 1.00 |
| ctgrep --nat-file (1,000 keys) | $n | **$(ratio "$n" "$s")** | $nc | $(ratio "$nc" "$sc") |
| ctgrep -f (1,000 literals) | $f | $(ratio "$f" "$s") | $fc | $(ratio "$fc" "$sc") |
| LC_ALL=C grep -F -f | $g | $(ratio "$g" "$s") | $gc | $(ratio "$gc" "$sc") |
| rg -F -f | $r | $(ratio "$r" "$s") | $rc | $(ratio "$rc" "$sc") |
| 10 x ctgrep -N, one after another | $t | $(ratio "$t" "$s") | $tc | $(ratio "$tc" "$sc") |
| (1,000 x ctgrep -N, extrapolated: 100 x the line above) | $(x100 "$t") | $(ratio "$(x100 "$t")" "$s") | | |

Against the peers (their time over ctgrep's): grep -F -f / ctgrep -f
$(ratio "$g" "$f"), rg -F -f / ctgrep -f $(ratio "$r" "$f"); 1,000 single
runs / ctgrep --nat-file $(ratio "$(x100 "$t")" "$n").

10,000 keys ($m10000 lines contain a literal, $n10000 have it as nat):

| command | median ms | / one -N pass | CPU ms | CPU / one pass |
|---|---:|---:|---:|---:|
| ctgrep --nat-file | $N | $(ratio "$N" "$s") | $Nc | $(ratio "$Nc" "$sc") |
| ctgrep -f | $F | $(ratio "$F" "$s") | $Fc | $(ratio "$Fc" "$sc") |
| LC_ALL=C grep -F -f | $G | $(ratio "$G" "$s") | $Gc | $(ratio "$Gc" "$sc") |
| rg -F -f | $R | $(ratio "$R" "$s") | $Rc | $(ratio "$Rc" "$sc") |

Against the peers: grep -F -f / ctgrep -f $(ratio "$G" "$F"), rg -F -f /
ctgrep -f $(ratio "$R" "$F").
EOT
