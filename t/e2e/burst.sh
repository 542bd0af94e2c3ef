#!/bin/bash
# burst.sh [RUNS] [FLOWS] [CLIENTS]: how many events conntrack (+ ctparse)
# keep up with.  In a fresh namespace lab, bursts of FLOWS one-datagram UDP
# flows from each of CLIENTS parallel clients (default 20000 and 1, each as
# fast as a Python client sends) are logged by
#   A  conntrack -E ... > file            (conntrack alone)
#   B  conntrack -E ... 2>&1 | ctparse -o file
# with the host's default net.core.rmem_default, then B again with the
# workaround (rmem_default = rmem_max = 100 MiB, restored afterwards).
# Prints, per run, the ENOBUFS warnings and the NEW events logged.
# Needs root; only the lab's own addresses are used.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
runs=${1:-3} flows=${2:-20000} clients=${3:-1}
P=ctburst$$
out=$(mktemp -d)
old_def=$(sysctl -n net.core.rmem_default) old_max=$(sysctl -n net.core.rmem_max)
cleanup() {
	sysctl -q -w net.core.rmem_default="$old_def" net.core.rmem_max="$old_max"
	"$here/natlab.sh" down $P >/dev/null 2>&1
	rm -rf "$out"
}
trap cleanup EXIT
"$here/natlab.sh" up $P >/dev/null || exit 1
CT="conntrack -E -eNEW,DESTROY --src-nat -otimestamp,extended,id --buffer-size=104857600"

one() {	# one LABEL MODE: a burst, logged by MODE (alone | ctparse)
	"$here/natlab.sh" flush $P >/dev/null 2>&1
	rm -f "$out/log" "$out/err"
	if [ "$2" = alone ]; then
		ip netns exec $P-rtr timeout 60 $CT >"$out/log" 2>"$out/err" &
	else
		ip netns exec $P-rtr timeout 60 $CT 2>&1 |
		    "$top/cmd/ctparse" -o "$out/log" 2>/dev/null &
	fi
	sleep 1
	t0=$(date +%s.%N)
	for _ in $(seq "$clients"); do
		ip netns exec $P-cli timeout 50 python3 "$here/client.py" \
		    --log /dev/null burst --count "$flows" --src-all \
		    >/dev/null 2>&1 &
	done
	wait
	t1=$(date +%s.%N)
	sleep 2
	# this lab's conntrack only: pkill would reach every one on the machine
	for pid in $(ip netns pids $P-rtr); do
		[ "$(cat /proc/$pid/comm 2>/dev/null)" = conntrack ] && kill -TERM $pid
	done
	wait
	if [ "$2" = alone ]; then
		e=$(grep -c ENOBUFS "$out/err") n=$(grep -c '\[NEW\]' "$out/log")
	else
		e=$(grep -c ';lost;' "$out/log") n=$(grep -c ';start;' "$out/log")
	fi
	awk -v l="$1" -v e="$e" -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN {
	    printf "%-28s ENOBUFS %3d  NEW %6d  in %4.1f s: %6.0f NEW/s\n",
	    l, e, n, b - a, n / (b - a) }'
}

echo "bursts of $flows UDP flows; rmem_default $old_def"
for i in $(seq "$runs"); do
	one "conntrack alone, run $i" alone
	one "conntrack | ctparse, run $i" ctparse
done
sysctl -q -w net.core.rmem_max=104857600 net.core.rmem_default=104857600
echo "rmem_default = rmem_max = 104857600"
for i in $(seq "$runs"); do
	one "conntrack alone, run $i" alone
	one "conntrack | ctparse, run $i" ctparse
done
