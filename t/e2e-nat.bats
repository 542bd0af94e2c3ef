#!/usr/bin/env bats
# End to end, on a real kernel NAT: network namespaces made here (client,
# router with nftables source NAT, server; t/e2e/natlab.sh), the real
# conntrack piped into ctparse, real TCP and UDP flows whose inside address
# the server learns from the flows themselves (t/e2e/flows.py).  Then every
# flow the server saw must be traced back by cttrace to its inside host,
# on plain, gzip'd and ctzip'd logs.  Only the namespaces' own addresses
# are used.
#
# Needs root, conntrack, nft, ip and python3: outside CI it skips without
# them; with CI=true it fails instead.
load helper

E2E=$TOP/t/e2e

need() {
	needlab conntrack nft ip python3 gzip
}

# lab PREFIX DIR [PORTRANGE] [SEED FLOWS OPEN]: run traffic through a fresh
# lab while the runit run script (conntrack -E's NOTICE, a dump of the open
# flows, its events; less the host-wide sysctls) | ctparse logs it to
# DIR/log; the server's view is in DIR/server.jsonl.  Flows left open
# outlive the log.
lab() {
	local p=$1 d=$2 range=${3:-20000-60000} seed=${4:-42} flows=${5:-80} open=${6:-4}
	mkdir -p "$d/log"
	"$E2E/natlab.sh" down "$p" >/dev/null 2>&1
	"$E2E/natlab.sh" up "$p" "$range" >"$d/lab.out" 2>&1 || fail "lab: $(cat "$d/lab.out")"
	ip netns exec "$p-srv" timeout 240 python3 "$E2E/flows.py" server \
	    --log "$d/server.jsonl" --duration 230 >"$d/server.out" 2>&1 &
	for _ in $(seq 50); do grep -q ready "$d/server.out" && break; sleep 0.1; done
	grep -q ready "$d/server.out" || fail "server: $(cat "$d/server.out")"
	mkdir -p "$d/sv"
	"$E2E/labrun.sh" "$d/sv"
	(cd "$d/sv" && exec ip netns exec "$p-rtr" timeout 240 sh ./run) |
	    ctparse -o "$d/log/%Y-%m-%d.csv" 2>"$d/ctparse.err" &
	local ppid=$!
	sleep 1
	ip netns exec "$p-cli" timeout 200 python3 "$E2E/flows.py" client \
	    --log "$d/client.jsonl" --seed "$seed" --flows "$flows" --spread 12 \
	    --open "$open" --until "$d/stop" --max-open 60 &
	local cpid=$!
	# every flow but the open ones is over after spread + the longest hold
	sleep 24
	stopct "$p"
	for _ in $(seq 50); do kill -0 $ppid 2>/dev/null || break; sleep 0.1; done
	touch "$d/stop"
	wait $cpid
	"$E2E/natlab.sh" down "$p" >/dev/null 2>&1
	grep -q ' 0 lines rejected' "$d/ctparse.err" || fail "ctparse: $(cat "$d/ctparse.err")"
}

# stopct PREFIX: SIGTERM to the conntrack of this lab's router, and no
# other (pkill would reach every conntrack on the machine: the namespaces
# share the process table)
stopct() {
	local pid
	for pid in $(ip netns pids "$1-rtr"); do
		if [ "$(cat /proc/$pid/comm 2>/dev/null)" = conntrack ]; then
			kill -TERM $pid
		fi
	done
}

# answers DIR LOGDIR OUT [D]: for each message the server saw, the
# question (proto nat natport time), the true inside host, and cttrace's
# candidates and verdict, one line each: QUESTION|TRUTH|FIRST|HOSTS|VERDICT.
# With D, the question names the destination too (cttrace -D).
answers() {
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r.get("who") is None:
        continue
    d = "[%s]:%d" % (r["dst"], r["dport"]) if ":" in r["dst"] else "%s:%d" % (r["dst"], r["dport"])
    print(r["proto"], r["nat"], r["natport"], "@%.6f" % r["t"], r["who"], r["whoport"], d)
' "$1/server.jsonl" | while read -r proto nat natport t who whoport dst; do
		# none (exit 1) is an answer too (logged() then tells why);
		# an error (2) is not
		st=0
		out=$(cttrace -d "$2" -p "$proto" ${4:+-D "$dst"} "$nat" "$natport" "$t") || st=$?
		[ "$st" -le 1 ] || { echo "cttrace failed ($st): $out" >&2; return 1; }
		first=$(printf '%s\n' "$out" | awk '$1 == "1" { print $2 }')
		hosts=$(printf '%s\n' "$out" | awk '$1 ~ /^[0-9]+$/ { printf "%s ", $2 }')
		verdict=$(printf '%s\n' "$out" | grep '^verdict:')$(printf '%s\n' "$out" | grep -m 1 '^gap:' | sed 's/^/ /')
		printf '%s %s %s %s|%s|%s|%s|%s\n' "$proto" "$nat" "$natport" "$t" \
		    "$(hp "$who" "$whoport")" "$first" "$hosts" "$verdict"
	done >"$3"
}

