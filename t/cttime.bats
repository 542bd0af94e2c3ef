#!/usr/bin/env bats
# cttime(1): table-driven.  Each row of a test is one case:
#	tc STATUS EXPECTED-STDOUT STDIN ARGS...
# Times are around T = 2026-11-27T10:06:49Z (@1795774009); the default
# window is [10:06:39, 10:06:59].

bats_require_minimum_version 1.5.0
load helper

CT="$BATS_TEST_DIRNAME/../cmd/cttime"
CTH="$BATS_TEST_DIRNAME/hooks/cttime"	# with logread.h's test hooks (Makefile)
CTPARSE="$BATS_TEST_DIRNAME/../cmd/ctparse"
T=2026-11-27T10:06:49Z

# L TIME EVENT ID [NATPORT [PROTO [SRC [SPORT]]]]: one log line
L() {
	printf '%s;%s;%s;%s;%s;198.51.100.2;80;203.0.113.7;%s;%s;;;;\n' \
	    "$1" "$2" "${5:-tcp}" "${6:-10.0.0.1}" "${7:-1000}" \
	    "${4:-40123}" "$3"
}

# S TIME ID [NATPORT [PROTO [SRC [SPORT]]]]: a stop line with counters
S() {
	printf '%s;stop;%s;%s;%s;198.51.100.2;80;203.0.113.7;%s;%s;3;180;2;120\n' \
	    "$1" "${4:-tcp}" "${5:-10.0.0.1}" "${6:-1000}" "${3:-40123}" "$2"
}

# tc STATUS WANT INPUT ARGS...: cttime ARGS with INPUT on stdin
tc() {
	local st=$1 want
	want=$(printf '%s' "$2")	# as $output: no trailing newlines
	printf '%s' "$3" >"$BATS_TEST_TMPDIR/in"
	shift 3
	run --separate-stderr "$CT" "$@" <"$BATS_TEST_TMPDIR/in"
	if [ "$status" -ne "$st" ] || [ "$output" != "$want" ]; then
		printf 'cttime %s\nstatus %s, want %s\n--- got\n%s\n' \
		    "$*" "$status" "$st" "$output"
		printf -- '--- want\n%s\n--- stderr\n%s\n' "$want" "$stderr"
		return 1
	fi
}

# ---------------------------------------------------------------- window

@test "window: both edges inside, one microsecond beyond outside" {
	a=$(L 2026-11-27T10:06:43.999999Z start 1)
	b=$(L 2026-11-27T10:06:44.000000Z start 2)
	c=$(L 2026-11-27T10:06:49Z start 3)
	d=$(L 2026-11-27T10:06:54.000000Z start 4)
	e=$(L 2026-11-27T10:06:54.000001Z start 5)
	in="$a
$b
$c
$d
$e
"
	tc 0 "$b
$c
$d" "$in" -w 5 -t $T
	tc 0 "$a
$b
$c
$d
$e" "$in" -t $T
	tc 0 "$c" "$in" -w 0 -t $T
	tc 0 "$c
$d" "$in" -w 2.5 -t 2026-11-27T10:06:51.5Z
	tc 1 "" "$in" -w 2.499999 -t 2026-11-27T10:06:51.5Z
	tc 0 "$c" "$in" -w 0.5 -t 2026-11-27T10:06:49.5Z
	tc 0 "$c" "$in" -w 0.5 -t 2026-11-27T10:06:48.5Z
	tc 1 "" "$in" -w 1 -t 2026-11-27T10:07:49Z
	tc 1 "" "" -t $T
}

@test "window: instants are compared, not text (Z, offsets, seconds)" {
	a=$(L 2026-11-27T11:06:43+01:00 start 1)
	b=$(L 2026-11-27T05:06:44.000000-05:00 start 2)
	c=$(L 2026-11-27T10:06:49Z start 3)
	d=$(L 2026-11-27T11:06:54.000000+01:00 start 4)
	e=$(L 2026-11-27T10:06:55Z start 5)
	in="$a
$b
$c
$d
$e
"
	tc 0 "$b
$c
$d" "$in" -w 5 -t $T
	tc 0 "$b
$c
$d" "$in" -w 5 -t '2026-11-27 11:06:49+01:00'
}

@test "window: header lines are skipped, lines printed byte for byte" {
	h='time;event;proto;src;sport;dst;dport;nat;natport;id;opkts;obytes;rpkts;rbytes'
	a=$(S 2026-11-27T10:06:49.123456Z 7)
	u='2026-11-27T10:06:50Z;update;udp;fe80::1;53;2001:db8::1;53;2001:db8::7;40123;9;;;;'
	tc 0 "$a
$u" "$h
$a
$h
$u
" -t $T
	tc 0 "$a" "$h
$a" -t $T	# last line without newline
}

@test "window: -p keeps one protocol" {
	a=$(L 2026-11-27T10:06:45Z start 1 40123 tcp)
	b=$(L 2026-11-27T10:06:46Z start 2 40123 udp)
	in="$a
$b
"
	tc 0 "$b" "$in" -p udp -t $T
	tc 0 "$a" "$in" -p tcp -t $T
	tc 0 "$a" "$in" -p TCP -t $T
	tc 1 "" "$in" -p icmp -t $T
}

@test "window: lost lines are printed and warned about" {
	a=$(L 2026-11-27T10:06:45Z start 1)
	lost='2026-11-27T10:06:46Z;lost;;;;;;;;1234;;;;'
	tc 0 "$a
$lost" "$a
$lost
" -t $T
	[[ "$stderr" == *"stdin:2: the log lost events here"* ]]
}

# -------------------------------------------------------------------- -1

@test "-1: the closest line; ties go to the earlier time, then line" {
	a=$(L 2026-11-27T10:06:46Z start 1)
	b=$(L 2026-11-27T10:06:52Z start 2)
	c=$(L 2026-11-27T10:06:50Z start 3)
	d=$(L 2026-11-27T10:06:46Z start 4)
	far=$(L 2026-11-27T10:07:10Z start 5)
	tc 0 "$a" "$a
$b
" -1 -t $T
	tc 0 "$a" "$b
$a
" -1 -t $T
	tc 0 "$c" "$a
$b
$c
" -1 -t $T
	tc 0 "$a" "$a
$d
" -1 -t $T
	tc 0 "$d" "$d
$a
" -1 -t $T
	tc 0 "$c" "$c
$far
" -1 -t $T
	tc 1 "" "$far
" -1 -t $T
	tc 0 "$b" "$a
$b
" -1 -p tcp -t 2026-11-27T10:06:50Z
}

# -------------------------------------------------------------------- -a

