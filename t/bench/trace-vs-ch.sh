#!/bin/sh
# cttrace on an indexed day against ClickHouse's point query on the same
# day, in one run (not a test), issue 17.  Two days of gen.pl's log:
#	full	the full-size day: 80 million events, 2026-11-27, ~9.3 GB
#		of CSV ($FULL, as t/bench/ctzip-idx.sh generates it), and
#		its ctzip'd files ($IDX: .gz and .gz.idx)
#	d10	a 10-million-event day, 2026-11-27 (t/bench/clickhouse.sh
#		generates it: $D10GZ), made plain here once, and ctzip'd by
#		$CMD's ctzip into $D10IDX unless that holds it already
# One ClickHouse server is started here (t/clickhouse.bash: its own data
# directory $DATA/ch, kept between runs; ports on 127.0.0.1; a query_log)
# and the plain days are loaded into it by examples/clickhouse/ctload
# under nice, once: a day whose rows are in the table as its row of
# ctlog.events_loads says is not loaded again (RELOAD=1: it is), and a
# day in more than one part is merged (OPTIMIZE ... FINAL) once.
#
# For each day, Q complaints spread over it (the NAT address and port of
# the first start line at k/(Q+1) of the day's bytes, T its time + 3 s,
# as ctzip-idx.sh picks them), each one hyperfine invocation of three
# arms, RUNS runs (median), every output to a file:
#   files	cttrace -d GW=IDXDIR IP PORT T	(the indexed day)
#   point	clickhouse-client with the SELECT of the key's rows in the
#		time range that cttrace -C's ctcat -C sends (lib/chlog.c's
#		chlog_lines), taken from what it sent (a wrapper around
#		clickhouse-client keeps it)
#   cttrace-C	cttrace -C TABLE -g GW IP PORT T	(the whole answer from
#		ClickHouse)
# and C complaints (at k/(C+1) of the bytes) as one batch, BRUNS runs of
# the same three arms (-b; the point query of the batch's keys).  Before
# timing, the answers of files and cttrace-C are compared (cmp), and what
# each reads is measured on one more run of each:
#   files	the bytes read from the .gz and from the index (strace -f of
#		read and pread64 on them) and what ctcat decompressed
#		(CTTIME_DEBUG=1: bytes of plain text, blocks of the day's)
#   ClickHouse	read_rows and read_bytes (uncompressed) of its queries
#		in system.query_log (log_queries=1), the compressed bytes
#		read (ProfileEvents ReadCompressedBytes), and the server's
#		CPU time for the run (/proc, clock ticks)
# Results: $OUT/result.md (tables in markdown), the hyperfine logs and
# JSON beside it.  The server is stopped at the end; its data is kept.
#
# usage: sh t/bench/trace-vs-ch.sh	(from the top of the tree, after make)
# env: DATA (/work/benchdata/tvc), IDX (the full day's ctzip'd directory,
#      /work/benchdata/idx/v6), FULL (the full day's plain directory,
#      what is loaded, /work/benchdata/idx/plain), D10GZ
#      (/work/benchdata/ch/d10), D10IDX ($DATA/d10/v6), CMD (the tools,
#      ./cmd), OUT (results, $DATA/run-`basename $IDX`), Q (8), RUNS
#      (10), C (1000), BRUNS (3), DAYS ("full d10"), RELOAD, ZIPFLAGS
#      (ctzip's options for d10, e.g. "-b 512k", when it makes D10IDX)
# To measure the files of another index version (the ClickHouse side as
# loaded, again in the same invocations):
#	CMD=/work/wt-idx/cmd IDX=/work/benchdata/idx/v6 \
#	    D10IDX=/work/benchdata/tvc/d10/v6 sh t/bench/trace-vs-ch.sh
set -eu
cd "$(dirname "$0")/../.."
TOP=$PWD
DATA=${DATA:-/work/benchdata/tvc}
IDX=${IDX:-/work/benchdata/idx/v6}
FULL=${FULL:-/work/benchdata/idx/plain}
D10GZ=${D10GZ:-/work/benchdata/ch/d10}
D10IDX=${D10IDX:-$DATA/d10/v6}
CMD=${CMD:-$TOP/cmd}
OUT=${OUT:-$DATA/run-$(basename "$IDX")}
Q=${Q:-8}
RUNS=${RUNS:-10}
C=${C:-1000}
BRUNS=${BRUNS:-3}
DAYS=${DAYS:-full d10}
RELOAD=${RELOAD:-0}
day=2026-11-27
CLIENT=$(command -v clickhouse-client) || { echo "needs clickhouse-client" >&2; exit 2; }
for p in hyperfine strace perl; do
	command -v $p >/dev/null || { echo "needs $p" >&2; exit 2; }
