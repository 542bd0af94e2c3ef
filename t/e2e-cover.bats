#!/usr/bin/env bats
# End to end, on a real kernel NAT: what the log covers.  The runit run
# script (examples/runit/ctparse/run: conntrack -E, a dump of the open
# flows, the events) runs in the lab's router namespace under a
# supervisor loop, as runsv runs it, piped into ctparse; conntrack is
# killed and started again four seconds later while clients keep making
# flows, and some flows began before ctparse started.  Then every
# message the server saw is a complaint, and cttrace must never answer
# "none" (the server saw a flow), never name one host that is not the
# right one, and find the flows that began before logging.  Times after
# the log and before it are "unknown"; days compressed with ctzip -z zstd
# answer as the plain ones.  Only the lab's own addresses are used.
#
# Needs root, conntrack, nft, ip, python3 and zstd: outside CI it skips
# without them; with CI=true it fails instead.
load helper

E2E=$TOP/t/e2e

need() {
	needlab conntrack nft ip python3 zstd
}

teardown() {
	[ -n "${TMP:-}" ] && touch "$TMP/stop" "$TMP/stoploop"
	[ -n "${P:-}" ] && "$E2E/natlab.sh" down "$P" >/dev/null 2>&1
	[ -n "${TMP:-}" ] && rm -rf "$TMP"
}

# ctpid: the pid of the router's conntrack -E (not -L, not another lab's)
ctpid() {
	local pid
	for pid in $(ip netns pids "$P-rtr"); do
		if [ "$(cat /proc/$pid/comm 2>/dev/null)" = conntrack ] &&
		    tr '\0' ' ' </proc/$pid/cmdline | grep -q -- ' -E '; then
			echo $pid
			return 0
		fi
	done
	return 1
}

# verdicts LOGDIR OUT: for each message the server saw, the question, the
# truth (the inside host that sent it), and cttrace's candidate hosts and
# verdict: T|PROTO|NAT|NATPORT|TRUTH|HOSTS|VERDICT|STATUS
verdicts() {
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r.get("who") is not None:
        print("%.6f" % r["t"], r["proto"], r["nat"], r["natport"], r["who"])
' "$TMP/server.jsonl" | while read -r t proto nat natport who; do
		st=0
		out=$(cttrace -d "$1" -p "$proto" "$nat" "$natport" "@$t" 2>&1) || st=$?
		hosts=$(printf '%s\n' "$out" | awk '$1 ~ /^[0-9]+$/ { a = $2; sub(/:[0-9]+$/, "", a)
		    gsub(/[][]/, "", a); printf "%s ", a }')
		v=$(printf '%s\n' "$out" | sed -n 's/^verdict: \([a-z]*\).*/\1/p')
		printf '%s|%s|%s|%s|%s|%s|%s|%s\n' "$t" "$proto" "$nat" "$natport" "$who" "$hosts" "$v" "$st"
	done >"$2"
}

