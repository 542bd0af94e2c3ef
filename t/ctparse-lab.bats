#!/usr/bin/env bats
# ctparse under the deployment examples, on a real kernel NAT: the runit
# run script (examples/runit/ctparse/run) and the systemd unit's ExecStart
# (examples/systemd/ctparse.service) run in the router namespace of a lab
# (t/e2e/natlab.sh) while flows are open and being made, their output
# piped into ctparse; the run script again and again, as runsv would.
# What must hold: flows open before ctparse started are logged as open
# records and a snapshot; a restart record with a sensible from; no line
# interleaved or rejected.  Only the lab's own addresses are used.
#
# Needs root, conntrack, nft, ip and python3: outside CI it skips without
# them; with CI=true it fails instead.
load helper
load ctlines

E2E=$TOP/t/e2e

need() {
	local why=
	[ "$(id -u)" -eq 0 ] || why="needs root"
	for c in conntrack nft ip python3 perl; do
		command -v $c >/dev/null || why="${why:+$why, }needs $c"
	done
	[ -z "$why" ] && return 0
	[ "${CI:-}" != true ] || fail "CI must run the lab tests: $why"
	skip "$why"
}

teardown() {
	[ -n "${P:-}" ] && "$E2E/natlab.sh" down "$P" >/dev/null 2>&1
	rmemback
	[ -n "${TMP:-}" ] && touch "$TMP/stop" && rm -rf "$TMP"
}

# rmemback: the host's net.core.rmem_default and rmem_max as they were
# when rmemsave saved them (a test that sets them, or a run script that
# failed to, leaves them as it found them)
rmemsave() {
	RMEM0=$(sysctl -n net.core.rmem_default) RMAX0=$(sysctl -n net.core.rmem_max)
}
rmemback() {
	[ -n "${RMEM0:-}" ] || return 0
	[ "$(sysctl -n net.core.rmem_default)" = "$RMEM0" ] ||
		sysctl -q -w net.core.rmem_default="$RMEM0"
	[ "$(sysctl -n net.core.rmem_max)" = "$RMAX0" ] ||
		sysctl -q -w net.core.rmem_max="$RMAX0"
}

# unitline KEY: the unit's KEY=/bin/sh -c text as systemd passes it to
# sh (%% %, $$ $, \\ \), its state file in $TMP, up to the pipe into
# setpriv and ctparse
unitline() {
	perl -ne 'BEGIN { $k = shift; $t = shift }
	    next unless s/^$k=\/bin\/sh -c \x27//; s/\x27\s*$//;
	    s/%%/%/g; s/\$\$/\$/g; s/\\\\/\\/g; s/ \| exec setpriv .*//;
	    s/\/run\/ctparse\.rmem_default/$t\/rmem/g; print' \
	    "$1" "$TMP" "$TOP/examples/systemd/ctparse.service"
}

# lab: a fresh lab $P, its server, and flows left open (client "before")
# that ctparse will not see start
lab() {
	P=ctL$$
	"$E2E/natlab.sh" down "$P" >/dev/null 2>&1
	"$E2E/natlab.sh" up "$P" >"$TMP/lab.out" 2>&1 || fail "lab: $(cat "$TMP/lab.out")"
	ip netns exec "$P-srv" timeout 90 python3 "$E2E/flows.py" server \
	    --log "$TMP/server.jsonl" --duration 85 >"$TMP/server.out" 2>&1 &
	for _ in $(seq 50); do grep -q ready "$TMP/server.out" && break; sleep 0.1; done
	grep -q ready "$TMP/server.out" || fail "server: $(cat "$TMP/server.out")"
	ip netns exec "$P-cli" timeout 80 python3 "$E2E/flows.py" client \
	    --log "$TMP/before.jsonl" --seed 5 --flows 6 --open 6 --spread 1 \
	    --until "$TMP/stop" --max-open 70 >/dev/null 2>&1 &
	sleep 2.5
}

# traffic SEED: short flows while ctparse logs (client "during")
traffic() {
	ip netns exec "$P-cli" timeout 60 python3 "$E2E/flows.py" client \
	    --log "$TMP/during.jsonl" --seed "$1" --flows 30 --spread 6 \
	    --until "$TMP/stop" --max-open 40 >/dev/null 2>&1 &
}

