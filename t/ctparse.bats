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

# ---- coverage records (lib/csv.h) --------------------------------------

# want FILE: FILE holds exactly the lines on standard input
want() {
	diff -u - "$1" >&2 || fail "$1: not as wanted (diff above: - want, + got)"
}

A=10.30.0.2 B=10.30.0.3 C=10.30.0.4 D=10.30.0.5
T0=2026-11-27T05:30:00	# 1795757400

@test "files: begin at the first event, alive as the events' time passes -i, end at the last" {
	{
		ct_new 1795757400.000001 $A 1001 20001 11
		ct_new 1795757405.000002 $B 1002 20002 12
		ct_new 1795757412.000003 $C 1003 20003 13
		ct_new 1795757430.000004 $D 1004 20004 14
	} >"$TMP/in"
	ctparse -i 10 "$TMP/in" >"$TMP/out" 2>/dev/null || fail "status $?"
	want "$TMP/out" <<-END
	$T0.000001Z;begin;;;;;;;;10;;;;;$T0.000001Z;
	$T0.000001Z;start;$(KEY $A 1001 20001 11);;;;;;
	2026-11-27T05:30:05.000002Z;start;$(KEY $B 1002 20002 12);;;;;;
	2026-11-27T05:30:12.000003Z;start;$(KEY $C 1003 20003 13);;;;;;
	2026-11-27T05:30:12.000003Z;alive;;;;;;;;;;;;;$T0.000001Z;
	2026-11-27T05:30:30.000004Z;start;$(KEY $D 1004 20004 14);;;;;;
	2026-11-27T05:30:30.000004Z;alive;;;;;;;;;;;;;$T0.000001Z;
	2026-11-27T05:30:30.000004Z;end;;;;;;;;;;;;;$T0.000001Z;
	END
	# -i 0: no heartbeat; begin says so in its id
	ctparse -i 0 "$TMP/in" 2>/dev/null | records /dev/stdin | cut -d';' -f2,10 >"$TMP/r0"
	want "$TMP/r0" <<-END
	begin;0
	end;
	END
}

@test "a dump: open records, then a snapshot; held until the first event's time" {
	{
		ct_notice
		ct_dump $A 1001 20001 11 "Fri Nov 27 05:00:00 2026"
		ct_dump $B 1002 20002 12
		ct_dumped 2
		ct_new 1795757400.000001 $C 1003 20003 13
		ct_destroy 1795757401.5 $A 1001 20001 11 "Fri Nov 27 05:00:00 2026" "Fri Nov 27 05:30:01 2026" 1801
	} >"$TMP/in"
	ctparse "$TMP/in" >"$TMP/out" 2>"$TMP/err" || fail "status $?"
	want "$TMP/out" <<-END
	$T0.000001Z;begin;;;;;;;;60;;;;;$T0.000001Z;
	$T0.000001Z;open;$(KEY $A 1001 20001 11);;;;;2026-11-27T05:00:00Z;
	$T0.000001Z;open;$(KEY $B 1002 20002 12);;;;;;
	$T0.000001Z;snapshot;;;;;;;;2;;;;;$T0.000001Z;
	$T0.000001Z;start;$(KEY $C 1003 20003 13);;;;;;
	2026-11-27T05:30:01.000005Z;stop;$(KEY $A 1001 20001 11);6;342;4;238;2026-11-27T05:00:00Z;2026-11-27T05:30:01Z
	2026-11-27T05:30:01.000005Z;end;;;;;;;;;;;;;$T0.000001Z;
	END
	grep -q 'ctparse: 2 events written, 0 dropped, 0 lines rejected' "$TMP/err" ||
		fail "$(cat "$TMP/err")"
	# an empty table's dump: its summary alone
	{ ct_notice; ct_dumped 0; ct_new 1795757400.000001 $C 1003 20003 13; } >"$TMP/in0"
	ctparse "$TMP/in0" 2>/dev/null | grep ';snapshot;' >"$TMP/s0"
	want "$TMP/s0" <<-END
	$T0.000001Z;snapshot;;;;;;;;0;;;;;$T0.000001Z;
	END
}

