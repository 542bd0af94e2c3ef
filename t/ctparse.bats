#!/usr/bin/env bats
# ctparse: conntrack -E text in, one CSV line per event out, with the
# coverage records (begin, alive, end, restart, lost, open, snapshot) that
# say which times the log answers for (lib/csv.h).
load helper
load ctlines

TS='[1795757469.677741]'
T='2026-11-27T05:31:09.677741Z'
TAB=$(printf '\t')

# conv INPUT WANT: ctparse turns the one input line, read from a file, into
# the one CSV line WANT, between the begin and end records at its time
conv() {
	local t=${2%%;*}
	printf '%s\n' "$1" >"$TMP/in"
	ctparse "$TMP/in" >"$TMP/out" 2>"$TMP/err" ||
		fail "status $?: $(cat "$TMP/err")"
	expect_eq csv "$(sed -n 2p "$TMP/out")" "$2"
	expect_eq begin "$(sed -n 1p "$TMP/out")" "$t;begin;;;;;;;;60;;;;;$t;"
	expect_eq end "$(sed -n 3p "$TMP/out")" "$t;end;;;;;;;;;;;;;$t;"
	expect_eq lines "$(wc -l <"$TMP/out")" 3
	grep -q '1 events written, 0 dropped, 0 lines rejected' "$TMP/err" ||
		fail "summary: $(cat "$TMP/err")"
}

# reject INPUT REASON: the line is skipped with a warning naming the line,
# and claims nothing: no begin, no end
reject() {
	run sh -c 'printf "%s\n" "$1" | ctparse 2>"$2"' sh "$1" "$TMP/err"
	[ "$status" -eq 0 ] || fail "status $status"
	expect_eq output "$output" ""
	grep -q "^ctparse: stdin:1: $2" "$TMP/err" ||
		fail "warning: $(cat "$TMP/err")"
	grep -q '0 events written, 0 dropped, 1 lines rejected' "$TMP/err" ||
		fail "summary: $(cat "$TMP/err")"
}

@test "tcp NEW, as captured (the issue's first line)" {
	conv "$TS$TAB    [NEW] ipv4     2 tcp      6 120 SYN_SENT src=10.30.0.2 dst=198.51.100.2 sport=45232 dport=8080 [UNREPLIED] src=198.51.100.2 dst=198.51.100.1 sport=8080 dport=21667 id=3229515635" \
	    "$T;start;tcp;10.30.0.2;45232;198.51.100.2;8080;198.51.100.1;21667;3229515635;;;;;;"
}

@test "tcp DESTROY with counters, [ASSURED], delta-time, no timeout" {
	conv "$TS$TAB[DESTROY] ipv4     2 tcp      6 TIME_WAIT src=10.30.0.2 dst=198.51.100.2 sport=45246 dport=8080 packets=6 bytes=441 src=198.51.100.2 dst=198.51.100.1 sport=8080 dport=29410 packets=6 bytes=1177 [ASSURED] delta-time=1 id=2781561940" \
	    "$T;stop;tcp;10.30.0.2;45246;198.51.100.2;8080;198.51.100.1;29410;2781561940;6;441;6;1177;;"
}

@test "tcp DESTROY with timeout and state, [UNREPLIED]" {
	conv "$TS$TAB[DESTROY] ipv4     2 tcp      6 120 CLOSE src=10.30.0.2 dst=198.51.100.2 sport=43482 dport=9 packets=1 bytes=60 [UNREPLIED] src=198.51.100.2 dst=198.51.100.1 sport=9 dport=23183 packets=1 bytes=40 delta-time=0 id=1709411412" \
	    "$T;stop;tcp;10.30.0.2;43482;198.51.100.2;9;198.51.100.1;23183;1709411412;1;60;1;40;;"
}

@test "udp over IPv6" {
	conv "$TS$TAB    [NEW] ipv6     10 udp      17 30 src=fd00:40::3 dst=2001:db8:40::2 sport=39949 dport=5353 [UNREPLIED] src=2001:db8:40::2 dst=2001:db8:40::1 sport=5353 dport=25706 id=3373907262" \
	    "$T;start;udp;fd00:40::3;39949;2001:db8:40::2;5353;2001:db8:40::1;25706;3373907262;;;;;;"
}