done
HOOKS=${HOOKS:-$TOP/t/hooks}	# cttime, ctcat with CTTIME_DEBUG (Makefile)
[ -x "$CMD/ctcat" ] && [ -x "$HOOKS/ctcat" ] ||
    { echo "$CMD: make all t/hooks/cttime t/hooks/ctcat first" >&2; exit 2; }
PATH=$CMD:$TOP/examples/clickhouse:$PATH
export PATH
mkdir -p "$DATA/ch" "$OUT"
res=$OUT/result.md
: >"$res"
say() {
	echo "$*" | tee -a "$res"
}
load() {
	cut -d' ' -f1-3 /proc/loadavg
}

# the server: one, a query_log flushed every second
stopserver() {
	bash -c '. t/clickhouse.bash; ch_stop "$1"' sh "$DATA/ch"
}
stopserver	# one left by a run that was killed
CH_CONF_EXTRA='<query_log><database>system</database><table>query_log</table><flush_interval_milliseconds>1000</flush_interval_milliseconds></query_log>'
export CH_CONF_EXTRA
bash -c '
	fail() { echo "$*" >&2; exit 2; }
	. t/clickhouse.bash
	ch_cluster "$1" 1 && echo "$CH_PORT_LIST" >"$1/port"' sh "$DATA/ch"
trap 'stopserver' EXIT
trap 'exit 2' HUP INT TERM
PORT=$(cat "$DATA/ch/port")
SPID=$(cat "$DATA/ch/1/child")
TBL=127.0.0.1:$PORT/ctlog.events
CHC="$CLIENT --host=127.0.0.1 --port=$PORT"
ch() {
	$CHC "$@"
}
ch --multiquery <examples/clickhouse/schema.sql
# the server's CPU time so far, clock ticks (user + system)
scpu() {
	awk '{ print $14 + $15 }' "/proc/$SPID/stat"
}

say "# trace-vs-ch.sh, $(date -u +%Y-%m-%dT%H:%MZ)"
say
say "- machine: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr); load average at start $(load)"
say "- ClickHouse $(dpkg-query -W -f '${Version}' clickhouse-server 2>/dev/null || echo '?'), $(hyperfine --version), gzip $(gzip --version | awk 'NR == 1 { print $2 }')"
say "- tools: $CMD ($(git -C "$CMD/.." log -1 --format=%h 2>/dev/null || echo '?')); files of the full day: $IDX (index version $(awk '{ print $2; exit }' "$IDX/$day.csv.gz.idx")); d10: $D10IDX"
say "- single complaints: $Q a day, $RUNS runs each (median); batch: $C complaints, $BRUNS runs"
say

# the days: d10's plain file and its ctzip'd copy
if [ ! -s "$DATA/d10/plain/$day.csv" ]; then
	mkdir -p "$DATA/d10/plain"
	gzip -dc "$D10GZ/$day.csv.gz" >"$DATA/d10/plain/$day.csv.tmp"
	chmod 640 "$DATA/d10/plain/$day.csv.tmp"
	mv "$DATA/d10/plain/$day.csv.tmp" "$DATA/d10/plain/$day.csv"
fi
if [ ! -s "$D10IDX/$day.csv.gz.idx" ]; then
	mkdir -p "$D10IDX"
	cp -p "$DATA/d10/plain/$day.csv" "$D10IDX/"
	nice -n 10 ctzip -f -j 2 ${ZIPFLAGS:-} "$D10IDX/$day.csv"
fi

