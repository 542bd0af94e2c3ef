#!/bin/sh
# run.sh - benchmarks.  usage: sh t/bench/run.sh [SECTION...]
#
# Sections (default: all, in this order): ctparse ctgrep cttime
# Each section is a function bench_NAME below; add one and list it in
# SECTIONS.  Shared steps: build, data (generated once per size and seed,
# then reused), warm (page cache), pin (one core), hf (hyperfine).
#
# Environment:
#   BENCH_LINES   conntrack lines to generate (default 4000000)
#   BENCH_SEED    generator seed (default 1)
#   BENCH_DIR     data, timed binaries, results; never in the repository
#                 (default /tmp/ctbench)
#   BENCH_OUT     where the timed commands write their output files
#                 (default BENCH_DIR; e.g. /dev/shm to keep disk writeback
#                 out of the figures)
#   BENCH_CPU     core to pin the timed commands to with taskset
#                 (default 1; empty: no pinning)
#   BENCH_RUNS    hyperfine runs of the fast commands (default 10)
#   BENCH_SLOW_RUNS  runs of the slow baselines, e.g. Perl (default 3)
#
# Figures: the median wall time of the runs (hyperfine --export-json, kept
# in BENCH_DIR), as lines/s and MB/s (10^6 bytes of input per second), and
# lines per CPU second (user + system, mean of the runs).  Outputs go to
# files, never /dev/null, so writing them is timed.  The programs timed
# are a clean build of a copy of the sources (see build).  The data file's
# name carries the size, the seed and a checksum of gen.pl.
set -u

SECTIONS="ctparse ctgrep cttime"

cd "$(dirname "$0")/../.." || exit 2
ROOT=$(pwd)
LINES=${BENCH_LINES:-4000000}
SEED=${BENCH_SEED:-1}
DIR=${BENCH_DIR:-/tmp/ctbench}
OUT=${BENCH_OUT:-$DIR}
CPU=${BENCH_CPU-1}
RUNS=${BENCH_RUNS:-10}
SLOW_RUNS=${BENCH_SLOW_RUNS:-3}

die() {
	echo "run.sh: $*" >&2
	exit 2
}

for d in "$DIR" "$OUT"; do
	case $d in
	/*) ;;
	*) die "BENCH_DIR and BENCH_OUT must be absolute paths" ;;
	esac
	case $d/ in
	"$ROOT"/*) die "BENCH_DIR and BENCH_OUT must be outside the repository" ;;
	esac
done

# build: a clean build of a copy of the sources (Makefile, cmd, lib) in
# $DIR/src, with the Makefile's own flags: what the working tree holds
# (objects someone built with other flags, a rebuild during the runs)
# cannot get into the figures.  The programs are then in $BIN.
build() {
	rm -rf "$DIR/src" && mkdir -p "$DIR/src" || die "cannot make $DIR/src"
	(cd "$ROOT" && cp -R Makefile cmd lib "$DIR/src/") ||
	    die "cannot copy the sources"
	make -C "$DIR/src" clean >/dev/null 2>&1
	make -C "$DIR/src" all >"$DIR/build.log" 2>&1 ||
	    die "build failed, see $DIR/build.log"
	BIN=$DIR/src/cmd
	echo "built: $(git -C "$ROOT" describe --always --dirty 2>/dev/null ||
	    echo '?'), $(${CC:-cc} --version 2>/dev/null | head -n 1)," \
	    "$(sed -n 's/^CFLAGS *= *//p' "$DIR/src/Makefile" | head -n 1)"
}

# need_hyperfine: install it when missing (Debian)
need_hyperfine() {
	command -v hyperfine >/dev/null 2>&1 && return 0
	echo "run.sh: installing hyperfine" >&2
	if [ "$(id -u)" -eq 0 ]; then
		apt-get install -y hyperfine >/dev/null 2>&1 ||
		    { apt-get update >/dev/null 2>&1 &&
		    apt-get install -y hyperfine >/dev/null 2>&1; }
	fi
	command -v hyperfine >/dev/null 2>&1 ||
	    die "hyperfine is needed (apt-get install hyperfine)"
}

# data: path of the conntrack text of LINES lines, made once
data() {
	f=$DIR/conntrack-$LINES-s$SEED-g$(cksum <"$ROOT/t/bench/gen.pl" |
	    cut -d ' ' -f 1).txt
	if [ ! -s "$f" ]; then
		echo "run.sh: generating $LINES lines into $f" >&2
		perl "$ROOT/t/bench/gen.pl" -n "$LINES" -s "$SEED" >"$f.tmp" &&
		    mv "$f.tmp" "$f" || die "gen.pl failed"
	fi
	echo "$f"
}

# warm FILE...: read into the page cache, so disks are not timed
warm() {
	cat "$@" >/dev/null
}

