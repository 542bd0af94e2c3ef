#!/usr/bin/env bats
# The ClickHouse store (examples/clickhouse, ctrow, ctcat -C, cttrace -C):
# two servers started here, each a shard behind Distributed tables; the
# days loaded by ctload; every answer cttrace gives from the tables equal
# to the one it gives from the files.

bats_require_minimum_version 1.5.0
load helper
load clickhouse

EX=$TOP/examples/clickhouse
PATH=$EX:$PATH

# The logs, each loaded into one shard:
#	lab	the end-to-end NAT capture (examples/sample, through
#		ctparse): a 16-port NAT, an outage, ports changing hands
#		(shard 1)
#	gwa	two generated days, plain and ctzip'd (shard 1)
#	gwb	two generated days, gzip and zstd (shard 2)
# gwa and gwb NAT to the same addresses and ports (ports folded onto 30
# an address), so that a complaint has candidates behind both.  The
# complaints: lines of the logs asked about at their times, up to 300 s
# off, and times before, in and after the logs and the outage.
setup_file() {
	ch_need || return 0
	D=$BATS_FILE_TMPDIR
	ch_cluster "$D/ch" 2
	for i in 1 2; do
		ch "$i" --multiquery <"$EX/schema.sql" || fail "schema.sql"
		ch "$i" --multiquery <"$EX/cluster.sql" || fail "cluster.sql"
	done
	mkdir -p "$D/lab" "$D/gwa" "$D/gwb"
	ctparse -o "$D/lab/%Y-%m-%d.csv" "$TOP/examples/sample/conntrack.txt" 2>/dev/null
	for g in a:1:1795651200:2026-11-26 a:2:1795737600:2026-11-27 \
	    b:3:1795651200:2026-11-26 b:4:1795737600:2026-11-27; do
		IFS=: read -r gw seed t0 day <<<"$g"
		{ dumphead; perl "$TOP/t/bench/gen.pl" -n 20000 -s "$seed" \
		    -t "$t0" -i 300; } >"$D/raw"
		ctparse "$D/raw" 2>/dev/null |
		    awk -F';' -v OFS=';' '$9 != "" { $9 = 50000 + $9 % 30 } 1' \
		    >"$D/gw$gw/$day.csv"
	done
	ctzip -f -b 64k "$D/gwa/2026-11-27.csv" 2>/dev/null
	gzip "$D/gwb/2026-11-26.csv"
	zstd -q --rm "$D/gwb/2026-11-27.csv"
	chmod -R go-rwx "$D"
	ctload -C "127.0.0.1:${CH_PORT[1]}/ctlog.events" "$D/lab" 2026-11-30 2>"$D/err" ||
	    fail "ctload lab: $(cat "$D/err")"
	ctload -C "127.0.0.1:${CH_PORT[1]}/ctlog.events" "$D/gwa" 2026-11-26 2026-11-27 2>"$D/err" ||
	    fail "ctload gwa: $(cat "$D/err")"
	ctload -C "127.0.0.1:${CH_PORT[2]}/ctlog.events" "$D/gwb" 2026-11-26 2026-11-27 2>"$D/err" ||
	    fail "ctload gwb: $(cat "$D/err")"
	# and a database "one" whose table holds gwb alone
	sed 's/ctlog/one/g' "$EX/schema.sql" | ch 2 --multiquery
	ctload -C "127.0.0.1:${CH_PORT[2]}/one.events" "$D/gwb" 2026-11-26 2026-11-27 2>"$D/err" ||
	    fail "ctload gwb one: $(cat "$D/err")"
	# the complaints
	awk -F';' '$8 != "" { k[$8 " " $9] = 1 } END { for (x in k) print x }' \
	    "$D/lab/2026-11-30.csv" | sort >"$D/labkeys"
	: >"$D/labc"
	while read -r ip port; do
		for t in 08:13:20 08:13:55 08:14:11 08:14:26 08:14:34 08:14:47 08:16:00; do
			echo "$ip $port 2026-11-30T${t}Z"
		done
	done <"$D/labkeys" >"$D/labc"
	for f in "$D/gwa/2026-11-26.csv" "$D/gwb/2026-11-26.csv.gz"; do
		ctcat -t 2026-11-26T12:00:00Z -A 0 -w 86400 -R 86400 "$f"
	done | awk -F';' 'BEGIN { srand(5) } ($2 == "start" || $2 == "stop") && rand() < 0.004 {
		cmd = "date -u -d " substr($1, 1, 19) " +%s"
		cmd | getline s; close(cmd)
		printf "%s %s @%d\n", $8, $9, s + int(rand() * 600) - 300
	    }' >"$D/genc"
	printf '%s\n' '192.76.8.20 50001 2026-11-25T23:59:00Z' \
	    '192.76.8.21 50002 2026-11-28T01:00:00Z' \
	    '192.0.2.1 50001 2026-11-27 12:00:00' >>"$D/genc"
	export D
}

