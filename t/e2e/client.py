#!/usr/bin/env python3
"""Traffic driver for the natlab end-to-end tests (run inside PREFIX-cli).

Every flow it makes is written as one JSON object per line (to --log, default
stdout) with the client's own wall-clock times (epoch seconds, microsecond
precision):

  {"id":3,"kind":"tcp-long","proto":"tcp","fam":4,"src":"10.30.0.5",
   "sport":40112,"dst":"198.51.100.2","dport":7001,
   "t_start":...,   just before connect()/first sendto()
   "t_up":...,      connect() returned / first reply seen (null if none)
   "t_end":...,     close() returned / last packet (null: still open)
   "result":"ok"}   ok | refused | timeout | open | error:...

Sub-commands (all bounded in time):
  tcp  --src A [--sport P] --dst D --dport P [--hold S] [--close fin|rst|server]
  udp  --src A [--sport P] --dst D --dport P [--hold S] [--every S]
  ping --src A --dst D [--count N]           ICMP / ICMPv6 echo via raw socket
  mixed [--hold-open S]   the capture scenario (TCP/UDP v4+v6, short and long,
                          pings, RST, port reuse, flows left open at the end)
  burst --count N [--src-all]  N one-datagram UDP flows as fast as possible
  extras                  UDP-Lite, hand-made GRE and SCTP through the NAT

Inside addresses: 10.30.0.2-9 and fd00:40::2-9; server 198.51.100.2 /
2001:db8:40::2 ports 7001-7003 (tcp/udp), 7005 (udplite); 7999 is closed.
"""
import argparse
import json
import os
import random
import socket
import struct
import sys
import threading
import time

SRV4, SRV6 = "198.51.100.2", "2001:db8:40::2"
IN4 = ["10.30.0.%d" % i for i in range(2, 10)]
IN6 = ["fd00:40::%d" % i for i in range(2, 10)]
IPPROTO_UDPLITE = 136

_lock = threading.Lock()
_out = sys.stdout
_ids = [0]


def now():
    return round(time.time(), 6)


def fam(addr):
    return 6 if ":" in addr else 4


