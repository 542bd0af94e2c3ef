#!/usr/bin/env bats
# cttrace: argument checks, which files it reads (daily names, gzip,
# logrotate names placed by their first line), midnight, verdicts, gaps.
load helper
bats_require_minimum_version 1.5.0

H='time;event;proto;src;sport;dst;dport;nat;natport;id;opkts;obytes;rpkts;rbytes'

# ev TIME EVENT SRC SPORT NATPORT ID [DST:DPORT] [PROTO]
ev() {
	local d=${7:-198.51.100.2:443}
	printf '%s;%s;%s;%s;%s;%s;%s;192.76.8.23;%s;%s;%s\n' "$1" "$2" "${8:-tcp}" "$3" "$4" \
	    "${d%:*}" "${d##*:}" "$5" "$6" "$([ "$2" = stop ] && echo '5;300;4;200' || echo ';;;')"
}

# frame DIR: the log in DIR (written by an older ctparse, without coverage
# records: it covers what its files hold) begins on the 25th and goes on
# after the 28th, so that a question on the 27th is inside it
frame() {
	ev 2026-11-25T00:00:00Z start 10.9.9.9 1 1 99 >"$1/2026-11-25.csv"
	ev 2026-11-29T00:00:00Z start 10.9.9.9 1 1 99 >"$1/2026-11-29.csv"
}

# verdict and candidate hosts of a cttrace run
hosts() {
	printf '%s\n' "$output" | awk '$1 ~ /^[0-9]+$/ { printf "%s ", $2 }'
}
verdict() {
	printf '%s\n' "$output" | grep '^verdict:'
}

@test "arguments are checked before anything runs" {
	mkdir "$TMP/log"
	while IFS='|' read -r args msg; do
		eval "run cttrace -d \"\$TMP/log\" $args"
		expect_eq "$args: status" "$status" 2
		[[ "$output" == *"$msg"* ]] || fail "$args: $output"
	done <<-'END'
	192.76.8.23 0 @0|0: bad port (1-65535)
	192.76.8.23 65536 @0|65536: bad port
	192.76.8.23 80x @0|80x: bad port
	192.76.8.256 80 @0|ctgrep:
	192.76.8.23 80 yesterday|cttime: yesterday: bad time
	-w x 192.76.8.23 80 @0|cttime:
	-D 1.2.3 192.76.8.23 80 @0|cttime: -D 1.2.3: bad IPv4 address
	-D 1.2.3.4:0 192.76.8.23 80 @0|cttime: -D 1.2.3.4:0: bad port (1-65535)
	-p tcp\; 192.76.8.23 80 @0|cttime: -p tcp;: not a protocol
	192.76.8.23 80|usage: cttrace
	-x 192.76.8.23 80 @0|usage: cttrace
	END
	run env TZ=Europe/London cttrace -d "$TMP/log" 192.76.8.23 80 '2026-10-25 01:30:00'
	[ "$status" -eq 2 ]
	[[ "$output" == *"ambiguous local time"* ]] || fail "$output"
	run cttrace -d "$TMP/none" 192.76.8.23 80 @0
	[ "$status" -eq 2 ]
	[[ "$output" == "cttrace: $TMP/none: no such log directory" ]] || fail "$output"
	# nothing from the arguments reaches a shell
	run cttrace -d "$TMP/log" '1.2.3.4;touch x' 80 @0
	[ "$status" -eq 2 ] && [ ! -e x ]
}