teardown_file() {
	if [ -d "$BATS_FILE_TMPDIR/ch" ]; then
		ch_stop "$BATS_FILE_TMPDIR/ch"
	fi
}

setup() {
	TMP=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ct.XXXXXX")
	ch_skip
	ch_ports
}

# same NAME CMD1 -- CMD2: both commands print the same and end the same
same() {
	local name=$1 a=() st1 st2
	shift
	while [ "$1" != -- ]; do
		a+=("$1")
		shift
	done
	shift
	st1=0 st2=0
	"${a[@]}" >"$TMP/1" 2>"$TMP/e1" || st1=$?
	"$@" >"$TMP/2" 2>"$TMP/e2" || st2=$?
	expect_eq "$name: status ($(cat "$TMP/e1" "$TMP/e2"))" "$st2" "$st1"
	cmp -s "$TMP/1" "$TMP/2" || fail "$name: $(diff "$TMP/1" "$TMP/2" | head -20)"
	[ -s "$TMP/1" ] || fail "$name: no answer"
}

@test "ctload: the days are in the table once, every line with a time a row" {
	for day in gwa:2026-11-26:"$D/gwa/2026-11-26.csv" \
	    gwb:2026-11-26:"$D/gwb/2026-11-26.csv.gz"; do
		IFS=: read -r gw d f <<<"$day"
		want=$(gzip -dcf "$f" | grep -c '^2026-')
		[ "$want" -gt 15000 ] || fail "$f: $want lines"
		got=$(ch 1 --query="SELECT count() FROM ctlog.events_all WHERE gateway = '$gw' AND day = '$d'")
		expect_eq "$gw $d rows" "$got" "$want"
		got=$(ch 2 --query="SELECT rows FROM ctlog.events_all_loads WHERE gateway = '$gw' AND day = '$d'")
		expect_eq "$gw $d loads" "$got" "$want"
	done
}

@test "ctload: a day loaded twice is counted once; a changed file replaces it" {
	run ctload -C "127.0.0.1:${CH_PORT[1]}/ctlog.events" "$D/gwa" 2026-11-26
	expect_eq "again: status" "$status" 1
	[[ $output == *"loaded already"* ]] || fail "$output"
	n0=$(ch 1 --query="SELECT count() FROM ctlog.events WHERE gateway = 'gwa'")
	run ctload -f -C "127.0.0.1:${CH_PORT[1]}/ctlog.events" "$D/gwa" 2026-11-26
	expect_eq "-f: status" "$status" 0
	n1=$(ch 1 --query="SELECT count() FROM ctlog.events WHERE gateway = 'gwa'")
	expect_eq "rows after -f" "$n1" "$n0"
	# a day file that changed (compressed since): loaded again, once
	mkdir "$TMP/gwa"
	gzip -c "$D/gwa/2026-11-26.csv" >"$TMP/gwa/2026-11-26.csv.gz"
	run ctload -C "127.0.0.1:${CH_PORT[1]}/ctlog.events" "$TMP/gwa" 2026-11-26
	expect_eq "changed: status" "$status" 0
	n2=$(ch 1 --query="SELECT count() FROM ctlog.events WHERE gateway = 'gwa'")
	expect_eq "rows after the change" "$n2" "$n0"
	got=$(ch 1 --query="SELECT count(), any(file) FROM ctlog.events_loads WHERE gateway = 'gwa' AND day = '2026-11-26'")
	expect_eq "loads" "$got" "1	2026-11-26.csv.gz"
	got=$(ch 1 --query="SELECT count() FROM system.tables WHERE position(name, '_load_') > 0")
	expect_eq "staging tables left" "$got" 0
}