# loaded GW: the day's rows are in the table, as many as its load says
loaded() {
	r=$(ch --query="SELECT rows FROM ctlog.events_loads WHERE gateway = '$1' AND day = '$day'")
	n=$(ch --query="SELECT count() FROM ctlog.events WHERE gateway = '$1' AND day = '$day'")
	[ -n "$r" ] && [ "$r" = "$n" ] && [ "$n" -gt 0 ]
}
parts() {
	ch --query="SELECT count(), sum(rows), sum(bytes_on_disk) FROM system.parts WHERE active AND database = 'ctlog' AND table = 'events' AND partition = '(''$day'',''$1'')'"
}
# chload GW PLAINDIR: the day into the table, under nice (the server too,
# meanwhile), unless it is there; then merged into one part
chload() {
	renice -n 10 -p "$SPID" >/dev/null
	if [ "$RELOAD" = 1 ] || ! loaded "$1"; then
		s=$(date +%s)
		nice -n 10 ctload -C "$TBL" -g "$1" -f "$2" "$day" 2>"$OUT/load-$1.err" ||
		    { cat "$OUT/load-$1.err" >&2; exit 2; }
		say "- $1: loaded by ctload in $(($(date +%s) - s)) s (nice 10, load average $(load))"
	fi
	set -- "$1" $(parts "$1")
	if [ "$2" -gt 1 ]; then
		s=$(date +%s)
		ch --receive_timeout=36000 --query="OPTIMIZE TABLE ctlog.events PARTITION ('$day', '$1') FINAL"
		say "- $1: $2 parts merged into one in $(($(date +%s) - s)) s"
		set -- "$1" $(parts "$1")
	fi
	renice -n 0 -p "$SPID" >/dev/null
	loaded "$1" || { echo "$1: not loaded" >&2; exit 2; }
	say "- $1: $3 rows in the table, $2 part, $4 bytes on disk"
}

# pick PLAIN N: N complaints "IP PORT T", the NAT address and port of the
# first start line at k/(N+1) of PLAIN's bytes (k = 1..N), T its time + 3 s
pick() {
	size=$(wc -c <"$1")
	k=0
	while [ $k -lt "$2" ]; do
		k=$((k + 1))
		tail -c +$((size * k / ($2 + 1))) "$1" | awk -F';' \
		    'NR > 1 && $2 == "start" && $8 !~ /:/ {
			print $8, $9, substr($1, 1, 19) "Z"; exit }'
	done | while read -r ip port t; do
		echo "$ip $port $(date -u -d "@$(($(date -u -d "$t" +%s) + 3))" +%Y-%m-%dT%H:%M:%SZ)"
	done
}

# a wrapper clickhouse-client: the query (its standard input) appended to
# $CHCAP, then run by the client with log_queries, its id $CHQID-PID
mkdir -p "$OUT/wrap"
cat >"$OUT/wrap/clickhouse-client" <<EOF
#!/bin/sh
cat >"\$CHCAP.\$\$" || exit 2
cat "\$CHCAP.\$\$" >>"\$CHCAP"
exec $CLIENT --log_queries=1 --query_id="\$CHQID-\$\$" "\$@" <"\$CHCAP.\$\$"
EOF
chmod +x "$OUT/wrap/clickhouse-client"