@test "one answer, on a daily file; the middle of a long flow" {
	mkdir "$TMP/log"
	frame "$TMP/log"
	{
		echo "$H"
		ev 2026-11-27T10:00:00.000001Z start 10.0.0.1 40000 61234 1
		ev 2026-11-27T10:20:00.000001Z stop 10.0.0.1 40000 61234 1
	} >"$TMP/log/2026-11-27.csv"
	run cttrace -d "$TMP/log" 192.76.8.23 61234 2026-11-27T10:06:49Z
	[ "$status" -eq 0 ] || fail "$output"
	expect_eq hosts "$(hosts)" "10.0.0.1:40000 "
	expect_eq verdict "$(verdict)" "verdict: one answer: 10.0.0.1"
	# the stop is logged long after the window: not looked for (-R 0)
	[[ "$output" == *"198.51.100.2:443"*"tcp"*"2026-11-27T10:00:00.000001Z"*" not-read "* ]] ||
		fail "$output"
	# a stop within the window and the skew is
	ev 2026-11-27T10:07:30Z stop 10.0.0.1 40000 61234 1 >"$TMP/log/2026-11-27.csv"
	ev 2026-11-27T10:00:00.000001Z start 10.0.0.1 40000 61234 1 >>"$TMP/log/2026-11-27.csv"
	sort -o "$TMP/log/2026-11-27.csv" "$TMP/log/2026-11-27.csv"
	run cttrace -d "$TMP/log" 192.76.8.23 61234 2026-11-27T10:06:49Z
	[[ "$output" == *"198.51.100.2:443"*"tcp"*"2026-11-27T10:00:00.000001Z"*"2026-11-27T10:07:30Z"*"300/200"* ]] ||
		fail "$output"
}

@test "none: exit 1, and the other port or protocol is not taken" {
	mkdir "$TMP/log"
	frame "$TMP/log"
	{
		ev 2026-11-27T10:06:40Z start 10.0.0.1 40000 61235 1
		ev 2026-11-27T10:06:41Z start 10.0.0.2 40000 61234 2 198.51.100.2:53 udp
	} >"$TMP/log/2026-11-27.csv"
	run cttrace -p tcp -d "$TMP/log" 192.76.8.23 61234 2026-11-27T10:06:49Z
	[ "$status" -eq 1 ]
	expect_eq verdict "$(verdict)" "verdict: none: no flow held 192.76.8.23 port 61234 within 10 s of 2026-11-27T10:06:49Z"
	run cttrace -p udp -d "$TMP/log" 192.76.8.23 61234 2026-11-27T10:06:49Z
	[ "$status" -eq 0 ]
	expect_eq udp "$(hosts)" "10.0.0.2:40000 "
}

@test "a port passing between hosts: several candidates, all shown; -1, -D narrow" {
	mkdir "$TMP/log"
	frame "$TMP/log"
	{
		ev 2026-11-27T10:06:30Z start 10.0.0.1 40000 61234 1 203.0.113.9:80
		ev 2026-11-27T10:06:45Z stop 10.0.0.1 40000 61234 1 203.0.113.9:80
		ev 2026-11-27T10:06:45.000020Z start 10.0.0.2 41000 61234 2 198.51.100.7:443
	} >"$TMP/log/2026-11-27.csv"
	run cttrace -d "$TMP/log" 192.76.8.23 61234 2026-11-27T10:06:49Z
	[ "$status" -eq 0 ]
	expect_eq hosts "$(hosts)" "10.0.0.2:41000 10.0.0.1:40000 "
	[[ "$(verdict)" == "verdict: several candidates: 2 inside hosts"* ]] || fail "$output"
	run cttrace -1 -d "$TMP/log" 192.76.8.23 61234 2026-11-27T10:06:49Z
	expect_eq "-1" "$(hosts)" "10.0.0.2:41000 "
	[[ "$(verdict)" == "verdict: several candidates"* ]] || fail "-1 hides the doubt: $output"
	run cttrace -D 203.0.113.9:80 -d "$TMP/log" 192.76.8.23 61234 2026-11-27T10:06:49Z
	expect_eq "-D" "$(hosts)" "10.0.0.1:40000 "
	expect_eq "-D verdict" "$(verdict)" "verdict: one answer: 10.0.0.1"
}

@test "across midnight: a flow started the day before, in a gzip'd file" {
	mkdir "$TMP/log"
	ev 2026-11-26T23:59:00Z start 10.0.0.3 40000 61234 3 | gzip >"$TMP/log/2026-11-26.csv.gz"
	ev 2026-11-27T00:10:00Z stop 10.0.0.3 40000 61234 3 >"$TMP/log/2026-11-27.csv"
	ev 2026-11-25T12:00:00Z start 10.0.0.9 40000 61234 9 >"$TMP/log/2026-11-25.csv"
	run cttrace -d "$TMP/log" 192.76.8.23 61234 2026-11-27T00:05:00Z
	[ "$status" -eq 0 ] || fail "$output"
	expect_eq hosts "$(hosts)" "10.0.0.3:40000 "
	expect_eq verdict "$(verdict)" "verdict: one answer: 10.0.0.3"
}