@test "ctload: a file cut short is not loaded; the table stays as it was" {
	mkdir "$TMP/cut"
	head -c 20000 "$D/gwb/2026-11-26.csv.gz" >"$TMP/cut/2026-11-20.csv.gz"
	run ctload -C "127.0.0.1:${CH_PORT[2]}/ctlog.events" "$TMP/cut" 2026-11-20
	expect_eq status "$status" 2
	[[ $output == *"cut 2026-11-20: not loaded"* ]] || fail "$output"
	got=$(ch 2 --query="SELECT count() FROM ctlog.events WHERE day = '2026-11-20'")
	expect_eq rows "$got" 0
	got=$(ch 2 --query="SELECT count() FROM ctlog.events_loads WHERE day = '2026-11-20'")
	expect_eq loads "$got" 0
}

@test "ctload -r: retention drops the old days' partitions" {
	mkdir "$TMP/old"
	for d in 2001-01-01 2001-01-05; do
		echo "${d}T10:00:00Z;start;tcp;10.1.1.1;1;192.0.2.9;80;192.76.8.20;50001;1;;;;;;" >"$TMP/old/$d.csv"
	done
	ctload -C "127.0.0.1:${CH_PORT[2]}/ctlog.events" "$TMP/old" 2>/dev/null
	got=$(ch 2 --query="SELECT count() FROM ctlog.events WHERE gateway = 'old'")
	expect_eq loaded "$got" 2
	# (the day between: the server's today may be a day off ours)
	keep=$(( ($(date +%s) - $(date -d 2001-01-03 +%s)) / 86400 ))
	run ctload -C "127.0.0.1:${CH_PORT[2]}/ctlog.events" -g old -r "$keep"
	expect_eq status "$status" 0
	got=$(ch 2 --query="SELECT groupArray(toString(day)) FROM ctlog.events WHERE gateway = 'old'")
	expect_eq "days left" "$got" "['2001-01-05']"
	got=$(ch 2 --query="SELECT count() FROM ctlog.events_loads WHERE gateway = 'old'")
	expect_eq "loads left" "$got" 1
	got=$(ch 2 --query="SELECT count() FROM system.parts WHERE table = 'events' AND active AND partition LIKE '%2001-01-01%'")
	expect_eq "partitions left" "$got" 0
	got=$(ch 2 --query="SELECT count() FROM ctlog.events WHERE gateway = 'gwb'")
	[ "$got" -gt 0 ] || fail "other gateways' days dropped"
	run ctload -C "127.0.0.1:${CH_PORT[2]}/ctlog.events" -g old -r "$keep"
	expect_eq "nothing to drop: status" "$status" 1
}

@test "ctcat -C -l: the days of a gateway, placed as the files are" {
	run ctcat -C "127.0.0.1:${CH_PORT[2]}/ctlog.events_all" -g gwb -l
	expect_eq status "$status" 0
	want=$(ctcat -d "$D/gwb" -l | awk '{ print $1 }')
	expect_eq firsts "$(echo "$output" | awk '{ print $1 }')" "$want"
	expect_eq forms "$(echo "$output" | awk '{ print $2 " " $3 " " $4 }')" \
	    "clickhouse 2026-11-26 gwb/2026-11-26
clickhouse 2026-11-27 gwb/2026-11-27"
}

@test "cttrace -C: the capture's answers equal the files', single and batch" {
	n=$(wc -l <"$D/labc")
	[ "$n" -ge 150 ] || fail "$n complaints"
	for t in "${CH_PORT[1]}/ctlog.events" "${CH_PORT[2]}/ctlog.events_all"; do
		same "$t -b" cttrace -o tsv -d "lab=$D/lab" -b "$D/labc" -- \
		    cttrace -o tsv -C "127.0.0.1:$t" -g lab -b "$D/labc"
	done
	# single: one port a time, each time; the outage, before the log,
	# after it
	for c in '198.51.100.1 20013 2026-11-30T08:14:34Z' \
	    '198.51.100.1 20011 2026-11-30T08:14:26Z' \
	    '198.51.100.1 20015 2026-11-30T08:14:11Z' \
	    '198.51.100.1 20015 2026-11-30T08:13:20Z' \
	    '198.51.100.1 20002 2026-11-30T08:16:00Z' \
	    '2001:db8:40::1 20011 2026-11-30T08:14:47Z'; do
		same "$c" cttrace -d "lab=$D/lab" $c -- \
		    cttrace -C "127.0.0.1:${CH_PORT[1]}/ctlog.events_all" -g lab $c
	done
	# so does the store say nothing more than the log: gaps as the files
	grep -q 'verdict: unknown' "$TMP/1" || grep -q 'verdict' "$TMP/1" || fail "no verdict"
}

