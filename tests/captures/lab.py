#!/usr/bin/env python3
"""The capture lab: real Linux TCP between two network namespaces, with a user-space wire
that delays, drops and reorders chosen packets, captured with dumpcap at a chosen point,
and `ss -tanoi` polled on both hosts as ground truth.

    sudo python3 tests/captures/lab.py            # every scenario
    sudo python3 tests/captures/lab.py refused    # one (or a few) by name
    python3 tests/captures/lab.py --list

Needs root, iproute2, dumpcap (Debian's wireshark-common/tshark) and Python 3.9+, nothing
else. Writes `<scenario>[.<point>].pcap|pcapng` and `<scenario>.truth.json` beside this file.

Topology: namespace `cpc` (the client, 192.0.2.1 and 2001:db8::1) and `cps` (the server,
192.0.2.2 and 2001:db8::2), each with one TAP interface whose other end is a file
descriptor held by this process. The relay thread copies Ethernet frames between the two
descriptors and applies the scenario's rule to each: pass after the base latency, drop, or
delay longer (which reorders). Capture points: `client` (dumpcap on the client's TAP,
before anything the wire loses on the way in), `server` (likewise on the server), `any`
(dumpcap on the server's `any` pseudo-interface: Linux cooked capture), `middle` (the relay
writes what it received, before its own drops).

The names are prefixed `cp` (this lab's tag); everything is deleted at the end, also on
error.
"""

import fcntl
import heapq
import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
NS = {"client": "cpc", "server": "cps"}
TAP = {"client": "cpc-tap", "server": "cps-tap"}
MAC = {"client": "02:00:00:77:00:01", "server": "02:00:00:77:00:02"}
IP4 = {"client": "192.0.2.1", "server": "192.0.2.2"}
IP6 = {"client": "2001:db8::1", "server": "2001:db8::2"}
PORT = 8080

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000


# ---------------------------------------------------------------- packets on the wire


class Pkt:
    """The TCP facts of one Ethernet frame that a rule needs (None fields when not TCP)."""

    def __init__(self, frame):
        self.tcp = False
        if len(frame) < 14:
            return
        etype = struct.unpack("!H", frame[12:14])[0]
        if etype == 0x0800 and len(frame) >= 34:
            ihl = (frame[14] & 0x0F) * 4
            total = struct.unpack("!H", frame[16:18])[0]
            if frame[23] != 6:
                return
            t = 14 + ihl
            ip_payload = total - ihl
        elif etype == 0x86DD and len(frame) >= 54:
            if frame[20] != 6:
                return
            t = 54
            ip_payload = struct.unpack("!H", frame[18:20])[0]
        else:
            return
        if len(frame) < t + 20:
            return
        self.tcp = True
        self.sport, self.dport, self.seq, self.ack = struct.unpack("!HHII", frame[t : t + 12])
        off = (frame[t + 12] >> 4) * 4
        f = frame[t + 13]
        self.fin, self.syn, self.rst = bool(f & 1), bool(f & 2), bool(f & 4)
        self.has_ack = bool(f & 16)
        self.len = ip_payload - off
        self.pure_ack = self.has_ack and not (self.fin or self.syn or self.rst) and self.len == 0

    def __repr__(self):
        if not self.tcp:
            return "not-tcp"
        flags = "".join(n for n, on in [("S", self.syn), ("F", self.fin), ("R", self.rst), (".", self.has_ack)] if on)
        return f"{self.sport}>{self.dport} [{flags}] seq={self.seq} ack={self.ack} len={self.len}"


class Rule:
    """Passes everything after the base latency. Scenarios override `decide`, which returns
    None (pass), "drop", or extra seconds of delay; `seen` counts per direction."""

    latency = 0.005

    def __init__(self):
        self.log = []

    def decide(self, direction, p):
        return None


class CountRule(Rule):
    """Acts on the n-th (from 1) packet of a direction matching a predicate."""

    def __init__(self, direction, match, nth, action):
        super().__init__()
        self.direction, self.match, self.nth, self.action = direction, match, set(nth), action
        self.count = 0

    def decide(self, direction, p):
        if direction != self.direction or not p.tcp or not self.match(p):
            return None
        self.count += 1
        return self.action if self.count in self.nth else None