def af(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def emit(rec):
    with _lock:
        _out.write(json.dumps(rec, sort_keys=True) + "\n")
        _out.flush()


def new_rec(kind, proto, src, dst, dport):
    with _lock:
        _ids[0] += 1
        i = _ids[0]
    return dict(id=i, kind=kind, proto=proto, fam=fam(src), src=src, sport=None,
                dst=dst, dport=dport, t_start=None, t_up=None, t_end=None, result=None)


# ---------------------------------------------------------------- flows
def tcp_flow(src, dst, dport, hold=0.0, close="fin", sport=0, kind="tcp",
             open_event=None, reuse=False, timeout=5.0):
    """One TCP connection. close: fin (client closes), rst (client aborts),
    server (server closes first), none (left open until open_event is set)."""
    r = new_rec(kind, "tcp", src, dst, dport)
    s = socket.socket(af(src), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.settimeout(timeout)
    try:
        s.bind((src, sport))
        r["sport"] = s.getsockname()[1]
        r["t_start"] = now()
        s.connect((dst, dport))
        r["t_up"] = now()
        s.sendall(b"hello %d\n" % r["id"])
        s.recv(100)
        t0 = time.monotonic()
        while time.monotonic() - t0 < hold:
            time.sleep(min(1.0, max(0.0, hold - (time.monotonic() - t0))))
            s.sendall(b"tick\n")
            s.recv(100)
        if close == "none":
            r["result"] = "open"
            emit(dict(r))
            if open_event is not None:
                open_event.wait()
            r["t_end"] = now()
            s.close()
            r["result"] = "closed-at-exit"
        elif close == "server":
            s.sendall(b"SERVERCLOSE\n")
            while s.recv(100):
                pass
            s.close()
            r["t_end"] = now()
            r["result"] = "ok"
        elif close == "rst":
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
            r["t_end"] = now()
            r["result"] = "ok"
        else:
            s.shutdown(socket.SHUT_WR)
            while s.recv(100):
                pass
            s.close()
            r["t_end"] = now()
            r["result"] = "ok"
    except ConnectionRefusedError:
        r["t_end"] = now()
        r["result"] = "refused"
        s.close()
    except socket.timeout:
        r["t_end"] = now()
        r["result"] = "timeout"
        s.close()
    except OSError as e:
        r["t_end"] = now()
        r["result"] = "error:%s" % e
        s.close()
    emit(r)
    return r


def udp_flow(src, dst, dport, hold=0.0, every=1.0, sport=0, kind="udp",
             proto="udp", noecho=False, open_event=None, timeout=2.0):
    r = new_rec(kind, proto, src, dst, dport)
    p = IPPROTO_UDPLITE if proto == "udplite" else 0
    s = socket.socket(af(src), socket.SOCK_DGRAM, p)
    s.settimeout(timeout)
    try:
        s.bind((src, sport))
        r["sport"] = s.getsockname()[1]
        r["t_start"] = now()
        n = 0
        t0 = time.monotonic()
        while True:
            s.sendto((b"NOECHO %d" if noecho else b"ping %d") % n, (dst, dport))
            r["t_end"] = now()
            n += 1
            if not noecho:
                try:
                    s.recvfrom(100)
                    r["t_end"] = now()
                    if r["t_up"] is None:
                        r["t_up"] = r["t_end"]
                except socket.timeout:
                    r["result"] = "timeout"
                    break
                except ConnectionRefusedError:
                    r["result"] = "refused"
                    break
            if time.monotonic() - t0 + every > hold:
                break
            time.sleep(every)
        r["packets"] = n
        if r["result"] is None:
            r["result"] = "ok"
        if open_event is not None:
            r["result"] = "open"
            emit(dict(r))
            open_event.wait()
            r["result"] = "closed-at-exit"
    except OSError as e:
        r["result"] = "error:%s" % e
    s.close()
    emit(r)
    return r


def _csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ping_flow(src, dst, count=2, interval=0.5, kind="ping", timeout=2.0):
    v6 = ":" in src
    r = new_rec(kind, "icmpv6" if v6 else "icmp", src, dst, None)
    ident = random.randint(1, 0xFFFF)
    r["icmp_id"] = ident
    if v6:
        s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.settimeout(timeout)
    s.bind((src, 0))
    got = 0
    try:
        for seq in range(1, count + 1):
            payload = struct.pack("!d", time.time()) + b"natlab" * 4
            if v6:   # kernel fills in the ICMPv6 checksum on raw ICMPv6 sockets
                pkt = struct.pack("!BBHHH", 128, 0, 0, ident, seq) + payload
            else:
                hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
                pkt = struct.pack("!BBHHH", 8, 0, _csum(hdr + payload), ident, seq) + payload
            if r["t_start"] is None:
                r["t_start"] = now()
            s.sendto(pkt, (dst, 0))
            r["t_end"] = now()
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                try:
                    data = s.recv(2048)
                except socket.timeout:
                    break
                icmp = data if v6 else data[(data[0] & 0x0F) * 4:]
                typ = icmp[0]
                if (typ == 129 if v6 else typ == 0) and struct.unpack("!HH", icmp[4:8]) == (ident, seq):
                    got += 1
                    r["t_end"] = now()
                    if r["t_up"] is None:
                        r["t_up"] = r["t_end"]
                    break
            if seq < count:
                time.sleep(interval)
        r["result"] = "ok" if got == count else "lost %d/%d" % (count - got, count)
    except OSError as e:
        r["result"] = "error:%s" % e
    s.close()
    r["packets"] = count
    emit(r)
    return r


# ---------------------------------------------------------- raw extras
def gre_flow(src, dst, count=3, interval=0.5):
    """Plain GRE (version 0, no key) carrying a dummy IPv4 payload; the
    server's raw socket echoes it back."""
    r = new_rec("gre", "gre", src, dst, None)
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 47)
    s.bind((src, 0))
    s.settimeout(2)
    r["t_start"] = now()
    got = 0
    for i in range(count):
        s.sendto(struct.pack("!HH", 0, 0x0800) + b"\x45" + b"\0" * 19 + b"gre-%d" % i, (dst, 0))
        r["t_end"] = now()
        try:
            while True:
                d = s.recv(2048)
                if socket.inet_ntoa(d[12:16]) == dst:
                    got += 1
                    r["t_end"] = now()
                    break
        except socket.timeout:
            pass
        time.sleep(interval)
    r["result"] = "ok" if got == count else "lost %d/%d" % (count - got, count)
    s.close()
    emit(r)
    return r


def sctp_flow(src, dst, dport=7006, hold=1.0, end="shutdown"):
    """Hand-made SCTP association: INIT, INIT-ACK, COOKIE-ECHO, COOKIE-ACK,
    DATA-less, then SHUTDOWN/SHUTDOWN-ACK/SHUTDOWN-COMPLETE or ABORT."""
    sys.dont_write_bytecode = True  # keep the work tree clean
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from server import sctp_packet
    r = new_rec("sctp", "sctp", src, dst, dport)
    sport = random.randint(30000, 40000)
    r["sport"] = sport
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 132)
    s.bind((src, 0))
    s.settimeout(2)
    itag = random.randint(1, 0xFFFFFFFE)

    def recv_chunk(want):
        t = time.monotonic() + 2
        while time.monotonic() < t:
            d = s.recv(2048)
            l4 = d[(d[0] & 0x0F) * 4:]
            if socket.inet_ntoa(d[12:16]) == dst and len(l4) > 12 and l4[12] == want:
                return l4
        raise socket.timeout()
    try:
        r["t_start"] = now()
        init = struct.pack("!IIHHI", itag, 65536, 1, 1, 1)
        s.sendto(sctp_packet(sport, dport, 0, [(1, 0, init)]), (dst, 0))
        ia = recv_chunk(2)
        ptag = struct.unpack("!I", ia[16:20])[0]
        cookie = ia[12 + 4 + 16 + 4:12 + 4 + 16 + 4 + 8]
        s.sendto(sctp_packet(sport, dport, ptag, [(10, 0, cookie)]), (dst, 0))
        recv_chunk(11)
        r["t_up"] = now()
        time.sleep(hold)
        if end == "abort":
            s.sendto(sctp_packet(sport, dport, ptag, [(6, 0, b"")]), (dst, 0))
        else:
            s.sendto(sctp_packet(sport, dport, ptag, [(7, 0, struct.pack("!I", 0))]), (dst, 0))
            recv_chunk(8)
            s.sendto(sctp_packet(sport, dport, ptag, [(14, 0, b"")]), (dst, 0))
        r["t_end"] = now()
        r["result"] = "ok"
    except (socket.timeout, OSError) as e:
        r["t_end"] = now()
        r["result"] = "error:%r" % (e,)
    s.close()
    emit(r)
    return r