@test "cttrace -C: two gateways on two shards, batch and single, as the files" {
	n=$(grep -c '^[0-9]' "$D/genc")
	[ "$n" -ge 100 ] || fail "$n complaints"
	same "-b" cttrace -o tsv -d "gwa=$D/gwa" -d "gwb=$D/gwb" -b "$D/genc" -- \
	    cttrace -o tsv -C "127.0.0.1:${CH_PORT[1]}/ctlog.events_all" -g gwa -g gwb -b "$D/genc"
	several=$(awk -F'\t' '$0 ~ /several/' "$TMP/1" | wc -l)
	gwb=$(grep -c 'gwb' "$TMP/1")
	[ "$several" -ge 5 ] && [ "$gwb" -ge 5 ] || fail "too easy: $several several, $gwb gwb"
	same "-b -p udp -1" cttrace -p udp -1 -d "gwa=$D/gwa" -d "gwb=$D/gwb" -b "$D/genc" -- \
	    cttrace -p udp -1 -C "127.0.0.1:${CH_PORT[2]}/ctlog.events_all" -g gwa -g gwb -b "$D/genc"
	head -8 "$D/genc" >"$TMP/c8"
	tail -3 "$D/genc" >>"$TMP/c8"
	while read -r ip port t; do
		same "$ip $port $t" cttrace -d "gwa=$D/gwa" -d "gwb=$D/gwb" "$ip" "$port" "$t" -- \
		    cttrace -C "127.0.0.1:${CH_PORT[2]}/ctlog.events_all" -g gwa -g gwb "$ip" "$port" "$t"
		# a table of one gateway: its answers are not named
		same "gwb: $ip $port $t" cttrace -d "$D/gwb" "$ip" "$port" "$t" -- \
		    env CTTRACE_TABLE="127.0.0.1:${CH_PORT[2]}/one.events" \
		    cttrace "$ip" "$port" "$t"
	done <"$TMP/c8"
}

@test "cttrace -C: a table of several gateways needs -g; a server gone is an error, not an answer" {
	run cttrace -C "127.0.0.1:${CH_PORT[1]}/ctlog.events_all" 192.76.8.20 50001 2026-11-26T12:00:00Z
	expect_eq status "$status" 2
	[[ $output == *"several gateways"* ]] || fail "$output"
	port=$(freeports 1)
	run cttrace -C "127.0.0.1:$port/ctlog.events" -g gwa 192.76.8.20 50001 2026-11-26T12:00:00Z
	expect_eq "no server: status" "$status" 2
	[[ $output == *"cannot say"* || $output == *"unknown"* || $output == *"unread"* ]] || fail "$output"
	run cttrace -C "127.0.0.1:${CH_PORT[1]}/ctlog.nosuch" -g gwa 192.76.8.20 50001 2026-11-26T12:00:00Z
	expect_eq "no table: status" "$status" 2
	run cttrace -C 'no such table' 192.76.8.20 50001 2026-11-26T12:00:00Z
	expect_eq "bad -C: status" "$status" 2
	run cttrace -d "$D/gwa" -C "127.0.0.1:${CH_PORT[1]}/ctlog.events" 192.76.8.20 50001 2026-11-26T12:00:00Z
	expect_eq "-d and -C: status" "$status" 2
}

@test "ctcat -C: a day loaded on two shards is an error, not two logs" {
	ctload -C "127.0.0.1:${CH_PORT[2]}/ctlog.events" -g twice "$D/lab" 2026-11-30 2>/dev/null
	ctload -C "127.0.0.1:${CH_PORT[1]}/ctlog.events" -g twice "$D/lab" 2026-11-30 2>/dev/null
	run ctcat -C "127.0.0.1:${CH_PORT[1]}/ctlog.events_all" -g twice -n 198.51.100.1:20013 -t 2026-11-30T08:14:34Z
	expect_eq status "$status" 2
	[[ $output == *"loaded twice"* ]] || fail "$output"
	[[ $output == *";unread;"* ]] || fail "$output"
}

