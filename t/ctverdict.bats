#!/usr/bin/env bats
# ctverdict: the verdicts on cttime's answers (one, several, none, unknown,
# error), the columns, tsv, -1, -b, -c and the exit status.
load helper
bats_require_minimum_version 1.5.0

D=2026-11-27
K=192.76.8.23
# ts HH:MM:SS[.frac]: the log's time of that instant of the day, with six
# digits of fraction, so that the lines sort as text in time order
ts() {
	date -u -d "$D $1" +%Y-%m-%dT%H:%M:%S.%6NZ
}
rec() {
	printf '%s;%s;;;;;;;;%s;;;;;%s;\n' "$(ts "$1")" "$2" "${3:-}" "${4:+${D}T$4Z}"
}
# flow TIME EVENT SRC NATPORT [DST] [FROM] [TO]
flow() {
	local ctr=';;;'
	[ "$2" = stop ] && ctr='5;300;4;200'
	printf '%s;%s;tcp;%s;40000;%s;443;%s;%s;7;%s;%s;%s\n' "$(ts "$1")" "$2" "$3" \
	    "${5:-198.51.100.2}" $K "$4" "$ctr" "${6:+${D}T$6Z}" "${7:+${D}T$7Z}"
}
beats() {	# heartbeats of a run begun at 10:00, every minute to 10:30
	local m
	for m in 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 20 25 30; do
		rec 10:$m:00 alive 60 10:00:00
	done
}
# verdict Q...: cttime's answers to the complaints, through ctverdict
verdict() {
	printf '%s\n' "$@" >"$TMP/q"
	sort -t';' -k1,1 "$TMP/log" >"$TMP/log.s"
	run sh -c 'cttime -a -P -g -R 0 -f "$1" "$2" 2>/dev/null | ctverdict $3 -f "$1"' - \
	    "$TMP/q" "$TMP/log.s" "${OPTS:-}"
}

@test "one, several, none, unknown: each with its exit status" {
	{
		rec 10:00:00 begin 60 10:00:00
		rec 10:00:01 snapshot 0 10:00:00
		beats
		flow 10:05:00 start 10.0.0.1 61234
		flow 10:06:00 stop 10.0.0.1 61234
		flow 10:07:00 start 10.0.0.2 61235 203.0.113.9
		flow 10:07:05 stop 10.0.0.2 61235 203.0.113.9 10:07:00 10:07:01
		flow 10:07:00.000020 start 10.0.0.3 61235
	} >"$TMP/log"
	verdict "$K 61234 ${D}T10:05:30Z"
	expect_eq "one: status" "$status" 0
	expect_eq one "${lines[-1]}" "verdict: one answer: 10.0.0.1"
	expect_eq "head" "${lines[0]}" "$K port 61234 at ${D}T10:05:30Z, within 10 s"
	[[ "${lines[2]}" == "1  10.0.0.1:40000"*"${D}T10:05:00.000000Z"*"${D}T10:06:00.000000Z"*"300/200" ]] || fail "$output"
	verdict "$K 61235 ${D}T10:07:00Z"
	expect_eq "several: status" "$status" 0
	[[ "${lines[-1]}" == "verdict: several candidates: 2 inside hosts"* ]] || fail "$output"
	# the kernel's end on the stop column
	[[ "$output" == *"${D}T10:07:01Z"* ]] || fail "$output"
	verdict "$K 61236 ${D}T10:05:00Z"
	expect_eq "none: status" "$status" 1
	expect_eq none "${lines[-1]}" "verdict: none: no flow held $K port 61236 within 10 s of ${D}T10:05:00Z"
	# after the last heartbeat: the log cannot say
	verdict "$K 61236 ${D}T10:40:00Z"
	expect_eq "unknown: status" "$status" 2
	[[ "${lines[-1]}" == "verdict: unknown: the log does not cover"* ]] || fail "$output"
	[[ "$output" == *"gap: the log's last record is at ${D}T10:30:00"* ]] || fail "$output"
	# a gap in the window with a candidate: unknown, the flow shown, 0
	rec 10:05:40 restart '' 10:05:20 >>"$TMP/log"
	verdict "$K 61234 ${D}T10:05:30Z"
	expect_eq "gap: status" "$status" 0
	[[ "${lines[-1]}" == "verdict: unknown: the log has gaps"*"another host may have"* ]] || fail "$output"
	[[ "$output" == *"gap: conntrack restarted at ${D}T10:05:40.000000Z: events from ${D}T10:05:20.000000Z to"* ]] || fail "$output"
	[[ "${lines[2]}" == "1  10.0.0.1:40000"* ]] || fail "$output"
}

@test "snapshot flows: the start they know, or '<' the snapshot; a flow not stopped: not-read" {
	{
		rec 10:00:00 begin 60 10:00:00
		flow 10:00:00.5 open 10.0.0.5 61234 198.51.100.2 09:00:00
		flow 10:00:00.6 open 10.0.0.6 61235
		rec 10:00:01 snapshot 2 10:00:00
		beats
	} >"$TMP/log"
	verdict "$K 61234 ${D}T10:05:00Z"
	expect_eq status "$status" 0
	[[ "${lines[2]}" == *" ${D}T09:00:00Z "*" not-read "* ]] || fail "$output"
	verdict "$K 61235 ${D}T10:05:00Z"
	[[ "${lines[2]}" == *" <${D}T10:00:00.600000Z not-read "* ]] || fail "$output"
	expect_eq verdict "${lines[-1]}" "verdict: one answer: 10.0.0.6"
}

