#!/usr/bin/env bats
# cttime -g: what the log covers of what an answer needed (lib/cover.h),
# from the coverage records of csv.h; and the flows of snapshots (open
# records) and the kernel's times on stop lines.
load helper

D=2026-11-27
K=192.76.8.23
# rec TIME EVENT [ID] [FROM] [TO]: a coverage record, 16 fields
rec() {
	printf '%sT%sZ;%s;;;;;;;;%s;;;;;%s;%s\n' $D "$1" "$2" "${3:-}" \
	    "${4:+${D}T$4Z}" "${5:+${D}T$5Z}"
}
# flow TIME EVENT SRC NATPORT [FROM] [TO]: a flow line of 192.76.8.23
flow() {
	local ctr=';;;'
	[ "$2" = stop ] && ctr='5;300;4;200'
	printf '%sT%sZ;%s;tcp;%s;40000;198.51.100.2;443;%s;%s;7;%s;%s;%s\n' $D "$1" "$2" "$3" \
	    $K "$4" "$ctr" "${5:+${D}T$5Z}" "${6:+${D}T$6Z}"
}
# gaps T: the !gap lines of an answer at T, as "FROM..TO WHY" (times
# HH:MM:SS, "-" unbounded), one a line
gaps() {
	printf '%s %s %sT%sZ\n' $K 61234 $D "$1" >"$TMP/q"
	cttime -a -P -g -R 0 -f "$TMP/q" "$TMP/log" |
	    sed -n 's/^!gap \([^ ]*\) \([^ ]*\) \([a-z]*\) .*/\1..\2 \3/p' |
	    sed 's/[0-9-]*T\([0-9:]*\)\.[0-9]*Z/\1/g'
}
cover() {
	printf '%s %s %sT%sZ\n' $K 61234 $D "$1" >"$TMP/q"
	cttime -a -P -g -R 0 -f "$TMP/q" "$TMP/log" | sed -n 's/^!cover .* //p'
}

# a run of ctparse from 10:00 with a snapshot at 10:00:01 and heartbeats
# to 10:10, the port held by 10.0.0.5 from before 10:00
base() {
	rec 10:00:00 begin 60 10:00:00
	flow 10:00:00.5 open 10.0.0.5 61234 09:00:00
	rec 10:00:01 snapshot 1 10:00:00
	for m in 01 02 03 04 05 06 07 08 09 10; do
		rec 10:$m:00 alive 60 10:00:00
	done
}

@test "a run with heartbeats covers from its snapshot; before and after it, gaps" {
	base >"$TMP/log"
	expect_eq inside "$(gaps 10:05:00)" ""
	expect_eq "mode" "$(cover 10:05:00)" recorded
	# before the run: the day before the window (no snapshot then) to
	# the begin
	expect_eq before "$(gaps 09:59:00)" "09:58:50..09:59:10 begin"
	# after the last heartbeat
	expect_eq after "$(gaps 10:10:30)" "10:10:00..10:10:40 after"
}

@test "restart, lost, end, begin again: each a gap with its reason" {
	{
		base | sed '/10:0[5-9]:00/d; /10:10:00/d'
		rec 10:04:30 restart '' 10:04:10
		rec 10:05:00 alive 60 10:00:00
		rec 10:06:00 lost 17
		rec 10:07:00 alive 60 10:00:00
		rec 10:07:30 end '' 10:00:00
		rec 10:08:30 begin 60 10:08:30
		rec 10:09:00 alive 60 10:08:30
		rec 10:10:00 alive 60 10:08:30
	} >"$TMP/log"
	expect_eq restart "$(gaps 10:04:20)" "10:04:10..10:04:30 restart"
	expect_eq lost "$(gaps 10:05:50)" "10:04:10..10:04:30 restart
10:05:00..10:06:00 lost"
	expect_eq "lost: n" "$(cttime -a -P -g -f "$TMP/q" "$TMP/log" | grep -c ' lost .* 17$')" 1
	expect_eq ended "$(gaps 10:08:00 | tail -n 1)" "10:07:30..10:08:10 end"
	# after a new begin without a snapshot, everything since the day
	# before is needed: the earlier gaps and the pause
	expect_eq "new run" "$(gaps 10:09:30)" "10:04:10..10:04:30 restart
10:05:00..10:06:00 lost
10:07:30..10:08:30 end"
}