@test "icmp: the tuple id= is the ICMP id, the last id= the conntrack id" {
	conv "$TS$TAB    [NEW] ipv4     2 icmp     1 30 src=10.30.0.2 dst=198.51.100.2 type=8 code=0 id=4660 [UNREPLIED] src=198.51.100.2 dst=198.51.100.1 type=0 code=0 id=4661 id=4023582076" \
	    "$T;start;icmp;10.30.0.2;4660;198.51.100.2;;198.51.100.1;4661;4023582076;;;;;;"
}

@test "icmp without -o id: no conntrack id" {
	conv "$TS$TAB    [NEW] ipv4     2 icmp     1 30 src=10.30.0.2 dst=198.51.100.2 type=8 code=0 id=4660 [UNREPLIED] src=198.51.100.2 dst=198.51.100.1 type=0 code=0 id=4660" \
	    "$T;start;icmp;10.30.0.2;4660;198.51.100.2;;198.51.100.1;4660;;;;;;;"
}

@test "icmpv6 DESTROY with counters" {
	conv "$TS$TAB[DESTROY] ipv6     10 icmpv6   58 src=fd00:40::3 dst=2001:db8:40::2 type=128 code=0 id=7 packets=3 bytes=312 src=2001:db8:40::2 dst=2001:db8:40::1 type=129 code=0 id=9 packets=3 bytes=312 delta-time=30 id=3141592653" \
	    "$T;stop;icmpv6;fd00:40::3;7;2001:db8:40::2;;2001:db8:40::1;9;3141592653;3;312;3;312;;"
}

@test "udplite, sctp (with state), dccp" {
	conv "$TS$TAB    [NEW] ipv4     2 udplite  136 30 src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2 [UNREPLIED] src=192.0.2.1 dst=192.0.2.9 sport=2 dport=3 id=1" \
	    "$T;start;udplite;10.0.0.1;1;192.0.2.1;2;192.0.2.9;3;1;;;;;;"
	conv "$TS$TAB    [NEW] ipv4     2 sctp     132 10 COOKIE_WAIT src=10.0.0.1 dst=192.0.2.1 sport=5000 dport=5001 [UNREPLIED] src=192.0.2.1 dst=192.0.2.9 sport=5001 dport=40000 id=2" \
	    "$T;start;sctp;10.0.0.1;5000;192.0.2.1;5001;192.0.2.9;40000;2;;;;;;"
	conv "$TS$TAB    [NEW] ipv4     2 dccp     33 240 REQUEST src=10.0.0.1 dst=192.0.2.1 sport=5000 dport=5001 [UNREPLIED] src=192.0.2.1 dst=192.0.2.9 sport=5001 dport=65535 id=3" \
	    "$T;start;dccp;10.0.0.1;5000;192.0.2.1;5001;192.0.2.9;65535;3;;;;;;"
}

@test "gre: the keys stand in for the ports" {
	conv "$TS$TAB    [NEW] ipv4     2 gre      47 30 src=10.0.0.1 dst=192.0.2.1 srckey=0x0 dstkey=0x1a [UNREPLIED] src=192.0.2.1 dst=192.0.2.9 srckey=0x1a dstkey=0xbeef id=5" \
	    "$T;start;gre;10.0.0.1;0x0;192.0.2.1;0x1a;192.0.2.9;0xbeef;5;;;;;;"
}

@test "unknown layer-4 protocol: its number, no ports" {
	conv "$TS$TAB    [NEW] ipv4     2 unknown  50 600 src=10.0.0.1 dst=192.0.2.1 [UNREPLIED] src=192.0.2.1 dst=192.0.2.9 id=6" \
	    "$T;start;50;10.0.0.1;;192.0.2.1;;192.0.2.9;;6;;;;;;"
}

