#!/usr/bin/env bats
# ctparse on real conntrack captures (t/data/README): every event line is
# taken, and what it makes of it agrees with an independent reading.
load helper
load ctlines

D=$TOP/t/data

events() {	# the number of event lines in a capture
	grep -c -E '\[(NEW|UPDATE|DESTROY)\]' "$1"
}

@test "every real capture: all events written, nothing rejected" {
	for f in "$D"/capture-*.txt; do
		ctparse "$f" >"$TMP/out" 2>"$TMP/err" || fail "$f: status $?"
		n=$(events "$f")
		grep -q "^ctparse: $n events written, 0 dropped, 0 lines rejected" "$TMP/err" ||
			fail "$f: want $n events: $(cat "$TMP/err")"
		expect_eq "$f lines" "$(grep -c -E '^[^;]*;(start|stop|update);' "$TMP/out")" "$n"
		expect_eq "$f begins" "$(grep -c ';begin;' "$TMP/out")" 1
		expect_eq "$f ends" "$(tail -n 1 "$TMP/out" | cut -d';' -f2)" end
	done
}

# ev FILE: ctparse's events from a capture, less their time and the
# kernel's (-o ktimestamp)
ev() {
	ctparse "$1" 2>/dev/null | flowlines /dev/stdin | cut -d';' -f2-14
}

@test "listeners with other -o options log the same events" {
	ev "$D/capture-main.txt" >"$TMP/main"
	for v in noext ktimestamp nots; do
		ev "$D/capture-$v.txt" | diff "$TMP/main" - || fail "$v differs"
	done
	# without -o id, only the id field is empty
	ev "$D/capture-noid.txt" >"$TMP/noid"
	cut -d';' -f1-8,10- "$TMP/main" | diff - <(cut -d';' -f1-8,10- "$TMP/noid")
	expect_eq ids "$(cut -d';' -f9 "$TMP/noid" | sort -u)" ""
}

@test "tcp and udp fields agree with an independent sed reading" {
	# original src sport, reply dst dport: the pair a complaint names
	grep -E '(tcp|udp) ' "$D/capture-main.txt" |
	sed -E 's/.*\[(NEW|DESTROY)\].* src=([^ ]+) dst=([^ ]+) sport=([0-9]+) dport=([0-9]+) .* src=[^ ]+ dst=([^ ]+) sport=[0-9]+ dport=([0-9]+) .*id=([0-9]+)$/\2;\4;\3;\5;\6;\7;\8/' >"$TMP/want"
	ctparse "$D/capture-main.txt" 2>/dev/null | grep -E ';(tcp|udp);' |
	    cut -d';' -f4-10 >"$TMP/got"
	[ "$(wc -l <"$TMP/want")" -gt 100 ] || fail "too few"
	diff "$TMP/want" "$TMP/got"
}

@test "the real ENOBUFS warning becomes one lost record, in place" {
	run sh -c 'ctparse "$1" 2>/dev/null | grep -v -E ";(begin|end|alive);"' sh "$D/capture-enobufs.txt"
	[ "$status" -eq 0 ]
	n=$(grep -n ';lost;' <<<"$output" | cut -d: -f1)
	w=$(grep -n 'WARNING: We have hit ENOBUFS' "$D/capture-enobufs.txt" | cut -d: -f1)
	expect_eq where "$n" "$w"
	# the lost record carries the time of the event before it
	expect_eq time "$(sed -n "${n}p" <<<"$output" | cut -d';' -f1)" \
	    "$(sed -n "$((n - 1))p" <<<"$output" | cut -d';' -f1)"
}

@test "icmp from the real capture: NAT rewrote the ICMP id" {
	ctparse "$D/capture-main.txt" 2>/dev/null | grep ';icmp;' | head -1 >"$TMP/icmp"
	line=$(grep -m1 ' icmp ' "$D/capture-main.txt")
	oid=$(sed -E 's/.* type=8 code=0 id=([0-9]+) .*/\1/' <<<"$line")
	rid=$(sed -E 's/.* type=0 code=0 id=([0-9]+) id=.*/\1/' <<<"$line")
	cid=$(sed -E 's/.* id=([0-9]+)$/\1/' <<<"$line")
	expect_eq sport "$(cut -d';' -f5 "$TMP/icmp")" "$oid"
	expect_eq natport "$(cut -d';' -f9 "$TMP/icmp")" "$rid"
	expect_eq id "$(cut -d';' -f10 "$TMP/icmp")" "$cid"
	[ "$oid" != "$rid" ] || fail "capture has no rewritten id"
}

@test "the run script's real output: two dumps, two snapshots, a restart between" {
	f=$D/capture-dump.txt
	ctparse -i 0 "$f" >"$TMP/out" 2>"$TMP/err" || fail "status $?"
	grep -q ' 0 lines rejected' "$TMP/err" || fail "$(cat "$TMP/err")"
	expect_eq open "$(grep -c ';open;' "$TMP/out")" "$(grep -c '^ipv' "$f")"
	expect_eq records "$(records "$TMP/out" | cut -d';' -f2,10 | tr '\n' ' ')" \
	    "begin;0 snapshot;6 restart; snapshot;29 end; "
	# the restart's from: the first conntrack's last line (files: its
	# last event's time, which the summary after it takes)
	last=$(awk '/flow events have been shown/ { print p; exit } /^\[/ { p = $1 }' "$f" | tr -d '[]')
	from=$(grep ';restart;' "$TMP/out" | cut -d';' -f15)
	expect_eq from "$(epoch "$from").${from#*.}" "${last%.*}.${last#*.}Z"
	# every dump line's kernel start is the open record's from
	expect_eq "kernel starts" "$(grep ';open;' "$TMP/out" | cut -d';' -f15 | grep -c 'Z$')" \
	    "$(grep -c '\[start=' <(grep '^ipv' "$f"))"
}