# ------------------------------------------------------------ scenarios
def run_threads(jobs):
    ths = []
    for delay, fn, kw in jobs:
        def go(fn=fn, kw=kw, delay=delay):
            time.sleep(delay)
            fn(**kw)
        t = threading.Thread(target=go, daemon=True)
        t.start()
        ths.append(t)
    return ths


def scenario_mixed(a):
    rnd = random.Random(a.seed)
    pick4 = lambda: rnd.choice(IN4)
    pick6 = lambda: rnd.choice(IN6)
    ev = threading.Event()
    jobs = []
    t = 0.0
    # spread the short flows over ~20 s
    for i in range(20):
        t += rnd.uniform(0.3, 1.0)
        jobs.append((t, tcp_flow, dict(src=pick4(), dst=SRV4, dport=rnd.choice([7001, 7002, 7003]),
                                       kind="tcp-short")))
    for i in range(5):
        jobs.append((rnd.uniform(0, 15), tcp_flow, dict(src=pick4(), dst=SRV4, dport=7001,
                                                        hold=rnd.uniform(3, 9), kind="tcp-long")))
    jobs.append((rnd.uniform(0, 15), tcp_flow, dict(src=pick4(), dst=SRV4, dport=7002, hold=2,
                                                    close="rst", kind="tcp-client-rst")))
    for i in range(2):
        jobs.append((rnd.uniform(0, 15), tcp_flow, dict(src=pick6(), dst=SRV6, dport=7001,
                                                        kind="tcp6-short")))
        jobs.append((rnd.uniform(0, 15), tcp_flow, dict(src=pick6(), dst=SRV6, dport=7002,
                                                        hold=rnd.uniform(3, 6), kind="tcp6-long")))
    for i in range(12):
        jobs.append((rnd.uniform(0, 20), udp_flow, dict(src=pick4(), dst=SRV4,
                                                        dport=rnd.choice([7001, 7002, 7003]),
                                                        kind="udp-short")))
    for i in range(3):
        jobs.append((rnd.uniform(0, 15), udp_flow, dict(src=pick4(), dst=SRV4, dport=7001,
                                                        hold=rnd.uniform(3, 8), kind="udp-long")))
    for i in range(2):
        jobs.append((rnd.uniform(0, 15), udp_flow, dict(src=pick6(), dst=SRV6, dport=7003,
                                                        hold=rnd.choice([0, 4]), kind="udp6")))
    jobs.append((rnd.uniform(0, 15), udp_flow, dict(src=pick4(), dst=SRV4, dport=7001,
                                                    noecho=True, kind="udp-oneway")))
    jobs.append((rnd.uniform(0, 15), udp_flow, dict(src=pick4(), dst=SRV4, dport=7999,
                                                    timeout=1, kind="udp-closed-port")))
    for i in range(3):
        jobs.append((rnd.uniform(0, 15), ping_flow, dict(src=pick4(), dst=SRV4, kind="ping")))
    for i in range(2):
        jobs.append((rnd.uniform(0, 15), ping_flow, dict(src=pick6(), dst=SRV6, kind="ping6")))
    jobs.append((rnd.uniform(0, 15), tcp_flow, dict(src=pick4(), dst=SRV4, dport=7999,
                                                    kind="tcp-closed-port")))
    jobs.append((rnd.uniform(0, 15), tcp_flow, dict(src=pick6(), dst=SRV6, dport=7999,
                                                    kind="tcp6-closed-port")))
    # left open when the capture ends
    for i in range(3):
        jobs.append((rnd.uniform(5, 20), tcp_flow, dict(src=pick4(), dst=SRV4, dport=7003, hold=1,
                                                        close="none", open_event=ev,
                                                        kind="tcp-open-at-end")))
    jobs.append((rnd.uniform(5, 20), tcp_flow, dict(src=pick6(), dst=SRV6, dport=7003, hold=1,
                                                    close="none", open_event=ev,
                                                    kind="tcp6-open-at-end")))
    jobs.append((rnd.uniform(5, 20), udp_flow, dict(src=pick4(), dst=SRV4, dport=7003, hold=1,
                                                    open_event=ev, kind="udp-open-at-end")))
    ths = run_threads(jobs)
    # port reuse: server closes first (server holds TIME_WAIT, conntrack entry
    # in TIME_WAIT), then the same inside src addr:port connects again
    time.sleep(8)
    src = pick4()
    r1 = tcp_flow(src=src, dst=SRV4, dport=7002, close="server", kind="tcp-reuse-1")
    time.sleep(2)
    tcp_flow(src=src, sport=r1["sport"], dst=SRV4, dport=7002, kind="tcp-reuse-2")
    for th in ths:
        th.join(timeout=60)
    # hold the "open" flows; they are closed only when we exit
    try:
        time.sleep(a.hold_open)
    except KeyboardInterrupt:
        pass
    ev.set()
    time.sleep(0.5)