@test "-a: flows active in the window, from start before to stop after" {
	long=$(L 2026-11-27T09:00:00Z start 1 40123 tcp 10.0.0.1)
	open=$(L 2026-11-27T09:30:00Z start 2 40124 tcp 10.0.0.2)
	gone=$(L 2026-11-27T10:00:00Z start 3 40125 tcp 10.0.0.3)
	gonex=$(S 2026-11-27T10:06:38.999999Z 3 40125 tcp 10.0.0.3)
	edge=$(L 2026-11-27T10:00:00Z start 4 40126 tcp 10.0.0.4)
	edgex=$(S 2026-11-27T10:06:39Z 4 40126 tcp 10.0.0.4)
	late=$(L 2026-11-27T10:06:59Z start 5 40127 tcp 10.0.0.5)
	later=$(L 2026-11-27T10:06:59.000001Z start 6 40128 tcp 10.0.0.6)
	longx=$(S 2026-11-27T11:00:00Z 1 40123 tcp 10.0.0.1)
	in="$long
$open
$gone
$gonex
$edge
$edgex
$late
$later
$longx
"
	# containing T: latest start first; then late (10 s after T, less
	# the 10 ms a start may be logged late), then edge (10 s before)
	tc 0 "$open
$long
$late
$edge" "$in" -a -t $T
	tc 0 "$open
$long" "$in" -a -w 0 -t $T
	tc 0 "$long" "$in" -a -w 0 -t 2026-11-27T09:10:00Z
	tc 1 "" "$in" -a -w 0 -t 2026-11-27T08:59:59Z
}

@test "-a: the later holder of a port first, then by distance" {
	# A held the port; B got it at 10:06:47; A's stop came late (GC)
	a=$(L 2026-11-27T10:06:00Z start 5 40123 tcp 10.0.0.1)
	b=$(L 2026-11-27T10:06:47Z start 6 40123 tcp 10.0.0.2)
	ax=$(S 2026-11-27T10:06:50Z 5 40123 tcp 10.0.0.1)
	tc 0 "$b
$a" "$a
$b
$ax
" -a -t $T
	# D ended 4 s before T, E starts 2 s after, C 6 s after, F contains T
	f=$(L 2026-11-27T10:06:40Z start 10 40130 tcp 10.0.0.10)
	d=$(L 2026-11-27T10:06:30Z start 11 40131 tcp 10.0.0.11)
	dx=$(S 2026-11-27T10:06:45Z 11 40131 tcp 10.0.0.11)
	e=$(L 2026-11-27T10:06:51Z start 12 40132 tcp 10.0.0.12)
	c=$(L 2026-11-27T10:06:55Z start 13 40133 tcp 10.0.0.13)
	tc 0 "$f
$e
$d
$c" "$d
$f
$dx
$e
$c
" -a -t $T
	# equal distances: the earlier line first
	g=$(L 2026-11-27T10:06:52Z start 14 40134 tcp 10.0.0.14)
	h=$(L 2026-11-27T10:06:52Z start 15 40135 tcp 10.0.0.15)
	tc 0 "$g
$h" "$g
$h
" -a -t $T
}

@test "-a: conntrack id reuse pairs stops with the right start" {
	s1=$(L 2026-11-27T10:06:00Z start 7)
	x1=$(S 2026-11-27T10:06:30Z 7)
	s2=$(L 2026-11-27T10:06:45Z start 7)
	x2=$(S 2026-11-27T10:06:52Z 7)
	in="$s1
$x1
$s2
$x2
"
	tc 0 "$s2" "$in" -a -t $T
	tc 0 "$s2
$x2
" "$in" -a -P -t $T
	# window [10:06:25, 10:06:45]: first flow 5 s away, second 10 s
	tc 0 "$s1
$x1

$s2
$x2
" "$in" -a -P -t 2026-11-27T10:06:35Z
	# same id, another tuple: another flow
	o=$(L 2026-11-27T10:06:40Z start 7 40999 tcp 10.0.0.9 2000)
	tc 0 "$s2
$o" "$in$o
" -a -t $T
}

@test "-a: a start while the same flow is open ends it (lost stop)" {
	s1=$(L 2026-11-27T10:06:00Z start 8)
	s2=$(L 2026-11-27T10:06:45Z start 8)
	x2=$(S 2026-11-27T10:06:52Z 8)
	tc 0 "$s2
$x2

$s1
" "$s1
$s2
$x2
" -a -P -t $T
	tc 0 "$s2" "$s1
$s2
$x2
" -a -t 2026-11-27T10:06:55Z -w 5
}

@test "-a: stop whose start is older than -A is printed as the stop line" {
	s=$(L 2026-11-27T09:00:00Z start 9)
	x=$(S 2026-11-27T10:06:50Z 9)
	tc 0 "$x" "$s
$x
" -a -A 60 -t $T
	tc 0 "$s" "$s
$x
" -a -t $T
	tc 0 "$s
$x
" "$s
$x
" -a -P -t $T
	tc 0 "$x
" "$x
" -a -P -t $T
	# documented limit: older than -A and no stop in the window
	y=$(S 2026-11-27T10:07:30Z 9)
	tc 1 "" "$s
$y
" -a -A 60 -t $T
}

@test "-a: -P reads on for the stop lines, up to maxage" {
	s=$(L 2026-11-27T10:06:40Z start 1)
	n=$(L 2026-11-27T10:10:00Z start 2 40124)
	x=$(S 2026-11-27T11:00:00Z 1)
	tc 0 "$s
$x
" "$s
$n
$x
" -a -P -t $T
	tc 0 "$s
" "$s
$n
$x
" -a -P -A 600 -t $T
}

@test "-a: -p keeps one protocol (TCP and UDP share a NAT port)" {
	a=$(L 2026-11-27T10:06:40Z start 1 40123 tcp 10.0.0.1)
	b=$(L 2026-11-27T10:06:41Z start 2 40123 udp 10.0.0.2)
	in="$a
$b
"
	tc 0 "$b
$a" "$in" -a -t $T
	tc 0 "$a" "$in" -a -p tcp -t $T
	tc 0 "$b" "$in" -a -p udp -t $T
}

# ------------------------------------------------------------ early exit

@test "early exit: a line past T+w+skew ends reading; within skew it does not" {
	a=$(L 2026-11-27T10:06:45Z start 1)
	p=$(L 2026-11-27T10:08:00Z start 2)	# T+w+61 s
	q=$(L 2026-11-27T10:07:59Z start 3)	# T+w+60 s
	b=$(L 2026-11-27T10:06:50Z start 4)
	tc 0 "$a" "$a
$p
$b
" -t $T
	tc 0 "$a
$b" "$a
$q
$b
" -t $T
	tc 0 "$a
$b" "$a
$p
$b
" -u -t $T
	tc 0 "$a
$b" "$a
$p
$b
" -k 61 -t $T
	tc 0 "$a" "$a
$p
$b
" -1 -t $T
}