@test "UPDATE events, [OFFLOAD], [HW_OFFLOAD], mark, secctx, zone, helper, labels" {
	conv "$TS$TAB [UPDATE] ipv4     2 tcp      6 432000 ESTABLISHED src=10.0.0.1 dst=192.0.2.1 sport=1 dport=21 src=192.0.2.1 dst=192.0.2.9 sport=21 dport=30000 [OFFLOAD] mark=7 secctx=system_u:object_r:unlabeled_t:s0 zone=3 helper=ftp id=8 labels=a,b" \
	    "$T;update;tcp;10.0.0.1;1;192.0.2.1;21;192.0.2.9;30000;8;;;;;;"
	conv "$TS$TAB [UPDATE] ipv4     2 tcp      6 30 ESTABLISHED src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2 src=192.0.2.1 dst=192.0.2.9 sport=2 dport=3 [HW_OFFLOAD] id=9 labels" \
	    "$T;update;tcp;10.0.0.1;1;192.0.2.1;2;192.0.2.9;3;9;;;;;;"
}

@test "zone-orig/zone-reply inside the tuples, [start=...] [stop=...] with spaces" {
	conv "$TS$TAB[DESTROY] ipv4     2 udp      17 src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2 zone-orig=4 packets=1 bytes=2 src=192.0.2.1 dst=192.0.2.9 sport=2 dport=3 zone-reply=5 packets=3 bytes=4 delta-time=12 [start=Fri Nov 27 05:30:57 2026] [stop=Fri Nov  27 05:31:09 2026] id=10" \
	    "$T;stop;udp;10.0.0.1;1;192.0.2.1;2;192.0.2.9;3;10;1;2;3;4;2026-11-27T05:30:57Z;2026-11-27T05:31:09Z"
}

@test "[USERSPACE] portid progname suffix, progname with spaces and id=" {
	conv "$TS$TAB[DESTROY] ipv4     2 tcp      6 SYN_SENT src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2 [UNREPLIED] src=192.0.2.1 dst=192.0.2.9 sport=2 dport=3 id=11 [USERSPACE] portid=4242 progname=my tool id=99" \
	    "$T;stop;tcp;10.0.0.1;1;192.0.2.1;2;192.0.2.9;3;11;;;;;;"
}

@test "without -o extended and without -o id" {
	conv "$TS$TAB    [NEW] tcp      6 120 SYN_SENT src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2 [UNREPLIED] src=192.0.2.1 dst=192.0.2.9 sport=2 dport=3" \
	    "$T;start;tcp;10.0.0.1;1;192.0.2.1;2;192.0.2.9;3;;;;;;;"
}

@test "without -o timestamp: the time the line was read" {
	before=$(date +%s)
	run sh -c 'printf "    [NEW] tcp      6 120 SYN_SENT src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2 [UNREPLIED] src=192.0.2.1 dst=192.0.2.9 sport=2 dport=3\n" | ctparse 2>/dev/null'
	after=$(date +%s)
	[ "$status" -eq 0 ]
	expect_eq lines "${#lines[@]}" 3	# begin, the event, end
	t=${lines[1]%%;*}
	s=$(epoch "$t")
	[ "$s" -ge "$before" ] && [ "$s" -le "$after" ] || fail "time $t not in [$before, $after]"
	expect_eq rest "${lines[1]#*;}" "start;tcp;10.0.0.1;1;192.0.2.1;2;192.0.2.9;3;;;;;;;"
}

@test "timestamp fraction is microseconds, zero-padded or blank-padded" {
	conv "[1795757469.000042]$TAB    [NEW] tcp      6 1 src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2 [UNREPLIED] src=192.0.2.1 dst=192.0.2.9 sport=2 dport=3" \
	    "2026-11-27T05:31:09.000042Z;start;tcp;10.0.0.1;1;192.0.2.1;2;192.0.2.9;3;;;;;;;"
	conv "[1795757469.42    ]$TAB    [NEW] tcp      6 1 src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2 [UNREPLIED] src=192.0.2.1 dst=192.0.2.9 sport=2 dport=3" \
	    "2026-11-27T05:31:09.000042Z;start;tcp;10.0.0.1;1;192.0.2.1;2;192.0.2.9;3;;;;;;;"
}