def scenario_burst(a):
    """N single-datagram UDP flows, each from a fresh socket (new source
    port), no waiting for replies."""
    srcs = IN4 if a.src_all else [IN4[0]]
    t0 = now()
    n = 0
    socks = []
    deadline = time.monotonic() + a.max_seconds
    for i in range(a.count):
        if time.monotonic() > deadline:
            break
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((srcs[i % len(srcs)], 0))
        s.sendto(b"NOECHO", (SRV4, 7001 + i % 3))
        s.close()
        n += 1
    emit(dict(kind="burst", proto="udp", count=n, t_start=t0, t_end=now()))


def scenario_extras(a):
    r = []
    r.append(udp_flow(src=IN4[1], dst=SRV4, dport=7005, proto="udplite", hold=2, kind="udplite"))
    r.append(udp_flow(src=IN6[1], dst=SRV6, dport=7005, proto="udplite", kind="udplite6"))
    r.append(gre_flow(src=IN4[2], dst=SRV4))
    r.append(sctp_flow(src=IN4[3], dst=SRV4, end="shutdown"))
    r.append(sctp_flow(src=IN4[4], dst=SRV4, end="abort"))


def main():
    global _out
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", default="-")
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("tcp", "udp"):
        p = sub.add_parser(name)
        p.add_argument("--src", required=True)
        p.add_argument("--sport", type=int, default=0)
        p.add_argument("--dst", required=True)
        p.add_argument("--dport", type=int, required=True)
        p.add_argument("--hold", type=float, default=0)
        if name == "tcp":
            p.add_argument("--close", default="fin", choices=["fin", "rst", "server"])
        else:
            p.add_argument("--every", type=float, default=1.0)
            p.add_argument("--noecho", action="store_true")
    p = sub.add_parser("ping")
    p.add_argument("--src", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--count", type=int, default=2)
    p = sub.add_parser("mixed")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--hold-open", type=float, default=5)
    p = sub.add_parser("burst")
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--src-all", action="store_true")
    p.add_argument("--max-seconds", type=float, default=60)
    sub.add_parser("extras")
    a = ap.parse_args()
    if a.log != "-":
        _out = open(a.log, "a", buffering=1)
    if a.cmd == "tcp":
        r = tcp_flow(a.src, a.dst, a.dport, hold=a.hold, close=a.close, sport=a.sport)
    elif a.cmd == "udp":
        r = udp_flow(a.src, a.dst, a.dport, hold=a.hold, every=a.every, sport=a.sport,
                     noecho=a.noecho)
    elif a.cmd == "ping":
        r = ping_flow(a.src, a.dst, count=a.count)
    elif a.cmd == "mixed":
        return scenario_mixed(a)
    elif a.cmd == "burst":
        return scenario_burst(a)
    elif a.cmd == "extras":
        return scenario_extras(a)
    return 0 if r["result"] in ("ok",) else 1


if __name__ == "__main__":
    sys.exit(main())