@test "early exit: reading stops on a FIFO whose writer never closes it" {
	f="$BATS_TEST_TMPDIR/fifo"
	mkfifo "$f"
	a=$(L 2026-11-27T10:06:45Z start 1)
	p=$(L 2026-11-27T10:08:00Z start 2)
	(printf '%s\n%s\n' "$a" "$p"; exec sleep 60) >"$f" 3>&- &
	pid=$!
	run --separate-stderr timeout 10 "$CT" -t $T "$f"
	kill "$pid" 2>/dev/null || :
	[ "$status" -eq 0 ]
	[ "$output" = "$a" ]
	# with -u it reads on, so only the timeout ends it
	(printf '%s\n%s\n' "$a" "$p"; exec sleep 60) >"$f" 3>&- &
	pid=$!
	run --separate-stderr timeout 2 "$CT" -u -t $T "$f"
	kill "$pid" 2>/dev/null || :
	[ "$status" -eq 124 ]
}

@test "early exit: an endless producer upstream ends by SIGPIPE" {
	run --separate-stderr timeout 20 sh -c "awk 'BEGIN {
	    for (i = 0; ; i++) printf \"2026-11-27T10:%02d:%02dZ;start;tcp;10.0.0.1;1000;198.51.100.2;80;203.0.113.7;40123;%d;;;;\n\", i / 60 % 60, i % 60, i }' |
	    \"$CT\" -t 2026-11-27T10:06:49Z -w 1"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[0]}" == 2026-11-27T10:06:48Z* ]]
}

@test "early exit: output is flushed before a blocking read" {
	f="$BATS_TEST_TMPDIR/fifo"
	mkfifo "$f"
	a=$(L 2026-11-27T10:06:45Z start 1)
	(printf '%s\n' "$a"; exec sleep 60) >"$f" 3>&- &
	pid=$!
	run --separate-stderr sh -c \
	    "timeout 3 \"$CT\" -t $T \"$f\" | head -n 1"
	kill "$pid" 2>/dev/null || :
	[ "$output" = "$a" ]
}

# ------------------------------------------------------------- bisection

# big.csv: 300000 lines, one every 0.25 s from 00:00:00 (about 30 MB);
# every 997th line steps back 30 s (within the default skew)
big() {
	B="$BATS_FILE_TMPDIR/big.csv"
	[ -s "$B" ] && return
	awk 'BEGIN {
		print "time;event;proto;src;sport;dst;dport;nat;natport;id;opkts;obytes;rpkts;rbytes"
		for (i = 0; i < 300000; i++) {
			us = i * 250000; if (i % 997 == 0) us -= 30000000
			if (us < 0) us = 0
			s = int(us / 1000000); j = int(i / 2)
			printf "2026-11-27T%02d:%02d:%02d.%06dZ;%s;tcp;10.%d.%d.%d;%d;198.51.100.%d;443;203.0.113.7;%d;%d;;;;\n",
			    s / 3600, s / 60 % 60, s % 60, us % 1000000,
			    i % 2 ? "stop" : "start", j % 7, j % 11, j % 13,
			    30000 + j % 30000, j % 200, 1024 + j % 60000, j
		}
	}' >"$B"
}

# reads FILE: the bytes cttime reported reading from FILE (CTTIME_DEBUG, the
# test build's)
reads() {
	printf '%s\n' "$stderr" | sed -n "s|^cttime: debug: $1: \([0-9]*\) bytes read\$|\1|p"
}

@test "bisection: a query into a 30 MB file reads well under 1 MB" {
	big
	for t in 2026-11-27T10:00:00Z 2026-11-27T00:00:05Z \
	    2026-11-27T20:49:59Z 2026-11-27T12:34:56.1Z; do
		CTTIME_DEBUG=1 run --separate-stderr "$CTH" -t $t "$B"
		[ "$status" -eq 0 ]
		got=$output
		n=$(reads "$B")
		echo "$t: $n bytes read"
		[ "$n" -lt 600000 ]
		run --separate-stderr sh -c "cat \"$B\" | \"$CT\" -t $t"
		[ "$output" = "$got" ]
		run --separate-stderr "$CT" -u -t $t "$B"
		[ "$output" = "$got" ]
	done
	[ "${#lines[@]}" -gt 70 ]
}

@test "bisection: lines that step back within the skew are found" {
	big
	# line 997*36 = 35892 steps back to 02:29:03; window around it
	t=2026-11-27T02:29:03Z
	run --separate-stderr "$CT" -w 0.1 -t $t "$B"
	[ "$status" -eq 0 ]
	[[ "$output" == *";17946;;;;"* ]]
	[[ "$output" == 2026-11-27T02:29:03.000000Z\;start*";17886;;;;"* ]]
	got=$output
	run --separate-stderr sh -c "\"$CT\" -u -w 0.1 -t $t <\"$B\""
	[ "$output" = "$got" ]
}

@test "bisection: -1 and -a on the big file match reading it all" {
	big
	for args in "-1 -t 2026-11-27T15:00:00.1Z" \
	    "-a -A 60 -t 2026-11-27T15:00:00Z" \
	    "-a -P -A 120 -w 2 -t 2026-11-27T08:00:00Z"; do
		CTTIME_DEBUG=1 run --separate-stderr "$CTH" $args "$B"
		[ "$status" -eq 0 ]
		got=$output
		[ "$(reads "$B")" -lt 1000000 ]
		run --separate-stderr sh -c "cat \"$B\" | \"$CT\" $args"
		[ "$output" = "$got" ]
	done
}

@test "bisection: before and after the file, and beyond end of data" {
	big
	CTTIME_DEBUG=1 run --separate-stderr "$CTH" -t 2026-11-26T10:00:00Z "$B"
	[ "$status" -eq 1 ]
	[ "$(reads "$B")" -lt 600000 ]
	CTTIME_DEBUG=1 run --separate-stderr "$CTH" -t 2026-11-28T10:00:00Z "$B"
	[ "$status" -eq 1 ]
	[ "$(reads "$B")" -lt 600000 ]
	[ -z "$output" ]
}

@test "bisection: bad lines after a seek are named by byte offset" {
	f="$BATS_TEST_TMPDIR/bad.csv"
	awk 'BEGIN { for (i = 0; i < 20000; i++) {
		if (i == 15000) print "garbage"
		printf "2026-11-27T10:%02d:%02d.%06dZ;start;tcp;10.0.0.1;1000;198.51.100.2;80;203.0.113.7;40123;%d;;;;\n",
		    i / 600, i / 10 % 60, i % 10 * 100000, i }
	}' >"$f"
	run --separate-stderr "$CT" -w 1 -t 2026-11-27T10:25:00Z "$f"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 21 ]
	[[ "$stderr" == "cttime: $f: line at byte "*": bad time: garbage" ]]
	run --separate-stderr "$CT" -u -w 1 -t 2026-11-27T10:25:00Z "$f"
	[ "${#lines[@]}" -eq 21 ]
	[ "$stderr" = "cttime: $f:15001: bad time: garbage" ]
}

# --------------------------------------------------------- several files