@test "-s drops microseconds, in records too; -H writes the header" {
	printf '%s\n' "$TS$TAB    [NEW] tcp      6 1 src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2 [UNREPLIED] src=192.0.2.1 dst=192.0.2.9 sport=2 dport=3 id=1" >"$TMP/in"
	run ctparse -s -H "$TMP/in"
	[ "$status" -eq 0 ]
	expect_eq header "${lines[0]}" "time;event;proto;src;sport;dst;dport;nat;natport;id;opkts;obytes;rpkts;rbytes;from;to"
	expect_eq begin "${lines[1]}" "2026-11-27T05:31:09Z;begin;;;;;;;;60;;;;;2026-11-27T05:31:09Z;"
	expect_eq line "${lines[2]}" "2026-11-27T05:31:09Z;start;tcp;10.0.0.1;1;192.0.2.1;2;192.0.2.9;3;1;;;;;;"
	# on standard output too, once
	run sh -c 'ctparse -H "$1" 2>/dev/null | grep -c "^time;"' sh "$TMP/in"
	expect_eq "one header" "$output" 1
}

@test "--local under TZ=Europe/London across the 2026-10-25 01:00 UTC change" {
	# 00:30Z is 01:30 BST; 01:30Z is 01:30 GMT: same wall time, two offsets
	for t in 1792888200 1792889999 1792890000 1792891800; do
		printf '[%s.000001]\t    [NEW] tcp      6 1 src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2 [UNREPLIED] src=192.0.2.1 dst=192.0.2.9 sport=2 dport=3\n' $t
	done >"$TMP/in"
	TZ=Europe/London ctparse --local "$TMP/in" >"$TMP/out" 2>/dev/null ||
		fail "status $?"
	mapfile -t lines < <(flowlines "$TMP/out")
	expect_eq 1 "${lines[0]%%;*}" "2026-10-25T01:30:00.000001+01:00"
	expect_eq 2 "${lines[1]%%;*}" "2026-10-25T01:59:59.000001+01:00"
	expect_eq 3 "${lines[2]%%;*}" "2026-10-25T01:00:00.000001+00:00"
	expect_eq 4 "${lines[3]%%;*}" "2026-10-25T01:30:00.000001+00:00"
	expect_eq from "$(records "$TMP/out" | cut -d';' -f15 | sort -u)" \
	    "2026-10-25T01:30:00.000001+01:00"
}

@test "conntrack's messages: ENOBUFS becomes a lost record, the exit summary ends the log" {
	cat >"$TMP/in" <<-END
	NOTICE: Netlink socket buffer size has been set to 209715200 bytes.
	$TS$TAB    [NEW] tcp      6 1 src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2 [UNREPLIED] src=192.0.2.1 dst=192.0.2.9 sport=2 dport=3 id=1
	WARNING: We have hit ENOBUFS! We are losing events.
	This message means that the current netlink socket buffer size is too small.
	Please, check --buffer-size in conntrack(8) manpage.
	conntrack v1.4.7 (conntrack-tools): 1 flow events have been shown.
	END
	run ctparse "$TMP/in"
	[ "$status" -eq 0 ]
	expect_eq count "${#lines[@]}" 5	# 4 lines + the summary on stderr
	expect_eq begin "${lines[0]}" "$T;begin;;;;;;;;60;;;;;$T;"
	expect_eq lost "${lines[2]}" "$T;lost;;;;;;;;;;;;;;"
	expect_eq end "${lines[3]}" "$T;end;;;;;;;;;;;;;$T;"
	expect_eq summary "${lines[4]}" "ctparse: 1 events written, 0 dropped, 0 lines rejected, 1 conntrack losses"
}

