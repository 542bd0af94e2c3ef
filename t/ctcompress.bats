#!/usr/bin/env bats
# examples/cron/ctcompress: safe, idempotent compression of old days.
load helper

CTC=$TOP/examples/cron/ctcompress
# the gzip path unless a test says otherwise (cmd/ctzip is on PATH)
export CTZIP=no-such-ctzip
NOW=1795780800	# 2026-11-27T12:00:00Z

mkday() {	# mkday DAY: a small log file for that day, mode 0640
	printf '%sT00:00:01.000000Z;start;tcp;10.0.0.1;1;192.0.2.1;2;192.0.2.9;3;1;;;;\n' "$1" >"$TMP/$1.csv"
	chmod 0640 "$TMP/$1.csv"
	touch -d "$1 23:59:59Z" "$TMP/$1.csv"
}

@test "compresses days before yesterday, keeps today and yesterday, same bytes" {
	for d in 2026-11-24 2026-11-25 2026-11-26 2026-11-27; do mkday $d; done
	cp "$TMP/2026-11-24.csv" "$TMP/orig24"
	CTCOMPRESS_NOW=$NOW run "$CTC" -d "$TMP"
	[ "$status" -eq 0 ] || fail "$output"
	expect_eq files "$(cd "$TMP" && ls | tr '\n' ' ')" "2026-11-24.csv.gz 2026-11-25.csv.gz 2026-11-26.csv 2026-11-27.csv orig24 "
	gzip -dc "$TMP/2026-11-24.csv.gz" | cmp - "$TMP/orig24"
	expect_eq mode "$(stat -c %a "$TMP/2026-11-24.csv.gz")" 640
}

@test "-n 3 keeps three days plain; a second run changes nothing" {
	for d in 2026-11-22 2026-11-23 2026-11-24 2026-11-25; do mkday $d; done
	CTCOMPRESS_NOW=$NOW run "$CTC" -n 3 -d "$TMP"
	[ "$status" -eq 0 ]
	expect_eq files "$(cd "$TMP" && ls | tr '\n' ' ')" "2026-11-22.csv.gz 2026-11-23.csv.gz 2026-11-24.csv 2026-11-25.csv "
	before=$(cd "$TMP" && ls -l --time-style=+%s%N)
	CTCOMPRESS_NOW=$NOW run "$CTC" -n 3 -d "$TMP"
	[ "$status" -eq 0 ]
	expect_eq again "$(cd "$TMP" && ls -l --time-style=+%s%N)" "$before"
}

@test "an interrupted run is finished: leftover .tmp removed, checked .gz kept" {
	mkday 2026-11-20
	mkday 2026-11-21
	echo junk >"$TMP/2026-11-20.csv.gz.tmp"
	gzip -c "$TMP/2026-11-21.csv" >"$TMP/2026-11-21.csv.gz"	# stopped before rm
	CTCOMPRESS_NOW=$NOW run "$CTC" -d "$TMP"
	[ "$status" -eq 0 ]
	expect_eq files "$(cd "$TMP" && ls | tr '\n' ' ')" "2026-11-20.csv.gz 2026-11-21.csv.gz "
}

@test "a .gz that differs from its .csv: both left alone, exit 1" {
	mkday 2026-11-21
	echo other | gzip >"$TMP/2026-11-21.csv.gz"
	CTCOMPRESS_NOW=$NOW run "$CTC" -d "$TMP"
	[ "$status" -eq 1 ]
	[[ "$output" == *"2026-11-21.csv.gz exists and differs"* ]] || fail "$output"
	[ -f "$TMP/2026-11-21.csv" ]
}

@test "a recently modified old day is left alone" {
	mkday 2026-11-20
	touch "$TMP/2026-11-20.csv"
	CTCOMPRESS_NOW=$NOW run "$CTC" -d "$TMP"
	[ "$status" -eq 1 ]
	[ -f "$TMP/2026-11-20.csv" ] && [ ! -e "$TMP/2026-11-20.csv.gz" ]
}

@test "usage errors" {
	run "$CTC" -n 0 -d "$TMP"
	[ "$status" -eq 2 ]
	run "$CTC" -x
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == "usage: ctcompress [-n days] [-d logdir]" ]]
	run "$CTC" -d "$TMP/none"
	[ "$status" -eq 2 ]
}

