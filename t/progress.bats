#!/usr/bin/env bats
# The progress line (lib/progress.h) of ctzip and of ctcat (through
# cttrace): on a terminal, one line redrawn in place and erased at the
# end; nothing when standard error is not a terminal, or with -q.  The
# terminal is a pseudo-terminal from script(1) (util-linux).
load helper

setup() {
	TMP=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ct.XXXXXX")
	command -v script >/dev/null || {
		[ "${CI:-}" != true ] || fail "script(1) is needed (bsdutils)"
		skip "no script(1)"
	}
	mkdir "$TMP/log"
	# a day of 40,000 flows (3.5 MB), one of them 192.76.8.23:5000 at noon
	awk 'BEGIN { for (i = 0; i < 40000; i++)
		printf "2026-11-27T%02d:%02d:%02d.000000Z;start;tcp;10.0.%d.%d;%d;198.51.100.2;443;192.76.8.%d;%d;%d;;;;\n",
		    i / 1667, i / 28 % 60, i % 60, i % 250, i % 200 + 1, 1024 + i,
		    i == 20000 ? 23 : 99, i == 20000 ? 5000 : 2000 + i, i }' >"$TMP/day.csv"
	cp "$TMP/day.csv" "$TMP/log/2026-11-27.csv"
	touch -d '2026-11-28 00:00Z' "$TMP/log/2026-11-27.csv"
}

# pty CMD: CMD run by sh on a pseudo-terminal (its standard error too,
# unless CMD redirects it); what the terminal got in $TMP/pty, the
# status in $status
pty() {
	run script -qfec "$1" /dev/null
	printf '%s' "$output" >"$TMP/pty"
}

# shown TOOL: the terminal got TOOL's progress line, redrawn in place
# ("\r", percent, clear to the end of the line) and erased at the end
shown() {
	grep -q "$(printf '\r')$1: .*[0-9]%.*$(printf '\033')\[K" "$TMP/pty" ||
		fail "no progress line of $1: $(od -c "$TMP/pty" | head -20)"
	grep -q "$(printf '\r\033')\[K" "$TMP/pty" || fail "never erased: $(od -c "$TMP/pty" | head)"
}

# none: the terminal got no progress line at all
none() {
	! grep -q "$(printf '\033')\[K\|%" "$TMP/pty" || fail "a progress line: $(od -c "$TMP/pty" | head)"
}

@test "ctzip on a terminal: a progress line, erased at the end; the .gz as without it" {
	pty "ctzip -b 256k '$TMP/log/2026-11-27.csv'"
	[ "$status" -eq 0 ] || fail "$output"
	shown ctzip
	[[ "$(cat "$TMP/pty")" == *"2026-11-27.csv"*"MiB"* ]] || fail "$output"
	# erased last: the terminal is left as it was
	expect_eq "last bytes" "$(tail -c 4 "$TMP/pty" | od -An -c | tr -s ' ')" " \r 033 [ K"
	gzip -dc "$TMP/log/2026-11-27.csv.gz" | cmp - "$TMP/day.csv"
}

@test "ctzip: nothing with -q, nothing when standard error is a file" {
	cp "$TMP/log/2026-11-27.csv" "$TMP/b.csv"
	touch -d '2026-11-28 00:00Z' "$TMP/b.csv"
	pty "ctzip -q -b 256k '$TMP/log/2026-11-27.csv'"
	[ "$status" -eq 0 ] || fail "$output"
	none
	pty "ctzip -b 256k '$TMP/b.csv' 2>'$TMP/err'"
	[ "$status" -eq 0 ] || fail "$output"
	none
	[ ! -s "$TMP/err" ] || fail "stderr: $(od -c "$TMP/err" | head)"
	[ -f "$TMP/b.csv.gz" ] && [ -f "$TMP/log/2026-11-27.csv.gz" ]
}

@test "cttrace reading an unindexed .gz on a terminal: ctcat's progress line; the same answer; -q and a file: none" {
	gzip "$TMP/log/2026-11-27.csv"
	run cttrace -d "$TMP/log" 192.76.8.23 5000 2026-11-27T12:00:00Z
	want=$output st=$status
	[[ "$want" == *"10.0.0.1:21024"* ]] || fail "$want"
	pty "cttrace -d '$TMP/log' 192.76.8.23 5000 2026-11-27T12:00:00Z >'$TMP/out'"
	expect_eq status "$status" "$st"
	shown ctcat
	expect_eq answer "$(cat "$TMP/out")" "$want"
	pty "cttrace -q -d '$TMP/log' 192.76.8.23 5000 2026-11-27T12:00:00Z >'$TMP/out'"
	none
	expect_eq "answer -q" "$(cat "$TMP/out")" "$want"
	pty "cttrace -d '$TMP/log' 192.76.8.23 5000 2026-11-27T12:00:00Z >'$TMP/out' 2>'$TMP/err'"
	none
	[ ! -s "$TMP/err" ] || fail "stderr: $(cat "$TMP/err")"
}

@test "ctcat: no line for one indexed day (little is read); a message erases the line first" {
	ctzip -q "$TMP/log/2026-11-27.csv"
	pty "ctcat -d '$TMP/log' -t 2026-11-27T12:00:00Z >'$TMP/out'"
	[ "$status" -eq 0 ] || fail "$output"
	none
	# two days, the second cut short: the line, then the message on a
	# line of its own
	mv "$TMP/log/2026-11-27.csv.gz.idx" "$TMP/idx"
	sed 's/^2026-11-27/2026-11-28/' "$TMP/day.csv" | gzip >"$TMP/28.gz"
	head -c 100000 "$TMP/28.gz" >"$TMP/log/2026-11-28.csv.gz"	# cut short
	pty "ctcat -d '$TMP/log' -A 86400 -t 2026-11-28T12:00:00Z >'$TMP/out'"
	expect_eq status "$status" 2
	shown ctcat
	grep -q "$(printf '\033')\[Kctcat: .*2026-11-28.csv.gz" "$TMP/pty" ||
		fail "a message not on a line of its own: $(od -c "$TMP/pty" | tail -20)"
}