class FinThenRule(Rule):
    """Drops the first packet of `direction` matching `match` after a FIN went `fin_dir`."""

    def __init__(self, fin_dir, direction, match):
        super().__init__()
        self.fin_dir, self.direction, self.match = fin_dir, direction, match
        self.armed = self.done = False

    def decide(self, direction, p):
        if not p.tcp or self.done:
            return None
        if direction == self.fin_dir and p.fin:
            self.armed = True
        elif direction == self.direction and self.armed and self.match(p):
            self.done = True
            return "drop"
        return None


# ---------------------------------------------------------------- the relay


def open_tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    return fd


class PcapWriter:
    def __init__(self, path):
        self.f = open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))

    def write(self, t, frame):
        sec = int(t)
        self.f.write(struct.pack("<IIII", sec, int((t - sec) * 1e6), len(frame), len(frame)))
        self.f.write(frame)

    def close(self):
        self.f.close()


class Relay(threading.Thread):
    def __init__(self, fds, rule, middle=None):
        super().__init__(daemon=True)
        self.fds, self.rule, self.middle = fds, rule, middle
        self.stop = False
        self.queue = []
        self.n = 0

    def run(self):
        other = {self.fds["client"]: ("c2s", self.fds["server"]), self.fds["server"]: ("s2c", self.fds["client"])}
        while not self.stop:
            now = time.time()
            while self.queue and self.queue[0][0] <= now:
                _, _, fd, frame = heapq.heappop(self.queue)
                os.write(fd, frame)
            timeout = max(0.0, self.queue[0][0] - now) if self.queue else 0.05
            ready, _, _ = select.select(list(other), [], [], min(timeout, 0.05))
            for fd in ready:
                frame = os.read(fd, 65536)
                now = time.time()
                direction, out = other[fd]
                if self.middle:
                    self.middle.write(now, frame)
                p = Pkt(frame)
                action = self.rule.decide(direction, p)
                if action == "drop":
                    self.rule.log.append({"t": now, "dir": direction, "packet": repr(p), "fate": "dropped"})
                    continue
                delay = self.rule.latency + (action or 0)
                if action:
                    self.rule.log.append({"t": now, "dir": direction, "packet": repr(p), "fate": f"delayed {action}s more"})
                self.n += 1
                heapq.heappush(self.queue, (now + delay, self.n, out, frame))


# ---------------------------------------------------------------- namespaces


def sh(*args, check=True):
    return subprocess.run(list(args), check=check, capture_output=True, text=True)


def netns(side, *args, check=True):
    return sh("ip", "netns", "exec", NS[side], *args, check=check)


def setup(sysctls):
    fds = {}
    for side in ("client", "server"):
        sh("ip", "netns", "add", NS[side])
        fds[side] = open_tap(TAP[side])
        sh("ip", "link", "set", TAP[side], "netns", NS[side])
        netns(side, "ip", "link", "set", "lo", "up")
        netns(side, "ip", "link", "set", TAP[side], "address", MAC[side])
        netns(side, "ip", "addr", "add", IP4[side] + "/24", "dev", TAP[side])
        netns(side, "ip", "addr", "add", IP6[side] + "/64", "dev", TAP[side], "nodad")
        netns(side, "ip", "link", "set", TAP[side], "up")
        for key, value in sysctls.get(side, {}).items():
            netns(side, "sysctl", "-qw", f"{key}={value}")
    for side, peer in (("client", "server"), ("server", "client")):
        # Static neighbours: no ARP or neighbour discovery in the captures' way.
        netns(side, "ip", "neigh", "add", IP4[peer], "lladdr", MAC[peer], "dev", TAP[side], "nud", "permanent")
        netns(side, "ip", "neigh", "add", IP6[peer], "lladdr", MAC[peer], "dev", TAP[side], "nud", "permanent")
    return fds


def teardown():
    for ns in NS.values():
        sh("ip", "netns", "del", ns, check=False)


# ---------------------------------------------------------------- ground truth: ss


def start_poll(side, path):
    cmd = "while :; do echo \"@ $(date +%s.%N)\"; ss -tanoi; sleep 0.01; done"
    return subprocess.Popen(["ip", "netns", "exec", NS[side], "sh", "-c", cmd], stdout=open(path, "w"),
                            start_new_session=True)


def parse_poll(path):
    """(time, [(state, local, peer, timer)]) samples from `ss -tanoi` output."""
    samples = []
    for line in open(path):
        if line.startswith("@ "):
            samples.append((float(line[2:]), []))
        elif samples and line and not line[0].isspace() and not line.startswith("State"):
            parts = line.split()
            if len(parts) >= 5:
                timer = next((w for w in parts[5:] if w.startswith("timer:(")), None)
                samples[-1][1].append((parts[0], parts[3], parts[4], timer))
    return samples