@test "files: a window across midnight spans two days' files" {
	d1="$BATS_TEST_TMPDIR/2026-11-27.csv"
	d2="$BATS_TEST_TMPDIR/2026-11-28.csv"
	a=$(L 2026-11-27T23:59:40Z start 1 40123 tcp 10.0.0.1)
	b=$(L 2026-11-27T23:59:55Z start 2 40124 tcp 10.0.0.2)
	c=$(S 2026-11-28T00:00:02Z 1 40123 tcp 10.0.0.1)
	d=$(L 2026-11-28T00:00:05Z start 3 40125 tcp 10.0.0.3)
	printf '%s\n%s\n' "$a" "$b" >"$d1"
	printf '%s\n%s\n' "$c" "$d" >"$d2"
	tc 0 "$b
$c
$d" "" -t 2026-11-27T23:59:59Z "$d1" "$d2"
	tc 0 "$b
$c
$d" "" -t 2026-11-28T01:00:00+01:00 -w 5 "$d1" - "$d2"
	tc 0 "$b
$a
$d" "" -a -t 2026-11-28T00:00:00Z "$d1" "$d2"
	tc 0 "$b

$a
$c

$d
" "" -a -P -t 2026-11-28T00:00:00Z "$d1" "$d2"
	tc 0 "$d" "" -1 -t 2026-11-28T00:00:04Z "$d1" "$d2"
}

# ------------------------------------------------------------------- DST

# the 2026-10-25 change in London: 01:00-02:00 local happens twice
dst() {
	D="$BATS_TEST_TMPDIR/dst.csv"
	for s in 1792886400 1792888200 1792890000 1792891800 1792893600; do
		printf '[%s.000000]\t    [NEW] ipv4     2 tcp      6 120 SYN_SENT src=10.30.0.2 dst=198.51.100.2 sport=45232 dport=8080 [UNREPLIED] src=198.51.100.2 dst=198.51.100.1 sport=8080 dport=21667 id=%s\n' $s $s
	done >"$D.raw"
	# (the events alone: a capture's begin and end records left out)
	TZ=Europe/London "$CTPARSE" -l -H "$D.raw" 2>/dev/null | grep -v ';;;;;;;;' >"$D"
	mapfile -t R <"$D"	# R[1..5]: 01:00+01 01:30+01 01:00+00 01:30+00 02:00+00
}

@test "DST: local-time log across the autumn change, UTC queries" {
	dst
	[[ "${R[2]}" == 2026-10-25T01:30:00.000000+01:00* ]]
	[[ "${R[4]}" == 2026-10-25T01:30:00.000000+00:00* ]]
	tc 0 "${R[2]}" "" -w 1 -t 2026-10-25T00:30:00Z "$D"
	tc 0 "${R[4]}" "" -w 1 -t 2026-10-25T01:30:00Z "$D"
	tc 0 "${R[4]}" "" -w 1 -t '2026-10-25 01:30:00+00:00' "$D"
	tc 0 "${R[1]}
${R[2]}
${R[3]}
${R[4]}
${R[5]}" "" -w 3600 -t 2026-10-25T01:00:00Z "$D"
	tc 0 "${R[3]}" "" -1 -w 1200 -t 2026-10-25T01:10:00Z "$D"
	tc 0 "${R[2]}
${R[3]}" "" -w 900 -t 2026-10-25T00:45:00Z "$D"
}

@test "DST: local queries under TZ=Europe/London" {
	dst
	export TZ=Europe/London
	tc 0 "${R[5]}" "" -w 1 -t '2026-10-25 02:00:00' "$D"
	tc 0 "${R[1]}" "" -w 1 -t '2026-10-25 01:00:00+01:00' "$D"
	tc 0 "${R[2]}" "" -w 1 -t '2026-10-25T01:30+01:00' "$D"
	tc 0 "${R[1]}" "" -w 1 -t '2026-10-25 00:00:00Z' "$D"
	tc 2 "" "" -t '2026-10-25 01:30:00' "$D"
	[ "$stderr" = "cttime: 2026-10-25 01:30:00: ambiguous local time (it happened twice, at +01:00 and at +00:00); give the offset, e.g. 2026-10-25 01:30:00+01:00" ]
}

@test "DST: -a with a flow that spans the change" {
	dst
	printf '[1792890600.000000]\t [DESTROY] ipv4     2 tcp      6 src=10.30.0.2 dst=198.51.100.2 sport=45232 dport=8080 packets=3 bytes=180 src=198.51.100.2 dst=198.51.100.1 sport=8080 dport=21667 packets=2 bytes=120 id=1792888200\n' >"$D.stop"
	stop=$(TZ=Europe/London "$CTPARSE" -l "$D.stop" 2>/dev/null | grep ';stop;')
	[[ "$stop" == 2026-10-25T01:10:00.000000+00:00\;stop* ]]
	# started 01:30+01:00 (00:30Z), stopped 01:10+00:00 (01:10Z)
	tc 0 "${R[2]}
$stop
" "${R[2]}
$stop
" -a -P -w 0 -t 2026-10-25T01:05:00Z
	tc 0 "${R[2]}
$stop
" "${R[2]}
$stop
" -a -P -w 0 -t '2026-10-25 01:05:00+00:00'
}

# ------------------------------------------------------------ TIME forms

@test "TIME: every accepted form" {
	a=$(L 2026-11-27T10:06:49Z start 1)
	for t in 2026-11-27T10:06:49Z 2026-11-27T10:06:49z \
	    '2026-11-27 10:06:49Z' 2026-11-27T11:06:49+01:00 \
	    2026-11-27T11:06:49+0100 2026-11-27T11:06:49+01 \
	    2026-11-27T05:06:49-05:00 2026-11-27T10:06:49.000Z \
	    2026-11-27T10:06:49,0Z 2026-11-27T10:06:49.000000000Z \
	    2026-11-27T10:06:49.0000004Z \
	    @1795774009 @1795774009.0 @1795774009.0000009 \
	    '2026-11-27 10:06:49' 2026-11-27T10:06:49; do
		tc 0 "$a" "$a
" -w 0 -t "$t"
	done
	tc 0 "$a" "$a
" -w 49 -t 2026-11-27T10:06Z
	tc 1 "" "$a
" -w 48.999999 -t '2026-11-27 10:06'
	tc 0 "$a" "$a
" -w 0.5 -t 2026-11-27T10:06:48.5Z
	tc 1 "" "$a
" -w 0.499999 -t 2026-11-27T10:06:48.5Z
	tc 0 "$a" "$a
" -w 0 -t 2026-12-31T23:59:60Z -w 3000000
	TZ=Europe/Paris tc 0 "$a" "$a
" -w 0 -t '2026-11-27 11:06:49'
	TZ=America/New_York tc 0 "$a" "$a
" -w 0 -t '2026-11-27 05:06:49'
	TZ=Europe/London tc 0 "$a" "$a
" -w 0 -t '2026-11-27 10:06:49'
}