# killct: SIGTERM to the router's conntrack -E (not -L, not another lab's)
killct() {
	local pid n=0
	for pid in $(ip netns pids "$P-rtr"); do
		if [ "$(cat /proc/$pid/comm 2>/dev/null)" = conntrack ] &&
		    tr '\0' ' ' </proc/$pid/cmdline | grep -q -- ' -E '; then
			kill -TERM $pid && n=$((n + 1))
		fi
	done
	[ $n -eq 1 ] || fail "killed $n conntrack -E"
}

# opened: the flows of "before" that were open when ctparse started, as
# "proto;src;sport" (the client logs a flow when it ends)
opened() {
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r.get("open") and r.get("result") == "ok":
        print("%s;%s;%s" % (r["proto"], r["src"], r["sport"]))
' "$TMP/before.jsonl" | sort
}

# check LOG RAW RESTARTS: what every run must show
check() {
	local log=$1 raw=$2 n
	grep -q ' 0 lines rejected' "$TMP/ctparse.err" || fail "ctparse: $(cat "$TMP/ctparse.err")"
	# nothing interleaved: conntrack's messages start their lines, and
	# every line is one of conntrack's
	expect_eq "messages mid-line" "$(grep -c '.conntrack v1' "$raw")" 0
	expect_eq "other lines" "$(grep -v -c -E '^(\[[0-9]+\.[0-9]+\]	 *\[(NEW|DESTROY)\] |ipv[46] |NOTICE: |conntrack v1\.[0-9.]+ \(conntrack-tools\): [0-9]+ flow (events|entries) have been shown\.$)' "$raw")" 0
	# the first dump: the flows open before ctparse, then a snapshot of
	# as many open records
	awk -F';' '$2 == "snapshot" { print $10; exit } $2 == "open" { print $3 ";" $4 ";" $5 > "/dev/stderr" }' \
	    "$log" 2>"$TMP/open1" >"$TMP/snap1"
	[ -s "$TMP/snap1" ] || fail "no snapshot: $(records "$log")"
	expect_eq "snapshot count" "$(cat "$TMP/snap1")" "$(wc -l <"$TMP/open1")"
	opened >"$TMP/opened"
	[ "$(wc -l <"$TMP/opened")" -ge 4 ] || fail "only $(wc -l <"$TMP/opened") flows left open"
	sort "$TMP/open1" | comm -23 "$TMP/opened" - >"$TMP/missing"
	[ ! -s "$TMP/missing" ] || fail "open before ctparse, not in its first dump: $(cat "$TMP/missing")"
	# the kernel's start of those flows: before ctparse began
	b=$(grep ';begin;' "$log" | cut -d';' -f1)
	awk -F';' -v b="$(epoch "$b")" '$2 == "open" && $15 != "" { print $15 }' "$log" | head -3 |
	while read -r f; do
		[ "$(epoch "$f")" -le "$(epoch "$b")" ] || fail "open from $f, after begin $b"
	done
	n=$(grep -c -E ';(start|stop);' "$log")
	[ "$n" -gt 20 ] || fail "only $n events"
	expect_eq last "$(tail -n 1 "$log" | cut -d';' -f2)" end
}