# fread NAME CMD...: run CMD once under strace and CTTIME_DEBUG, output to
# NAME.out; print the bytes read from .gz files, from .gz.idx files, and
# ctcat's "plain bytes read" and "blocks" of the day's .gz
fread() {
	f=$1
	shift
	rm -f "$f".st.*
	CTTIME_DEBUG=1 PATH=$HOOKS:$PATH strace -ff -qq -y -s 0 -e trace=read,pread64 -o "$f.st" \
	    "$@" >"$f.out" 2>"$f.err" || :
	cat "$f".st.* | awk '/^p?read(64)?\([0-9]+</ && $(NF - 1) == "=" &&
	    $NF ~ /^[0-9]+$/ {
		p = substr($0, index($0, "<") + 1)
		p = substr(p, 1, index(p, ">") - 1)
		if (p ~ /\.gz\.idx$/) idx += $NF
		else if (p ~ /\.gz$/) gz += $NF
	} END { printf "%.0f %.0f", gz, idx }'
	rm -f "$f".st.*
	awk '/^ctcat: debug: .*\.gz: [0-9]+ bytes read/ { b = $(NF - 2) }
	    /^ctcat: debug: .*\.gz: [0-9]+ of [0-9]+ blocks/ { k = $(NF - 3) "/" $(NF - 1) }
	    END { printf " %s %s\n", b == "" ? "-" : b, k == "" ? "-" : k }' "$f.err"
}
# chread ID: rows, bytes (uncompressed) and compressed bytes the queries
# of ID (query ids ID-*) read, summed, and the time the server gave them
chread() {
	ch --query="SYSTEM FLUSH LOGS"
	ch --query="SELECT sum(read_rows), sum(read_bytes),
	    sum(arraySum(arrayFilter((v, n) -> n = 'ReadCompressedBytes', ProfileEvents.Values, ProfileEvents.Names))),
	    sum(query_duration_ms)
	    FROM system.query_log WHERE type = 2 AND query_id LIKE '$1-%'" | tr '\t' ' '
}
# medians JSON: "name median user system" of each arm
medians() {
	perl -ne 'BEGIN { $/ = undef } while (/"command":\s*"([^"]*)".*?"median":\s*([0-9.e-]+).*?"user":\s*([0-9.e-]+),\s*"system":\s*([0-9.e-]+)/gs) { print "$1 $2 $3 $4\n" }' "$1"
}
bad=0
RUNID=run$(date +%s)	# the query ids of this run (the query_log is kept)
# arms NAME CAPNAME GW DIR ARGS...: one trace each way, checked and read;
# then timed (hyperfine, RUNS runs); one row of each table to $OUT/NAME.*
arms() {
	name=$1 runs=$2 gw=$3 dir=$4
	shift 4
	o=$OUT/$name
	fr=$(fread "$o.fr" cttrace -d "$gw=$dir" "$@")
	rm -f "$o.sql"
	s0=$(scpu)
	CHCAP=$o.sql CHQID=$RUNID-$name-c PATH=$OUT/wrap:$PATH cttrace -C "$TBL" -g "$gw" "$@" >"$o.c0" || :
	s1=$(scpu)
	rm -f "$o.sql".*
	grep "^SELECT 'E'" "$o.sql" >"$o.point.sql"
	$CHC --multiquery --format=TabSeparated --max_query_size=1073741824 \
	    --log_queries=1 --query_id="$RUNID-$name-b-1" <"$o.point.sql" >"$o.b0"
	s2=$(scpu)
	if cmp -s "$o.fr.out" "$o.c0"; then
		same=equal
	else
		same=DIFFER
		bad=1
	fi
	rc=$(chread "$RUNID-$name-c")
	rb=$(chread "$RUNID-$name-b")
	l0=$(load)
	w=1	# a warm-up run, but for the batches (minutes)
	case $name in *-batch) w=0 ;; esac
	hyperfine -i -S sh --warmup "$w" --runs "$runs" --export-json "$o.json" \
	    -n files "cttrace -d '$gw=$dir' $* >'$o.a'" \
	    -n point "$CHC --multiquery --format=TabSeparated --max_query_size=1073741824 <'$o.point.sql' >'$o.b'" \
	    -n cttrace-C "cttrace -C '$TBL' -g '$gw' $* >'$o.c'" >"$o.log" 2>&1
	l1=$(load)
	cmp -s "$o.a" "$o.c" || { same=DIFFER; bad=1; }
	cmp -s "$o.a" "$o.fr.out" || { same=DIFFER; bad=1; }
	cmp -s "$o.b" "$o.b0" || { same="$same, point varied"; bad=1; }
	medians "$o.json" >"$o.med"
	echo "$fr" >"$o.read"
	echo "$rb $((s2 - s1))" >"$o.readb"
	echo "$rc $((s1 - s0))" >"$o.readc"
	echo "$same" >"$o.same"
	echo "$l0 -> $l1" >"$o.load"
}
# row GW K WHAT NAME: the rows of the tables for arms NAME
row() {
	o=$OUT/$4
	set -- "$1" "$2" "$3" $(cat "$o.med" | awk '{ print $2, $3 + $4 }') \
	    "$(cat "$o.same")" "$(cat "$o.load")"
	# $4 files $5 cpu $6 point $7 cpu $8 cttrace-C $9 cpu
	echo "| $1 | $2 | $3 | $(awk -v a="$4" -v b="$6" -v c="$8" 'BEGIN {
	    printf "%.1f | %.1f | %.1f | %.2f | %.2f | %s | %s",
		a * 1000, b * 1000, c * 1000, a / b, a / c,
		a <= 0.1 ? "yes" : "no", a <= b ? "yes" : "no" }') | $(echo "$5 $7 $9" | awk '{ printf "%.0f / %.0f / %.0f", $1 * 1000, $2 * 1000, $3 * 1000 }') | ${10} | ${11} |" >>"$OUT/times.md"
	set -- "$1" "$2" $(cat "$o.read") $(cat "$o.readb") $(cat "$o.readc")
	# $3 gz $4 idx $5 plain $6 blocks; point: $7 rows $8 bytes $9 cbytes
	# $10 ms $11 ticks; cttrace-C: $12 rows $13 bytes $14 cbytes $15 ms
	# $16 ticks
	echo "$@" | awk -v hz="$(getconf CLK_TCK)" '{
	    printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %.0f | %s | %s | %s | %.0f |\n",
		$1, $2, $3, $4, $5, $6, $7, $8, $9, $11 * 1000 / hz, $12, $13,
		$14, $16 * 1000 / hz }' >>"$OUT/bytes.md"
}