@test "dumps that are not whole: cut short by events, a line rejected: no snapshot" {
	{
		ct_notice
		ct_dump $A 1001 20001 11
		ct_dump $B 1002 20002 12
		ct_new 1795757400.000001 $C 1003 20003 13
		ct_dumped 2
	} >"$TMP/in"
	ctparse "$TMP/in" >"$TMP/out" 2>"$TMP/err" || fail "status $?"
	expect_eq "cut short" "$(grep -c ';open;' "$TMP/out"),$(grep -c ';snapshot;' "$TMP/out")" 2,0
	{
		ct_notice
		ct_dump $A 1001 20001 11
		ct_dump $B 1002 20002 12 | sed 's/src=/sorc=/'
		ct_dumped 2
		ct_new 1795757400.000001 $C 1003 20003 13
	} >"$TMP/in"
	ctparse "$TMP/in" >"$TMP/out" 2>"$TMP/err" || fail "status $?"
	expect_eq "a line rejected" "$(grep -c ';open;' "$TMP/out"),$(grep -c ';snapshot;' "$TMP/out")" 1,0
	grep -q 'a dump of 2 flows was logged as 1 open records: no snapshot' "$TMP/err" ||
		fail "$(cat "$TMP/err")"
}

@test "restart: a NOTICE mid-stream, from the previous conntrack's last line" {
	# the previous conntrack's last event; then its exit summary (files:
	# at the latest event's time); the new one's time is its first event's
	for case in "event:" "summary:exited"; do
		{
			ct_notice
			ct_new 1795757400.000001 $A 1001 20001 11
			ct_new 1795757410.000002 $B 1002 20002 12
			[ -z "${case#*:}" ] || ct_exited 2
			ct_notice
			ct_dump $A 1001 20001 11
			ct_dumped 1
			ct_new 1795757425.000003 $C 1003 20003 13
		} >"$TMP/in"
		ctparse "$TMP/in" >"$TMP/out" 2>/dev/null || fail "status $?"
		records "$TMP/out" >"$TMP/rec"
		want "$TMP/rec" <<-END
		$T0.000001Z;begin;;;;;;;;60;;;;;$T0.000001Z;
		2026-11-27T05:30:25.000003Z;restart;;;;;;;;;;;;;2026-11-27T05:30:10.000002Z;
		2026-11-27T05:30:25.000003Z;snapshot;;;;;;;;1;;;;;$T0.000001Z;
		2026-11-27T05:30:25.000003Z;end;;;;;;;;;;;;;$T0.000001Z;
		END
		expect_eq "$case: open" "$(grep -c ';open;' "$TMP/out")" 1
	done
	# a dump after events, without a NOTICE, is a restart too; the first
	# NOTICE of a run is none
	{
		ct_new 1795757400.000001 $A 1001 20001 11
		ct_dump $A 1001 20001 11
		ct_dumped 1
		ct_new 1795757425.000003 $C 1003 20003 13
	} >"$TMP/in"
	ctparse "$TMP/in" 2>/dev/null | grep -c ';restart;' >"$TMP/n" || true
	expect_eq "dump after events" "$(cat "$TMP/n")" 1
}

@test "lost: conntrack's ENOBUFS, at its last event's time" {
	{
		ct_new 1795757400.000001 $A 1001 20001 11
		ct_enobufs
		ct_new 1795757402.000002 $B 1002 20002 12
	} >"$TMP/in"
	ctparse "$TMP/in" 2>/dev/null | grep ';lost;' >"$TMP/out"
	want "$TMP/out" <<-END
	$T0.000001Z;lost;;;;;;;;;;;;;;
	END
}

# daily LOG IN: ctparse -o LOG/%Y-%m-%d.csv IN
daily() {
	mkdir -p "$1"
	ctparse -o "$1/%Y-%m-%d.csv" "$2" 2>"$1.err" || fail "status $?: $(cat "$1.err")"
}

