#!/bin/sh
# shellcheck disable=SC2015,SC2086  # A && B || die is intended; pid/addr lists are split on purpose
# natlab.sh - a throw-away three-namespace NAT lab for end-to-end tests.
#
#   PREFIX-cli  client: 10.30.0.2-9/24 and fd00:40::2-9/64 on "lan0"
#        |  veth
#   PREFIX-rtr  router: lan0 10.30.0.1/24 fd00:40::1/64,
#        |  veth        wan0 198.51.100.1/24 2001:db8:40::1/64,
#        |              forwarding on, nftables source NAT to
#        |              198.51.100.1:PORTRANGE / [2001:db8:40::1]:PORTRANGE
#   PREFIX-srv  server: 198.51.100.2/24 2001:db8:40::2/64 on "wan0"
#
# Every interface lives inside the lab namespaces (they are created there
# directly), so two labs with different PREFIXes never collide, and no
# traffic can leave the lab: the server has no route back to the inside
# network and nothing is connected to the host's own namespace.
#
# Usage:
#   natlab.sh up PREFIX [PORTRANGE]   build the lab (PORTRANGE default 20000-60000)
#   natlab.sh down PREFIX             tear it down (idempotent; kills lab processes)
#   natlab.sh status PREFIX           print namespaces, addresses, nft ruleset
#   natlab.sh check PREFIX            prove IPv4/IPv6 TCP through the NAT (python3)
#   natlab.sh flush PREFIX            empty the router's conntrack table
#   natlab.sh exec PREFIX cli|rtr|srv CMD [ARG...]   run CMD inside a namespace
#   natlab.sh ns PREFIX cli|rtr|srv   print the namespace name
#
# Environment:
#   NATLAB_RTR_SYSCTL  extra "key=value ..." sysctls for the router namespace,
#                      e.g. "net.netfilter.nf_conntrack_udp_timeout=5"
#                      (conntrack timeouts are per network namespace).
#
# Router sysctls always set: net.netfilter.nf_conntrack_acct=1,
# net.netfilter.nf_conntrack_timestamp=1, net.netfilter.nf_conntrack_events=1,
# ip_forward / IPv6 forwarding. IPv6 DAD is off in all three namespaces and
# every address is added with "nodad", so addresses are usable at once.
#
# Exit status: 0 on success, 1 on failure (message on stderr), 2 on misuse.

set -u

me=natlab.sh

die() { echo "$me: error: $*" >&2; exit 1; }
usage() {
    sed -n '/^# Usage:/,/^# Exit status/p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

need_root() {
    [ "$(id -u)" -eq 0 ] || die "must run as root (network namespaces, nftables)"
    for t in ip nft sysctl; do
        command -v "$t" >/dev/null 2>&1 || die "'$t' not found (apt-get install -y iproute2 nftables procps)"
    done
}

check_prefix() {
    case "${1:-}" in
        "") die "PREFIX missing" ;;
        *[!A-Za-z0-9_.-]*) die "PREFIX '$1' may only hold letters, digits, '_', '.', '-'" ;;
    esac
    [ "${#1}" -le 40 ] || die "PREFIX '$1' longer than 40 characters"
}

check_range() {
    r=$1
    lo=${r%-*}; hi=${r#*-}
    case "$r" in *-*) ;; *) die "PORTRANGE '$r' must be LOW-HIGH, e.g. 20000-20015" ;; esac
    case "$lo$hi" in ""|*[!0-9]*) die "PORTRANGE '$r' must be LOW-HIGH with decimal ports" ;; esac
    [ "$lo" -ge 1 ] && [ "$hi" -le 65535 ] && [ "$lo" -le "$hi" ] ||
        die "PORTRANGE '$r' out of order or outside 1-65535"
}

ns_exists() { ip netns list 2>/dev/null | awk '{print $1}' | grep -qx -- "$1"; }

# run CMD in namespace NS, die with a message if it fails
nsx() {
    ns=$1; shift
    ip netns exec "$ns" "$@" || die "in $ns: '$*' failed"
}

sysctl_w() {  # sysctl_w NS key=value
    ip netns exec "$1" sysctl -q -w "$2" >/dev/null 2>&1 || die "in $1: sysctl -w $2 failed"
}