@test "ctrow: every line with a time comes back byte for byte, in order (tabs, backslashes, NUL, 14 and 26 fields)" {
	mkdir "$TMP/odd"
	{
		echo 'time;event;proto;src;sport;dst;dport;nat;natport;id;opkts;obytes;rpkts;rbytes;from;to'
		echo '2026-11-25T10:00:00Z;begin;;;;;;;;60;;;;;2026-11-25T10:00:00Z;'
		echo '2026-11-25T10:00:01Z;start;tcp;10.1.1.1;1;192.0.2.9;80;192.76.8.20;50001;1;;;;'
		printf '2026-11-25T10:00:02Z;start;udp;10.1.1.2;2;192.0.2.9;53;192.76.8.20;50001;2;a\\tb\\\\c;\t;\\x41;;;;x;y;z\r\n'
		echo 'no time here'
		echo '2026-11-25T10:00:01.5Z;stop;tcp;10.1.1.1;1;192.0.2.9;80;192.76.8.20;50001;1;3;4;5;6;;;;;;;;;;;;'
		echo '2026-11-25T10:00:03Z;start;tcp;10.1.1.3;3;192.0.2.9;80;192.76.8.21;50001;3;;;;;;'
		printf '2026-11-25T10:00:03.5Z;start;tcp;10.1.1.4;4;192.0.2.9;80;192.76.8.21;50001;4;\0x\001\033;;;;;\n'
		echo '2026-11-25T10:00:04Z;alive;;;;;;;;60;;;;;2026-11-25T10:00:00Z;'
	} >"$TMP/odd/2026-11-25.csv"
	run ctrow -g odd -D 2026-11-25 "$TMP/odd/2026-11-25.csv"
	expect_eq status "$status" 0
	[[ $output == *"2026-11-25.csv:5: no time, left out"* ]] || fail "$output"
	ctrow -g odd -D 2026-11-25 "$TMP/odd/2026-11-25.csv" 2>/dev/null |
	    ch 2 --query='INSERT INTO ctlog.events FORMAT TabSeparated'
	got=$(ch 2 --query="SELECT count(), sum(rec) FROM ctlog.events WHERE gateway = 'odd'")
	expect_eq "rows, records (the stop of 26 fields holds CSV_RECORD)" "$got" "7	3"
	# no day in odd's loads yet: a reader takes none of its rows
	run ctcat -C "127.0.0.1:${CH_PORT[2]}/ctlog.events" -g odd -t 2026-11-25T10:00:02Z -A 0 -w 10
	expect_eq "not loaded: status" "$status" 1
	ch 2 --query="ALTER TABLE ctlog.events DROP PARTITION ('2026-11-25', 'odd')"
	ctload -C "127.0.0.1:${CH_PORT[2]}/ctlog.events" "$TMP/odd" 2026-11-25 2>/dev/null
	same ctcat ctcat -d "$TMP/odd" -t 2026-11-25T10:00:02Z -A 0 -w 10 -- \
	    ctcat -C "127.0.0.1:${CH_PORT[2]}/ctlog.events" -g odd -t 2026-11-25T10:00:02Z -A 0 -w 10
	# with a key, the server leaves out the lines ctgrep would
	for k in 192.76.8.20:50001 192.76.8.21:50001; do
		same "ctcat -n $k | ctgrep" sh -c "ctcat -n $k -d '$TMP/odd' -t 2026-11-25T10:00:02Z -A 0 -w 10 | ctgrep --records -N $k" -- \
		    sh -c "ctcat -n $k -C 127.0.0.1:${CH_PORT[2]}/ctlog.events -g odd -t 2026-11-25T10:00:02Z -A 0 -w 10 | ctgrep --records -N $k"
	done
	# the table's lines are the file's with a time (and ctcat's records)
	ctcat -C "127.0.0.1:${CH_PORT[2]}/ctlog.events" -g odd -t 2026-11-25T10:00:02Z -A 0 -w 10 >"$TMP/got"
	grep -av ';nolog;\|;eof;' "$TMP/got" >"$TMP/got2"
	grep -a '^2026' "$TMP/odd/2026-11-25.csv" >"$TMP/want"
	expect_eq "lines" "$(wc -l <"$TMP/want")" 7
	cmp "$TMP/got2" "$TMP/want" || fail "$(diff "$TMP/got2" "$TMP/want")"
}
