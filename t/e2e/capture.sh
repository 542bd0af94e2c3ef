#!/bin/bash
# capture.sh - run the "mixed" traffic scenario through a fresh natlab and
# record real `conntrack -E` output in several output variants at once.
#
#   t/e2e/capture.sh OUTDIR [PREFIX]
#
# Writes into OUTDIR:
#   capture-main.txt      -E -eNEW,DESTROY --src-nat -otimestamp,extended,id --buffer-size=104857600
#   capture-nots.txt      same without timestamp   (-oextended,id)
#   capture-noext.txt     same without extended    (-otimestamp,id)
#   capture-noid.txt      same without id          (-otimestamp,extended)
#   capture-ktimestamp.txt  -otimestamp,extended,id,ktimestamp
#   capture-update.txt    all event types (NEW, UPDATE, DESTROY), -otimestamp,extended,id
#   capture-plain.txt     bare `conntrack -E` (no -e, -o, --src-nat, --buffer-size)
#   capture-xml.txt       -eNEW,DESTROY -oxml,timestamp,id
#   client.jsonl          every flow as the client saw it (client clock)
#   server.jsonl          every accept/datagram as the server saw it (NAT addr:port)
#
# Environment: CAPTURE_TAIL (default 150) seconds to keep capturing after the
# traffic, so TCP TIME_WAIT (120 s) and UDP (30/120 s) DESTROY events arrive;
# CAPTURE_SEED (default 7) seed for the client's random choices.
# Everything runs under timeout(1); the lab is torn down on exit.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: capture.sh OUTDIR [PREFIX]}
P=${2:-natcap$$}
TAIL=${CAPTURE_TAIL:-150}
SEED=${CAPTURE_SEED:-7}
PY=${PYTHON:-python3}
mkdir -p "$out" || exit 1
out=$(cd "$out" && pwd)

"$here/natlab.sh" up "$P" || exit 1
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
    "$here/natlab.sh" down "$P"
}
trap cleanup EXIT

limit=$((TAIL + 200))
rm -f "$out/server.jsonl" "$out/client.jsonl"
ip netns exec "$P-srv" timeout "$limit" "$PY" "$here/server.py" --gre --sctp \
    --log "$out/server.jsonl" --duration "$limit" >"$out/server.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do grep -q ready "$out/server.out" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$out/server.out" || { echo "capture.sh: server did not start" >&2; exit 1; }

ct() {  # ct NAME ARGS...  (conntrack in the router namespace, bounded)
    local name=$1; shift
    ip netns exec "$P-rtr" timeout "$limit" conntrack "$@" >"$out/capture-$name.txt" 2>&1 &
    ctpids+=($!)
}
ctpids=()
B=--buffer-size=104857600
ct main       -E -eNEW,DESTROY --src-nat -otimestamp,extended,id $B
ct nots       -E -eNEW,DESTROY --src-nat -oextended,id $B
ct noext      -E -eNEW,DESTROY --src-nat -otimestamp,id $B
ct noid       -E -eNEW,DESTROY --src-nat -otimestamp,extended $B
ct ktimestamp -E -eNEW,DESTROY --src-nat -otimestamp,extended,id,ktimestamp $B
ct update     -E -eNEW,UPDATE,DESTROY --src-nat -otimestamp,extended,id $B
ct plain      -E
ct xml        -E -eNEW,DESTROY --src-nat -oxml,timestamp,id $B
pids+=("${ctpids[@]}")
sleep 1

ip netns exec "$P-cli" timeout "$limit" "$PY" "$here/client.py" --log "$out/client.jsonl" \
    mixed --seed "$SEED" --hold-open "$limit" &
pids+=($!)
sleep 25
ip netns exec "$P-cli" timeout 60 "$PY" "$here/client.py" --log "$out/client.jsonl" extras
# traffic is over after ~35 s except the flows left open on purpose
echo "capture.sh: traffic done at $(date +%s), capturing $TAIL s more" >&2
sleep "$TAIL"
for p in "${ctpids[@]}"; do kill -TERM "$p" 2>/dev/null; done
for p in "${ctpids[@]}"; do wait "$p" 2>/dev/null; done
ip netns exec "$P-rtr" conntrack -L -otimestamp,extended,id >"$out/table-at-end.txt" 2>&1
echo "capture.sh: wrote $out" >&2