def truth_of(side, samples):
    """Each socket's state changes (first time seen in each state) and its last state."""
    sockets = {}
    # The poller is killed at the end, usually in the middle of a sample: drop the last one.
    samples = samples[:-1]
    last_t = samples[-1][0] if samples else 0
    for t, rows in samples:
        seen = set()
        for state, local, peer, timer in rows:
            if state == "LISTEN":
                continue
            key = f"{local} {peer}"
            seen.add(key)
            s = sockets.setdefault(key, {"host": side, "local": local, "peer": peer, "states": [], "gone": None})
            if s["gone"] is not None:
                s["states"].append({"t": round(t, 6), "state": "(gone)"})
                s["gone"] = None
            if not s["states"] or s["states"][-1]["state"] != state:
                entry = {"t": round(t, 6), "state": state}
                if timer:
                    entry["timer"] = timer
                s["states"].append(entry)
        for key, s in sockets.items():
            if key not in seen and s["gone"] is None:
                s["gone"] = round(t, 6)
    out = []
    for s in sockets.values():
        s["final"] = "(gone)" if s["gone"] is not None else s["states"][-1]["state"]
        out.append(s)
    return out, last_t


# ---------------------------------------------------------------- the hosts' programs


def at(t):
    """Sleeps until wall-clock time t (both hosts share the clock)."""
    d = t - time.time()
    if d > 0:
        time.sleep(d)


def recv_all(s, n):
    got = 0
    while got < n:
        b = s.recv(min(65536, n - got))
        if not b:
            break
        got += len(b)
    return got


def drain(s):
    while s.recv(65536):
        pass


def listener(family=socket.AF_INET, rcvbuf=None):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", PORT))
    s.listen(8)
    return s


def dial(host=IP4["server"], port=PORT, family=socket.AF_INET, bind=None):
    s = socket.socket(family, socket.SOCK_STREAM)
    if bind:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(bind)
    s.connect((host, port))
    return s


def keepalive(s, idle, intvl, cnt):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, idle)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, intvl)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, cnt)


def abort(s):
    """close() with SO_LINGER 0: the kernel sends a RST and forgets the socket."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def echo_server(t0, reply=100):
    c, _ = listener().accept()
    recv_all(c, 100)
    c.sendall(b"r" * reply)
    drain(c)
    time.sleep(0.2)
    c.close()


def request_client(t0):
    s = dial()
    s.sendall(b"q" * 100)
    recv_all(s, 100)
    s.close()


# Each scenario: what it shows (doc), the two programs (run in their namespaces with the
# common start time t0), the wire's rule, capture points (point, file format, snaplen),
# sysctls per host, and how long to watch after the programs end.
SCENARIOS = {}


def scenario(name, doc, points, rule=Rule, sysctls=None, linger=1.5):
    def wrap(cls):
        SCENARIOS[name] = dict(doc=doc, points=points, rule=rule, sysctls=sysctls or {}, linger=linger,
                               client=cls.client, server=cls.server)
        return cls
    return wrap


@scenario("lost-final-ack",
          "The client closes first; its last ACK (of the server's FIN) is lost after the client-side "
          "capture point, so the server retransmits its FIN and the client in TIME-WAIT ACKs it again.",
          [("client", "pcap", None)],
          rule=lambda: FinThenRule("s2c", "c2s", lambda p: p.pure_ack))
class LostFinalAck:
    @staticmethod
    def server(t0):
        c, _ = listener().accept()
        recv_all(c, 100)
        c.sendall(b"r" * 100)
        drain(c)
        time.sleep(0.2)
        c.close()

    @staticmethod
    def client(t0):
        s = dial()
        s.sendall(b"q" * 100)
        recv_all(s, 100)
        time.sleep(0.1)
        s.close()


@scenario("lost-synack",
          "The server's first SYN,ACK is lost after the server-side capture point: the client "
          "retransmits its SYN, the server its SYN,ACK.",
          [("server", "pcapng", None)],
          rule=lambda: CountRule("s2c", lambda p: p.syn and p.has_ack, [1], "drop"))
class LostSynAck:
    server = staticmethod(echo_server)
    client = staticmethod(request_client)


class KeepaliveRstRule(Rule):
    """Drops the client's first two RSTs: its abort, and its answer to a keep-alive."""

    def __init__(self):
        super().__init__()
        self.rsts = 0

    def decide(self, direction, p):
        if direction == "c2s" and p.tcp and p.rst:
            self.rsts += 1
            if self.rsts <= 2:
                return "drop"
        return None