@test "TIME: every rejected form, with one line saying why" {
	for t in '' now 2026-11-27 2026-11-27T10:06:49X 2026-13-01T00:00:00Z \
	    2026-02-29T00:00:00Z 2026-11-27T24:00:00Z 2026-11-27T10:60:00Z \
	    2026-11-27T10:06:49+25:00 2026-11-27T10:06:49+01:0 \
	    2026-11-27T10:06:49.Z 2026-11-27T10:06:49.1234567890Z \
	    2026-11-27T10:06:4Z 2026-11-27T10:6:49Z '2026/11/27 10:06:49' \
	    '2026-11-27T10:06:49 Z' ' 2026-11-27T10:06:49Z' \
	    '2026-11-27T10:06:49Z ' @ @12x @1. @- @1e9; do
		tc 2 "" "" -t "$t"
		[ "$stderr" = "cttime: $t: bad time; use 2026-11-27T10:06:49Z, 2026-11-27T10:06:49+01:00, '2026-11-27 10:06:49' (local) or @EPOCH" ]
	done
	tc 2 "" "" -t @200000000000
	[ "$stderr" = "cttime: -t: time out of range" ]
}

@test "TIME: local times a DST change repeats or skips are errors" {
	export TZ=Europe/London
	tc 2 "" "" -t '2026-10-25 01:30:00'
	[[ "$stderr" == *"ambiguous local time"*"2026-10-25 01:30:00+01:00"* ]]
	tc 2 "" "" -t '2026-10-25T01:00'
	[[ "$stderr" == *"ambiguous local time"* ]]
	tc 2 "" "" -t '2026-03-29 01:30:00'
	[ "$stderr" = "cttime: 2026-03-29 01:30:00: no such local time (skipped by a clock change); give an offset, e.g. 2026-03-29 01:30:00+00:00 or 2026-03-29 01:30:00+01:00" ]
	tc 2 "" "" -t '2026-03-29 01:00'
	[[ "$stderr" == *"no such local time"* ]]
	# either side of the changes is fine
	tc 1 "" "" -t '2026-03-29 00:59:59'
	tc 1 "" "" -t '2026-03-29 02:00:00'
	tc 1 "" "" -t '2026-10-25 00:59:59'
	tc 1 "" "" -t '2026-10-25 02:00:00'
	TZ=America/New_York tc 2 "" "" -t '2026-11-01 01:30'
	[[ "$stderr" == *"ambiguous local time"*"-04:00 and at -05:00"* ]]
}

# ---------------------------------------------------------- input errors

@test "input: bad lines are warned about with file and line, and skipped" {
	a=$(L 2026-11-27T10:06:45Z start 1)
	tc 0 "$a" "garbage
$a
2026-11-27T10:06:46Z;start;tcp
2026-13-27T10:06:47Z;start;tcp;10.0.0.1;1000;198.51.100.2;80;203.0.113.7;40123;1;;;;
" -t $T
	[ "$stderr" = "cttime: stdin:1: bad time: garbage
cttime: stdin:3: not a log line (too few fields): 2026-11-27T10:06:46Z;start;tcp
cttime: stdin:4: bad time: 2026-13-27T10:06:47Z;start;tcp;10.0.0.1;1000;198..." ]
	tc 1 "" "garbage
" -t $T
	f="$BATS_TEST_TMPDIR/f.csv"
	printf '%s\nx\n' "$a" >"$f"
	tc 0 "$a" "" -t $T "$f"
	[ "$stderr" = "cttime: $f:2: bad time: x" ]
}

@test "input: warnings stop after 100" {
	in=$(yes garbage | head -n 150)
	tc 1 "" "$in" -t $T
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 101 ]
}

# ---------------------------------------------------------- failure paths

@test "usage: bad options and combinations give one usage line, exit 2" {
	u='usage: cttime {-t time | -f queries} [-gu] [-G name=file] [-k skew] [-p proto] [-D dst[:port]] [-n natip:port] [-w seconds] [-1 | -a [-P] [-A maxage] [-R readon]] [file ...]'
	printf '10.0.0.1 80 %s\n' $T >"$TMP/q"
	for args in "-x -t $T" "" "-w 5" "-1 -a -t $T" "-P -t $T" \
	    "-1 -P -t $T" "-t" "-t $T -f $TMP/q" "-c -t $T"; do
		tc 2 "" "" $args
		[ "${stderr##*
}" = "$u" ]
		[ "$(printf '%s\n' "$stderr" | wc -l)" -le 2 ]
	done
	# a bad option, or one without its argument: the usage line alone
	tc 2 "" "" -x -t $T
	[ "$stderr" = "$u" ]
	tc 2 "" "" -t
	[ "$stderr" = "$u" ]
	tc 0 "$u" "" -h
	tc 0 "cttime 1.0" "" -V
}

@test "usage: bad numbers of seconds" {
	for o in w k A; do
		for v in x -1 1e3 '' 1.2.3 5s 1000000001; do
			tc 2 "" "" -$o "$v" -t $T
			[ "$stderr" = "cttime: -$o $v: not a number of seconds (0 to 1000000000)" ]
		done
	done
	tc 1 "" "" -w 1000000000 -k 0 -A 0 -t $T
}

@test "files: unreadable, directory: exit 2, the rest is read" {
	a=$(L 2026-11-27T10:06:45Z start 1)
	f="$BATS_TEST_TMPDIR/f.csv"
	printf '%s\n' "$a" >"$f"
	tc 2 "$a" "" -t $T "$BATS_TEST_TMPDIR/nonexistent" "$f"
	[ "$stderr" = "cttime: $BATS_TEST_TMPDIR/nonexistent: No such file or directory" ]
	tc 2 "$a" "" -t $T "$BATS_TEST_TMPDIR" "$f"
	[ "$stderr" = "cttime: read error on $BATS_TEST_TMPDIR: Is a directory" ]
}

@test "output: a write error (/dev/full) gives exit 2" {
	a=$(L 2026-11-27T10:06:45Z start 1)
	printf '%s\n' "$a" >"$BATS_TEST_TMPDIR/in"
	for m in "" -1 -a "-a -P"; do
		run --separate-stderr sh -c "\"$CT\" $m -t $T <\"$BATS_TEST_TMPDIR/in\" >/dev/full"
		[ "$status" -eq 2 ]
		[ "$stderr" = "cttime: write error on standard output: No space left on device" ]
	done
}

# ------------------------------------------------------ manual EXAMPLES

