# conntrack's text, made line by line for the ctparse suites (load it
# after helper).  Flows are tcp from SRC:SPORT to 198.51.100.2:7001,
# NATed to 198.51.100.1:NATPORT.

# ct_new TIME SRC SPORT NATPORT ID: an event line [NEW] at TIME (SEC.USEC)
ct_new() {
	printf '[%s]\t    [NEW] ipv4     2 tcp      6 120 SYN_SENT src=%s dst=198.51.100.2 sport=%s dport=7001 [UNREPLIED] src=198.51.100.2 dst=198.51.100.1 sport=7001 dport=%s id=%s\n' "$1" "$2" "$3" "$4" "$5"
}

# ct_destroy TIME SRC SPORT NATPORT ID ["START" "STOP" DELTA]: [DESTROY],
# with -o ktimestamp's words when START is given (ctime text)
ct_destroy() {
	printf '[%s]\t[DESTROY] ipv4     2 tcp      6 src=%s dst=198.51.100.2 sport=%s dport=7001 packets=6 bytes=342 src=198.51.100.2 dst=198.51.100.1 sport=7001 dport=%s packets=4 bytes=238 [ASSURED] delta-time=%s %sid=%s\n' "$1" "$2" "$3" "$4" "${8:-2}" "${6:+[start=$6] [stop=$7] }" "$5"
}

# ct_dump SRC SPORT NATPORT ID ["START"]: a line of conntrack -L
ct_dump() {
	printf 'ipv4     2 tcp      6 431999 ESTABLISHED src=%s dst=198.51.100.2 sport=%s dport=7001 packets=4 bytes=238 src=198.51.100.2 dst=198.51.100.1 sport=7001 dport=%s packets=3 bytes=186 [ASSURED] mark=0 delta-time=5 %suse=1 id=%s\n' "$1" "$2" "$3" "${5:+[start=$5] }" "$4"
}

ct_notice() {	# conntrack -E started
	echo 'NOTICE: Netlink socket buffer size has been set to 209715200 bytes.'
}

ct_dumped() {	# ct_dumped N: the end of conntrack -L
	echo "conntrack v1.4.7 (conntrack-tools): $1 flow entries have been shown."
}

ct_exited() {	# ct_exited N: the end of conntrack -E
	echo "conntrack v1.4.7 (conntrack-tools): $1 flow events have been shown."
}

ct_enobufs() {
	echo 'WARNING: We have hit ENOBUFS! We are losing events.'
	echo 'This message means that the current netlink socket buffer size is too small.'
	echo 'Please, check --buffer-size in conntrack(8) manpage.'
}

# KEY SRC SPORT NATPORT ID: the log's key fields of such a flow
KEY() {
	printf 'tcp;%s;%s;198.51.100.2;7001;198.51.100.1;%s;%s' "$1" "$2" "$3" "$4"
}

# records FILE: the coverage records of a log (csv.h's CSV_RECORD)
records() {
	grep -F ';;;;;;;;' "$1" || true
}

# flowlines FILE: its other lines
flowlines() {
	grep -v -F ';;;;;;;;' "$1" || true
}

# epoch TIME: seconds since the Epoch of a log's UTC time (GNU date)
epoch() {
	date -u -d "$(printf '%s' "$1" | sed 's/Z$//; s/T/ /')" +%s
}
