#!/bin/sh
# shellcheck disable=SC2016  # awk programs in single quotes, on purpose
# gateway.sh - what logging costs a NAT gateway: the CPU of conntrack -E,
# of the cat that copies its events on, and of ctparse, at a given rate
# of NAT events, on the namespace lab (t/e2e/natlab.sh).  Needs root and
# cc; only the lab's own addresses are used; the lab is torn down at the
# end.  Usage (environment, defaults in brackets):
#
#	[RATES="1000 10000 50000"] [RUNS=3] [WARM=30] [SECS=30] [TIMEOUT=4] \
#	    sh t/bench/gateway.sh
#
# For each RATE (NAT events a second) and each of RUNS runs: the router's
# table is emptied and the pipeline of examples/runit/ctparse/run started
# as it runs on a gateway (rmem_default raised while conntrack opens its
# event socket, put back after its NOTICE; the NOTICE, a dump, then cat
# copying the events on; ctparse -o FILE):
#
#	conntrack -E -eNEW,DESTROY --src-nat -otimestamp,extended,id,ktimestamp
#	    --buffer-size=104857600 2>&1 >FIFO
#	{ NOTICE; conntrack -L ...; exec cat; } <FIFO | ctparse -o LOG
#
# t/bench/udpflood.c (compiled here with cc) sends RATE/2 one-datagram UDP
# flows a second from the client namespace, each of its own 5-tuple; the
# router's UDP timeout is TIMEOUT seconds, so after WARM seconds as many
# flows expire as start: RATE/2 NEW and RATE/2 DESTROY events a second
# (the kernel's garbage collector sends the DESTROYs in waves: at 1,000
# events a second a 15 s warm-up was not always enough).
# The server drops the datagrams at its interface (no replies, no ICMP).
# Over the next SECS seconds it samples, from /proc, the user and system
# CPU time of conntrack, cat, ctparse and the generator, and the load
# average; after the run it counts the log's start and stop records
# stamped within those SECS (the time conntrack read them: the rate it
# kept up with), its lost records (conntrack's ENOBUFS warnings), and
# reads ctparse's maximum RSS (VmHWM, sampled at the window's end).
# Every 20 ms of the window it notes whether conntrack and ctparse are
# runnable (R: running or waiting for a CPU) or asleep in which system
# call (S-write: conntrack waiting for the pipe; S-recvmsg: for events);
# at the end, the drops of the router's event socket (/proc/net/netlink)
# and of its conntrack (conntrack -S: insert_failed, drop, early_drop).
#
# The kernel's own work (forwarding, NAT, conntrack, building the event
# messages) is charged to no logging process: most of it runs in softirq
# within the generator's sendto(2) (veth hands the packet on at once), so
# the generator's system time is printed as a rough measure of it; the
# DESTROYs come from the kernel's conntrack garbage collector (kworker),
# not measured.
#
# Per run on stdout (the first line is one line):
#	rate RATE run N: events/s E (start S, stop T) lost L
#	    conntrack U+S s X% M ms/1k  cat ...  ctparse ...  maxrss K kB
#	    gen ...  load A B  [what the generator sent]
#	    lost records at (s from the window start): ...   (when some)
#	    states: conntrack R x% S-recvmsg y% ...; ctparse ...
#	    event socket drops D, kernel conntrack drops K
# CPU as percent of one core over the window, and in ms per 1,000 events
# logged in it.  A summary of medians follows (the ms per 1,000 events:
# each run's own ratio, then the median).  t/bench/RESULTS-gateway.md
# has the figures.
set -u
cd "$(dirname "$0")/../.." || exit 2
ROOT=$(pwd)
RATES=${RATES:-"1000 10000 50000"}
RUNS=${RUNS:-3}
WARM=${WARM:-30}
SECS=${SECS:-30}
TIMEOUT=${TIMEOUT:-4}
CT=${CT:-$ROOT/cmd/ctparse}
P=ctGw$$
DIR=$(mktemp -d)
TCK=$(getconf CLK_TCK)
export TZ=UTC LC_ALL=C