@test "EXAMPLES: every example of cttime.1 runs as documented" {
	dir="$BATS_TEST_TMPDIR/ex"
	mkdir "$dir"
	L 2026-11-27T09:06:48Z start 1 40123 tcp 10.0.0.1 >"$dir/2026-11-27.csv"
	L 2026-11-27T09:06:52Z start 2 40999 tcp 10.0.0.2 >>"$dir/2026-11-27.csv"
	L 2026-11-27T10:06:47Z start 3 40123 tcp 10.0.0.3 >>"$dir/2026-11-27.csv"
	S 2026-11-27T10:06:50Z 1 40123 tcp 10.0.0.1 >>"$dir/2026-11-27.csv"
	S 2026-11-27T10:07:00Z 3 40123 tcp 10.0.0.3 >>"$dir/2026-11-27.csv"
	L 2026-11-27T23:59:30Z start 4 40123 udp 10.0.0.4 >>"$dir/2026-11-27.csv"
	L 2026-11-27T23:59:45Z start 5 40123 tcp 10.0.0.5 >>"$dir/2026-11-27.csv"
	S 2026-11-28T00:00:10Z 5 40123 tcp 10.0.0.5 >"$dir/2026-11-28.csv"
	L 2026-11-28T00:00:12Z start 6 40123 tcp 10.0.0.6 >>"$dir/2026-11-28.csv"
	"$BATS_TEST_DIRNAME/../cmd/ctzip" -k -f -b 100 "$dir/2026-11-27.csv"
	[ "$(awk 'NR == 1 { print $5 }' "$dir/2026-11-27.csv.gz.idx")" -gt 2 ]
	# the commands, as the manual shows them (joined continuation lines)
	awk '/^\.Bd -literal/ { lit = 1; next } /^\.Ed/ { lit = 0 }
	    lit && /^\$ / { if (cmd != "") print cmd; cmd = substr($0, 3); next }
	    lit && /^    / { sub(/^ +/, " "); cmd = cmd $0; next }
	    END { if (cmd != "") print cmd }' \
	    "$BATS_TEST_DIRNAME/../cmd/cttime.1" | sed 's/\\e/\\/g' >"$dir/cmds"
	[ "$(wc -l <"$dir/cmds")" -eq 8 ]
	printf '%s\n' '203.0.113.7 40123 2026-11-27 10:06:49' \
	    '203.0.113.7 40123 2026-11-28T01:00:00+01:00' >"$dir/complaints"
	want=("$(sed -n '3,4p' "$dir/2026-11-27.csv")"
	    "$(L 2026-11-27T23:59:45Z start 5 40123 tcp 10.0.0.5)
$(S 2026-11-28T00:00:10Z 5 40123 tcp 10.0.0.5)

$(L 2026-11-28T00:00:12Z start 6 40123 tcp 10.0.0.6)"
	    "$(sed -n 4p "$dir/2026-11-27.csv")"
	    "$(sed -n 4p "$dir/2026-11-27.csv")"
	    "$(sed -n 3p "$dir/2026-11-27.csv")
$(sed -n 5p "$dir/2026-11-27.csv")

$(sed -n 1p "$dir/2026-11-27.csv")
$(sed -n 4p "$dir/2026-11-27.csv")"
	    "#1 203.0.113.7 40123 2026-11-27T10:06:49.000000Z 1795774009
$(sed -n 3p "$dir/2026-11-27.csv")
$(sed -n 5p "$dir/2026-11-27.csv")

$(sed -n 1p "$dir/2026-11-27.csv")
$(sed -n 4p "$dir/2026-11-27.csv")

#2 203.0.113.7 40123 2026-11-28T00:00:00.000000Z 1795824000
$(L 2026-11-27T23:59:45Z start 5 40123 tcp 10.0.0.5)
$(S 2026-11-28T00:00:10Z 5 40123 tcp 10.0.0.5)

$(L 2026-11-27T23:59:30Z start 4 40123 udp 10.0.0.4)"
	    "$(sed -n 3p "$dir/2026-11-27.csv")
$(sed -n 5p "$dir/2026-11-27.csv")

$(sed -n 1p "$dir/2026-11-27.csv")
$(sed -n 4p "$dir/2026-11-27.csv")

!cover 2026-11-26T10:06:39.000000Z 2026-11-27T10:06:59.000000Z legacy"
	    "$(sed -n 1p "$dir/2026-11-27.csv")")
	k=0
	while IFS= read -r cmd; do
		run --separate-stderr env PATH="$BATS_TEST_DIRNAME/../cmd:$PATH" \
		    sh -c "cd \"$dir\" && $cmd"
		echo "example $k: $cmd"
		echo "$output"
		[ "$status" -eq 0 ]
		[ "$output" = "${want[$k]}" ]
		k=$((k + 1))
	done <"$dir/cmds"
}

# ------------------------------------------------------------ -a details

@test "-a: update, header and lost lines are not flows; lost is warned" {
	h='time;event;proto;src;sport;dst;dport;nat;natport;id;opkts;obytes;rpkts;rbytes'
	s=$(L 2026-11-27T10:06:40Z start 1)
	u=$(L 2026-11-27T10:06:45Z update 1)
	u2=$(L 2026-11-27T10:06:46Z update 2 40124)
	lost='2026-11-27T10:06:47Z;lost;;;;;;;;;;;;'
	tc 0 "$s" "$h
$s
$u
$u2
$lost
" -a -t $T
	[ "$stderr" = "cttime: stdin:5: the log lost events here: a line may be missing: $lost" ]
	# a gap long before the flows that matter is not worth a warning
	old='2026-11-26T10:06:47Z;lost;;;;;;;;5;;;;'
	tc 0 "$s" "$old
$s
" -a -A 3600 -t $T
	[ -z "$stderr" ]
	tc 0 "$lost" "$old
$lost
" -p udp -t $T
}

@test "files: bisection across a big file and the next day's file" {
	big
	n="$BATS_TEST_TMPDIR/next.csv"
	a=$(L 2026-11-27T20:50:05Z start 1)
	printf '%s\n' "$a" >"$n"
	CTTIME_DEBUG=1 run --separate-stderr "$CTH" -w 5 -t 2026-11-27T20:50:00Z "$B" "$n"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "$a" ]
	[ "${#lines[@]}" -eq 21 ]	# 20:49:55 to 20:49:59.75, then $a
	got=$output
	[ "$(reads "$B")" -lt 600000 ]
	[ "$(reads "$n")" -lt 1000 ]
	run --separate-stderr sh -c "cat \"$B\" \"$n\" | \"$CT\" -u -w 5 -t 2026-11-27T20:50:00Z"
	[ "$output" = "$got" ]
}