@test "rejected lines: each warned with its line number, the rest kept" {
	long=$(head -c 100000 /dev/zero | tr '\0' x)
	ok="$TS$TAB    [NEW] tcp      6 1 src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2 [UNREPLIED] src=192.0.2.1 dst=192.0.2.9 sport=2 dport=3 id=1"
	{
		printf '%s\n' "$ok" "garbage" "$long"
		printf 'a\0b\377\n'
		printf '%s\n' "$ok"
		printf '%s' "${ok% id=1}"	# truncated last line, no newline
	} >"$TMP/in"
	ctparse "$TMP/in" >"$TMP/out" 2>"$TMP/err" || fail "status $?"
	mapfile -t out < <(flowlines "$TMP/out")
	mapfile -t err <"$TMP/err"
	expect_eq 1 "${out[0]}" "$T;start;tcp;10.0.0.1;1;192.0.2.1;2;192.0.2.9;3;1;;;;;;"
	expect_eq 2 "${out[1]}" "$T;start;tcp;10.0.0.1;1;192.0.2.1;2;192.0.2.9;3;1;;;;;;"
	# a last line without its id= is still a whole event (at the end of
	# input; after SIGTERM it would be half a line, see below)
	expect_eq 3 "${out[2]}" "$T;start;tcp;10.0.0.1;1;192.0.2.1;2;192.0.2.9;3;;;;;;;"
	expect_eq n "${#out[@]}" 3
	expect_eq e1 "${err[0]}" "ctparse: $TMP/in:2: not a conntrack event: garbage"
	expect_eq e2 "${err[1]}" "ctparse: $TMP/in:3: line too long: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx..."
	expect_eq e3 "${err[2]}" "ctparse: $TMP/in:4: not a conntrack event: a?b?"
	expect_eq e4 "${err[3]}" "ctparse: 3 events written, 0 dropped, 3 lines rejected, 0 conntrack losses"
}

@test "malformed events are rejected, not half-parsed" {
	p="$TS$TAB    [NEW] ipv4     2 tcp      6 1"
	reject "$p src=10.0.0.256 dst=192.0.2.1 sport=1 dport=2 src=192.0.2.1 dst=192.0.2.9 sport=2 dport=3" "bad src address"
	reject "$p src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2 src=192.0.2.1 dst=fd00::1 sport=2 dport=3" "bad dst address"
	reject "$p src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2 src=192.0.2.1 dst=192.0.2.9 sport=2 dport=65536" "bad or missing port"
	reject "$p src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2 src=192.0.2.1 dst=192.0.2.9 sport=2" "bad or missing port"
	reject "$p src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2" "missing original or reply tuple"
	reject "$p src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2 src=192.0.2.1 dst=192.0.2.9 sport=2 dport=3 src=1.2.3.4" "more than two tuples"
	reject "$p src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2 sport=5 src=192.0.2.1 dst=192.0.2.9 sport=2 dport=3" "repeated tuple field"
	# found by fuzzing: digits past the limits used to overflow
	reject "[17000000000000000000000.1234567]$TAB    [NEW] tcp      6 1 src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2 src=192.0.2.1 dst=192.0.2.9 sport=2 dport=3" "bad timestamp"
	reject "[1795757469.67x741]$TAB    [NEW] tcp      6 1 src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2 src=192.0.2.1 dst=192.0.2.9 sport=2 dport=3" "bad timestamp"
	reject "$TS$TAB    [NEW] ipv4     2 tcp      17 1 src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2 src=192.0.2.1 dst=192.0.2.9 sport=2 dport=3" "bad layer-4 protocol"
	reject "$TS$TAB    [NEW] ipv4     10 tcp      6 1 src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2 src=192.0.2.1 dst=192.0.2.9 sport=2 dport=3" "bad layer-3 protocol number"
	reject "$TS$TAB [BOGUS] ipv4     2 tcp      6 1 src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2 src=192.0.2.1 dst=192.0.2.9 sport=2 dport=3" "not a conntrack event"
	reject "$p src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2 src=192.0.2.1 dst=192.0.2.9 sport=2 dport=3 id=12x" "bad id"
	reject "$p src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2 packets=1 src=192.0.2.1 dst=192.0.2.9 sport=2 dport=3" "bad counters"
	reject "$p src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2 src=192.0.2.1 dst=192.0.2.9 sport=2 dport=3 [start=Fri" "unterminated \\["
}