RMEM0=$(sysctl -n net.core.rmem_default)
cleanup() {
	for pid in $(ip netns pids "$P-rtr" 2>/dev/null); do
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = conntrack ] &&
			kill -TERM "$pid"
	done
	"$ROOT/t/e2e/natlab.sh" down "$P" >/dev/null 2>&1
	# a run stopped between raising the default and conntrack's NOTICE
	[ "$(sysctl -n net.core.rmem_default)" = 104857600 ] &&
		sysctl -q -w net.core.rmem_default="$RMEM0"
	rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 2' HUP INT PIPE TERM
[ "$(id -u)" -eq 0 ] || { echo "gateway.sh: needs root" >&2; exit 2; }
[ -x "$CT" ] || { echo "gateway.sh: $CT missing (make)" >&2; exit 2; }
cc -std=c11 -O2 -Wall -Wextra -D_POSIX_C_SOURCE=200809L -Ilib \
    -o "$DIR/udpflood" t/bench/udpflood.c lib/err.c || exit 2

NATLAB_RTR_SYSCTL="net.netfilter.nf_conntrack_udp_timeout=$TIMEOUT" \
    "$ROOT/t/e2e/natlab.sh" up "$P" >/dev/null || exit 2
ip netns exec "$P-srv" nft -f - <<EOF || exit 2
table netdev bench {
	chain drop_in {
		type filter hook ingress device wan0 priority 0;
		ip daddr 198.51.100.2 udp dport 10000-10999 drop
	}
}
EOF
echo "kernel $(uname -r), $(nproc) CPUs; conntrack $(conntrack --version 2>&1 |
    sed 's/ (.*//'); nf_conntrack_max $(cat /proc/sys/net/netfilter/nf_conntrack_max)," \
    "buckets $(cat /proc/sys/net/netfilter/nf_conntrack_buckets);" \
    "udp timeout $TIMEOUT s; warm-up $WARM s, window $SECS s"

# cpu PID: its user and system time so far, in clock ticks ("U S")
cpu() {
	# the command name (2nd field) has no blanks here: conntrack, cat, ...
	awk '{ print $14, $15 }' "/proc/$1/stat" 2>/dev/null || echo "0 0"
}