@test "a log without coverage records: judged as before, with a note" {
	flow 10:05:00 start 10.0.0.1 61234 >"$TMP/log"
	verdict "$K 61234 ${D}T10:05:30Z"
	expect_eq status "$status" 0
	expect_eq note "${lines[-2]}" "note: this log does not record what it covers (an older ctparse wrote it): only its lost records show gaps"
	expect_eq verdict "${lines[-1]}" "verdict: one answer: 10.0.0.1"
	verdict "$K 61299 ${D}T10:05:30Z"
	expect_eq "none: status" "$status" 1
}

@test "a batch: -b heads, errors in place, tsv columns, -1" {
	{
		rec 10:00:00 begin 60 10:00:00
		rec 10:00:01 snapshot 0 10:00:00
		beats
		flow 10:05:00 start 10.0.0.1 61234
		flow 10:05:01 start 10.0.0.2 61234 203.0.113.9
	} >"$TMP/log"
	OPTS=-b verdict "# complaints" "$K 61234 ${D}T10:05:30Z" "1.2.3 80 @0" "$K 61299 ${D}T10:05:30Z"
	expect_eq status "$status" 2
	expect_eq "line 2" "${lines[0]}" "line 2: $K port 61234 at ${D}T10:05:30Z, within 10 s"
	[[ "$output" == *"line 3: cannot read the complaint
verdict: error: 1.2.3: not an IPv4 or IPv6 address"* ]] || fail "$output"
	[[ "$output" == *"line 4: $K port 61299"*"verdict: none"* ]] || fail "$output"
	OPTS='-b -o tsv' verdict "# complaints" "$K 61234 ${D}T10:05:30Z" "1.2.3 80 @0" "$K 61299 ${D}T10:05:30Z"
	expect_eq header "${lines[0]}" "$(printf 'line\tnat\tport\ttime\tverdict\thosts\tflows\tinside\tdestination\tproto\tstart\tstop\tbytes\tgaps\tnote\tcoverage\tgateway')"
	expect_eq row2 "${lines[1]}" "$(printf '2\t%s\t61234\t%sT10:05:30.000000Z\tseveral\t10.0.0.2,10.0.0.1\t2\t10.0.0.2:40000\t203.0.113.9:443\ttcp\t%sT10:05:01.000000Z\tnot-read\t-\t0\t\tcomplete\t' $K $D $D)"
	expect_eq row3 "${lines[2]}" "$(printf '3\t\t\t\terror\t\t0\t\t\t\t\t\t\t0\t1.2.3: not an IPv4 or IPv6 address\t\t')"
	[[ "${lines[3]}" == "4"*"none"*"complete"* ]] || fail "${lines[3]}"
	OPTS=-1 verdict "$K 61234 ${D}T10:05:30Z"
	expect_eq "-1 rows" "$(printf '%s\n' "$output" | grep -c '^[0-9] ')" 1
	[[ "${lines[-1]}" == "verdict: several candidates"* ]] || fail "-1 hides the doubt: $output"
}

@test "-c: the bad lines become comments, warned once; usage" {
	printf '%s\n' "$K 1 @0" "bad" "" "# c" "$K 70000 @0" "$K 2 @0" >"$TMP/q"
	run --separate-stderr ctverdict -c -f "$TMP/q"
	expect_eq status "$status" 0
	expect_eq copy "$output" "$K 1 @0
#

# c
#
$K 2 @0"
	expect_eq warnings "$stderr" "ctverdict: $TMP/q:2: expected NATIP PORT TIME
ctverdict: $TMP/q:5: 70000: bad port (1-65535)"
	run ctverdict -c
	expect_eq "usage" "$status" 2
	run ctverdict -o xml -f "$TMP/q"
	expect_eq "-o xml" "$status" 2
	# an answer missing from the input is an error, not a silent none
	run sh -c 'printf "" | ctverdict -f "$1"' - "$TMP/q"
	expect_eq "missing" "$status" 2
	[[ "$output" == *"no answer to it in the input"* ]] || fail "$output"
}

@test "-T: a timeline of the candidates and the gaps against the window, in 80 columns" {
	{
		rec 10:00:00 begin 60 10:00:00
		rec 10:00:01 snapshot 0 10:00:00
		beats
		flow 10:04:55 start 10.0.0.1 61234
		flow 10:05:05 stop 10.0.0.1 61234 198.51.100.2 10:04:55 10:05:05
		flow 10:05:05.000020 start 10.0.0.2 61234 203.0.113.9
	} >"$TMP/log"
	OPTS=-T verdict "$K 61234 ${D}T10:05:10Z"
	expect_eq status "$status" 0
	# the axis: T - 2w to T + 2w, 10:04:50 to 10:05:30, 48 columns of
	# 5/6 s; T at 24; the stop at the earlier of its line and the end of
	# the kernel's second (10:05:05): column 18
	expect_eq head "${lines[4]}" "timeline                   10:04:50                T               10:05:30"
	expect_eq "the later start first" "${lines[5]}" "1  10.0.0.2:40000         |                  [============================>|"
	expect_eq "the earlier one, stopped" "${lines[6]}" "2  10.0.0.1:40000         |      [===========]     |                       |"
	expect_eq ruler "${lines[7]}" "                                       :           T           :"
	# every line fits in 80 columns
	expect_eq wide "$(printf '%s\n' "$output" | sed -n '5,8p' | awk 'length($0) > 80' | wc -l)" 0
	# a gap: a row of ~
	rec 10:05:08 restart '' 10:05:02 >>"$TMP/log"
	OPTS=-T verdict "$K 61234 ${D}T10:05:10Z"
	[[ "$output" == *"gap: restart              |              ~~~~~~~~  |                       |"* ]] || fail "$output"
	# no timeline without -T, nor in tsv
	verdict "$K 61234 ${D}T10:05:10Z"
	[[ "$output" != *timeline* ]] || fail "$output"
}