: >"$OUT/times.md"
: >"$OUT/bytes.md"
for gw in $DAYS; do
	case $gw in
	full) plain=$FULL dir=$IDX ;;
	d10) plain=$DATA/d10/plain dir=$D10IDX ;;
	*) echo "$gw: the days are full and d10" >&2; exit 2 ;;
	esac
	chload "$gw" "$plain"
	# the complaints, picked once (the same in every run)
	[ -s "$DATA/$gw.q$Q" ] || pick "$plain/$day.csv" "$Q" >"$DATA/$gw.q$Q"
	[ -s "$DATA/$gw.c$C" ] || pick "$plain/$day.csv" "$C" >"$DATA/$gw.c$C"
	k=0
	while read -r ip port t; do
		k=$((k + 1))
		arms "$gw-$k" "$RUNS" "$gw" "$dir" "$ip" "$port" "$t"
		row "$gw" "$k" "$ip $port $t" "$gw-$k"
		tail -1 "$OUT/times.md"
	done <"$DATA/$gw.q$Q"
	arms "$gw-batch" "$BRUNS" "$gw" "$dir" -b "$DATA/$gw.c$C"
	row "$gw" "batch" "$C complaints" "$gw-batch"
	tail -1 "$OUT/times.md"
done

say
say "## Times (ms, medians), CPU of the commands (user + system, ms, means; not the server's)"
say
say "| day | query | complaint | files | point | cttrace -C | files / point | files / cttrace -C | files <= 100 ms | files <= point | CPU files / point / -C | answers (files, -C) | load average |"
say "|---|---|---|---:|---:|---:|---:|---:|---|---|---:|---|---|"
tee -a "$res" <"$OUT/times.md"
say
say "## Bytes read (one run each)"
say
say "files: .gz and index bytes read (strace), plain bytes ctcat decompressed and blocks read of the day's (CTTIME_DEBUG); ClickHouse: rows, bytes (uncompressed) and compressed bytes read (system.query_log), server CPU (ms, clock ticks)"
say
say "| day | query | .gz | index | plain | blocks | point rows | point bytes | point compressed | point server CPU | -C rows | -C bytes | -C compressed | -C server CPU |"
say "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
tee -a "$res" <"$OUT/bytes.md"
say
say "load average at the end: $(load)"
[ "$bad" = 0 ] || { echo "some answers differ: see $OUT/*.same" >&2; exit 1; }
