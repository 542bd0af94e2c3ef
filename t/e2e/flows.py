#!/usr/bin/env python3
"""Ground truth for the end-to-end tests: flows through the lab NAT whose
inside address is known to the server without conntrack.

  flows.py server --log FILE [--duration S]       (in PREFIX-srv)
  flows.py client --log FILE --seed N --flows N [--spread S] [--open N]
                  [--long N --hold S] [--until FILE]
                  [--ports 7001,7002,7003]  (in PREFIX-cli)

Every message a client sends names its inside address and port:
"WHO <src> <sport> <seq>\n".  The server writes one JSON line per message
with its own time and the address and port it saw (the NAT's):
  {"t": 1795760467.842594, "proto": "tcp", "nat": "198.51.100.1",
   "natport": 27553, "dst": "198.51.100.2", "dport": 7002,
   "who": "10.30.0.4", "whoport": 39189}
A trace at that time for (nat, natport, proto) must name "who".

The client runs short flows (one message), long flows (a message a second
for some seconds: the server sees the middle of the flow; --long of them
for --hold seconds each) and flows left open until the file --until
appears.  Everything stops by itself.
"""
import argparse
import json
import os
import random
import select
import socket
import sys
import threading
import time

SRV4, SRV6 = "198.51.100.2", "2001:db8:40::2"
IN4 = ["10.30.0.%d" % i for i in range(2, 10)]
IN6 = ["fd00:40::%d" % i for i in range(2, 10)]


def now():
    return round(time.time(), 6)


class Log:
    def __init__(self, path):
        self.f = open(path, "a", buffering=1)
        self.lock = threading.Lock()

    def w(self, rec):
        with self.lock:
            self.f.write(json.dumps(rec, sort_keys=True) + "\n")


def parse(msg):
    p = msg.split()
    if len(p) >= 3 and p[0] == "WHO":
        return p[1], int(p[2])
    return None, None


def server(a):
    log = Log(a.log)
    ports = [int(p) for p in a.ports.split(",")]
    socks = {}
    for fam, addr in ((socket.AF_INET, SRV4), (socket.AF_INET6, SRV6)):
        for port in ports:
            t = socket.socket(fam, socket.SOCK_STREAM)
            t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            t.bind((addr, port))
            t.listen(256)
            socks[t] = ("tcp-listen", addr, port)
            u = socket.socket(fam, socket.SOCK_DGRAM)
            u.bind((addr, port))
            socks[u] = ("udp", addr, port)
    print("ready", flush=True)
    conns = {}
    end = time.monotonic() + a.duration
    while time.monotonic() < end:
        r, _, _ = select.select(list(socks) + list(conns), [], [], 0.5)
        for s in r:
            if s in socks and socks[s][0] == "tcp-listen":
                c, peer = s.accept()
                conns[c] = (peer, socks[s][1], socks[s][2], b"")
            elif s in socks:
                data, peer = s.recvfrom(2048)
                t = now()
                who, whoport = parse(data.decode(errors="replace"))
                log.w(dict(t=t, proto="udp", nat=peer[0], natport=peer[1],
                           dst=socks[s][1], dport=socks[s][2], who=who,
                           whoport=whoport))
                s.sendto(data, peer)
            else:
                peer, addr, port, buf = conns[s]
                try:
                    data = s.recv(2048)
                except OSError:
                    data = b""
                if not data:
                    s.close()
                    del conns[s]
                    continue
                t = now()
                buf += data
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    who, whoport = parse(line.decode(errors="replace"))
                    log.w(dict(t=t, proto="tcp", nat=peer[0], natport=peer[1],
                               dst=addr, dport=port, who=who, whoport=whoport))
                    try:
                        s.sendall(line + b"\n")
                    except OSError:
                        pass
                conns[s] = (peer, addr, port, buf)


def flow(a, log, proto, src, dst, dport, hold, left_open):
    fam = socket.AF_INET6 if ":" in src else socket.AF_INET
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(fam, kind)
    s.settimeout(3)
    rec = dict(proto=proto, src=src, dst=dst, dport=dport, hold=hold,
               open=left_open, t_start=now())
    try:
        s.bind((src, 0))
        rec["sport"] = s.getsockname()[1]
        if proto == "tcp":
            s.connect((dst, dport))
        seq = 0
        t0 = time.monotonic()
        while True:
            msg = b"WHO %s %d %d\n" % (src.encode(), rec["sport"], seq)
            if proto == "tcp":
                s.sendall(msg)
            else:
                s.sendto(msg, (dst, dport))
            s.recv(2048)
            seq += 1
            if time.monotonic() - t0 + 1 > hold:
                break
            time.sleep(1)
        rec["result"] = "ok"
        if left_open:
            deadline = time.monotonic() + a.max_open
            while not os.path.exists(a.until) and time.monotonic() < deadline:
                time.sleep(0.2)
    except OSError as e:
        rec["result"] = "error: %s" % e
    rec["t_end"] = now()
    s.close()
    log.w(rec)


def client(a):
    rnd = random.Random(a.seed)
    log = Log(a.log)
    ports = [int(p) for p in a.ports.split(",")]
    jobs = []
    for i in range(a.flows):
        v6 = rnd.random() < 0.15
        src = rnd.choice(IN6 if v6 else IN4)
        dst = SRV6 if v6 else SRV4
        proto = "tcp" if rnd.random() < 0.6 else "udp"
        hold = rnd.uniform(3, 8) if rnd.random() < 0.2 else 0
        if i >= a.flows - a.long:
            hold = a.hold
        jobs.append((rnd.uniform(0, a.spread), proto, src, dst,
                     rnd.choice(ports), hold, i < a.open))
    jobs.sort()
    threads = []
    t0 = time.monotonic()
    for start, proto, src, dst, dport, hold, left_open in jobs:
        time.sleep(max(0, start - (time.monotonic() - t0)))
        th = threading.Thread(target=flow, args=(a, log, proto, src, dst,
                                                 dport, hold, left_open))
        th.start()
        threads.append(th)
    for th in threads:
        th.join(timeout=a.max_open + 30)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("server")
    s.add_argument("--log", required=True)
    s.add_argument("--duration", type=float, default=300)
    s.add_argument("--ports", default="7001,7002,7003")
    c = sub.add_parser("client")
    c.add_argument("--log", required=True)
    c.add_argument("--seed", type=int, default=1)
    c.add_argument("--flows", type=int, default=60)
    c.add_argument("--spread", type=float, default=10)
    c.add_argument("--open", type=int, default=0)
    c.add_argument("--until", default="/nonexistent")
    c.add_argument("--max-open", type=float, default=120)
    c.add_argument("--long", type=int, default=0)
    c.add_argument("--hold", type=float, default=30)
    c.add_argument("--ports", default="7001,7002,7003")
    a = ap.parse_args()
    server(a) if a.cmd == "server" else client(a)


if __name__ == "__main__":
    sys.exit(main())
