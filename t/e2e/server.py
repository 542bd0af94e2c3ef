#!/usr/bin/env python3
"""Lab server for the natlab end-to-end tests (run inside PREFIX-srv).

Accepts TCP, UDP (and, if the kernel has it, UDP-Lite) on a few ports on
198.51.100.2 and 2001:db8:40::2, echoes what it gets, and writes one JSON
object per line to --log for every thing it sees, with its own wall-clock
time (epoch seconds, microsecond precision):

  {"ev":"accept","proto":"tcp","fam":4,"peer":"198.51.100.1","pport":20017,
   "local":"198.51.100.2","lport":7001,"t":1700000000.123456}
  {"ev":"close", ... "bytes":12, "t":...}        TCP peer closed / we closed
  {"ev":"dgram","proto":"udp", ... "len":5, "t":...}  every datagram
  {"ev":"gre", ...} / {"ev":"sctp","chunk":1, ...}    raw-socket extras

A TCP client that sends a line "SERVERCLOSE" gets the connection closed by
the server first (so the server, not the client, holds TIME_WAIT - used to
provoke conntrack port reuse). "RST" makes the server abort with a RST.

--gre and --sctp answer hand-made GRE and SCTP packets with raw sockets
(the kernel here has no GRE tunnel device and no SCTP sockets; conntrack
still tracks both protocols).

Stops by itself after --duration seconds (default 600), or on SIGTERM.
Prints "ready" on stdout once every socket is bound.
"""
import argparse
import json
import os
import select
import signal
import socket
import struct
import sys
import time

IPPROTO_UDPLITE = 136


def now():
    return round(time.time(), 6)


class Log:
    def __init__(self, path):
        self.f = open(path, "a", buffering=1) if path and path != "-" else sys.stdout

    def w(self, **kv):
        kv.setdefault("t", now())
        self.f.write(json.dumps(kv, sort_keys=True) + "\n")


def fam_of(addr):
    return 6 if ":" in addr else 4