@test "a snapshot after a gap makes the gap before it irrelevant" {
	{
		base | sed '/10:0[3-9]:00/d; /10:10:00/d'
		rec 10:02:30 restart '' 10:02:10
		flow 10:02:30.5 open 10.0.0.5 61234 09:00:00
		rec 10:02:31 snapshot 1 10:00:00
		for m in 03 04 05 06; do rec 10:$m:00 alive 60 10:00:00; done
	} >"$TMP/log"
	expect_eq "window after" "$(gaps 10:04:00)" ""
	expect_eq "window at it" "$(gaps 10:02:35)" "10:02:10..10:02:30 restart"
}

@test "records a reader adds: nolog to its end, unread to the next line, eof" {
	{
		printf '2026-11-26T09:00:00.000000Z;nolog;;;;;;;;;;;;;;%sT10:00:00.000000Z\n' $D
		base | sed '/10:0[5-9]:00/d; /10:10:00/d'
		rec 10:04:30 unread
		rec 10:04:50 alive 60 10:00:00
		rec 10:04:55 eof
	} >"$TMP/log"
	expect_eq nolog "$(gaps 09:30:00)" "09:29:50..09:30:10 nolog"
	expect_eq unread "$(gaps 10:04:40 | head -n 1)" "10:04:30..10:04:50 unread"
	expect_eq eof "$(gaps 10:04:58 | tail -n 1)" "10:04:55..10:05:08 eof"
}

@test "a log without coverage records (an older ctparse) covers what it holds, less lost" {
	{
		flow 10:00:00 start 10.0.0.5 61234
		printf '%sT10:03:00Z;lost;;;;;;;;4;;;;\n' $D
		flow 10:20:00 stop 10.0.0.5 61234
	} >"$TMP/log"
	expect_eq "mode" "$(cover 10:05:00)" legacy
	expect_eq "none" "$(gaps 10:05:00)" "10:02:00..10:03:00 lost"
	expect_eq "the day before is not a gap" "$(gaps 10:30:00)" "10:02:00..10:03:00 lost"
}

@test "open records: a flow of a snapshot; its own start line merges; the kernel's times" {
	base >"$TMP/log"
	printf '%s 61234 %sT10:05:00Z\n' $K $D >"$TMP/q"
	run cttime -a -P -f "$TMP/q" "$TMP/log"
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == *";open;tcp;10.0.0.5;40000;"* ]] || fail "$output"
	# the start line held back behind the dump: the same flow
	{
		base | sed '/10:0[2-9]:00/d; /10:10:00/d'
		flow 10:00:01.2 start 10.0.0.5 61234
		rec 10:02:00 alive 60 10:00:00
	} >"$TMP/log"
	run cttime -a -P -f "$TMP/q" "$TMP/log"
	expect_eq "merged" "$(printf '%s\n' "$output" | grep -c ';tcp;')" 1
	[[ "$output" == *"T10:00:01.2Z;start;"* ]] || fail "$output"
	# the kernel's end, 20 s before the stop was logged, ends the flow
	{
		flow 10:00:00 start 10.0.0.5 61234
		flow 10:05:30 stop 10.0.0.5 61234 10:00:00 10:05:10
		flow 10:05:30.1 start 10.0.0.6 61234
	} >"$TMP/log"
	printf '%s 61234 %sT10:05:20Z\n' $K $D >"$TMP/q"
	run cttime -a -w 2 -f "$TMP/q" "$TMP/log"
	expect_eq "expired" "$status" 1
	printf '%s 61234 %sT10:05:10.5Z\n' $K $D >"$TMP/q"
	run cttime -a -w 2 -f "$TMP/q" "$TMP/log"
	[[ "${lines[1]}" == *";10.0.0.5;"* ]] || fail "$output"
	# a stop alone gives its flow the kernel's start
	flow 10:05:30 stop 10.0.0.5 61234 10:04:00 10:05:10 >"$TMP/log"
	printf '%s 61234 %sT10:04:30Z\n' $K $D >"$TMP/q"
	run cttime -a -w 60 -f "$TMP/q" "$TMP/log"
	[ "$status" -eq 0 ] || fail "$output"
	# a kernel end before the flow's start is not believed
	{
		flow 10:04:00 start 10.0.0.5 61234
		flow 10:05:30 stop 10.0.0.5 61234 10:04:00 10:03:00
	} >"$TMP/log"
	printf '%s 61234 %sT10:05:00Z\n' $K $D >"$TMP/q"
	run cttime -a -w 2 -f "$TMP/q" "$TMP/log"
	[ "$status" -eq 0 ] || fail "$output"
}