@test "with ctzip on PATH: blocks and an index, same bytes, leftovers removed" {
	for d in 2026-11-24 2026-11-25 2026-11-26; do mkday $d; done
	cp "$TMP/2026-11-24.csv" "$TMP/orig24"
	echo junk >"$TMP/2026-11-25.csv.gz.idx.tmp"
	CTZIP=ctzip CTCOMPRESS_NOW=$NOW run "$CTC" -d "$TMP"
	[ "$status" -eq 0 ] || fail "$output"
	expect_eq files "$(cd "$TMP" && ls | tr '\n' ' ')" "2026-11-24.csv.gz 2026-11-24.csv.gz.idx 2026-11-25.csv.gz 2026-11-25.csv.gz.idx 2026-11-26.csv orig24 "
	gzip -dc "$TMP/2026-11-24.csv.gz" | cmp - "$TMP/orig24"
	expect_eq mode "$(stat -c %a "$TMP/2026-11-24.csv.gz")" 640
	# a ctzip that fails: the day is left as it was, exit 1
	mkday 2026-11-23
	printf '#!/bin/sh\nexit 2\n' >"$TMP/badzip"
	chmod +x "$TMP/badzip"
	CTZIP=$TMP/badzip CTCOMPRESS_NOW=$NOW run "$CTC" -d "$TMP"
	[ "$status" -eq 1 ]
	expect_eq msg "$output" "ctcompress: 2026-11-23.csv: compression failed, left as it was"
	[ -f "$TMP/2026-11-23.csv" ]
}

@test "the files are ctcat -l's: other names, a name with a newline, compressed files are not touched" {
	for d in 2026-11-20 2026-11-21; do mkday $d; done
	cp "$TMP/2026-11-20.csv" "$TMP/cur.csv-20261119"
	cp "$TMP/2026-11-20.csv" "$TMP/2026-11-19.csv
x"
	cp "$TMP/2026-11-20.csv" "$TMP/2026-11-18.csv.txt"
	touch -d '2026-11-20 12:00Z' "$TMP"/cur.csv-20261119 "$TMP"/2026-11-19.csv* "$TMP/2026-11-18.csv.txt"
	CTCOMPRESS_NOW=$NOW run "$CTC" -d "$TMP"
	[ "$status" -eq 0 ] || fail "$output"
	expect_eq warning "$output" "ctcat: ./2026-11-19.csv?x: a file name with control characters, left out"
	# (ls: the newline of the name as a blank too)
	expect_eq files "$(cd "$TMP" && ls | tr '\n' ' ')" "2026-11-18.csv.txt 2026-11-19.csv x 2026-11-20.csv.gz 2026-11-21.csv.gz cur.csv-20261119 "
	# a file ctcat cannot read: said, the others still compressed, exit 1
	mkday 2026-11-22
	printf '\037\213junk' >"$TMP/cur.csv.3.gz"
	CTCOMPRESS_NOW=$NOW run "$CTC" -d "$TMP"
	expect_eq status "$status" 1
	[[ "$output" == *"cur.csv.3.gz"* ]] || fail "$output"
	[ -f "$TMP/2026-11-22.csv.gz" ] && [ ! -e "$TMP/2026-11-22.csv" ]
	# no ctcat: nothing is done, exit 2
	mkday 2026-11-23
	CTCAT=no-such-ctcat CTCOMPRESS_NOW=$NOW run "$CTC" -d "$TMP"
	expect_eq "no ctcat: status" "$status" 2
	[[ "$output" == *"ctcompress: no-such-ctcat -l failed: is ctcat installed?" ]] || fail "$output"
	[ -f "$TMP/2026-11-23.csv" ]
}

# needroot WHY: skip outside CI when not root
needroot() {
	if [ "$(id -u)" -ne 0 ]; then
		[ "${CI:-}" != true ] || fail "CI must run this as root"
		skip "needs root: $1"
	fi
}

# slow SECONDS: a gzip on PATH ($TMP/bin) that waits first, so that runs
# overlap (ctzip runs it too)
slow() {
	mkdir -p "$TMP/bin"
	printf '#!/bin/sh\nsleep %s\nexec %s "$@"\n' "$1" "$(command -v gzip)" >"$TMP/bin/gzip"
	chmod +x "$TMP/bin/gzip"
}