addr() {	# the address of ADDR:PORT or [ADDR]:PORT
	local a=${1%:*}
	a=${a#[}
	echo "${a%]}"
}

hp() {	# address and port as cttrace writes them
	case $1 in *:*) echo "[$1]:$2" ;; *) echo "$1:$2" ;; esac
}

# logged DIR QUESTION TRUTH: the log has the start line of the truth's
# flow (conntrack delivered its NEW event)
logged() {
	local proto=${2%% *} a=${3%:*} p=${3##*:}
	a=${a#[}
	a=${a%]}
	cat "$1"/log/*.csv | grep -q -F ";start;$proto;$a;$p;"
}

@test "e2e: every flow the server saw is traced to its inside host, plain, gzip'd and ctzip'd" {
	need
	d=$TMP
	# short timeouts, so that most flows also stop within the log
	NATLAB_RTR_SYSCTL="net.netfilter.nf_conntrack_udp_timeout=3 net.netfilter.nf_conntrack_udp_timeout_stream=5 net.netfilter.nf_conntrack_tcp_timeout_time_wait=2" \
	    lab "ctE$$" "$d"
	[ "$(wc -l <"$d/server.jsonl")" -gt 60 ] || fail "too little traffic"
	# the middle of long flows is asked about too
	[ "$(grep -c '"whoport"' "$d/server.jsonl")" -gt 0 ]
	answers "$d" "$d/log" "$d/plain"
	bad=0 n=0
	while IFS='|' read -r q truth first hosts verdict; do
		n=$((n + 1))
		if [ "$first" != "$truth" ]; then
			if logged "$d" "$q" "$truth"; then
				echo "wrong: $q: want $truth, got [$hosts] $verdict" >&2
				bad=$((bad + 1))
			else
				echo "not traceable (conntrack lost its NEW): $q $truth" >&2
			fi
		fi
	done <"$d/plain"
	[ "$n" -gt 60 ] || fail "only $n questions"
	expect_eq "wrongly traced, of $n" "$bad" 0
	# the same answers from the gzip'd days
	mkdir "$d/gz"
	for f in "$d"/log/*.csv; do gzip -c "$f" >"$d/gz/${f##*/}.gz"; done
	answers "$d" "$d/gz" "$d/gzip"
	diff "$d/plain" "$d/gzip" || fail "gzip'd logs answer otherwise"
	# and from days compressed by ctzip, in small blocks, with an index
	mkdir "$d/cz"
	for f in "$d"/log/*.csv; do cp "$f" "$d/cz/"; ctzip -f -b 2k "$d/cz/${f##*/}"; done
	ls "$d"/cz/*.csv.gz.idx >/dev/null
	answers "$d" "$d/cz" "$d/ctzip"
	diff "$d/plain" "$d/ctzip" || fail "ctzip'd logs answer otherwise"
}

@test "e2e: a NAT range of 16 ports, ports passing between hosts: the right host is always a candidate" {
	need
	d=$TMP
	NATLAB_RTR_SYSCTL="net.netfilter.nf_conntrack_udp_timeout=2 net.netfilter.nf_conntrack_udp_timeout_stream=2 net.netfilter.nf_conntrack_tcp_timeout_time_wait=1 net.netfilter.nf_conntrack_tcp_timeout_close=1" \
	    lab "ctT$$" "$d" 20000-20015 7 120 0
	answers "$d" "$d/log" "$d/tiny"
	n=0 first=0 missing=0 silent=0
	while IFS='|' read -r q truth f hosts verdict; do
		logged "$d" "$q" "$truth" || continue
		n=$((n + 1))
		# the question is the host: another flow of the same host
		# first is a right answer ("one answer: HOST (2 flows)")
		if [ "$(addr "$f")" = "$(addr "$truth")" ]; then
			first=$((first + 1))
			[[ " $hosts" == *" $truth "* ]] || {
				echo "missing: $q $truth [$hosts] $verdict" >&2
				missing=$((missing + 1))
			}
		elif [[ " $hosts" == *" $truth "* ]]; then
			[[ "$verdict" == "verdict: several candidates"* ||
			    "$verdict" == "verdict: unknown"* ]] || {
				echo "not first and no warning: $q $truth [$hosts] $verdict" >&2
				silent=$((silent + 1))
			}
		else
			echo "missing: $q $truth [$hosts] $verdict" >&2
			missing=$((missing + 1))
		fi
	done <"$d/tiny"
	echo "tiny range: $first of $n first" >&2
	[ "$n" -gt 40 ] || fail "only $n questions"
	# the log has no gap: "unknown" only where a window begins before
	# its first snapshot or ends after its last record (the questions of
	# its first and last seconds)
	s=$(grep -m 1 ';snapshot;' "$d"/log/*.csv | cut -d';' -f1)
	s=$(date -u -d "$s" +%s)
	e=$(cat "$d"/log/*.csv | tail -n 1 | cut -d';' -f1)
	e=$(date -u -d "$e" +%s)
	while IFS='|' read -r q truth f hosts verdict; do
		case $verdict in "verdict: unknown"*) ;; *) continue ;; esac
		set -- $q
		t=${4#@}
		[ "${t%.*}" -lt $((s + 11)) ] || [ "${t%.*}" -ge $((e - 11)) ] ||
		    fail "unknown in a complete log: $q $verdict"
	done <"$d/tiny"
	echo "# $(grep -c '|verdict: unknown' "$d/tiny") questions of the first and last seconds unknown" >&3
	expect_eq "right host missing" "$missing" 0
	expect_eq "not first without a warning" "$silent" 0
	# without the destination, simultaneous holders cannot be told apart
	[ $((first * 100)) -ge $((n * 60)) ] || fail "first in only $first of $n"
	# the complainant's own address and port (-D) tell apart the hosts
	# that shared the NAT port at once
	answers "$d" "$d/log" "$d/tinyD" D
	n=0 first=0
	while IFS='|' read -r q truth f hosts verdict; do
		logged "$d" "$q" "$truth" || continue
		n=$((n + 1))
		[ "$(addr "$f")" = "$(addr "$truth")" ] && first=$((first + 1))
		[[ " $hosts" == *" $truth "* ]] || fail "-D: missing: $q $truth [$hosts]"
	done <"$d/tinyD"
	echo "tiny range with -D: $first of $n first" >&2
	[ $((first * 100)) -ge $((n * 90)) ] || fail "-D: first in only $first of $n"
	# all the questions of a protocol as one batch (cttrace -b): each
	# answer is the one the question got alone
	for proto in tcp udp; do
		awk -F'|' -v p="$proto" '{ split($1, q, " ") }
		    q[1] == p { print q[2], q[3], q[4] }' "$d/tiny" >"$d/c.$proto"
		[ -s "$d/c.$proto" ] || continue
		cttrace -d "$d/log" -p "$proto" -b "$d/c.$proto" >"$d/b.$proto" ||
		    [ $? -eq 1 ] || fail "cttrace -b failed"
		k=0
		while read -r nat natport t; do
			k=$((k + 1))
			st=0
			cttrace -d "$d/log" -p "$proto" "$nat" "$natport" "$t" >"$d/one" || st=$?
			[ "$st" -le 1 ] || fail "cttrace failed ($st)"
			awk -v k="$k" '/^line [0-9]+: / { on = ($2 == k ":")
			    sub(/^line [0-9]+: /, "") } on && $0 != ""' "$d/b.$proto" >"$d/bk"
			cmp -s "$d/one" "$d/bk" || fail "-b: question $k ($nat $natport $t) differs: $(diff "$d/one" "$d/bk")"
		done <"$d/c.$proto"
	done
}