@test "logrotate names are placed by their first line, not their name" {
	mkdir "$TMP/log"
	ev 2026-11-25T00:00:00Z start 10.9.9.9 1 1 99 >"$TMP/log/current.csv-20261126"
	# rotated on the 28th, but holding the 27th
	ev 2026-11-27T10:06:40Z start 10.0.0.4 40000 61234 4 | gzip >"$TMP/log/current.csv-20261128.gz"
	{
		ev 2026-11-28T10:06:40Z start 10.0.0.5 40000 61234 5
		ev 2026-11-28T10:07:40Z stop 10.0.0.5 40000 61234 5
	} >"$TMP/log/current.csv-20261129"
	{
		ev 2026-11-29T10:06:40Z start 10.0.0.6 40000 61234 6
		ev 2026-11-29T12:00:00Z start 10.9.9.9 1 1 99
	} >"$TMP/log/current.csv"
	run cttrace -d "$TMP/log" 192.76.8.23 61234 2026-11-27T10:06:49Z
	expect_eq 27 "$(hosts)" "10.0.0.4:40000 "
	expect_eq "27 verdict" "$(verdict)" "verdict: one answer: 10.0.0.4"
	run cttrace -d "$TMP/log" 192.76.8.23 61234 2026-11-29T10:06:49Z
	expect_eq 29 "$(hosts)" "10.0.0.6:40000 "
	expect_eq "29 verdict" "$(verdict)" "verdict: one answer: 10.0.0.6"
}

@test "a day both plain and gzip'd (compression interrupted) is read once" {
	mkdir "$TMP/log"
	frame "$TMP/log"
	ev 2026-11-27T10:06:40Z start 10.0.0.7 40000 61234 7 >"$TMP/log/2026-11-27.csv"
	gzip -c "$TMP/log/2026-11-27.csv" >"$TMP/log/2026-11-27.csv.gz"
	run cttrace -d "$TMP/log" 192.76.8.23 61234 2026-11-27T10:06:49Z
	expect_eq hosts "$(hosts)" "10.0.0.7:40000 "
	expect_eq verdict "$(verdict)" "verdict: one answer: 10.0.0.7"
}

@test "a lost record in the window is a gap: the verdict is unknown, the flow shown" {
	mkdir "$TMP/log"
	frame "$TMP/log"
	{
		ev 2026-11-27T10:06:40Z start 10.0.0.8 40000 61234 8
		echo '2026-11-27T10:06:45Z;lost;;;;;;;;;;;;'
		echo '2026-11-27T12:00:00Z;lost;;;;;;;;12;;;;'
	} >"$TMP/log/2026-11-27.csv"
	run cttrace -d "$TMP/log" 192.76.8.23 61234 2026-11-27T10:06:49Z
	[ "$status" -eq 0 ]
	expect_eq gap "$(grep '^gap:' <<<"$output")" "gap: conntrack lost some events at 2026-11-27T10:06:45.000000Z: events from 2026-11-27T10:05:45.000000Z to 2026-11-27T10:06:45.000000Z may be missing"
	expect_eq hosts "$(hosts)" "10.0.0.8:40000 "
	expect_eq verdict "$(verdict)" "verdict: unknown: the log has gaps (above): of the flows it holds the first is the most likely, but another host may have held the port"
}

@test "IPv6 NAT address, in any form" {
	mkdir "$TMP/log"
	frame "$TMP/log"
	echo '2026-11-27T10:06:40Z;start;udp;fd00::5;5353;2001:db8:40::2;53;2001:db8:40::1;20000;1;;;;' >"$TMP/log/2026-11-27.csv"
	run cttrace -d "$TMP/log" 2001:DB8:40:0::1 20000 2026-11-27T10:06:49Z
	[ "$status" -eq 0 ] || fail "$output"
	expect_eq hosts "$(hosts)" "[fd00::5]:5353 "
}