@test "-a: without conntrack ids, one socket's flows to two hosts stay apart" {
	# 10.0.0.1:5000 -> two DNS servers, both via 203.0.113.7:40123
	a='2026-11-27T10:06:40Z;start;udp;10.0.0.1;5000;192.0.2.1;53;203.0.113.7;40123;;;;;'
	b='2026-11-27T10:06:41Z;start;udp;10.0.0.1;5000;192.0.2.2;53;203.0.113.7;40123;;;;;'
	ax='2026-11-27T10:06:50Z;stop;udp;10.0.0.1;5000;192.0.2.1;53;203.0.113.7;40123;;1;60;1;120'
	bx='2026-11-27T10:07:20Z;stop;udp;10.0.0.1;5000;192.0.2.2;53;203.0.113.7;40123;;1;60;1;120'
	tc 0 "$b
$bx

$a
$ax
" "$a
$b
$ax
$bx
" -a -P -t $T
	# after a's stop, b is still open: b contains T, a ended 1 s before
	tc 0 "$b
$bx

$a
$ax
" "$a
$b
$ax
$bx
" -a -P -t 2026-11-27T10:06:51Z
}

@test "-D: one destination, with or without its port, in any address form" {
	{
		echo 'time;event;proto;src;sport;dst;dport;nat;natport;id;opkts;obytes;rpkts;rbytes'
		echo '2026-11-27T10:00:00Z;start;tcp;10.0.0.1;1;2001:db8::5;443;192.0.2.9;3;1;;;;'
		echo '2026-11-27T10:00:01Z;start;tcp;10.0.0.2;1;203.0.113.5;80;192.0.2.9;3;2;;;;'
		echo '2026-11-27T10:00:02Z;start;tcp;10.0.0.3;1;203.0.113.5;81;192.0.2.9;3;3;;;;'
	} >"$TMP/d.csv"
	while IFS='|' read -r d st want; do
		run cttime -t 2026-11-27T10:00:01Z -D "$d" "$TMP/d.csv"
		expect_eq "-D $d status" "$status" "$st"
		expect_eq "-D $d" "$(printf '%s' "$output" | cut -d';' -f10 | tr '\n' ' ')" "$want"
	done <<-'END'
	203.0.113.5|0|2 3 
	203.0.113.5:80|0|2 
	[2001:DB8:0::5]:443|0|1 
	2001:db8::5|0|1 
	[2001:db8::5]|0|1 
	[2001:db8::5]:80|1|
	END
	# -a pairs and ranks only the flows to that destination
	run cttime -a -t 2026-11-27T10:00:01Z -D 203.0.113.5:81 "$TMP/d.csv"
	expect_eq "-a -D" "$(cut -d';' -f4 <<<"$output")" "10.0.0.3"
}

@test "-D: a bad destination is an error naming it" {
	while IFS='|' read -r d msg; do
		run cttime -t @0 -D "$d" </dev/null
		expect_eq "-D $d status" "$status" 2
		expect_eq "-D $d" "$output" "cttime: $msg"
	done <<-'END'
	1.2.3|-D 1.2.3: bad IPv4 address
	[::1|-D [::1: expected [IPV6] or [IPV6]:PORT
	[::1]x|-D [::1]x: expected [IPV6] or [IPV6]:PORT
	203.0.113.5:99999|-D 203.0.113.5:99999: bad port (1-65535)
	203.0.113.5:x|-D 203.0.113.5:x: bad port (1-65535)
	203.0.113.5:0|-D 203.0.113.5:0: bad port (1-65535)
	203.0.113.5:|-D 203.0.113.5:: bad port (1-65535)
	END
}

@test "-a: T between a holder's exact stop and the next start: the next holder" {
	# measured on a 16-port NAT: the server saw the packet at T, 14 us
	# after the old entry was evicted and 22 us before conntrack logged
	# the new one
	{
		echo '2026-11-27T07:13:46.529785Z;start;tcp;10.30.0.8;46783;198.51.100.2;7001;198.51.100.1;20007;4066733654;;;;'
		echo '2026-11-27T07:13:48.733810Z;stop;tcp;10.30.0.8;46783;198.51.100.2;7001;198.51.100.1;20007;4066733654;6;400;4;300'
		echo '2026-11-27T07:13:48.733846Z;start;tcp;10.30.0.6;45637;198.51.100.2;7001;198.51.100.1;20007;813350519;;;;'
	} >"$TMP/h.csv"
	run cttime -a -t 2026-11-27T07:13:48.733824Z "$TMP/h.csv"
	expect_eq first "$(head -1 <<<"$output" | cut -d';' -f4)" 10.30.0.6
	# before the eviction, the old holder; 20 ms after the stop and before
	# a start much later, still the nearest interval
	run cttime -a -t 2026-11-27T07:13:48.733800Z "$TMP/h.csv"
	expect_eq before "$(head -1 <<<"$output" | cut -d';' -f4)" 10.30.0.8
	sed -i '3s/48.733846/59.000000/' "$TMP/h.csv"
	run cttime -a -t 2026-11-27T07:13:48.753810Z "$TMP/h.csv"
	expect_eq later "$(head -1 <<<"$output" | cut -d';' -f4)" 10.30.0.8
}

# ------------------------------------------------------ compressed files

# zday: a generated day (gen.pl, 200000 events), plain, as ctzip made it
# (blocks of 256 KiB, with its index) and as one gzip stream (no index)
zday() {
	Z="$BATS_FILE_TMPDIR/zday"
	if [ ! -s "$Z/day.csv.gz.idx" ]; then
		mkdir -p "$Z"
		perl "$BATS_TEST_DIRNAME/bench/gen.pl" -n 200000 >"$Z/raw"
		"$CTPARSE" "$Z/raw" >"$Z/day.csv" 2>/dev/null
		"$BATS_TEST_DIRNAME/../cmd/ctzip" -k -f -b 256k "$Z/day.csv"
		gzip -c "$Z/day.csv" >"$Z/whole.csv.gz"
	fi
}

@test "compressed: with and without a ctzip index, same output as the plain file" {
	zday
	# instants across the day, a few exactly at a block's edges
	ts=$(awk 'NR % 19997 == 5 { print substr($1, 1, 26) "Z" }' FS=';' "$Z/day.csv")
	ts="$ts $(awk 'NR > 1 && NR < 6 { printf "@%s ", substr($6, 1, 10) }' "$Z/day.csv.gz.idx")"
	ts="$ts 2026-11-26T23:59:59Z 2026-11-28T00:00:00Z"
	n=0
	for t in $ts; do
		for args in "-w 2" "-1" "-a -A 600 -w 1" "-a -P -A 300 -w 0.5" "-p udp -w 3"; do
			CTTIME_DEBUG=1 run --separate-stderr "$CTH" $args -t $t "$Z/day.csv"
			st=$status want=$output
			CTTIME_DEBUG=1 run --separate-stderr "$CTH" $args -t $t "$Z/day.csv.gz"
			expect_eq "$args -t $t: index status" "$status" "$st"
			[ "$output" = "$want" ] || fail "$args -t $t: index output differs"
			[ "$(reads "$Z/day.csv.gz")" -lt 1200000 ] || fail "$args -t $t: $stderr"
			run --separate-stderr "$CT" $args -t $t "$Z/whole.csv.gz"
			expect_eq "$args -t $t: stream status" "$status" "$st"
			[ "$output" = "$want" ] || fail "$args -t $t: stream output differs"
			n=$((n + ${#lines[@]}))
		done
	done
	[ "$n" -gt 200 ] || fail "only $n lines compared"
}

@test "compressed: the index reads far less; -u and a missing index read it all" {
	zday
	t=2026-11-27T20:00:00Z
	CTTIME_DEBUG=1 run --separate-stderr "$CTH" -t $t "$Z/day.csv.gz"
	[ "$status" -eq 0 ]
	withidx=$(reads "$Z/day.csv.gz")
	CTTIME_DEBUG=1 run --separate-stderr "$CTH" -t $t "$Z/whole.csv.gz"
	noidx=$(reads "$Z/whole.csv.gz")
	echo "index: $withidx bytes, no index: $noidx bytes"
	[ "$withidx" -lt 600000 ] && [ "$noidx" -gt 15000000 ]
	CTTIME_DEBUG=1 run --separate-stderr "$CTH" -u -t $t "$Z/day.csv.gz"
	expect_eq "-u" "$(reads "$Z/day.csv.gz")" "$(wc -c <"$Z/day.csv")"
}

@test "compressed: the installed cttime and ctcat have no test hooks" {
	zday
	t=2026-11-27T20:00:00Z
	# the test build reports, so the names are the ones the hooks read
	CTTIME_DEBUG=1 CTTIME_ZPARTS=2 run --separate-stderr "$CTH" -t $t "$Z/day.csv.gz"
	expect_eq "hooks: status" "$status" 0
	want=$output
	[[ "$stderr" == *"debug: $Z/day.csv.gz: "*" of "*" blocks"* ]] || fail "$stderr"
	for c in "$CT" "$BATS_TEST_DIRNAME/../cmd/ctcat"; do
		CTTIME_DEBUG=1 CTTIME_ZPARTS=2 run --separate-stderr "$c" -t $t "$Z/day.csv.gz"
		expect_eq "$c: status" "$status" 0
		expect_eq "$c: stderr" "$stderr" ""
		[ -n "$output" ] || fail "$c: no output"
		# nothing in it reads them
		! grep -a -q -e CTTIME_DEBUG -e CTTIME_ZPARTS "$c" || fail "$c reads them"
	done
	expect_eq "installed cttime: output" "$(CTTIME_DEBUG=1 "$CT" -t $t "$Z/day.csv.gz")" "$want"
}

@test "compressed: a stale or corrupt index is warned about once and ignored" {
	zday
	t=2026-11-27T12:00:00Z
	run --separate-stderr "$CT" -w 5 -t $t "$Z/day.csv"
	want=$output
	cp "$Z/day.csv.gz" "$TMP/d.csv.gz"
	for how in digit hash size truncated empty; do
		cp "$Z/day.csv.gz.idx" "$TMP/d.csv.gz.idx"
		case $how in
		digit) sed -i '5s/^\([0-9]*\) \([0-9]\)/\1 9\2/' "$TMP/d.csv.gz.idx" ;;
		hash) sed -i '/^fnv1a64 /s/.$/x/' "$TMP/d.csv.gz.idx" ;;
		size)	# stale: the index of another compression of the day
			cp "$Z/day.csv" "$TMP/o.csv"
			"$BATS_TEST_DIRNAME/../cmd/ctzip" -f -b 512k "$TMP/o.csv"
			mv "$TMP/o.csv.gz.idx" "$TMP/d.csv.gz.idx" ;;
		truncated) head -n 20 "$Z/day.csv.gz.idx" >"$TMP/d.csv.gz.idx" ;;
		empty) : >"$TMP/d.csv.gz.idx" ;;
		esac
		run --separate-stderr "$CT" -w 5 -t $t "$TMP/d.csv.gz"
		[ "$output" = "$want" ] || fail "$how: output differs"
		expect_eq "$how: warning" "$stderr" "cttime: $TMP/d.csv.gz.idx: stale or corrupt index, reading the whole file"
		cp "$Z/day.csv.gz" "$TMP/d.csv.gz"
	done
}