# sample PID...: every 20 ms, each PID's state and the system call it is
# in, by name for the few that matter ("PID R running", "PID S write"):
# whether conntrack waits for a CPU, for the pipe to ctparse (write), or
# for events (recvfrom, select...), until killed
sample() {
	while :; do
		for p in "$@"; do
			read -r st <"/proc/$p/stat" || continue
			st=${st#*) }
			read -r w _ <"/proc/$p/syscall" || w=
			echo "$p ${st%% *} $w"
		done
		sleep 0.02
	done
}

# iso EPOCH: that time as ctparse writes it (UTC, microseconds)
iso() {
	date -u -d "@$1" +%Y-%m-%dT%H:%M:%S.%6NZ
}

# run RATE N: one run, one line on stdout
run() {
	"$ROOT/t/e2e/natlab.sh" flush "$P" >/dev/null 2>&1
	rm -f "$DIR/log" "$DIR/fifo" "$DIR/pipe" "$DIR/err"
	mkfifo "$DIR/fifo" "$DIR/pipe" || exit 2
	"$CT" -o "$DIR/log" <"$DIR/pipe" 2>"$DIR/err" &
	ppid=$!
	sysctl -n net.core.rmem_default >"$DIR/rmem"
	# the reader of examples/runit/ctparse/run
	(
		IFS= read -r l; s=$?
		sysctl -q -w net.core.rmem_default="$(cat "$DIR/rmem")"
		[ $s -eq 0 ] || exit 0
		printf '%s\n' "$l"
		case $l in
		NOTICE:*)
			e=$(ip netns exec "$P-rtr" conntrack -L --src-nat \
			    -oextended,id,ktimestamp 2>&1 >&3)
			[ -z "$e" ] || printf '%s\n' "$e"
			;;
		esac
		exec cat
	) <"$DIR/fifo" >"$DIR/pipe" 3>&1 &
	cpid=$!
	sysctl -q -w net.core.rmem_default=104857600
	ip netns exec "$P-rtr" conntrack -E -eNEW,DESTROY --src-nat \
	    -otimestamp,extended,id,ktimestamp --buffer-size=104857600 \
	    >"$DIR/fifo" 2>&1 &
	kpid=$!
	i=0
	while [ "$(sysctl -n net.core.rmem_default)" = 104857600 ] ||
	    [ "$(cat "/proc/$cpid/comm" 2>/dev/null)" != cat ]; do
		i=$((i + 1))
		[ $i -le 100 ] || { echo "gateway.sh: no NOTICE from conntrack" >&2; exit 2; }
		sleep 0.1
	done
	ip netns exec "$P-cli" "$DIR/udpflood" -r $(($1 / 2)) \
	    -t $((WARM + SECS + 2)) >"$DIR/gen" 2>&1 &
	gpid=$!
	sleep "$WARM"
	t0=$(date +%s.%N) k0=$(cpu $kpid) c0=$(cpu $cpid) p0=$(cpu $ppid)
	g0=$(cpu $gpid) l0=$(cut -d' ' -f1 /proc/loadavg)
	sample $kpid $ppid >"$DIR/states" &
	spid=$!
	sleep "$SECS"
	kill $spid
	t1=$(date +%s.%N) k1=$(cpu $kpid) c1=$(cpu $cpid) p1=$(cpu $ppid)
	g1=$(cpu $gpid) l1=$(cut -d' ' -f1 /proc/loadavg)
	rss=$(awk '/^VmHWM:/ { print $2 }' "/proc/$ppid/status")
	wait $gpid
	# the event socket (the one with multicast groups) of this lab's
	# router: its drops; the router's conntrack: packets it dropped
	nd=$(ip netns exec "$P-rtr" awk '$2 == 12 && $4 != "00000000" {
	    d += $9 } END { print d + 0 }' /proc/net/netlink)
	cd=$(ip netns exec "$P-rtr" conntrack -S 2>/dev/null | awk '{
	    for (i = 1; i <= NF; i++)
		if ($i ~ /^(insert_failed|drop|early_drop)=/) {
			sub(/.*=/, "", $i); d += $i
		} } END { print d + 0 }')
	kill -TERM $kpid
	wait
	awk -F';' -v a="$(iso "$t0")" -v b="$(iso "$t1")" -v ta="$t0" \
	    -v tb="$t1" -v rate="$1" -v n="$2" -v tck="$TCK" \
	    -v k="$k0 $k1" -v c="$c0 $c1" -v p="$p0 $p1" -v g="$g0 $g1" \
	    -v l="$l0 $l1" -v rss="$rss" -v gen="$(cat "$DIR/gen")" '
	# what, its user+system seconds, % of one core, ms per 1,000 events
	function pct(s, what,   x) {
		split(s, x, " ")
		us = (x[3] - x[1]) / tck; sy = (x[4] - x[2]) / tck
		return sprintf("%s %.2f+%.2f s %5.1f%% %6.2f ms/1k", what, us, sy,
		    100 * (us + sy) / (tb - ta),
		    st + sp > 0 ? 1e6 * (us + sy) / (st + sp) : 0)
	}
	function sec(t) {	# seconds into the day of an ISO time
		return substr(t, 12, 2) * 3600 + substr(t, 15, 2) * 60 + \
		    substr(t, 18, 9)
	}
	# lost records: when, in seconds from the window start (negative:
	# during the warm-up)
	$2 == "lost" {
		lost++
		d = sec($1) - sec(a); if (d > 43200) d -= 86400
		if (d < -43200) d += 86400
		when = when sprintf(" %+.1f", d)
	}
	$1 >= a && $1 < b { if ($2 == "start") st++; else if ($2 == "stop") sp++ }
	END {
		printf "rate %d run %d: events/s %.0f (start %d, stop %d) lost %d  %s  %s  %s maxrss %d kB  %s  load %s  [%s]\n",
		    rate, n, (st + sp) / (tb - ta), st, sp, lost,
		    pct(k, "conntrack"), pct(c, "cat"), pct(p, "ctparse"),
		    rss, pct(g, "gen"), l, gen
		if (lost)
			printf "    lost records at (s from the window start):%s\n", when
	}' "$DIR/log"
	# where conntrack and ctparse spent the window: R (running or waiting
	# for a CPU), or asleep (S) in the system call named
	awk -v k=$kpid -v p=$ppid '
	BEGIN {	# x86-64 numbers
		nm[0] = "read"; nm[1] = "write"; nm[7] = "poll"; nm[23] = "select"
		nm[45] = "recvfrom"; nm[47] = "recvmsg"; nm[232] = "epoll_wait"
		nm[270] = "pselect"; nm[271] = "ppoll"
	}
	{
		n[$1]++
		if ($2 == "R" || $3 == "running")
			w = "R"
		else
			w = $2 "-" ($3 in nm ? nm[$3] : $3)
		c[$1, w]++
	}
	END {
		for (x in c) {
			split(x, y, SUBSEP)
			s[y[1]] = s[y[1]] sprintf(" %s %.0f%%", y[2], 100 * c[x] / n[y[1]])
		}
		printf "    states: conntrack%s; ctparse%s\n", s[k], s[p]
	}' "$DIR/states"
	echo "    event socket drops $nd, kernel conntrack drops $cd"
	grep -v ' 0 lines rejected' "$DIR/err" >&2
	grep -n -B1 -A1 ';lost;' "$DIR/log" | cut -c1-160 >&2
}

