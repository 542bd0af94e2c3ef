#!/bin/sh
# ctzip-idx benchmark (not a test), issue 17: one indexed trace on a
# full-size compressed day (80 million events, ~9 GB of CSV, gen.pl),
# this tree's index (in $DATA/$NEW, default v6: the key table's entries
# end) against main's (in $DATA/$OLD, default v5; run 2 of RESULTS:
# NEW=v5 OLD=v4).
#  zip    ctzip -j 2 of the day by this tree's ctzip and by main's (built
#         from `git archive main`), one run each (minutes), one after the
#         other: wall and CPU time, sizes of the .gz and the index;
#  query  cttrace IP PORT T on each, at NQ times spread over the day (the
#         NAT address and port of the first start line at k/(NQ+1) of the
#         day's bytes, T its time + 3 s): the answers compared (cmp) with
#         each other and, with PLAIN=1, with cttrace on the plain day
#         (reads the day up to T: a minute each); the bytes and blocks
#         ctcat decompressed (CTTIME_DEBUG); hyperfine medians of RUNS
#         runs, every arm in the same invocation, outputs to files.
# Peers: set PEER to a command with $ip, $port and $T in it (single
# quotes: expanded per query) and PEERNAME to its name, and it is one more
# arm of each query's hyperfine (the ClickHouse arm of issue 17 goes
# there, e.g. PEER='clickhouse-client -q "..." >"$DATA/peer.out"').
#
# usage: sh t/bench/ctzip-idx.sh [zip] [query]	(from the top of the
#	tree, after make; default: both)
# env: DATA (default /work/benchdata/idx), N (events, default 80000000),
#      RUNS (default 10), NQ (queries, default 8), PLAIN (1: check the
#      answers on the plain day too), MAIN (a built tree of main; default:
#      built in $DATA/main)
set -eu
cd "$(dirname "$0")/../.."
arms=${*:-zip query}
arm() { case " $arms " in *" $1 "*) return 0 ;; esac; return 1; }
DATA=${DATA:-/work/benchdata/idx}
N=${N:-80000000}
RUNS=${RUNS:-10}
NQ=${NQ:-8}
PLAIN=${PLAIN:-0}
NEW=${NEW:-v6}	# the directories of this tree's .gz and index,
OLD=${OLD:-v5}	# and of main's
CMD=${CMD:-$PWD/cmd}	# the tools measured (a copy: make may run meanwhile)
command -v hyperfine >/dev/null || { echo "needs hyperfine" >&2; exit 2; }
HOOKS=${HOOKS:-$PWD/t/hooks}	# ctcat with CTTIME_DEBUG (Makefile: HOOKPROG)
[ -x "$CMD/ctzip" ] && [ -x "$HOOKS/ctcat" ] ||
    { echo "make all t/hooks/cttime t/hooks/ctcat first" >&2; exit 2; }
mkdir -p "$DATA/plain"
day=2026-11-27
if [ ! -s "$DATA/plain/$day.csv" ]; then
	# one day from its midnight; ctparse's own records (at the wall
	# clock's time) and the stops after midnight go to other files
	perl t/bench/gen.pl -n "$N" -t 1795737600 |
	    "$CMD/ctparse" -o "$DATA/gen/%Y-%m-%d.csv" 2>/dev/null
	mv "$DATA/gen/$day.csv" "$DATA/plain/"
fi
MAIN=${MAIN:-$DATA/main}
if [ ! -x "$MAIN/cmd/ctzip" ]; then
	rm -rf "$MAIN"
	mkdir -p "$MAIN"
	git archive main | tar -x -C "$MAIN"
	make -C "$MAIN" -j2 >/dev/null
fi
plain=$DATA/plain/$day.csv

if arm zip; then
	for v in "$NEW" "$OLD"; do
		rm -rf "${DATA:?}/$v"
		mkdir -p "$DATA/$v"
		cp "$plain" "$DATA/$v/"
	done
	{
		/usr/bin/time -f "ctzip (this tree) %e s wall, %U s user, %S s sys" \
		    "$CMD/ctzip" -f -j 2 "$DATA/$NEW/$day.csv"
		echo "  load after: $(cut -d' ' -f1-3 /proc/loadavg)"
		/usr/bin/time -f "ctzip (main) %e s wall, %U s user, %S s sys" \
		    "$MAIN/cmd/ctzip" -f -j 2 "$DATA/$OLD/$day.csv"
		echo "  load after: $(cut -d' ' -f1-3 /proc/loadavg)"
	} 2>&1 | tee "$DATA/zip.out"
	zcat "$DATA/$NEW/$day.csv.gz" | cmp - "$plain"