@test "days compressed by ctzip: answers identical with and without the index" {
	mkdir "$TMP/plain" "$TMP/gz" "$TMP/idx"
	{ dumphead; perl "$TOP/t/bench/gen.pl" -n 60000 -t 1795651200; } >"$TMP/raw1"
	{ dumphead; perl "$TOP/t/bench/gen.pl" -n 60000 -s 2; } >"$TMP/raw2"
	ctparse "$TMP/raw1" >"$TMP/plain/2026-11-26.csv" 2>/dev/null
	ctparse "$TMP/raw2" >"$TMP/plain/2026-11-27.csv" 2>/dev/null
	for d in 2026-11-26 2026-11-27; do
		gzip -c "$TMP/plain/$d.csv" >"$TMP/gz/$d.csv.gz"
		cp "$TMP/plain/$d.csv" "$TMP/idx/"
		ctzip -f -b 64k "$TMP/idx/$d.csv"
	done
	[ "$(awk 'NR == 1 { print $5 }' "$TMP/idx/2026-11-26.csv.gz.idx")" -gt 50 ]
	# queries: the NAT address and port of lines across both days, at
	# their time + 3 s, and a port that nobody held
	awk -F';' 'FNR % 4001 == 77 && $2 == "start" { print $8, $9, $1 }' \
	    "$TMP/plain/2026-11-26.csv" "$TMP/plain/2026-11-27.csv" >"$TMP/q"
	echo "192.76.8.23 1 2026-11-27T12:00:00Z" >>"$TMP/q"
	n=0
	while read -r ip port t; do
		t=$(date -u -d "@$(($(date -u -d "$t" +%s) + 3))" +%Y-%m-%dT%H:%M:%SZ)
		traces_agree "$ip" "$port" "$t" "$TMP/plain" "$TMP/gz" "$TMP/idx"
		[ "$st" -eq 0 ] && n=$((n + 1))
	done <"$TMP/q"
	[ "$n" -ge 10 ] || fail "only $n answers"
}

@test "times after 2038, alone and in a batch (no arithmetic on times in the shell)" {
	mkdir "$TMP/log"
	{
		printf '2040-01-01T00:00:00.000001Z;start;tcp;10.0.0.1;40000;198.51.100.2;443;192.76.8.23;61234;1;;;;\n'
		printf '2040-01-01T09:00:00.000001Z;start;tcp;10.9.9.9;1;198.51.100.2;443;192.76.8.23;1;2;;;;\n'
	} >"$TMP/log/2040-01-01.csv"
	printf '2039-12-30T00:00:00Z;start;tcp;10.9.9.9;1;198.51.100.2;443;192.76.8.23;1;3;;;;\n' >"$TMP/log/2039-12-30.csv"
	run cttrace -d "$TMP/log" 192.76.8.23 61234 2040-01-01T00:00:05Z
	[ "$status" -eq 0 ] || fail "$output"
	expect_eq verdict "$(verdict)" "verdict: one answer: 10.0.0.1"
	printf '192.76.8.23 61234 2040-01-01T00:00:05Z\n192.76.8.23 61234 @2208988810\n' >"$TMP/c"
	run cttrace -d "$TMP/log" -b "$TMP/c"
	[ "$status" -eq 0 ] || fail "$output"
	expect_eq "batch verdicts" "$(grep -c '^verdict: one answer: 10.0.0.1$' <<<"$output")" 2
}

@test "odd names: backslashes in the log directory and TMPDIR, a newline in a log file's name" {
	d="$TMP/bs\\tdir"
	mkdir "$d" "$TMP/tmp\\x"
	frame "$d"
	ev 2026-11-27T10:06:40Z start 10.0.0.1 40000 61234 1 >"$d/2026-11-27.csv"
	TMPDIR="$TMP/tmp\\x" run cttrace -d "$d" 192.76.8.23 61234 2026-11-27T10:06:49Z
	[ "$status" -eq 0 ] || fail "$output"
	expect_eq verdict "$(verdict)" "verdict: one answer: 10.0.0.1"
	expect_eq "tmp left" "$(ls "$TMP/tmp\\x" | wc -l)" 0
	# a file named "x<newline>1795760000 evil.csv", and an evil.csv in
	# the caller's directory with a forged flow: neither is read
	printf 'x\n1795760000 evil.csv' >"$TMP/name"
	ev 2026-11-27T10:06:45Z start 10.6.6.6 40000 61234 6 >"$d/$(cat "$TMP/name")"
	ev 2026-11-27T10:06:46Z start 10.6.6.6 40000 61234 6 >"$TMP/evil.csv"
	cd "$TMP"
	run --separate-stderr cttrace -d "$d" 192.76.8.23 61234 2026-11-27T10:06:49Z
	expect_eq "evil: verdict" "$(verdict)" "verdict: one answer: 10.0.0.1"
	[[ "$output" != *10.6.6.6* ]] || fail "$output"
	[[ "$stderr" == *"a file name with control characters, left out"* ]] || fail "$stderr"
}