@scenario("keepalive-rst-lost",
          "The client aborts (RST, lost); the server's keep-alive probe draws another RST from the "
          "socketless client, lost too; the server then closes and its FIN draws a third RST, which "
          "arrives. Captured at the client.",
          [("client", "pcap", None)], rule=KeepaliveRstRule)
class KeepaliveRstLost:
    @staticmethod
    def server(t0):
        c, _ = listener().accept()
        keepalive(c, 1, 1, 5)
        recv_all(c, 100)
        time.sleep(1.8)
        c.close()

    @staticmethod
    def client(t0):
        s = dial()
        s.sendall(b"q" * 100)
        time.sleep(0.2)
        abort(s)


def simultaneous_close_rule():
    r = Rule()
    r.latency = 0.05
    return r


@scenario("simultaneous-close",
          "Both ends close at the same moment over a 50 ms wire: the FINs cross, both go "
          "FIN-WAIT-1 -> CLOSING -> TIME-WAIT. Captured at the client (pcapng) and on the "
          "server's `any` interface (Linux cooked capture v2).",
          [("client", "pcapng", None), ("any", "pcap", None)], rule=simultaneous_close_rule)
class SimultaneousClose:
    @staticmethod
    def server(t0):
        c, _ = listener().accept()
        recv_all(c, 100)
        at(t0 + 1.5)
        c.close()

    @staticmethod
    def client(t0):
        s = dial()
        s.sendall(b"q" * 100)
        at(t0 + 1.5)
        s.close()


@scenario("simultaneous-open",
          "Both ends connect() to each other at the same moment over a 50 ms wire: the SYNs cross, "
          "both go SYN-SENT -> SYN-RECV -> ESTABLISHED; then the client sends and closes first.",
          [("client", "pcap", None)], rule=simultaneous_close_rule)
class SimultaneousOpen:
    @staticmethod
    def server(t0):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((IP4["server"], 40001))
        at(t0 + 1.5)
        s.connect((IP4["client"], 40000))
        recv_all(s, 100)
        drain(s)
        s.close()

    @staticmethod
    def client(t0):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((IP4["client"], 40000))
        at(t0 + 1.5)
        s.connect((IP4["server"], 40001))
        s.sendall(b"q" * 100)
        time.sleep(0.3)
        s.close()
        time.sleep(0.5)


@scenario("refused",
          "The client connects to a port nobody listens on: the server's kernel answers RST,ACK.",
          [("client", "pcap", None)])
class Refused:
    @staticmethod
    def server(t0):
        time.sleep(1)

    @staticmethod
    def client(t0):
        try:
            dial(port=9)
        except ConnectionRefusedError:
            pass


@scenario("orphan-fin-wait-2",
          "The client closes; the server ACKs but keeps its end open. With tcp_fin_timeout = 2 s the "
          "client's orphaned FIN-WAIT-2 socket is destroyed; the server's FIN at 4 s then draws a RST.",
          [("client", "pcap", None)], sysctls={"client": {"net.ipv4.tcp_fin_timeout": 2}}, linger=1.0)
class OrphanFinWait2:
    @staticmethod
    def server(t0):
        c, _ = listener().accept()
        recv_all(c, 100)
        drain(c)
        time.sleep(4)
        try:
            c.close()
        except OSError:
            pass
        time.sleep(0.3)

    @staticmethod
    def client(t0):
        s = dial()
        s.sendall(b"q" * 100)
        s.close()


@scenario("headers-only",
          "A request, a 6000-byte reply whose last segment carries the server's FIN, then the "
          "client's close; captured headers-only (dumpcap -s 96), as in production.",
          [("client", "pcap", 96)])
class HeadersOnly:
    @staticmethod
    def server(t0):
        c, _ = listener().accept()
        recv_all(c, 200)
        c.sendall(b"r" * 6000)
        c.close()

    @staticmethod
    def client(t0):
        s = dial()
        s.sendall(b"q" * 200)
        drain(s)
        time.sleep(0.1)
        s.close()


@scenario("midstream",
          "The capture starts 1.5 s into an established connection: data both ways, then the "
          "server closes first.",
          [("server", "pcapng", None, 1.5)])