for r in $RATES; do
	n=1
	while [ $n -le "$RUNS" ]; do
		run "$r" "$n"
		n=$((n + 1))
	done
done | tee "$DIR/runs"

# medians per rate: events/s, CPU % of conntrack, cat, ctparse, gen, and
# CPU ms per 1,000 events (each run's own ratio, then the median)
echo
echo "medians of $RUNS runs: rate, events/s, lost, CPU % of one core" \
    "(ms per 1,000 events) for conntrack, cat, ctparse; ctparse max RSS;" \
    "generator (kernel) CPU %"
awk -v tck="$TCK" '
function med(s,   x, n, i, j, t) {
	n = split(s, x, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && x[j - 1] + 0 > x[j] + 0; j--) {
			t = x[j]; x[j] = x[j - 1]; x[j - 1] = t
		}
	return n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
}
$1 == "rate" {
	r = $2
	if (!(r in seen)) { seen[r] = 1; order[++nr] = r }
	ev[r] = ev[r] " " $6
	lost[r] = lost[r] " " $12
	for (f = 1; f <= NF; f++) {
		if ($f == "conntrack" || $f == "cat" || $f == "ctparse" || $f == "gen") {
			p = $(f + 3); sub(/%/, "", p)
			cpu[r, $f] = cpu[r, $f] " " p
			per[r, $f] = per[r, $f] " " $(f + 4)
		}
		if ($f == "maxrss")
			rss[r] = rss[r] " " $(f + 1)
	}
}
END {
	for (i = 1; i <= nr; i++) {
		r = order[i]
		printf "%6d  %7.0f/s  lost %s  conntrack %5.1f%% (%.2f ms)  cat %5.1f%% (%.2f ms)  ctparse %5.1f%% (%.2f ms)  maxrss %d kB  gen %5.1f%% (%.2f ms)\n",
		    r, med(ev[r]), med(lost[r]),
		    med(cpu[r, "conntrack"]), med(per[r, "conntrack"]),
		    med(cpu[r, "cat"]), med(per[r, "cat"]),
		    med(cpu[r, "ctparse"]), med(per[r, "ctparse"]),
		    med(rss[r]), med(cpu[r, "gen"]), med(per[r, "gen"])
	}
}' "$DIR/runs"