@test "a day that cannot be read: the gap is named, unknown, exit 2 with no candidate; tsv says so" {
	mkdir "$TMP/log"
	frame "$TMP/log"
	{
		ev 2026-11-27T00:00:00Z start 10.9.9.9 1 1 98
		for h in 01 02 03 04 05 06 07 08 09 10 11 12; do
			ev 2026-11-27T$h:00:00Z start 10.9.9.9 1 1 98
		done
	} | gzip >"$TMP/log/2026-11-27.csv.gz"
	# a truncated .gz: its start is read, the rest is a gap
	head -c 40 "$TMP/log/2026-11-27.csv.gz" >"$TMP/cut" && mv "$TMP/cut" "$TMP/log/2026-11-27.csv.gz"
	run --separate-stderr cttrace -d "$TMP/log" 192.76.8.23 61234 2026-11-27T10:06:49Z
	expect_eq status "$status" 2
	[[ "$output" == *"gap: the log could not be read from "* ]] || fail "$output"
	[[ "$(verdict)" == "verdict: unknown: the log does not cover"* ]] || fail "$output"
	[[ "$stderr" == *"2026-11-27.csv.gz"* ]] || fail "$stderr"
	run --separate-stderr cttrace -o tsv -d "$TMP/log" 192.76.8.23 61234 2026-11-27T10:06:49Z
	expect_eq "tsv status" "$status" 2
	expect_eq "tsv verdict" "$(awk -F'\t' 'NR == 2 { print $5 }' <<<"$output")" unknown
	expect_eq "tsv coverage" "$(awk -F'\t' 'NR == 2 { print $16 }' <<<"$output")" incomplete
	[[ "$(awk -F'\t' 'NR == 2 { print $15 }' <<<"$output")" == unread* ]] || fail "$output"
}

# covered DIR DAY: a log with coverage records over DAY (begin and a
# snapshot at 00:00, heartbeats every minute to 23:59), its flows added
# by ev and sorted in
covered() {
	mkdir -p "$1"
	{
		printf '%sT00:00:00.000000Z;begin;;;;;;;;60;;;;;%sT00:00:00.000000Z;\n' $2 $2
		printf '%sT00:00:00.000001Z;snapshot;;;;;;;;0;;;;;%sT00:00:00.000000Z;\n' $2 $2
		awk -v d=$2 'BEGIN { for (h = 0; h < 24; h++) for (m = 0; m < 60; m++)
			printf "%sT%02d:%02d:30.000000Z;alive;;;;;;;;60;;;;;%sT00:00:00.000000Z;\n", d, h, m, d }'
	} >"$1/$2.csv"
}