@test "a new day's file starts with a snapshot of the open flows, at midnight" {
	{
		ct_notice
		ct_dump $A 1001 20001 11 "Fri Nov 27 23:00:00 2026"
		ct_dump $B 1002 20002 12
		ct_dumped 2
		ct_new 1795823990.000001 $C 1003 20003 13	# 23:59:50
		ct_destroy 1795823995.000002 $A 1001 20001 11
		ct_new 1795824001.000003 $D 1004 20004 14	# 00:00:01
	} >"$TMP/in"
	daily "$TMP/log" "$TMP/in"
	flowlines "$TMP/log/2026-11-28.csv" | grep -v ';start;' | sort >"$TMP/open"
	sort >"$TMP/want" <<-END
	2026-11-28T00:00:00.000000Z;open;$(KEY $C 1003 20003 13);;;;;2026-11-27T23:59:50.000001Z;
	2026-11-28T00:00:00.000000Z;open;$(KEY $B 1002 20002 12);;;;;;
	END
	diff -u "$TMP/want" "$TMP/open" || fail "open records"
	sed -n 3p "$TMP/log/2026-11-28.csv" >"$TMP/snap"
	want "$TMP/snap" <<-END
	2026-11-28T00:00:00.000000Z;snapshot;;;;;;;;2;;;;;2026-11-27T23:59:50.000001Z;
	END
	expect_eq "the day before has none" "$(grep -c ';open;' "$TMP/log/2026-11-27.csv")" 2
	# with local days (-l), the first instant of the local day: an hour
	# earlier in Berlin
	mkdir "$TMP/l"
	sed 's/^\[179582399/[179582039/; s/^\[1795824001/[1795820401/' "$TMP/in" >"$TMP/inl"
	TZ=Europe/Berlin ctparse -l -o "$TMP/l/%Y-%m-%d.csv" "$TMP/inl" 2>/dev/null
	expect_eq "local midnight" "$(sed -n 3p "$TMP/l/2026-11-28.csv" | cut -d';' -f1,2)" \
	    "2026-11-28T00:00:00.000000+01:00;snapshot"
}

@test "no daily snapshot without a trusted table: no dump, a lost, a restart, a dump cut short" {
	for case in nodump lost restart cut; do
		{
			[ $case = nodump ] || ct_notice
			[ $case = nodump ] || ct_dump $A 1001 20001 11
			[ $case = nodump ] || [ $case = cut ] || ct_dumped 1
			ct_new 1795823990.000001 $C 1003 20003 13
			[ $case != lost ] || ct_enobufs
			[ $case != restart ] || ct_exited 1
			[ $case != restart ] || ct_notice
			ct_new 1795824001.000003 $D 1004 20004 14
		} >"$TMP/in.$case"
		daily "$TMP/log.$case" "$TMP/in.$case"
		expect_eq "$case: records of the new day" \
		    "$(records "$TMP/log.$case/2026-11-28.csv" | cut -d';' -f2 | grep -v -x -e restart -e lost | tr '\n' ' ')" "end "
		expect_eq "$case: open" "$(grep -c ';open;' "$TMP/log.$case/2026-11-28.csv")" 0
	done
}

@test "-o ktimestamp: the kernel's start and stop, read in the local time zone, a repeated hour resolved" {
	# TZ=Europe/London: 2026-10-25 01:30 happens at 00:30Z (BST) and 01:30Z
	p='tcp      6 src=10.0.0.1 dst=192.0.2.1 sport=1 dport=2 packets=1 bytes=2 src=192.0.2.1 dst=192.0.2.9 sport=2 dport=3 packets=3 bytes=4'
	while IFS='|' read -r ts delta start stop from to; do
		printf '[%s]\t[DESTROY] %s delta-time=%s [start=%s] [stop=%s] id=1\n' \
		    "$ts" "$p" "$delta" "$start" "$stop" >"$TMP/in"
		TZ=Europe/London ctparse "$TMP/in" 2>/dev/null | sed -n 2p |
		    cut -d';' -f15,16 >"$TMP/got"
		expect_eq "$ts $start $stop" "$(cat "$TMP/got")" "$from;$to"
	done <<-END
	1795757469.000000|12|Fri Nov 27 05:30:57 2026|Fri Nov 27 05:31:09 2026|2026-11-27T05:30:57Z|2026-11-27T05:31:09Z
	1792891805.000000|0|Sun Oct 25 01:30:00 2026|Sun Oct 25 01:30:00 2026|2026-10-25T01:30:00Z|2026-10-25T01:30:00Z
	1792888205.000000|0|Sun Oct 25 01:30:00 2026|Sun Oct 25 01:30:00 2026|2026-10-25T00:30:00Z|2026-10-25T00:30:00Z
	1792891805.000000|3600|Sun Oct 25 01:30:00 2026|Sun Oct 25 01:30:00 2026|2026-10-25T00:30:00Z|2026-10-25T01:30:00Z
	1792890005.000000|1800|Sun Oct 25 01:30:00 2026|Sun Oct 25 01:00:00 2026|2026-10-25T00:30:00Z|2026-10-25T01:00:00Z
	1795757469.000000|12|Fri Nov 27 05:30:57 2026|Sat Nov 27 05:31:09 2026|2026-11-27T05:30:57Z|
	1795757469.000000|12|Fri Nov 27 5:30:57 2026|Fri Nov 32 05:31:09 2026||
	END
	# in a dump line, the start is the open record's from; and with -l,
	# the kernel's times are written in local time
	{ ct_dump $A 1001 20001 11 "Fri Nov 27 05:00:00 2026"; ct_dumped 1; ct_new 1795757400.000001 $C 1003 20003 13; } >"$TMP/in"
	TZ=Europe/Berlin ctparse -l "$TMP/in" 2>/dev/null | grep ';open;' | cut -d';' -f15 >"$TMP/got"
	expect_eq "dump, local" "$(cat "$TMP/got")" "2026-11-27T05:00:00+01:00"
}

