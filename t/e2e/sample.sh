#!/bin/sh
# sample.sh - make examples/sample/conntrack.txt: what ctparse reads on a
# gateway deployed as examples/runit shows, recorded on the namespace lab.
#
#   t/e2e/sample.sh OUTFILE [PREFIX]
#
# A lab whose NAT has 16 ports (20000-20015), so that ports pass between
# inside hosts; flows begun before logging (long ones and ones left open);
# the runit run script (conntrack -E's NOTICE, a dump of the open flows,
# the events) under a supervisor loop, its output recorded as ctparse
# would read it; conntrack killed once and run again 4 s later, while
# clients go on.  The server's view (who sent what, through which NAT
# port) is written beside OUTFILE as OUTFILE.server.jsonl.  Needs root.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${1:?usage: sample.sh OUTFILE [PREFIX]}
P=${2:-ctS$$}
d=$(mktemp -d "${TMPDIR:-/tmp}/sample.XXXXXX") || exit 1

cleanup() {
	touch "$d/stop" "$d/stoploop"
	"$here/natlab.sh" down "$P" >/dev/null 2>&1
	rm -rf "$d"
}
trap cleanup EXIT

NATLAB_RTR_SYSCTL="net.netfilter.nf_conntrack_udp_timeout=3 net.netfilter.nf_conntrack_udp_timeout_stream=5 net.netfilter.nf_conntrack_tcp_timeout_time_wait=2 net.netfilter.nf_conntrack_tcp_timeout_close=1" \
    "$here/natlab.sh" up "$P" 20000-20015 >&2 || exit 1
rm -f "$out.server.jsonl"
ip netns exec "$P-srv" timeout 120 python3 "$here/flows.py" server \
    --log "$out.server.jsonl" --duration 110 >"$d/server.out" 2>&1 &
for _ in $(seq 50); do grep -q ready "$d/server.out" && break; sleep 0.1; done
ip netns exec "$P-cli" timeout 100 python3 "$here/flows.py" client \
    --log "$d/before.jsonl" --seed 3 --flows 8 --spread 2 --long 3 --hold 30 \
    --open 2 --until "$d/stop" --max-open 80 >/dev/null 2>&1 &
sleep 3
mkdir "$d/sv"
"$here/labrun.sh" "$d/sv"
(
	cd "$d/sv" || exit 1
	while [ ! -e "$d/stoploop" ]; do
		ip netns exec "$P-rtr" sh ./run
		[ -e "$d/stoploop" ] || sleep 4
	done
) >"$out" &
sleep 2
ip netns exec "$P-cli" timeout 80 python3 "$here/flows.py" client \
    --log "$d/during.jsonl" --seed 4 --flows 60 --spread 30 --long 4 \
    --hold 12 >/dev/null 2>&1 &
cl=$!
ctpid() {
	for pid in $(ip netns pids "$P-rtr"); do
		[ "$(cat /proc/$pid/comm 2>/dev/null)" = conntrack ] &&
		    tr '\0' ' ' </proc/$pid/cmdline | grep -q -- ' -E ' &&
		    echo $pid && return 0
	done
	return 1
}
sleep 18
kill -KILL "$(ctpid)"
wait $cl
touch "$d/stop"
# the flows' ends (timeouts of a few seconds: the lab's sysctls), and a
# few flows more, so that the log goes on past every question's window
ip netns exec "$P-cli" timeout 40 python3 "$here/flows.py" client \
    --log "$d/after.jsonl" --seed 5 --flows 10 --spread 20 >/dev/null 2>&1
sleep 3
touch "$d/stoploop"
kill -TERM "$(ctpid)"
sleep 1
echo "sample.sh: wrote $out ($(wc -l <"$out") lines)" >&2