@test "several gateways: each candidate names its gateway; one host is an address behind one gateway; a gap in one is a gap" {
	covered "$TMP/gw1" 2026-11-27
	covered "$TMP/gw2" 2026-11-27
	ev 2026-11-27T10:06:40.000000Z start 10.0.0.1 40000 61234 1 >>"$TMP/gw1/2026-11-27.csv"
	ev 2026-11-27T10:06:45.000000Z start 10.0.0.1 40000 61234 1 >>"$TMP/gw2/2026-11-27.csv"
	for g in gw1 gw2; do sort -o "$TMP/$g/2026-11-27.csv" "$TMP/$g/2026-11-27.csv"; done
	# the same inside address behind two gateways: two hosts
	run cttrace -d "$TMP/gw1" -d "$TMP/gw2" 192.76.8.23 61234 2026-11-27T10:06:49Z
	[ "$status" -eq 0 ] || fail "$output"
	[[ "${lines[1]}" == "#  gateway      inside"* ]] || fail "$output"
	[[ "${lines[2]}" == "1  gw2          10.0.0.1:40000"* ]] || fail "$output"
	[[ "${lines[3]}" == "2  gw1          10.0.0.1:40000"* ]] || fail "$output"
	expect_eq verdict "$(verdict)" "verdict: several candidates: 2 inside hosts held the port within the window; the first is the most likely"
	# named, in tsv
	run cttrace -o tsv -d A="$TMP/gw1" -d B="$TMP/gw2" 192.76.8.23 61234 2026-11-27T10:06:49Z
	expect_eq "tsv hosts" "$(awk -F'\t' 'NR == 2 { print $6, $17 }' <<<"$output")" "10.0.0.1@B,10.0.0.1@A B"
	# one gateway alone: the answer it gives alone (no gateway column)
	run cttrace -d "$TMP/gw1" 192.76.8.23 61234 2026-11-27T10:06:49Z
	expect_eq alone "$(verdict)" "verdict: one answer: 10.0.0.1"
	# a restart in gw2's log: the answer is unknown, and says whose gap
	printf '2026-11-27T10:06:30.000000Z;restart;;;;;;;;;;;;;2026-11-27T10:06:20.000000Z;\n' >>"$TMP/gw2/2026-11-27.csv"
	printf '2026-11-27T10:06:31.000000Z;snapshot;;;;;;;;0;;;;;2026-11-27T00:00:00.000000Z;\n' >>"$TMP/gw2/2026-11-27.csv"
	sort -o "$TMP/gw2/2026-11-27.csv" "$TMP/gw2/2026-11-27.csv"
	run cttrace -d "$TMP/gw1" -d "$TMP/gw2" 192.76.8.23 61299 2026-11-27T10:06:35Z
	expect_eq "gap: status" "$status" 2
	[[ "$output" == *"gap (gw2): conntrack restarted at 2026-11-27T10:06:30.000000Z"* ]] || fail "$output"
	# and nobody, where both cover the time (gw2 since its new dump)
	run cttrace -d "$TMP/gw1" -d "$TMP/gw2" 192.76.8.23 61299 2026-11-27T12:00:00Z
	expect_eq "none: status" "$status" 1
	# two of one name: refused
	run cttrace -d "$TMP/gw1" -d x="$TMP/gw1" -d x="$TMP/gw2" 192.76.8.23 61299 @0
	expect_eq "dup: status" "$status" 2
	[[ "$output" == *"x: two gateways of that name"* ]] || fail "$output"
}

@test "one named log: the answer of that gateway alone, named; its directory may hold a quote and a blank" {
	d="$TMP/it's a log"
	mkdir "$d"
	covered "$d" 2026-11-27
	ev 2026-11-27T10:06:40.000000Z start 10.0.0.1 40000 61234 1 >>"$d/2026-11-27.csv"
	ev 2026-11-27T10:06:47.000000Z start 10.0.0.2 40001 61234 2 >>"$d/2026-11-27.csv"
	sort -o "$d/2026-11-27.csv" "$d/2026-11-27.csv"
	run cttrace -o tsv -d "$d" 192.76.8.23 61234 2026-11-27T10:06:49Z
	[ "$status" -eq 0 ] || fail "$output"
	alone=$output
	run cttrace -o tsv -d gwA="$d" 192.76.8.23 61234 2026-11-27T10:06:49Z
	[ "$status" -eq 0 ] || fail "$output"
	# the same rows, each with the gateway named
	expect_eq "named hosts" "$(awk -F'\t' 'NR > 1 { print $6, $17 }' <<<"$output")" \
	    "$(awk -F'\t' 'NR > 1 { gsub(/,/, "@gwA,", $6); print $6 "@gwA", "gwA" }' <<<"$alone")"
	[[ "$output" == *gwA* ]] || fail "$output"
	# unnamed, it is named by the directory's last part
	run cttrace -d "$d" -d gwB="$d" 192.76.8.23 61234 2026-11-27T10:06:49Z
	[ "$status" -eq 0 ] || fail "$output"
	[[ "$output" == *"it_s_a_log"* ]] || fail "$output"
}