class Midstream:
    @staticmethod
    def server(t0):
        c, _ = listener().accept()
        recv_all(c, 100)
        at(t0 + 3.0)
        c.sendall(b"r" * 500)
        recv_all(c, 300)
        c.close()
        time.sleep(0.3)

    @staticmethod
    def client(t0):
        s = dial()
        s.sendall(b"q" * 100)
        at(t0 + 2.8)
        s.sendall(b"q" * 300)
        recv_all(s, 500)
        drain(s)
        s.close()


@scenario("bulk-loss",
          "The client sends 300 kB; the wire drops client data segments 20, 21 and 60 (SACK and "
          "fast retransmit recover them). Captured at the client (originals and retransmissions) "
          "and at the server (the holes).",
          [("client", "pcap", None), ("server", "pcap", None)],
          rule=lambda: CountRule("c2s", lambda p: p.len > 0, [20, 21, 60], "drop"))
class BulkLoss:
    @staticmethod
    def server(t0):
        c, _ = listener().accept()
        recv_all(c, 300_000)
        drain(c)
        c.close()

    @staticmethod
    def client(t0):
        s = dial()
        s.sendall(b"d" * 300_000)
        s.shutdown(socket.SHUT_WR)
        drain(s)
        s.close()


@scenario("reorder",
          "The client sends 60 kB; the wire holds data segment 10 back 30 ms, so the server sees "
          "it out of order (duplicate ACKs with SACK, no loss).",
          [("server", "pcapng", None)],
          rule=lambda: CountRule("c2s", lambda p: p.len > 0, [10], 0.03))
class Reorder:
    server = staticmethod(BulkLoss.server)

    @staticmethod
    def client(t0):
        s = dial()
        s.sendall(b"d" * 60_000)
        s.shutdown(socket.SHUT_WR)
        drain(s)
        s.close()

    # The server expects 300 kB but drains to EOF, so 60 kB is fine.


@scenario("zero-window",
          "The server's receive buffer is tiny and it reads nothing for 1.5 s: its window closes, "
          "the client probes the zero window, then the server reads and the window opens.",
          [("client", "pcap", None)])
class ZeroWindow:
    @staticmethod
    def server(t0):
        ls = listener(rcvbuf=4096)
        c, _ = ls.accept()
        time.sleep(1.5)
        while True:
            b = c.recv(1024)
            if not b:
                break
            time.sleep(0.01)
        c.close()

    @staticmethod
    def client(t0):
        s = dial()
        s.sendall(b"d" * 40_000)
        s.close()
        time.sleep(1.5)


@scenario("keepalive",
          "An idle connection with keep-alive on (idle 1 s, interval 1 s): the client probes, the "
          "server answers each; then the client closes. Captured in the middle of the wire.",
          [("middle", "pcap", None)])
class Keepalive:
    @staticmethod
    def server(t0):
        c, _ = listener().accept()
        drain(c)
        c.close()

    @staticmethod
    def client(t0):
        s = dial()
        keepalive(s, 1, 1, 3)
        s.sendall(b"q" * 10)
        time.sleep(3.5)
        s.close()


@scenario("reuse",
          "The server closes first (so it holds TIME-WAIT); the client connects again from the same "
          "port 0.5 s later and the server's TIME-WAIT socket accepts the new SYN (timestamps). "
          "Captured on the server's `any` interface as Linux cooked capture v1 (SLL).",
          [("any-sll", "pcap", None)])
class Reuse:
    @staticmethod
    def server(t0):
        ls = listener()
        for _ in range(2):
            c, _ = ls.accept()
            recv_all(c, 100)
            c.close()

    @staticmethod
    def client(t0):
        for _ in range(2):
            s = dial(bind=(IP4["client"], 40100))
            s.sendall(b"q" * 100)
            drain(s)
            s.close()
            time.sleep(0.5)


@scenario("ipv6",
          "A request and reply over IPv6, the client closing first.",
          [("client", "pcapng", None)])
class Ipv6:
    @staticmethod
    def server(t0):
        c, _ = listener(socket.AF_INET6).accept()
        recv_all(c, 100)
        c.sendall(b"r" * 2000)
        drain(c)
        c.close()

    @staticmethod
    def client(t0):
        s = dial(IP6["server"], family=socket.AF_INET6)
        s.sendall(b"q" * 100)
        recv_all(s, 2000)
        s.close()
        time.sleep(0.3)


# ---------------------------------------------------------------- running one scenario