@test "compressed: bzip2 and xz files are refused; a broken gzip is an error" {
	a=$(L 2026-11-27T10:06:45Z start 1)
	printf 'BZh91AY&SY' >"$TMP/f.csv.bz2"
	printf '%s\n' "$a" | gzip >"$TMP/f.csv.gz"
	tc 2 "$a" "" -t $T "$TMP/f.csv.bz2" "$TMP/f.csv.gz"
	[ "$stderr" = "cttime: $TMP/f.csv.bz2: compressed: read it through bzcat, xzcat, ..." ]
	head -c 30 "$TMP/f.csv.gz" >"$TMP/cut.csv.gz"
	tc 2 "" "" -t $T "$TMP/cut.csv.gz"
	[[ "$stderr" == *"cttime: $TMP/cut.csv.gz: gzip -dc failed" ]] || fail "$stderr"
}

@test "compressed: zstd files of ctzip -z zstd, with their index" {
	command -v zstd >/dev/null || skip "no zstd"
	zday
	cp "$Z/day.csv" "$TMP/day.csv"
	"$BATS_TEST_DIRNAME/../cmd/ctzip" -f -z zstd -b 256k "$TMP/day.csv"
	for t in 2026-11-27T03:00:00Z 2026-11-27T15:30:00Z; do
		run --separate-stderr "$CT" -a -A 600 -t $t "$Z/day.csv"
		want=$output
		CTTIME_DEBUG=1 run --separate-stderr "$CTH" -a -A 600 -t $t "$TMP/day.csv.zst"
		[ "$output" = "$want" ] || fail "$t: output differs"
		[ "$(reads "$TMP/day.csv.zst")" -lt 1200000 ]
	done
}


@test "-G: the logs of gateways; bad names, files operands and modes refused" {
	printf '2026-11-27T10:00:00.000000Z;start;tcp;10.0.0.1;1;198.51.100.2;80;192.0.2.1;80;1;;;;;;\n' >"$TMP/a"
	printf '2026-11-27T10:00:01.000000Z;start;tcp;10.0.0.2;1;198.51.100.3;80;192.0.2.1;80;1;;;;;;\n' >"$TMP/b"
	printf '192.0.2.1 80 2026-11-27T10:00:02Z\n' >"$TMP/q"
	run cttime -a -P -f "$TMP/q" -G one="$TMP/a" -G two="$TMP/b"
	expect_eq status "$status" 0
	expect_eq lines "$(printf '%s\n' "$output" | grep -c '^@')" 2
	expect_eq "first" "${lines[1]}" "@two"
	for args in "-G =x" "-G x" "-G a/b=x" "-G a=" "-t @0 -G a=x"; do
		run cttime $args </dev/null
		expect_eq "$args: status" "$status" 2
	done
	run cttime -a -t @0 -G a="$TMP/a" "$TMP/b"
	expect_eq "operands: status" "$status" 2
}