@test "found by fuzzing: a NUL inside an IPv6 address is rejected, never written" {
	printf '[1795757469.677741]\t    [NEW] ipv6     10 tcp      6 1 src=fd00::1 dst=2001:db8::2 sport=1 dport=2 src=2001:db8::2 dst=2001:db8::1\0;x sport=2 dport=3 id=1\n' >"$TMP/in"
	run ctparse "$TMP/in"
	[ "$status" -eq 0 ]
	expect_eq out "${lines[0]}" "ctparse: $TMP/in:1: bad dst address: [1795757469.677741]?    [NEW] ipv6     10 tcp   ..."
	expect_eq n "${#lines[@]}" 2
}

@test "-o: appends to the file, created mode 0640 whatever the umask" {
	printf '%s\n' "$TS$TAB    [NEW] tcp      6 1 src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2 [UNREPLIED] src=192.0.2.1 dst=192.0.2.9 sport=2 dport=3 id=1" >"$TMP/in"
	(umask 0; ctparse -H -o "$TMP/log.csv" "$TMP/in" 2>/dev/null)
	ctparse -H -o "$TMP/log.csv" "$TMP/in" 2>/dev/null
	expect_eq mode "$(stat -c %a "$TMP/log.csv")" 640
	expect_eq lines "$(flowlines "$TMP/log.csv" | wc -l)" 3	# header, 2 events
	expect_eq records "$(records "$TMP/log.csv" | cut -d';' -f2 | tr '\n' ' ')" \
	    "begin end begin end "
	expect_eq header "$(grep -c '^time;' "$TMP/log.csv")" 1
}

@test "-o with strftime: one file per day of the event's own time" {
	for t in 1795737599 1795737600 1795823999 1795824000; do
		printf '[%s.000000]\t    [NEW] tcp      6 1 src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2 [UNREPLIED] src=192.0.2.1 dst=192.0.2.9 sport=2 dport=3 id=%s\n' $t $t
	done >"$TMP/in"
	run ctparse -o "$TMP/%Y-%m-%d.csv" "$TMP/in"
	[ "$status" -eq 0 ]
	expect_eq files "$(cd "$TMP" && ls *.csv | tr '\n' ' ')" "2026-11-26.csv 2026-11-27.csv 2026-11-28.csv "
	expect_eq 26 "$(flowlines "$TMP/2026-11-26.csv" | cut -d';' -f10)" 1795737599
	expect_eq 27 "$(flowlines "$TMP/2026-11-27.csv" | cut -d';' -f10 | tr '\n' ' ')" "1795737600 1795823999 "
	expect_eq 28 "$(flowlines "$TMP/2026-11-28.csv" | cut -d';' -f10)" 1795824000
	# begin in the first file, end in the last, each at its event's time
	expect_eq begin "$(records "$TMP/2026-11-26.csv" | cut -d';' -f1,2)" "2026-11-26T23:59:59.000000Z;begin"
	expect_eq end "$(records "$TMP/2026-11-28.csv" | cut -d';' -f1,2)" "2026-11-28T00:00:00.000000Z;end"
	expect_eq mode "$(stat -c %a "$TMP/2026-11-27.csv")" 640
}

@test "output error: >/dev/full gives exit 2 and a message" {
	run sh -c 'printf "%s\n" "$1" | ctparse >/dev/full' sh "$TS$TAB    [NEW] tcp      6 1 src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2 [UNREPLIED] src=192.0.2.1 dst=192.0.2.9 sport=2 dport=3"
	[ "$status" -eq 2 ]
	[[ "$output" == *"ctparse: write error on standard output: No space left on device"* ]] || fail "$output"
}

@test "usage: bad option, -h, -V, unreadable input" {
	run ctparse -x
	[ "$status" -eq 2 ]
	[[ "${lines[-1]}" == "usage: ctparse [-Hls] [-i seconds] [-o file] [file ...]" ]] || fail "$output"
	for i in -1 x 86401 ''; do
		run ctparse -i "$i" /dev/null
		[ "$status" -eq 2 ] || fail "-i '$i': status $status"
	done
	run ctparse -h
	[ "$status" -eq 0 ]
	expect_eq help "$output" "usage: ctparse [-Hls] [-i seconds] [-o file] [file ...]"
	run ctparse -V
	[ "$status" -eq 0 ]
	[[ "$output" == "ctparse "[0-9]* ]] || fail "$output"
	run ctparse "$TMP/nonexistent"
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == "ctparse: $TMP/nonexistent: No such file or directory" ]] || fail "$output"
}