# pin: the command prefix that keeps a timed command on one core
pin() {
	if [ -n "$CPU" ] && command -v taskset >/dev/null 2>&1 &&
	    taskset -c "$CPU" true 2>/dev/null; then
		echo "taskset -c $CPU "
	fi
}

# hf NAME WARMUPS RUNS COMMAND: time COMMAND (a shell command line) with
# hyperfine, results in $DIR/NAME.json; prints the median wall seconds and
# the mean CPU seconds (user + system)
hf() {
	hyperfine --style basic --warmup "$2" --runs "$3" \
	    --export-json "$DIR/$1.json" -n "$1" "$4" >&2 ||
	    die "$1: the timed command failed"
	perl -MJSON::PP -e 'local $/; my $r = decode_json(<STDIN>)->{results}[0];
	    printf "%.6f %.6f\n", $r->{median}, $r->{user} + $r->{system}' \
	    <"$DIR/$1.json"
}


# report NAME WALL CPU LINES BYTES: one line of figures
report() {
	awk -v name="$1" -v s="$2" -v c="$3" -v n="$4" -v b="$5" 'BEGIN {
	    printf "%-8s %9.3f s %10.0f lines/s %7.1f MB/s   cpu %7.3f s %10.0f lines/s\n",
	    name, s, n / s, b / s / 1e6, c, n / c }'
}

# ---- sections -------------------------------------------------------------

# ctparse: cmd/ctparse against the classic Perl script, same input, same
# output (checked)
bench_ctparse() {
	echo "== ctparse: $LINES lines, seed $SEED"
	in=$(data) || exit 1
	bytes=$(wc -c <"$in" | tr -d ' ')
	p=$(pin)
	# validity: nothing rejected, and the same CSV from both
	"$BIN/ctparse" "$in" >"$OUT/out1.csv" 2>"$DIR/ctparse.err" ||
	    die "ctparse failed: $(cat "$DIR/ctparse.err")"
	echo "ctparse says: $(tail -n 1 "$DIR/ctparse.err")"
	warm "$in"
	echo "load average before: $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null)"
	set -- $(hf ctparse 2 "$RUNS" \
	    "$p$BIN/ctparse $in >$OUT/out1.csv 2>/dev/null")
	cw=$1 cc=$2
	set -- $(hf perl 0 "$SLOW_RUNS" \
	    "${p}perl $ROOT/t/bench/ctparse.pl $in >$OUT/out2.csv")
	pw=$1 pc=$2
	echo "load average after: $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null)"
	if cmp -s "$OUT/out1.csv" "$OUT/out2.csv"; then
		same="identical"
	else
		same="DIFFERENT: $(diff "$OUT/out1.csv" "$OUT/out2.csv" |
		    grep -c '^<') lines (diff $OUT/out1.csv $OUT/out2.csv)"
	fi
	echo "input: $bytes bytes, $(awk -v b="$bytes" -v n="$LINES" \
	    'BEGIN { printf "%.1f", b / n }') bytes/line; pinned: ${p:-no};" \
	    "outputs in $OUT"
	report ctparse "$cw" "$cc" "$LINES" "$bytes"
	report perl "$pw" "$pc" "$LINES" "$bytes"
	awk -v cw="$cw" -v pw="$pw" -v cc="$cc" -v pc="$pc" 'BEGIN {
	    printf "ratio: %.1fx (wall), %.1fx (cpu)\n", pw / cw, pc / cc }'
	echo "outputs: $same"
}

# ctgrep: against grep -F, rg -F and Perl on 1 GiB of ctparse CSV made from
# the generator (t/bench/ctgrep.sh has the details)
bench_ctgrep() {
	echo "== ctgrep"
	GEN="perl $ROOT/t/bench/gen.pl -n 9500000 -s $SEED | $BIN/ctparse" \
	    BENCHDIR="$DIR/ctgrep" sh "$ROOT/t/bench/ctgrep.sh"
}

# cttime: against awk, and bisection against reading (t/bench/cttime.sh)
bench_cttime() {
	echo "== cttime"
	DATA="$DIR" N="$LINES" GEN="$ROOT/t/bench/gen.pl" RUNS="$RUNS" \
	    sh "$ROOT/t/bench/cttime.sh"
}

# ---- main -----------------------------------------------------------------

[ $# -gt 0 ] || set -- $SECTIONS
for s in "$@"; do
	case " $SECTIONS " in
	*" $s "*) ;;
	*) die "unknown section $s (have: $SECTIONS)" ;;
	esac
done
mkdir -p "$DIR" "$OUT" || die "cannot make $DIR or $OUT"
build
need_hyperfine
for s in "$@"; do
	"bench_$s" || exit 1
done