@test "as root, in a directory others can write: DAY.csv.gz.tmp planted as a link is not followed" {
	mkdir "$TMP/log" "$TMP/out"
	for how in gzip ctzip; do
		echo victim >"$TMP/out/victim"
		chmod 600 "$TMP/out/victim"
		# planted once the leftovers of interrupted runs were looked
		# at: the ctcat that lists the files plants it
		printf '#!/bin/sh\nln -s %s %s\nln -s %s %s\nexec ctcat "$@"\n' \
		    "$TMP/out/victim" "$TMP/log/2026-11-24.csv.gz.tmp" \
		    "$TMP/out/made" "$TMP/log/2026-11-24.csv.gz.idx.tmp" >"$TMP/plantcat"
		chmod +x "$TMP/plantcat"
		TMP=$TMP/log mkday 2026-11-24
		cp "$TMP/log/2026-11-24.csv" "$TMP/orig"
		[ "$(id -u)" -ne 0 ] || chown 4242:4243 "$TMP/log/2026-11-24.csv"
		c=no-such-ctzip
		[ $how = gzip ] || c=ctzip
		CTZIP=$c CTCAT=$TMP/plantcat CTCOMPRESS_NOW=$NOW run "$CTC" -d "$TMP/log"
		expect_eq "$how: status" "$status" 0
		expect_eq "$how: victim" "$(cat "$TMP/out/victim") $(stat -c '%u %a' "$TMP/out/victim")" "victim $(id -u) 600"
		expect_eq "$how: made" "$(ls "$TMP/out")" victim
		[ -f "$TMP/log/2026-11-24.csv.gz" ] && [ ! -L "$TMP/log/2026-11-24.csv.gz" ] || fail "$how: .gz"
		gzip -dc "$TMP/log/2026-11-24.csv.gz" | cmp - "$TMP/orig"
		if [ "$(id -u)" -eq 0 ]; then
			expect_eq "$how: owner" "$(stat -c '%u:%g %a' "$TMP/log/2026-11-24.csv.gz")" "4242:4243 640"
		fi
		rm "$TMP/log"/*
	done
	needroot "to own the log as another user"
}

@test "modes: the .gz keeps the day's mode (and owner, as root), whatever the umask" {
	for how in gzip ctzip; do
		mkday 2026-11-24
		chmod 600 "$TMP/2026-11-24.csv"
		[ "$(id -u)" -ne 0 ] || chown 4242:4243 "$TMP/2026-11-24.csv"
		c=no-such-ctzip
		[ $how = gzip ] || c=ctzip
		(umask 0 && CTZIP=$c CTCOMPRESS_NOW=$NOW "$CTC" -d "$TMP")
		want=600
		[ "$(id -u)" -ne 0 ] || want="4242:4243 600"
		for f in "$TMP"/2026-11-24.csv.gz*; do
			got=$(stat -c %a "$f")
			[ "$(id -u)" -ne 0 ] || got=$(stat -c '%u:%g %a' "$f")
			expect_eq "$how: ${f##*/}" "$got" "$want"
		done
		rm "$TMP"/2026-11-24.csv.gz*
	done
}

@test "two overlapping runs: one compresses, the other leaves the day alone; never neither" {
	for how in gzip ctzip; do
		slow 1
		mkday 2026-11-24
		cp "$TMP/2026-11-24.csv" "$TMP/orig"
		c=no-such-ctzip
		[ $how = gzip ] || c=ctzip
		PATH=$TMP/bin:$PATH CTZIP=$c CTCOMPRESS_NOW=$NOW "$CTC" -d "$TMP" >"$TMP/out1" 2>&1 &
		pid=$!
		sleep 0.7
		PATH=$TMP/bin:$PATH CTZIP=$c CTCOMPRESS_NOW=$NOW run "$CTC" -d "$TMP"
		st1=0
		wait $pid || st1=$?
		expect_eq "$how: first" "$st1 $(cat "$TMP/out1")" "0 "
		expect_eq "$how: second: status" "$status" 1
		[[ "$output" == *"2026-11-24.csv: being compressed by another run"* ]] || fail "$how: second: $output"
		gzip -dc "$TMP/2026-11-24.csv.gz" | cmp - "$TMP/orig"
		rm "$TMP/out1" "$TMP/orig"
		want="2026-11-24.csv.gz bin "
		[ $how = gzip ] || want="2026-11-24.csv.gz 2026-11-24.csv.gz.idx bin "
		expect_eq "$how: files" "$(cd "$TMP" && ls | tr '\n' ' ')" "$want"
		rm -r "$TMP"/*
	done
}