@test "SIGHUP while streaming 200k lines, file renamed each time: nothing lost or split" {
	streaming -o "$TMP/log"
	for k in $(seq 0 19); do
		gen $((k * 10000)) 10000 >&7
		sleep 0.02
		mv "$TMP/log" "$TMP/log.$k" 2>/dev/null || true
		kill -HUP $pid
	done
	exec 7>&-
	wait $pid || fail "status $?"
	cat "$TMP"/log* | flowlines /dev/stdin >"$TMP/all"
	expect_eq lines "$(wc -l <"$TMP/all")" 200000
	expect_eq whole "$(grep -c -E '^2026-11-2[7-9]T[0-9:.]+Z;start;udp;10\.0\.[0-9]+\.[0-9]+;[0-9]+;192\.0\.2\.1;53;198\.51\.100\.1;[0-9]+;[0-9]+;;;;;;$' "$TMP/all")" 200000
	expect_eq ids "$(cut -d';' -f10 "$TMP/all" | sort -n | uniq | wc -l)" 200000
	[ "$(ls "$TMP"/log.* | wc -l)" -ge 10 ] || fail "too few rotations: $(ls "$TMP")"
}

@test "SIGTERM in the middle of a burst: exit 0, what was read is written whole" {
	streaming -o "$TMP/log"
	gen 0 300000 >&7 &
	gpid=$!
	sleep 0.1
	kill -TERM $pid
	wait $pid || fail "status $?"
	exec 7>&-
	kill $gpid 2>/dev/null || true
	n=$(sed -n 's/^ctparse: \([0-9]*\) events written.*/\1/p' "$TMP/err")
	[ "$n" -gt 0 ] || fail "nothing written: $(cat "$TMP/err")"
	expect_eq lines "$(flowlines "$TMP/log" | wc -l)" "$n"
	expect_eq whole "$(grep -c ';start;.*;;;;;;$' "$TMP/log")" "$n"
	expect_eq last "$(tail -c 1 "$TMP/log" | od -An -c | tr -d ' ')" '\n'
	expect_eq end "$(tail -n 1 "$TMP/log" | cut -d';' -f2)" end
}

@test "SIGTERM while idle: flushes and exits 0 at once" {
	streaming -o "$TMP/log"
	gen 0 3 >&7
	sleep 0.3
	# flushed while waiting for input: the log is never behind
	expect_eq before "$(flowlines "$TMP/log" | wc -l)" 3
	kill -TERM $pid
	timeout 5 sh -c "while kill -0 $pid 2>/dev/null; do sleep 0.05; done" || fail "still running"
	wait $pid || fail "status $?"
	exec 7>&-
	grep -q '^ctparse: 3 events written' "$TMP/err" || fail "$(cat "$TMP/err")"
	expect_eq records "$(records "$TMP/log" | cut -d';' -f2 | tr '\n' ' ')" "begin end "
}

@test "a flood of junk: 100 warnings, then quiet, all counted" {
	for i in $(seq 150); do echo "junk $i"; done >"$TMP/in"
	run ctparse "$TMP/in"
	[ "$status" -eq 0 ]
	expect_eq warnings "$(grep -c 'not a conntrack event' <<<"$output")" 100
	expect_eq quiet "$(grep -c 'further rejected lines are only counted' <<<"$output")" 1
	expect_eq summary "${lines[-1]}" "ctparse: 0 events written, 0 dropped, 150 lines rejected, 0 conntrack losses"
}

@test "standard output a closed pipe: ends quietly" {
	gen 0 200000 >"$TMP/in"
	run bash -c 'ctparse "$1" 2>"$2" | head -2 | tail -1' sh "$TMP/in" "$TMP/err"
	expect_eq out "${output%%;*}" "2026-11-27T00:00:00.000000Z"
	expect_eq stderr "$(cat "$TMP/err")" ""
}