@test "lab: the runit run script under a supervisor loop: dumps, snapshots, a restart" {
	need
	lab
	mkdir "$TMP/sv" "$TMP/log"
	"$E2E/labrun.sh" "$TMP/sv"	# the run script, less its sysctls
	(
		cd "$TMP/sv" || exit 1
		while [ ! -e "$TMP/stop" ]; do
			ip netns exec "$P-rtr" sh ./run
			sleep 0.5	# runsv waits a second
		done
	) | tee "$TMP/raw" | ctparse -i 1 -o "$TMP/log/%Y-%m-%d.csv" 2>"$TMP/ctparse.err" &
	cp=$!
	sleep 2
	traffic 11
	sleep 4
	killct			# as when conntrack dies: runsv runs ./run again
	sleep 3
	touch "$TMP/stop"
	killct
	for _ in $(seq 100); do kill -0 $cp 2>/dev/null || break; sleep 0.1; done
	kill -0 $cp 2>/dev/null && fail "ctparse still running"
	wait $cp || fail "ctparse status $?"
	sleep 1			# the clients log their flows as they end
	cat "$TMP"/log/*.csv >"$TMP/all"
	check "$TMP/all" "$TMP/raw"
	# two runs: two dumps, two snapshots; one restart between them, from
	# the first conntrack's last line (its exit summary) to the second's
	# start; the table is trusted again after the second dump
	expect_eq snapshots "$(grep -c ';snapshot;' "$TMP/all")" 2
	expect_eq restarts "$(grep -c ';restart;' "$TMP/all")" 1
	r=$(grep ';restart;' "$TMP/all")
	at=$(epoch "$(cut -d';' -f1 <<<"$r")") from=$(epoch "$(cut -d';' -f15 <<<"$r")")
	[ "$from" -le "$at" ] && [ $((at - from)) -le 3 ] ||
		fail "restart: $r"
	awk -F';' -v r="$(cut -d';' -f1 <<<"$r")" '$2 == "restart" { on = 1 } on && $2 == "start" { e = $1 }
	    END { if (e == "") exit 1 }' "$TMP/all" || fail "no events after the restart"
	# heartbeats while conntrack ran, none between its exit and the restart
	[ "$(grep -c ';alive;' "$TMP/all")" -ge 4 ] || fail "alive: $(records "$TMP/all")"
	echo "# $(grep -c ';open;' "$TMP/all") open records, $(grep -c -E ';(start|stop);' "$TMP/all") events" >&3
}

@test "lab: the systemd unit's pipeline: a dump, then the events" {
	need
	lab
	mkdir "$TMP/log"
	# ExecStart's pipeline (its rmem_default cannot be set here, in the
	# router's namespace: a message on stderr, nothing else)
	unitline ExecStart >"$TMP/pipeline"
	grep -q 'conntrack -E .* | { IFS= read -r l' "$TMP/pipeline" || fail "$(cat "$TMP/pipeline")"
	ip netns exec "$P-rtr" sh -c "$(cat "$TMP/pipeline")" |
	    tee "$TMP/raw" | ctparse -i 1 -o "$TMP/log/%Y-%m-%d.csv" 2>"$TMP/ctparse.err" &
	cp=$!
	sleep 2
	traffic 12
	sleep 5
	touch "$TMP/stop"
	killct
	for _ in $(seq 100); do kill -0 $cp 2>/dev/null || break; sleep 0.1; done
	wait $cp || fail "ctparse status $?"
	sleep 1
	cat "$TMP"/log/*.csv >"$TMP/all"
	check "$TMP/all" "$TMP/raw"
	expect_eq snapshots "$(grep -c ';snapshot;' "$TMP/all")" 1
	expect_eq restarts "$(grep -c ';restart;' "$TMP/all")" 0
	# the end is conntrack's own end (its summary), not later
	expect_eq "exit summary" "$(grep -c 'flow events have been shown' "$TMP/raw")" 1
}

# hostside: wrappers first on PATH ($TMP/bin) that send conntrack and the
# per-namespace sysctls (net.netfilter.*) into the lab's router, so that
# the run script and the unit's pipeline run whole from the host's
# namespace, the only one where net.core.rmem_default can be set
hostside() {
	local ct sc
	ct=$(command -v conntrack) sc=$(command -v sysctl)
	mkdir "$TMP/bin"
	printf '#!/bin/sh\nexec ip netns exec %s %s "$@"\n' "$P-rtr" "$ct" >"$TMP/bin/conntrack"
	printf '#!/bin/sh\ncase "$*" in *net.netfilter.*) exec ip netns exec %s %s "$@" ;; esac\nexec %s "$@"\n' \
	    "$P-rtr" "$sc" "$sc" >"$TMP/bin/sysctl"
	chmod +x "$TMP/bin/conntrack" "$TMP/bin/sysctl"
}

# rbufs GROUPS: the receive buffer sizes of the router's netlink sockets
# in those conntrack event groups (0x00000005: NEW and DESTROY)
rbufs() {
	ip netns exec "$P-rtr" ss -f netlink -a -m -e |
	    awk -v g="groups=$1" 'index($0, g) && match($0, /rb[0-9]+/) {
		print substr($0, RSTART + 2, RLENGTH - 2) }' | sort -u
}

# confined WHAT STATE CMD...: CMD (the run script or the unit's pipeline,
# state file STATE) runs until its dump is out: by then rmem_default is
# back and its state file gone, conntrack's event socket kept the raised
# size, and a socket opened afterwards (another conntrack -E, NEW only)
# gets the default; then conntrack is stopped
confined() {
	local what=$1 state=$2 pid c2
	shift 2
	PATH="$TMP/bin:$PATH" "$@" >"$TMP/raw" 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		grep -q 'flow entries have been shown' "$TMP/raw" && break
		sleep 0.05
	done
	grep -q '^NOTICE: ' "$TMP/raw" || fail "$what: $(cat "$TMP/raw")"
	expect_eq "$what: rmem_default after the NOTICE" "$(sysctl -n net.core.rmem_default)" "$RMEM0"
	[ ! -e "$state" ] || fail "$what: $state left"
	expect_eq "$what: the event socket" "$(rbufs 0x00000005)" 104857600
	ip netns exec "$P-rtr" conntrack -E -e NEW >/dev/null 2>&1 &
	c2=$!
	for _ in $(seq 100); do [ -n "$(rbufs 0x00000001)" ] && break; sleep 0.05; done
	expect_eq "$what: a socket opened afterwards" "$(rbufs 0x00000001)" "$RMEM0"
	kill $c2 && wait $c2 || true
	killct
	wait $pid || true
}

@test "lab: rmem_default raised only while conntrack opens its event socket (run script, unit), put back in every path" {
	need
	P=ctR$$
	"$E2E/natlab.sh" down "$P" >/dev/null 2>&1
	"$E2E/natlab.sh" up "$P" >"$TMP/lab.out" 2>&1 || fail "lab: $(cat "$TMP/lab.out")"
	rmemsave		# teardown puts them back
	[ "$RMEM0" -lt 104857600 ] || skip "rmem_default is $RMEM0 already"
	hostside
	mkdir "$TMP/sv"
	cp "$TOP/examples/runit/ctparse/run" "$TMP/sv/run"
	# a run killed between raising the default and putting it back left
	# the raised default and its state file: this run puts it back
	echo "$RMEM0" >"$TMP/sv/rmem_default.orig"
	sysctl -q -w net.core.rmem_default=104857600
	confined "run script after a killed one" "$TMP/sv/rmem_default.orig" \
	    sh -c 'cd "$1" && exec sh ./run' sh "$TMP/sv"
	confined "run script" "$TMP/sv/rmem_default.orig" \
	    sh -c 'cd "$1" && exec sh ./run' sh "$TMP/sv"
	confined "unit" "$TMP/rmem" sh -c "$(unitline ExecStart)"
	expect_eq rmem_max "$(sysctl -n net.core.rmem_max)" "$RMAX0"
	# conntrack fails before its NOTICE: the default is put back too
	printf '#!/bin/sh\necho "conntrack v1.4.7 (conntrack-tools): Operation not permitted" >&2\nexit 1\n' \
	    >"$TMP/bin/conntrack"
	(cd "$TMP/sv" && PATH="$TMP/bin:$PATH" exec sh ./run) >"$TMP/raw" 2>&1 || true
	for _ in $(seq 100); do	# its reader goes on after it
		[ -e "$TMP/sv/rmem_default.orig" ] || break
		sleep 0.05
	done
	sleep 0.1
	expect_eq "failing conntrack" "$(cat "$TMP/raw")" "conntrack v1.4.7 (conntrack-tools): Operation not permitted"
	expect_eq "failing conntrack: rmem_default" "$(sysctl -n net.core.rmem_default)" "$RMEM0"
	[ ! -e "$TMP/sv/rmem_default.orig" ] || fail "state file left"
	PATH="$TMP/bin:$PATH" sh -c "$(unitline ExecStart)" >"$TMP/raw" 2>&1 || true
	expect_eq "failing conntrack, unit: rmem_default" "$(sysctl -n net.core.rmem_default)" "$RMEM0"
	[ ! -e "$TMP/rmem" ] || fail "unit: state file left"
	# the unit stopped between the two: ExecStopPost puts it back
	echo "$RMEM0" >"$TMP/rmem"
	sysctl -q -w net.core.rmem_default=104857600
	sh -c "$(unitline ExecStopPost)"
	expect_eq "ExecStopPost: rmem_default" "$(sysctl -n net.core.rmem_default)" "$RMEM0"
	[ ! -e "$TMP/rmem" ] || fail "ExecStopPost: state file left"
}