lab_up() {
    P=$1; RANGE=${2:-20000-60000}
    check_prefix "$P"; check_range "$RANGE"
    CLI=$P-cli RTR=$P-rtr SRV=$P-srv
    for n in "$CLI" "$RTR" "$SRV"; do
        ns_exists "$n" && die "namespace $n already exists (run: $0 down $P)"
    done
    # from here on, undo everything on failure
    trap 'lab_down "$P" >/dev/null 2>&1' EXIT
    for n in "$CLI" "$RTR" "$SRV"; do
        ip netns add "$n" || die "ip netns add $n failed"
        nsx "$n" ip link set lo up
        # no DAD anywhere: link-local and global addresses usable at once
        sysctl_w "$n" net.ipv6.conf.all.accept_dad=0
        sysctl_w "$n" net.ipv6.conf.default.accept_dad=0
        sysctl_w "$n" net.ipv6.conf.all.dad_transmits=0
        sysctl_w "$n" net.ipv6.conf.default.dad_transmits=0
        sysctl_w "$n" net.ipv6.conf.default.accept_ra=0
        sysctl_w "$n" net.ipv6.conf.all.accept_ra=0
    done

    # veth pairs created straight inside the namespaces (no host-side names)
    ip -n "$CLI" link add lan0 type veth peer name lan0 netns "$RTR" ||
        die "cannot create veth $CLI:lan0 <-> $RTR:lan0"
    ip -n "$RTR" link add wan0 type veth peer name wan0 netns "$SRV" ||
        die "cannot create veth $RTR:wan0 <-> $SRV:wan0"

    # router
    sysctl_w "$RTR" net.ipv4.ip_forward=1
    sysctl_w "$RTR" net.ipv6.conf.all.forwarding=1
    nsx "$RTR" ip addr add 10.30.0.1/24 dev lan0
    nsx "$RTR" ip addr add fd00:40::1/64 dev lan0 nodad
    nsx "$RTR" ip addr add 198.51.100.1/24 dev wan0
    nsx "$RTR" ip addr add 2001:db8:40::1/64 dev wan0 nodad
    nsx "$RTR" ip link set lan0 up
    nsx "$RTR" ip link set wan0 up
    # port-mapped snat for protocols with ports, address-only for the rest
    # (icmp, icmpv6, gre, ...): nft refuses a port range without an l4 match.
    ip netns exec "$RTR" nft -f - <<EOF || die "in $RTR: loading the nftables NAT ruleset failed"
table inet natlab {
    chain postrouting {
        type nat hook postrouting priority srcnat; policy accept;
        oifname "wan0" ip saddr 10.30.0.0/24 meta l4proto { tcp, udp, udplite, sctp, dccp } snat ip to 198.51.100.1:$RANGE random
        oifname "wan0" ip saddr 10.30.0.0/24 snat ip to 198.51.100.1 random
        oifname "wan0" ip6 saddr fd00:40::/64 meta l4proto { tcp, udp, udplite, sctp, dccp } snat ip6 to [2001:db8:40::1]:$RANGE random
        oifname "wan0" ip6 saddr fd00:40::/64 snat ip6 to 2001:db8:40::1 random
    }
}
EOF
    # the nat table has pulled conntrack into this namespace: the per-netns
    # conntrack sysctls exist now.
    sysctl_w "$RTR" net.netfilter.nf_conntrack_acct=1
    sysctl_w "$RTR" net.netfilter.nf_conntrack_timestamp=1
    sysctl_w "$RTR" net.netfilter.nf_conntrack_events=1
    for kv in ${NATLAB_RTR_SYSCTL:-}; do
        sysctl_w "$RTR" "$kv"
    done

    # client: 8 inside addresses per family, default routes via the router
    i=2
    while [ "$i" -le 9 ]; do
        nsx "$CLI" ip addr add "10.30.0.$i/24" dev lan0
        nsx "$CLI" ip addr add "fd00:40::$i/64" dev lan0 nodad
        i=$((i + 1))
    done
    nsx "$CLI" ip link set lan0 up
    nsx "$CLI" ip route add default via 10.30.0.1 dev lan0
    nsx "$CLI" ip -6 route add default via fd00:40::1 dev lan0

    # server: no route back to the inside; only the NAT addresses are on-link
    nsx "$SRV" ip addr add 198.51.100.2/24 dev wan0
    nsx "$SRV" ip addr add 2001:db8:40::2/64 dev wan0 nodad
    nsx "$SRV" ip link set wan0 up

    # wait (max ~5 s) for links up and no tentative IPv6 address
    t=0
    while :; do
        ok=1
        for pair in "$CLI lan0" "$RTR lan0" "$RTR wan0" "$SRV wan0"; do
            set -- $pair
            st=$(ip netns exec "$1" cat "/sys/class/net/$2/operstate" 2>/dev/null)
            [ "$st" = up ] || ok=0
            [ -z "$(ip -n "$1" -6 addr show dev "$2" tentative 2>/dev/null)" ] || ok=0
        done
        [ "$ok" = 1 ] && break
        t=$((t + 1))
        [ "$t" -le 50 ] || die "links did not come up within 5 s"
        sleep 0.1
    done
    trap - EXIT
    echo "natlab $P up: $CLI (10.30.0.2-9, fd00:40::2-9) -> $RTR (snat 198.51.100.1 / 2001:db8:40::1 ports $RANGE) -> $SRV (198.51.100.2, 2001:db8:40::2)"
}