@test "live input: records on the wall clock, alive every -i seconds whether or not events come" {
	in=$(ct_new 1795757400.000001 $A 1001 20001 11)
	before=$(date +%s)
	(printf '%s\n' "$in"; sleep 3.3) | ctparse -i 1 >"$TMP/out" 2>/dev/null
	after=$(date +%s)
	records "$TMP/out" | cut -d';' -f2 | uniq -c | awk '{ print $2, $1 }' >"$TMP/kinds"
	n=$(awk '$1 == "alive" { print $2 }' "$TMP/kinds")
	[ "${n:-0}" -ge 2 ] && [ "$n" -le 4 ] || fail "alive records: $(cat "$TMP/kinds")"
	b=$(grep ';begin;' "$TMP/out" | cut -d';' -f1)
	records "$TMP/out" | while IFS=';' read -r t ev _ _ _ _ _ _ _ id _ _ _ _ from to; do
		s=$(epoch "$t")
		[ "$s" -ge "$before" ] && [ "$s" -le "$after" ] || fail "$ev at $t, not in [$before, $after]"
		expect_eq "$ev from" "$from" "$b"
	done
	# the same event from a file: records on the event's clock
	printf '%s\n' "$in" >"$TMP/in"
	ctparse -i 1 "$TMP/in" 2>/dev/null | records /dev/stdin | cut -d';' -f1 | sort -u >"$TMP/t"
	expect_eq "file clock" "$(cat "$TMP/t")" "$T0.000001Z"
	# and from standard input redirected from that file
	ctparse -i 1 <"$TMP/in" 2>/dev/null | records /dev/stdin | cut -d';' -f1 | sort -u >"$TMP/t"
	expect_eq "file on stdin" "$(cat "$TMP/t")" "$T0.000001Z"
}

@test "live input: restart from conntrack's exit summary, as read; no alive while no conntrack runs" {
	streaming -i 1 -o "$TMP/log"
	{ ct_notice; ct_new 1795757400.000001 $A 1001 20001 11; } >&7
	sleep 1.5
	w=$(date +%s.%N)
	ct_exited 1 >&7
	sleep 0.2
	x=$(date +%s.%N)
	sleep 2.5		# no conntrack: no heartbeat
	ct_notice >&7
	sleep 0.3
	y=$(date +%s.%N)
	ct_new 1795757400.000002 $B 1002 20002 12 >&7
	sleep 0.2
	exec 7>&-
	wait $pid || fail "status $?"
	records "$TMP/log" | cut -d';' -f1,2,15 | tr ';' ' ' >"$TMP/rec"
	# times as seconds.microseconds, for awk
	while read -r t ev from; do
		echo "$(epoch "$t").${t#*.}" "$ev" "${from:+$(epoch "$from").${from#*.}}"
	done <"$TMP/rec" | sed 's/Z//g' >"$TMP/num"
	awk -v w="$w" -v x="$x" -v y="$y" '
	$2 == "alive" { n++; a[n] = $1 }
	$2 == "restart" { r++; rt = $1
		if (!($3 + 0 >= w + 0 && $3 + 0 <= x + 0)) { print "restart from " $3 ", not in [" w ", " x "]"; bad = 1 }
		if (!($1 + 0 >= x + 0 && $1 + 0 <= y + 0)) { print "restart at " $1 ", not in [" x ", " y "]"; bad = 1 } }
	END {
		for (i = 1; i <= n; i++)
			if (a[i] + 0 > x + 0 && a[i] + 0 < rt + 0) { print "alive while no conntrack ran: " a[i]; bad = 1 }
		if (n < 1 || r != 1) { print n " alive, " r " restart"; bad = 1 }
		exit bad }' "$TMP/num" || fail "$(cat "$TMP/rec")"
	expect_eq last "$(tail -n 1 "$TMP/log" | cut -d';' -f2)" end
}