def crc32c(data, _tab=[]):
    if not _tab:
        for i in range(256):
            c = i
            for _ in range(8):
                c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
            _tab.append(c)
    c = 0xFFFFFFFF
    for b in data:
        c = _tab[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def sctp_packet(sport, dport, vtag, chunks):
    """chunks: list of (type, flags, value-bytes)."""
    body = b""
    for ctype, flags, val in chunks:
        ch = struct.pack("!BBH", ctype, flags, 4 + len(val)) + val
        ch += b"\0" * (-len(ch) % 4)
        body += ch
    hdr = struct.pack("!HHII", sport, dport, vtag, 0)
    pkt = hdr + body
    csum = crc32c(pkt)
    # SCTP puts the CRC32c in network order of the little-endian value
    return hdr[:8] + struct.pack("<I", csum) + body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--addr4", default="198.51.100.2")
    ap.add_argument("--addr6", default="2001:db8:40::2")
    ap.add_argument("--tcp-ports", default="7001,7002,7003")
    ap.add_argument("--udp-ports", default="7001,7002,7003")
    ap.add_argument("--udplite-ports", default="7005")
    ap.add_argument("--gre", action="store_true")
    ap.add_argument("--sctp", action="store_true")
    ap.add_argument("--log", default="-")
    ap.add_argument("--duration", type=float, default=600)
    a = ap.parse_args()

    log = Log(a.log)
    stop = [False]
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__(0, True))
    signal.signal(signal.SIGINT, lambda *_: stop.__setitem__(0, True))

    listeners, dgrams, raws, itags = {}, {}, {}, {}
    addrs = [(socket.AF_INET, a.addr4), (socket.AF_INET6, a.addr6)]
    ports = lambda s: [int(p) for p in s.split(",") if p]
    for fam, addr in addrs:
        for p in ports(a.tcp_ports):
            s = socket.socket(fam, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((addr, p))
            s.listen(512)
            s.setblocking(False)
            listeners[s.fileno()] = s
        for p in ports(a.udp_ports):
            s = socket.socket(fam, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            s.bind((addr, p))
            s.setblocking(False)
            dgrams[s.fileno()] = ("udp", s)
        for p in ports(a.udplite_ports):
            try:
                s = socket.socket(fam, socket.SOCK_DGRAM, IPPROTO_UDPLITE)
            except OSError as e:
                print("udplite unavailable: %s" % e, file=sys.stderr)
                break
            s.bind((addr, p))
            s.setblocking(False)
            dgrams[s.fileno()] = ("udplite", s)
    if a.gre:
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 47)
        raws[s.fileno()] = ("gre", s)
    if a.sctp:
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 132)
        raws[s.fileno()] = ("sctp", s)

    conns = {}  # fd -> [sock, info, bytes]
    print("ready", flush=True)
    deadline = time.monotonic() + a.duration
    poll = select.poll()
    for fd in list(listeners) + list(dgrams) + list(raws):
        poll.register(fd, select.POLLIN)

    def close_conn(fd, how):
        s, info, nb = conns.pop(fd)
        poll.unregister(fd)
        log.w(ev="close", how=how, bytes=nb, **info)
        try:
            s.close()
        except OSError:
            pass

    while not stop[0] and time.monotonic() < deadline:
        try:
            evs = poll.poll(200)
        except InterruptedError:
            continue
        for fd, _ in evs:
            if fd in listeners:
                try:
                    c, peer = listeners[fd].accept()
                except (BlockingIOError, InterruptedError):
                    continue
                loc = c.getsockname()
                info = dict(proto="tcp", fam=fam_of(peer[0]), peer=peer[0], pport=peer[1],
                            local=loc[0], lport=loc[1])
                log.w(ev="accept", **info)
                c.setblocking(False)
                conns[c.fileno()] = [c, info, 0]
                poll.register(c.fileno(), select.POLLIN)
            elif fd in dgrams:
                proto, s = dgrams[fd]
                for _ in range(256):
                    try:
                        data, peer = s.recvfrom(65535)
                    except (BlockingIOError, InterruptedError):
                        break
                    except OSError:
                        break
                    loc = s.getsockname()
                    log.w(ev="dgram", proto=proto, fam=fam_of(peer[0]), peer=peer[0],
                          pport=peer[1], local=loc[0], lport=loc[1], len=len(data))
                    if not data.startswith(b"NOECHO"):
                        try:
                            s.sendto(data, peer)
                        except OSError:
                            pass
            elif fd in raws:
                kind, s = raws[fd]
                pkt, peer = s.recvfrom(65535)
                ihl = (pkt[0] & 0x0F) * 4
                src = socket.inet_ntoa(pkt[12:16])
                dst = socket.inet_ntoa(pkt[16:20])
                if dst != a.addr4:
                    continue
                l4 = pkt[ihl:]
                if kind == "gre":
                    log.w(ev="gre", proto="gre", fam=4, peer=src, local=dst, len=len(l4))
                    s.sendto(l4, (src, 0))      # echo the GRE packet back
                else:
                    if len(l4) < 16:
                        continue
                    sport, dport, vtag = struct.unpack("!HHI", l4[:8])
                    ctype = l4[12]
                    log.w(ev="sctp", proto="sctp", fam=4, peer=src, pport=sport,
                          local=dst, lport=dport, chunk=ctype)
                    if ctype == 1:  # INIT -> INIT ACK (tag 0x5eed0001, cookie)
                        itag = struct.unpack("!I", l4[16:20])[0]
                        val = struct.pack("!IIHHI", 0x5EED0001, 65536, 1, 1, 1000)
                        cookie = struct.pack("!HH", 7, 12) + b"cookie!!"
                        s.sendto(sctp_packet(dport, sport, itag, [(2, 0, val + cookie)]), (src, 0))
                        itags[(src, sport)] = itag
                    elif ctype == 10:  # COOKIE ECHO -> COOKIE ACK
                        itag = itags.get((src, sport), 0)
                        s.sendto(sctp_packet(dport, sport, itag, [(11, 0, b"")]), (src, 0))
                    elif ctype == 7:  # SHUTDOWN -> SHUTDOWN ACK
                        itag = itags.get((src, sport), 0)
                        s.sendto(sctp_packet(dport, sport, itag, [(8, 0, b"")]), (src, 0))
            elif fd in conns:
                s, info, nb = conns[fd]
                try:
                    data = s.recv(65536)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    close_conn(fd, "error")
                    continue
                if not data:
                    close_conn(fd, "peer-fin")
                    continue
                conns[fd][2] += len(data)
                if b"SERVERCLOSE" in data:
                    close_conn(fd, "server-fin")
                    continue
                if b"RST" in data:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    close_conn(fd, "server-rst")
                    continue
                try:
                    s.send(data)
                except OSError:
                    close_conn(fd, "error")
    for fd in list(conns):
        close_conn(fd, "server-exit")
    log.w(ev="exit")


if __name__ == "__main__":
    main()