@test "e2e: conntrack restarted under a supervisor, flows from before ctparse: never none, never a wrong host" {
	need
	P=ctC$$
	d=$TMP
	"$E2E/natlab.sh" down "$P" >/dev/null 2>&1
	NATLAB_RTR_SYSCTL="net.netfilter.nf_conntrack_udp_timeout=3 net.netfilter.nf_conntrack_udp_timeout_stream=5 net.netfilter.nf_conntrack_tcp_timeout_time_wait=2" \
	    "$E2E/natlab.sh" up "$P" >"$d/lab.out" 2>&1 || fail "lab: $(cat "$d/lab.out")"
	ip netns exec "$P-srv" timeout 150 python3 "$E2E/flows.py" server \
	    --log "$d/server.jsonl" --duration 140 >"$d/server.out" 2>&1 &
	for _ in $(seq 50); do grep -q ready "$d/server.out" && break; sleep 0.1; done
	grep -q ready "$d/server.out" || fail "server: $(cat "$d/server.out")"
	# before logging: long flows (a message a second for 40 s) and flows
	# left open, which ctparse will not see begin
	ip netns exec "$P-cli" timeout 120 python3 "$E2E/flows.py" client \
	    --log "$d/before.jsonl" --seed 21 --flows 14 --spread 2 --long 6 \
	    --hold 45 --open 4 --until "$d/stop" --max-open 100 >/dev/null 2>&1 &
	sleep 3
	# the run script, less its sysctls (labrun.sh), under a
	# supervisor loop: when conntrack dies, it runs again (after a pause
	# longer than runsv's, to make a real outage)
	mkdir "$d/sv" "$d/log"
	"$E2E/labrun.sh" "$d/sv"
	(
		cd "$d/sv" || exit 1
		while [ ! -e "$d/stoploop" ]; do
			ip netns exec "$P-rtr" sh ./run || :	# (bats runs with set -e)
			[ -e "$d/stoploop" ] || sleep 4
		done
	) | tee "$d/raw" | ctparse -i 2 -o "$d/log/%Y-%m-%d.csv" 2>"$d/ctparse.err" &
	cp=$!
	sleep 2
	ip netns exec "$P-cli" timeout 100 python3 "$E2E/flows.py" client \
	    --log "$d/during.jsonl" --seed 27 --flows 80 --spread 40 --long 12 \
	    --hold 20 >/dev/null 2>&1 &
	cl=$!
	sleep 28
	pid=$(ctpid) || fail "no conntrack -E"
	kill -KILL "$pid"
	sleep 6
	ctpid >/dev/null || fail "conntrack did not come back: $(grep -v '^\[' "$d/raw" | tail -5)"
	wait $cl
	touch "$d/stop"
	sleep 2
	touch "$d/stoploop"
	kill -TERM "$(ctpid)"
	for _ in $(seq 100); do kill -0 $cp 2>/dev/null || break; sleep 0.1; done
	wait $cp || fail "ctparse status $?: $(cat "$d/ctparse.err")"
	grep -q ' 0 lines rejected' "$d/ctparse.err" || fail "ctparse: $(cat "$d/ctparse.err")"
	"$E2E/natlab.sh" down "$P" >/dev/null 2>&1
	cat "$d"/log/*.csv >"$d/all"
	expect_eq restarts "$(grep -c ';restart;' "$d/all")" 1
	expect_eq snapshots "$(grep -c ';snapshot;' "$d/all")" 2

	verdicts "$d/log" "$d/plain"
	n=0 none=0 wrong=0 unknown=0 right=0 early=0
	b=$(grep ';begin;' "$d/all" | head -n 1 | cut -d';' -f1)
	b=$(date -u -d "$b" +%s)
	while IFS='|' read -r t proto nat port who hosts v st; do
		n=$((n + 1))
		case $v in
		none) echo "none: $t $proto $nat $port ($who)" >&2; none=$((none + 1)) ;;
		one) if [ "$(printf '%s\n' $hosts | sort -u)" = "$who" ]; then
			right=$((right + 1))
		     else
			echo "wrong: $t $proto $nat $port: $who, answered [$hosts]" >&2
			wrong=$((wrong + 1))
		     fi ;;
		several) [[ " $hosts" == *" $who "* ]] || { echo "missing: $t $nat $port $who [$hosts]" >&2; wrong=$((wrong + 1)); } ;;
		unknown) unknown=$((unknown + 1))
			[ "$st" -ne 1 ] || { echo "unknown with exit 1: $t" >&2; wrong=$((wrong + 1)); } ;;
		*) echo "no verdict ($st): $t $nat $port" >&2; wrong=$((wrong + 1)) ;;
		esac
	done <"$d/plain"
	echo "# $n complaints: $right one and right, $unknown unknown" >&3
	[ "$n" -gt 100 ] || fail "only $n complaints"
	expect_eq "answered none" "$none" 0
	expect_eq "wrong or missing" "$wrong" 0
	[ "$unknown" -gt 0 ] || fail "the outage made no complaint unknown"
	# and "unknown" only where the log has a gap in what the answer
	# needs: from the latest snapshot at or before T-10 (none: a day
	# before, before the log) to T+10, against the restart's gap and the
	# log's end
	python3 -c '
import sys, datetime
def ep(s):
    return datetime.datetime.strptime(s[:26].rstrip("Z"), "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc).timestamp()
snaps, gaps, last = [], [], 0
for l in open(sys.argv[1]):
    f = l.rstrip("\n").split(";")
    t = ep(f[0]) if "." in f[0] else None
    if t is None:
        continue
    last = max(last, t)
    if f[1] == "snapshot":
        snaps.append(t)
    if f[1] == "restart":
        gaps.append((ep(f[14]), t))
bad = 0
for l in open(sys.argv[2]):
    t, proto, nat, port, who, hosts, v, st = l.rstrip("\n").split("|")
    t = float(t)
    k = [s for s in snaps if s <= t - 10]
    complete = bool(k) and t + 10 <= last - 1 and not any(a <= t + 10 and b >= max(k) for a, b in gaps)
    if complete and v == "unknown":
        print("unknown, though the log covers it:", l.strip())
        bad += 1
sys.exit(1 if bad else 0)
' "$d/all" "$d/plain" >&2 || fail "unknown where the log is complete"
	# a flow that began before ctparse, asked about once its first dump
	# is older than the window (and before the outage): one answer, the
	# right one, found through the dump; and a flow that began during the
	# outage, asked about once the second dump is: found through it
	r=$(grep ';restart;' "$d/all" | cut -d';' -f1,15)
	rfrom=$(date -u -d "${r#*;}" +%s) rat=$(date -u -d "${r%;*}" +%s)
	python3 -c '
import json, sys
def flows(path, lo, hi):
    s = set()
    for l in open(path):
        r = json.loads(l)
        if r.get("result") == "ok" and r.get("hold", 0) > 10 and lo <= r["t_start"] < hi:
            s.add((r["src"], r["sport"]))
    return s
b, rfrom, rat = (float(x) for x in sys.argv[3:6])
before = flows(sys.argv[1], 0, b)
outage = flows(sys.argv[2], rfrom, rat)
for l in open(sys.argv[7]):
    r = json.loads(l)
    k = (r.get("who"), r.get("whoport"))
    if k in before and b + 14 <= r["t"] <= rfrom - 12:
        print("before %.6f" % r["t"])
    if k in outage and r["t"] >= rat + 16:
        print("outage %.6f" % r["t"])
' "$d/before.jsonl" "$d/during.jsonl" "$b" "$rfrom" "$rat" - "$d/server.jsonl" >"$d/early"
	for kind in before outage; do
		k=0
		while read -r what t; do
			[ "$what" = "$kind" ] || continue
			line=$(grep "^$t|" "$d/plain") || continue
			IFS='|' read -r _ _ _ _ who hosts v _ <<<"$line"
			if [ "$kind" = before ]; then
				[ "$v" = one ] && [ "$(printf '%s\n' $hosts | sort -u)" = "$who" ] ||
				    fail "began before ctparse: $line"
			else
				[[ " $hosts" == *" $who "* ]] || fail "began in the outage, not found: $line"
			fi
			k=$((k + 1))
		done <"$d/early"
		echo "# $k complaints about flows begun $kind" >&3
		[ "$k" -gt 0 ] || fail "no complaint about a flow begun $kind"
	done

	# after the log's last record, and before its first: unknown, exit 2
	last=$(tail -n 1 "$d/all" | cut -d';' -f1)
	for t in "@$(($(date -u -d "$last" +%s) + 3600))" "@$((b - 3600))"; do
		run cttrace -d "$d/log" 198.51.100.1 20000 "$t"
		expect_eq "$t: status" "$status" 2
		[[ "${lines[-1]}" == "verdict: unknown: "* ]] || fail "$t: $output"
	done

	# the same days compressed by ctzip -z zstd: the same answers
	mkdir "$d/zst"
	for f in "$d"/log/*.csv; do cp "$f" "$d/zst/"; ctzip -f -z zstd -b 4k "$d/zst/${f##*/}"; done
	ls "$d"/zst/*.csv.zst.idx >/dev/null
	verdicts "$d/zst" "$d/zstd"
	diff "$d/plain" "$d/zstd" || fail "ctzip -z zstd days answer otherwise"
}