fi

echo "plain day: $(wc -c <"$plain") bytes"
for v in "$NEW" "$OLD"; do
	z=$DATA/$v/$day.csv.gz
	awk -v v=$v -v z="$(wc -c <"$z")" -v i="$(wc -c <"$z.idx")" 'NR == 1 {
		printf "%s: %s blocks, .gz %.0f bytes, index %.0f bytes (%.2f %% of the .gz)\n",
		    v, $5, z, i, 100 * i / z; exit }' "$z.idx"
done

arm query || exit 0
export PATH="$CMD:$PATH"
size=$(wc -c <"$plain")
k=0
while [ $k -lt "$NQ" ]; do
	k=$((k + 1))
	l=$(tail -c +$((size * k / (NQ + 1))) "$plain" | awk -F';' \
	    'NR > 1 && $2 == "start" && $8 !~ /:/ { print; exit }')
	ip=$(echo "$l" | cut -d';' -f8)
	port=$(echo "$l" | cut -d';' -f9)
	sec=$(date -u -d "$(echo "$l" | cut -d';' -f1)" +%s)
	T=$(date -u -d "@$((sec + 3))" +%Y-%m-%dT%H:%M:%SZ)
	CN="cttrace -d '$DATA/$NEW' $ip $port $T >'$DATA/qn-$k.out'"
	CO="cttrace -d '$DATA/$OLD' $ip $port $T >'$DATA/qo-$k.out'"
	sh -c "$CN"
	sh -c "$CO"
	cmp "$DATA/qn-$k.out" "$DATA/qo-$k.out"
	if [ "$PLAIN" = 1 ]; then
		cttrace -d "$DATA/plain" $ip $port $T >"$DATA/q0-$k.out" || :
		cmp "$DATA/q0-$k.out" "$DATA/qn-$k.out"
	fi
	readn=$(CTTIME_DEBUG=1 "$HOOKS/ctcat" -d "$DATA/$NEW" -w 10 -k 60 -A 86400 -R 0 \
	    -n "$ip:$port" -t "$T" 2>&1 >"$DATA/cn-$k.out" | grep debug | tr '\n' ' ')
	reado=$(CTTIME_DEBUG=1 "$HOOKS/ctcat" -d "$DATA/$OLD" -w 10 -k 60 -A 86400 -R 0 \
	    -n "$ip:$port" -t "$T" 2>&1 >"$DATA/co-$k.out" | grep debug | tr '\n' ' ')
	set -- -n "$NEW" "$CN" -n "$OLD" "$CO"
	if [ -n "${PEER:-}" ]; then
		P=$(ip=$ip port=$port T=$T DATA=$DATA eval "echo \"$PEER\"")
		set -- "$@" -n "${PEERNAME:-peer}" "$P"
	fi
	hyperfine -S sh --warmup 1 --runs "$RUNS" --export-json "$DATA/q-$k.json" \
	    "$@" >"$DATA/q-$k.log" 2>&1
	echo "query $k: $ip $port at $T ($(grep -c '^[0-9][0-9]*  ' "$DATA/qn-$k.out") candidates; $NEW = $OLD$([ "$PLAIN" = 1 ] && echo ' = plain'))"
	echo "  $NEW read: $(echo "$readn" | sed 's/ctcat: debug: [^:]*: //g')"
	echo "  $OLD read: $(echo "$reado" | sed 's/ctcat: debug: [^:]*: //g')"
	perl -ne 'BEGIN { $/ = undef } while (/"command":\s*"([^"]*)".*?"median":\s*([0-9.e-]+).*?"user":\s*([0-9.e-]+),\s*"system":\s*([0-9.e-]+)/gs) { printf "  %-6s median %.4f s (mean CPU %.3f s user + %.3f s sys)\n", $1, $2, $3, $4 }' "$DATA/q-$k.json"
done