@test "-g reads on for a heartbeat after the window; without -g it stops as before" {
	base >"$TMP/log"
	printf '%s 61234 %sT10:03:30Z\n' $K $D >"$TMP/q"
	# the heartbeat of 10:04 vouches for the window's end
	head -n 6 "$TMP/log" >"$TMP/short"
	cttime -a -P -g -R 0 -f "$TMP/q" "$TMP/short" >"$TMP/out"
	grep -q '^!gap .* after ' "$TMP/out" || fail "$(cat "$TMP/out")"
	cttime -a -P -g -R 0 -f "$TMP/q" "$TMP/log" >"$TMP/out"
	! grep -q '^!gap' "$TMP/out" || fail "$(cat "$TMP/out")"
}

@test "a snapshot that does not list an open flow ends it: a stop lost in an outage" {
	{
		base | sed '/10:0[2-9]:00/d; /10:10:00/d'
		flow 10:01:00 start 10.0.0.7 61234
		rec 10:02:30 restart '' 10:02:10
		flow 10:02:30.5 open 10.0.0.5 61234 09:00:00
		rec 10:02:31 snapshot 1 10:00:00
		for m in 03 04 05 06; do rec 10:$m:00 alive 60 10:00:00; done
	} >"$TMP/log"
	printf '%s 61234 %sT10:04:00Z\n' $K $D >"$TMP/q"
	run cttime -a -f "$TMP/q" "$TMP/log"
	[[ "$output" != *"10.0.0.7"* ]] || fail "ended by the snapshot, still a candidate: $output"
	[[ "$output" == *";open;tcp;10.0.0.5;"* ]] || fail "$output"
	printf '%s 61234 %sT10:01:30Z\n' $K $D >"$TMP/q"
	run cttime -a -f "$TMP/q" "$TMP/log"
	[[ "$output" == *";start;tcp;10.0.0.7;"* ]] || fail "before the snapshot: $output"
	# a heartbeat between the open records and their snapshot changes
	# nothing: the flow listed stays open
	{
		base | sed '/10:0[2-9]:00/d; /10:10:00/d'
		flow 10:01:00 start 10.0.0.7 61234
		flow 10:02:30.5 open 10.0.0.7 61234 10:01:00
		rec 10:02:30.7 alive 60 10:00:00
		rec 10:02:31 snapshot 1 10:00:00
		for m in 03 04 05 06; do rec 10:$m:00 alive 60 10:00:00; done
	} >"$TMP/log"
	printf '%s 61234 %sT10:04:00Z\n' $K $D >"$TMP/q"
	run cttime -a -f "$TMP/q" "$TMP/log"
	[[ "$output" == *";start;tcp;10.0.0.7;"* ]] || fail "listed: $output"
}