@test "end: not after conntrack's own end, never without a begin" {
	# conntrack -E ended (its summary), then the input went on
	{ ct_new 1795757400.000001 $A 1001 20001 11; ct_exited 1; } >"$TMP/in"
	(cat "$TMP/in"; sleep 1.2) | ctparse >"$TMP/out" 2>/dev/null
	b=$(grep ';begin;' "$TMP/out" | cut -d';' -f1)
	e=$(grep ';end;' "$TMP/out" | cut -d';' -f1)
	[ $(( $(epoch "$e") - $(epoch "$b") )) -lt 1 ] || fail "end at $e, begin at $b"
	# nothing from conntrack (a dump with no event after it, from a
	# file): no time to give it: nothing is claimed
	{ ct_notice; ct_dump $A 1001 20001 11; ct_dumped 1; } >"$TMP/in"
	ctparse "$TMP/in" >"$TMP/out" 2>"$TMP/err" || fail "status $?"
	expect_eq "no claim" "$(cat "$TMP/out")" ""
	# after an event, a dump with none after it is dropped with a warning
	{ ct_new 1795757400.000001 $A 1001 20001 11; ct_notice; ct_dump $B 1002 20002 12; ct_dumped 1; } >"$TMP/in"
	ctparse "$TMP/in" >"$TMP/out" 2>"$TMP/err" || fail "status $?"
	grep -q '^ctparse: 1 lines of a dump with no event after them: their time is not known, not logged' "$TMP/err" ||
		fail "$(cat "$TMP/err")"
	expect_eq "restart, end" "$(records "$TMP/out" | cut -d';' -f1,2,15 | tr '\n' ' ')" \
	    "$T0.000001Z;begin;$T0.000001Z $T0.000001Z;restart;$T0.000001Z $T0.000001Z;end;$T0.000001Z "
	: | ctparse >"$TMP/out" 2>/dev/null
	expect_eq "empty input" "$(cat "$TMP/out")" ""
}

@test "SIGHUP with a trusted table: the new file starts with a snapshot at the reopen time" {
	streaming -o "$TMP/log"
	{
		ct_notice
		ct_dump $A 1001 20001 11 "Fri Nov 27 05:00:00 2026"
		ct_dumped 1
		ct_new 1795757400.000001 $B 1002 20002 12
		ct_destroy 1795757401.000002 $A 1001 20001 11
		ct_new 1795757402.000003 $C 1003 20003 13
	} >&7
	sleep 0.5
	mv "$TMP/log" "$TMP/log.1"
	before=$(date +%s)
	kill -HUP $pid
	sleep 0.3
	ct_new 1795757403.000004 $D 1004 20004 14 >&7
	exec 7>&-
	wait $pid || fail "status $?"
	after=$(date +%s)
	cut -d';' -f2-10 "$TMP/log" | head -n 3 | sort >"$TMP/top"
	sort >"$TMP/want" <<-END
	open;$(KEY $B 1002 20002 12)
	open;$(KEY $C 1003 20003 13)
	snapshot;;;;;;;;2
	END
	diff -u "$TMP/want" "$TMP/top" || fail "top of the new file"
	t=$(head -n 1 "$TMP/log" | cut -d';' -f1)
	[ "$(epoch "$t")" -ge "$before" ] && [ "$(epoch "$t")" -le "$after" ] ||
		fail "snapshot at $t, not in [$before, $after]"
	expect_eq "from" "$(grep ';open;' "$TMP/log" | cut -d';' -f15 | sort | tr '\n' ' ')" \
	    "2026-11-27T05:30:00.000001Z 2026-11-27T05:30:02.000003Z "
	# a reopen while the file is not new, or the table untrusted: none
	expect_eq "old file" "$(grep -c ';snapshot;' "$TMP/log.1")" 1
}