def start_capture(point, fmt, snaplen, path):
    side = "client" if point == "client" else "server"
    args = ["dumpcap", "-q", "-w", path]
    if point in ("client", "server"):
        args += ["-i", TAP[side]]
    elif point == "any":
        args += ["-i", "any"]
    elif point == "any-sll":
        args += ["-i", "any", "-y", "LINUX_SLL"]
    if fmt == "pcap":
        args.append("-P")
    if snaplen:
        args += ["-s", str(snaplen)]
    # dumpcap drops privileges for writing in some setups; write to /tmp, copy afterwards.
    return subprocess.Popen(["ip", "netns", "exec", NS[side]] + args, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)


def run(name):
    sc = SCENARIOS[name]
    teardown()
    fds = setup(sc["sysctls"])
    rule = sc["rule"]()
    tmp = f"/tmp/cp-lab-{name}"
    os.makedirs(tmp, exist_ok=True)
    middle = None
    outputs = []
    for point in sc["points"]:
        p, fmt = point[0], point[1]
        label = name if len(sc["points"]) == 1 else f"{name}.{p}"
        outputs.append((point, f"{label}.{fmt}"))
        if p == "middle":
            middle = PcapWriter(os.path.join(tmp, f"{label}.{fmt}"))
    relay = Relay(fds, rule, middle)
    relay.start()
    polls = {side: start_poll(side, os.path.join(tmp, f"ss-{side}.txt")) for side in ("client", "server")}
    captures = []

    def capture(point, file):
        captures.append(start_capture(point[0], point[1], point[2], os.path.join(tmp, file)))

    for point, file in outputs:
        if point[0] != "middle" and len(point) < 4:
            capture(point, file)
    time.sleep(1.0)
    # The programs' common clock: the server starts at t0, the client 0.5 s later.
    t0 = time.time()
    me = os.path.abspath(__file__)
    procs = {}
    for side in ("server", "client"):
        procs[side] = subprocess.Popen(["ip", "netns", "exec", NS[side], sys.executable, me, "--role", name, side,
                                        repr(t0)], start_new_session=True)
        # The server listens before the client connects.
        time.sleep(0.5)
    for point, file in outputs:
        if len(point) >= 4:
            at(t0 + point[3])
            capture(point, file)
    try:
        for side in ("client", "server"):
            procs[side].wait(timeout=30)
    except BaseException:
        for p in list(procs.values()) + list(polls.values()) + captures:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
        raise
    time.sleep(sc["linger"])
    for c in captures:
        c.send_signal(signal.SIGINT)
        c.wait(timeout=10)
    for p in polls.values():
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
        p.wait()
    relay.stop = True
    relay.join()
    if middle:
        middle.close()
    for fd in fds.values():
        os.close(fd)
    teardown()
    truth = {
        "scenario": name,
        "doc": sc["doc"],
        "kernel": os.uname().release,
        "client": {"ipv4": IP4["client"], "ipv6": IP6["client"]},
        "server": {"ipv4": IP4["server"], "ipv6": IP6["server"], "port": PORT},
        "captures": [{"file": f, "point": pt[0], "format": pt[1], "snaplen": pt[2]} for pt, f in outputs],
        "wire": rule.log,
        "sockets": [],
    }
    for side in ("client", "server"):
        socks, _ = truth_of(side, parse_poll(os.path.join(tmp, f"ss-{side}.txt")))
        truth["sockets"] += socks
    for _, f in outputs:
        os.replace(os.path.join(tmp, f), os.path.join(HERE, f))
    with open(os.path.join(HERE, f"{name}.truth.json"), "w") as out:
        json.dump(truth, out, indent=1)
        out.write("\n")
    print(f"{name}: {', '.join(f for _, f in outputs)}; wire: {len(rule.log)} acted on")


def main():
    args = sys.argv[1:]
    if args[:1] == ["--role"]:
        name, side, t0 = args[1], args[2], float(args[3])
        SCENARIOS[name][side](t0)
        return
    if args[:1] == ["--list"]:
        for name, sc in SCENARIOS.items():
            print(f"{name}: {sc['doc']}")
        return
    if os.geteuid() != 0:
        sys.exit("lab.py needs root (network namespaces, TAP interfaces, dumpcap)")
    names = args or list(SCENARIOS)
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        sys.exit(f"unknown scenario(s): {', '.join(unknown)} (see --list)")
    try:
        for name in names:
            run(name)
    finally:
        teardown()


if __name__ == "__main__":
    main()