kill_ns_pids() {
    pids=$(ip netns pids "$1" 2>/dev/null | tr '\n' ' ')
    [ -n "$pids" ] || return 0
    kill -TERM $pids 2>/dev/null
    t=0
    while [ -n "$(ip netns pids "$1" 2>/dev/null)" ] && [ "$t" -lt 20 ]; do
        sleep 0.1; t=$((t + 1))
    done
    pids=$(ip netns pids "$1" 2>/dev/null | tr '\n' ' ')
    [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
    return 0
}

lab_down() {
    P=$1
    check_prefix "$P"
    rc=0
    for n in "$P-cli" "$P-rtr" "$P-srv"; do
        ns_exists "$n" || continue
        kill_ns_pids "$n"
        ip netns del "$n" 2>/dev/null || { echo "$me: error: ip netns del $n failed" >&2; rc=1; }
    done
    return $rc
}

lab_need() {
    check_prefix "$1"
    for n in "$1-cli" "$1-rtr" "$1-srv"; do
        ns_exists "$n" || die "namespace $n does not exist (run: $0 up $1)"
    done
}

lab_status() {
    lab_need "$1"
    for n in "$1-cli" "$1-rtr" "$1-srv"; do
        echo "== $n"
        ip -n "$n" -br addr show
    done
    echo "== $1-rtr nftables"
    ip netns exec "$1-rtr" nft list table inet natlab
    echo "== $1-rtr sysctl"
    ip netns exec "$1-rtr" sysctl net.netfilter.nf_conntrack_acct \
        net.netfilter.nf_conntrack_timestamp net.netfilter.nf_conntrack_events \
        net.ipv4.ip_forward net.ipv6.conf.all.forwarding
}

lab_check() {
    lab_need "$1"
    command -v python3 >/dev/null 2>&1 || die "python3 not found (needed for check)"
    # a one-shot TCP listener in srv, one connect per family from cli
    ip netns exec "$1-srv" timeout 10 python3 -c '
import socket, sys
out = []
for fam, addr in ((socket.AF_INET, "198.51.100.2"), (socket.AF_INET6, "2001:db8:40::2")):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, 9)); s.listen(1); out.append(s)
print("ready", flush=True)
for s in out:
    c, peer = s.accept()
    print("seen", peer[0], peer[1], flush=True)
    c.close()
' > "/tmp/natlab-check.$$" 2>&1 &
    sp=$!
    t=0
    while ! grep -q ready "/tmp/natlab-check.$$" 2>/dev/null; do
        sleep 0.1; t=$((t + 1))
        [ "$t" -le 50 ] || { kill "$sp" 2>/dev/null; rm -f "/tmp/natlab-check.$$"; die "check: listener did not start"; }
    done
    ip netns exec "$1-cli" timeout 5 python3 -c '
import socket
for fam, src, dst in ((socket.AF_INET, "10.30.0.2", "198.51.100.2"), (socket.AF_INET6, "fd00:40::2", "2001:db8:40::2")):
    s = socket.socket(fam, socket.SOCK_STREAM); s.settimeout(3)
    s.bind((src, 0)); s.connect((dst, 9)); s.close()
' || { kill "$sp" 2>/dev/null; rm -f "/tmp/natlab-check.$$"; die "check: connect through the NAT failed"; }
    wait "$sp"
    out=$(cat "/tmp/natlab-check.$$"); rm -f "/tmp/natlab-check.$$"
    echo "$out" | grep -q '^seen 198\.51\.100\.1 ' || die "check: IPv4 flow not seen from 198.51.100.1: $out"
    echo "$out" | grep -q '^seen 2001:db8:40::1 ' || die "check: IPv6 flow not seen from 2001:db8:40::1: $out"
    echo "$out" | grep '^seen'
    echo "natlab $1: check ok"
}

[ $# -ge 1 ] || usage
cmd=$1; shift
case "$cmd" in
    up)     [ $# -ge 1 ] && [ $# -le 2 ] || usage; need_root; lab_up "$@" ;;
    down)   [ $# -eq 1 ] || usage; need_root; lab_down "$1" ;;
    status) [ $# -eq 1 ] || usage; need_root; lab_status "$1" ;;
    check)  [ $# -eq 1 ] || usage; need_root; lab_check "$1" ;;
    flush)  [ $# -eq 1 ] || usage; need_root; lab_need "$1"
            command -v conntrack >/dev/null 2>&1 || die "conntrack not found (apt-get install -y conntrack)"
            ip netns exec "$1-rtr" conntrack -F 2>/dev/null || die "conntrack -F failed in $1-rtr" ;;
    ns)     [ $# -eq 2 ] || usage; check_prefix "$1"
            case "$2" in cli|rtr|srv) echo "$1-$2" ;; *) usage ;; esac ;;
    exec)   [ $# -ge 3 ] || usage; need_root; lab_need "$1"
            case "$2" in cli|rtr|srv) ;; *) usage ;; esac
            n="$1-$2"; shift 2; exec ip netns exec "$n" "$@" ;;
    -h|--help|help) usage ;;
    *) echo "$me: unknown command '$cmd'" >&2; usage ;;
esac