@test "SIGTERM with half a line read: a warning, never logged" {
	streaming -o "$TMP/log"
	line=$(ct_new 1795757400.000001 $A 1001 20001 11)
	printf '%s\n%s' "$line" "${line% id=11}" >&7	# the second cut short
	sleep 0.3
	kill -TERM $pid
	wait $pid || fail "status $?"
	exec 7>&-
	expect_eq events "$(flowlines "$TMP/log" | wc -l)" 1
	grep -q "^ctparse: stdin:2: an unfinished line at SIGTERM, dropped: \[1795757400" "$TMP/err" ||
		fail "$(cat "$TMP/err")"
	grep -q "^ctparse: 1 events written, 0 dropped, 1 lines rejected" "$TMP/err" ||
		fail "$(cat "$TMP/err")"
}

@test "SIGTERM at random moments: never a line that is not in the input" {
	gen 0 300000 >"$TMP/base"
	ctparse "$TMP/base" 2>/dev/null | flowlines /dev/stdin | sort >"$TMP/all"
	for k in 1 2 3 4 5 6 7 8; do
		cat "$TMP/base" | ctparse >"$TMP/out" 2>"$TMP/err" &
		p=$!
		sleep "0.$(( (k * 37) % 20 ))$(( k % 10 ))"
		kill -TERM $p 2>/dev/null || true	# it may be done
		wait $p || fail "run $k: status $?"
		flowlines "$TMP/out" | sort | comm -23 - "$TMP/all" >"$TMP/extra"
		[ ! -s "$TMP/extra" ] || fail "run $k: lines not in the input: $(head -3 "$TMP/extra")"
		expect_eq "run $k: end" "$(tail -n 1 "$TMP/out" | cut -d';' -f2)" end
	done
}

@test "the man page's examples" {
	# ctparse -H examples/sample/conntrack.txt
	run ctparse -H "$TOP/examples/sample/conntrack.txt"
	[ "$status" -eq 0 ]
	expect_eq header "${lines[0]}" "$(printf '%s' 'time;event;proto;src;sport;dst;dport;nat;natport;id;opkts;obytes;rpkts;rbytes;from;to')"
	expect_eq begin "$(cut -d';' -f2 <<<"${lines[1]}")" begin
	# every NEW and DESTROY of the sample is an event of the log
	expect_eq events "$(grep -c -E ';(start|stop);' <<<"$output")" \
	    "$(grep -c -E '\[(NEW|DESTROY)\]' "$TOP/examples/sample/conntrack.txt")"
	[ "$(grep -c ';open;' <<<"$output")" -gt 0 ] || fail "no open record: $output"
	# ... 2>&1 | ctparse -i 10 | grep ';alive;' (with -i 1 here)
	(ct_notice; sleep 2.5) | ctparse -i 1 2>/dev/null | grep ';alive;' >"$TMP/alive"
	n=$(wc -l <"$TMP/alive")
	[ "$n" -ge 1 ] && [ "$n" -le 3 ] || fail "$n alive records"
	# ... | ctparse -l -o current.csv, logrotate: mv, then SIGHUP
	printf '%s\n' "$(ct_new 1795757400.000001 $A 1001 20001 11)" >"$TMP/in"
	TZ=Europe/Berlin ctparse -l -o "$TMP/current.csv" "$TMP/in" 2>/dev/null
	expect_eq local "$(sed -n 2p "$TMP/current.csv" | cut -d';' -f1)" "2026-11-27T06:30:00.000001+01:00"
}

@test "the table of open flows: every operation against a naive one, and its bound (t/otabtest)" {
	for seed in 1 2 3; do
		run "$BATS_TEST_DIRNAME/otabtest" $seed 40000
		[ "$status" -eq 0 ] || fail "seed $seed: $output"
		expect_eq "seed $seed" "$output" "40000 operations, 0 failed"
	done
}
