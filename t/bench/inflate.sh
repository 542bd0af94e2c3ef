#!/bin/sh
# inflate benchmark (not a test): lib/inflate.h's decoder, through
# t/inflatetest, against gzip -dc, on one file of the log as ctzip(1)
# writes it (gzip members of about 1 MiB of CSV each, level 5), single
# thread both.  The outputs are compared with cmp first; then hyperfine
# times both, each writing to a pipe that hyperfine reads (never
# /dev/null), without a shell (-N).  The figure is the ratio of the
# medians.
#
# usage: sh t/bench/inflate.sh	(from the top of the tree, after
#	make all t/inflatetest)
# env: SRC (a CSV log, default the first of /work/benchdata/ctgrep/*.csv),
#      BYTES (its head taken, cut to whole lines, default 600000000),
#      DATA (where the file and outputs go, default /tmp/ctbench-inflate),
#      RUNS (hyperfine runs, default 5)
set -eu
cd "$(dirname "$0")/../.."
top=$(pwd)
SRC=${SRC:-$(ls /work/benchdata/ctgrep/*.csv | head -1)}
BYTES=${BYTES:-600000000}
DATA=${DATA:-/tmp/ctbench-inflate}
RUNS=${RUNS:-5}
mkdir -p "$DATA"
f=$DATA/log-$BYTES.csv
if [ ! -f "$f.gz" ]; then
	head -c "$BYTES" "$SRC" | sed '$d' >"$f"	# whole lines only
	"$top/cmd/ctzip" -f -q "$f"
fi
ls -l "$f.gz"
gzip -dc "$f.gz" >"$DATA/out1"
"$top/t/inflatetest" "$f.gz" >"$DATA/out2"
cmp "$DATA/out1" "$DATA/out2"
echo "outputs equal: $(wc -c <"$DATA/out1") bytes"
rm -f "$DATA/out1" "$DATA/out2"
hyperfine -N --output=pipe --warmup 1 --runs "$RUNS" \
    --export-json "$DATA/inflate.json" \
    -n "gzip -dc" "gzip -dc $f.gz" \
    -n "t/inflatetest" "$top/t/inflatetest $f.gz"
# the medians and their ratio
perl -MJSON::PP -e 'local $/; my $j = decode_json(<STDIN>);
	my %m = map { $_->{command} => $_->{median} } @{$j->{results}};
	printf "median: gzip -dc %.3f s, inflatetest %.3f s: %.2fx\n",
	    $m{"gzip -dc"}, $m{"t/inflatetest"},
	    $m{"gzip -dc"} / $m{"t/inflatetest"}' <"$DATA/inflate.json"
