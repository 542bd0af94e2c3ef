# Common setup for the bats suites: the freshly built tools come first on
# PATH, every test gets its own scratch directory, and the locale and time
# zone are fixed (a test that needs another TZ sets it itself).
export LC_ALL=C
export TZ=${TZ:-UTC}
TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
PATH=$TOP/cmd:$PATH
# cttime and ctcat built with logread.h's test hooks (CTTIME_DEBUG,
# CTTIME_ZPARTS), which the installed ones lack (Makefile: HOOKPROG)
HOOKS=$TOP/t/hooks

setup() {
	TMP=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ct.XXXXXX")
}

teardown() {
	[ -n "${TMP:-}" ] && rm -rf "$TMP"
}

# fail MSG: end the test with a message that names what differed
fail() {
	printf '%s\n' "$*" >&2
	return 1
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: got [$2], want [$3]"
}

# gen FIRST COUNT: conntrack NEW lines with ids FIRST.. (times within
# 2026-11-27 and the next day)
gen() {
	awk -v a="$1" -v n="$2" 'BEGIN { for (i = a; i < a + n; i++)
		printf "[%d.000000]\t    [NEW] ipv4     2 udp      17 30 src=10.0.%d.%d dst=192.0.2.1 sport=%d dport=53 [UNREPLIED] src=192.0.2.1 dst=198.51.100.1 sport=53 dport=%d id=%d\n", 1795737600 + i % 80000, i % 250, i % 200 + 1, 1024 + i % 60000, 2000 + i % 60000, i }'
}

# streaming ARGS...: ctparse ARGS in the background ($pid), reading the
# fifo $TMP/fifo that fd 7 writes, its stderr in $TMP/err
streaming() {
	mkfifo "$TMP/fifo"
	ctparse "$@" <"$TMP/fifo" 2>"$TMP/err" &
	pid=$!
	exec 7>"$TMP/fifo"
}

# traces_agree IP PORT T REFDIR DIR...: cttrace answers the same, with the
# same status, from every DIR as from REFDIR; that status in $st
traces_agree() {
	local ip=$1 port=$2 t=$3 ref=$4 d want
	shift 4
	run cttrace -d "$ref" "$ip" "$port" "$t"
	st=$status want=$output
	for d in "$@"; do
		run cttrace -d "$d" "$ip" "$port" "$t"
		expect_eq "$ip $port $t: ${d##*/} status" "$status" "$st"
		expect_eq "$ip $port $t: ${d##*/}" "$output" "$want"
	done
}

# dumphead: what conntrack prints first under the deployment examples (its
# NOTICE, then a dump, here of no flow: conntrack -L's summary alone), so
# that a generated capture begins with a snapshot, as a real log does
dumphead() {
	echo 'NOTICE: Netlink socket buffer size has been set to 209715200 bytes.'
	echo 'conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.'
}

# needlab COMMAND...: a test on the namespace NAT lab (t/e2e/natlab.sh)
# needs root and these commands: outside CI it skips without them, with
# CI=true it fails instead (CI must run it)
needlab() {
	local why= c
	[ "$(id -u)" -eq 0 ] || why="needs root"
	for c in "$@"; do
		command -v "$c" >/dev/null || why="${why:+$why, }needs $c"
	done
	[ -z "$why" ] && return 0
	[ "${CI:-}" != true ] || fail "CI must run the lab tests: $why"
	skip "$why"
}
