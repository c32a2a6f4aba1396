#!/usr/bin/env python3
"""The Linux lab: runs a `.tcps` scenario against this machine's kernel and against
`synack` under `set profile linux`, and compares them.

One peer of the scenario is the kernel (a `# lab: kernel=A` or `kernel=B` line says which):
a real socket in its own network namespace, driven by kernel_app.py through the socket API
(listen, connect, send, close, shutdown, abort). The other peer is played packetdrill-style
by this script in a second namespace: every segment the scenario delivers (or injects, or
duplicates) to the kernel is built by hand from synack's trace of the same scenario, with
its ACK field mapped onto the kernel's real ISN, and sent on a veth with an AF_PACKET
socket. nftables drops every TCP segment the driving namespace's own kernel would send (it
knows no socket for these connections and would answer with RSTs); AF_PACKET frames pass
below netfilter. Everything the kernel sends is captured on the same veth (and saved as a
pcap), and `ss -tanoi` is polled in the kernel's namespace for its states and timers.

Compared, in order, for the kernel's peer: every segment (flags without PSH, seq relative
to the kernel's ISN, ack, payload length, and the time it left within the kernel's timer
slack: 40 ms plus 1/8 of the time since the timer could have started), and the state at
each `expect <kernel-peer> STATE` line (from `ss`). The run is paced in real time: `wait 60s`
waits a minute, so long scenarios run in parallel namespaces.

Usage (as root; scripts/linux-lab.sh wraps it):
    lab.py run [--jobs N] [--out DIR] [--synack BIN] SCENARIO.tcps...
"""

import argparse
import concurrent.futures
import ctypes
import json
import os
import platform
import queue
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
KERNEL_APP = os.path.join(HERE, "kernel_app.py")

# The addresses synack's pcap export uses (documentation ranges, RFC 5737). They exist only
# inside the lab's namespaces, joined by one veth pair with host routes: nothing leaves.
ADDR = {"A": ("192.0.2.1", 49152), "B": ("198.51.100.7", 80)}

FIN, SYN, RST, PSH, ACK, URG = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20
FLAG_NAMES = [(SYN, "SYN"), (ACK, "ACK"), (FIN, "FIN"), (RST, "RST"), (URG, "URG")]

STATE_FROM_SS = {
    "ESTAB": "ESTABLISHED", "SYN-SENT": "SYN_SENT", "SYN-RECV": "SYN_RCVD",
    "FIN-WAIT-1": "FIN_WAIT_1", "FIN-WAIT-2": "FIN_WAIT_2", "TIME-WAIT": "TIME_WAIT",
    "CLOSE-WAIT": "CLOSE_WAIT", "LAST-ACK": "LAST_ACK", "CLOSING": "CLOSING",
    "LISTEN": "LISTEN", "UNCONN": "CLOSED", "CLOSE": "CLOSED",
}

SO_TIMESTAMPNS = 35     # <asm-generic/socket.h>; Python's socket module lacks the name
MAX_LAG = 0.1           # a step this late makes the run inconclusive
SLACK_FIXED = 0.04      # scheduling, veth, our own polling
# Linux's delayed-ACK timer (TCP_DELACK_MIN). synack's Linux profile acknowledges a short
# segment at once because Linux does so when its application reads it (tcp_cleanup_rbuf),
# and synack's application reads at once; the lab's application, on a busy machine, may read
# only after this timer has sent the ACK. So a pure ACK with the right numbers up to this
# much (plus the slack) later than synack's is reported as "delayed ACK", not as a
# disagreement.
DELACK_MAX = 0.04
SLACK_RATIO = 0.125     # kernel timers fire up to about 1/8 late (timer wheel, HZ=250)
# Real time between two steps at the same virtual time. It is time synack does not see: a
# handshake paced this way gives the kernel an RTT sample of about this much, and its RTO
# (SRTT + 200 ms) grows by it, so it is kept small.
SETTLE = 0.005
SYSCTLS = [
    "tcp_syn_retries", "tcp_synack_retries", "tcp_syn_linear_timeouts", "tcp_retries1",
    "tcp_retries2", "tcp_orphan_retries", "tcp_fin_timeout", "tcp_rfc1337",
    "tcp_invalid_ratelimit", "tcp_challenge_ack_limit", "tcp_keepalive_time",
    "tcp_keepalive_intvl", "tcp_keepalive_probes", "tcp_timestamps", "tcp_sack",
    "tcp_window_scaling", "tcp_congestion_control", "tcp_tw_reuse", "tcp_abort_on_overflow",
]


def flag_text(flags):
    names = [n for bit, n in FLAG_NAMES if flags & bit]
    return ",".join(names) if names else "none"


def seg_text(flags, seq, ack, length, abs_seq=None):
    # A reset whose sequence number is 0 (answering a segment without ACK) is 0 whatever
    # the ISN: shown absolute, as synack's scripts write it.
    s = f"{flag_text(flags)} seq={'@0' if abs_seq == 0 else seq}"
    if flags & ACK:
        s += f" ack={ack}"
    if length:
        s += f" len={length}"
    return s


# ---- The scenario ----------------------------------------------------------------------

DURATION = re.compile(r"^(\d+)(ms|s|min)$")


def duration_ms(text):
    m = DURATION.match(text)
    if not m:
        raise ValueError(f"bad duration {text!r}")
    return int(m.group(1)) * {"ms": 1, "s": 1000, "min": 60000}[m.group(2)]


class Scenario:
    """The lines of a `.tcps` file the lab acts on, and its `# lab:` settings."""

    def __init__(self, path):
        self.path = path
        self.name = os.path.splitext(os.path.basename(path))[0]
        self.kernel = None
        self.keep_listener = False
        self.pending = None
        self.measured_only = None  # recorded, never judged: what synack will model later
        self.sysctls = []  # net.ipv4.* settings for the kernel's namespace
        self.no_read = False  # the kernel's application never reads
        self.steps = []  # (line number, words)
        with open(path, encoding="utf-8") as f:
            for n, raw in enumerate(f, 1):
                if raw.startswith("# lab:"):
                    self.directive(raw[len("# lab:"):].split(), n)
                    continue
                words = raw.split("#", 1)[0].split()
                if words and words[0] not in ("title", "say", "ask"):
                    self.steps.append((n, words))
        if self.kernel is None:
            raise ValueError(f"{path}: no `# lab: kernel=A` or `kernel=B` line")
        # The script's own setting says whether the application keeps listening after
        # accept(), so synack and the kernel's application cannot disagree on it.
        self.keep_listener = any(w[:3] == ["set", "listener", "keep"] for _, w in self.steps)

    def length(self):
        """The scenario's virtual duration in ms: its waits added up."""
        return sum(duration_ms(w[1]) for _, w in self.steps if w[0] == "wait")

    def directive(self, words, n):
        for w in words:
            key, _, value = w.partition("=")
            if key == "kernel" and value in ("A", "B"):
                self.kernel = value
            elif key == "sysctl" and re.match(r"^net\.ipv4\.tcp_\w+=\w+$", value):
                self.sysctls.append(value)
            elif key == "no-read":
                self.no_read = True
            elif key == "keep-listener":
                raise ValueError(f"{self.path}:{n}: write `set listener keep` instead of "
                                 "`# lab: keep-listener`")
            elif key in ("pending", "measured-only"):
                # The reason runs to the end of the line.
                reason = " ".join(words[words.index(w):])[len(key) + 1:]
                if key == "pending":
                    self.pending = reason
                else:
                    self.measured_only = reason
                return
            else:
                raise ValueError(f"{self.path}:{n}: unknown lab setting {w!r}")


class Model:
    """synack's run of the scenario (`synack run --json`)."""

    def __init__(self, synack, path):
        out = subprocess.run([synack, "run", "--json", path], capture_output=True, text=True)
        if not out.stdout.strip():
            raise RuntimeError(f"synack could not run {path}: {out.stderr.strip()}")
        self.expect_failures = [l for l in out.stderr.splitlines() if l.strip()]
        self.events = json.loads(out.stdout)
        self.segments = {e["label"]: e for e in self.events if e["event"] == "sent"}

    def attach_injects(self, scenario):
        """`inject` lines and injected segments come in the same order."""
        injected = [s["label"] for s in self.segments.values() if s["origin"] == "injected"]
        lines = [n for n, w in scenario.steps if w[0] == "inject"]
        self.inject_lines = dict(zip(lines, injected))

    def injected_at(self, line):
        """The segment the `inject` on a line made."""
        return self.segments.get(self.inject_lines.get(line))

    def sent_by(self, peer):
        return [s for s in self.segments.values() if s["from"] == peer]

    def state_changes(self, peer):
        """The peer's changes of state, with a connection's end followed at once by
        `CLOSED -> LISTEN` (`set listener keep`) as one change: in `ss` the connection's
        socket goes and the listener is what is left."""
        out = []
        for e in self.events:
            if e["event"] != "state_change" or e["peer"] != peer:
                continue
            if (e["rule"]["key"] == "ListenerKept" and out and out[-1]["to"] == "CLOSED"
                    and out[-1]["time"] == e["time"]):
                out[-1] = dict(out[-1], to=e["to"])
                continue
            out.append(e)
        return out


# ---- Namespaces -------------------------------------------------------------------------

def sh(*args, check=True):
    return subprocess.run(args, check=check, capture_output=True, text=True)


class Namespaces:
    """Two namespaces, `ll-<tag>-k` (the kernel under test) and `ll-<tag>-d` (the driver),
    joined by the veth pair `ll<tag>k`/`ll<tag>d`."""

    def __init__(self, tag, kernel_peer, sysctls=()):
        self.sysctls = sysctls
        self.k, self.d = f"ll-{tag}-k", f"ll-{tag}-d"
        self.kif, self.dif = f"ll{tag}k", f"ll{tag}d"
        self.kaddr = ADDR[kernel_peer][0]
        self.daddr = ADDR["B" if kernel_peer == "A" else "A"][0]

    def __enter__(self):
        try:
            self.create()
        except BaseException:
            self.delete()
            raise
        return self

    def __exit__(self, *exc):
        self.delete()

    def create(self):
        sh("ip", "netns", "add", self.k)
        sh("ip", "netns", "add", self.d)
        sh("ip", "link", "add", self.kif, "netns", self.k, "type", "veth",
           "peer", "name", self.dif, "netns", self.d)
        for ns, dev, local, remote in ((self.k, self.kif, self.kaddr, self.daddr),
                                       (self.d, self.dif, self.daddr, self.kaddr)):
            ip = ("ip", "netns", "exec", ns, "ip")
            # No IPv6 chatter (neighbour and router solicitations) in the captures.
            sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
            sh("ip", "netns", "exec", ns, "sysctl", "-qw",
               "net.ipv6.conf.default.disable_ipv6=1")
            sh(*ip, "link", "set", "lo", "up")
            sh(*ip, "link", "set", dev, "up")
            sh(*ip, "addr", "add", f"{local}/32", "dev", dev)
            sh(*ip, "route", "add", f"{remote}/32", "dev", dev)
        for setting in self.sysctls:  # per namespace: the host's own stay as they are
            sh("ip", "netns", "exec", self.k, "sysctl", "-qw", setting)
        # The driver's own kernel must stay silent: it has no socket for these connections
        # and would answer the kernel's segments with RSTs. AF_PACKET frames bypass this.
        rules = ("table inet ll {\n chain out {\n"
                 "  type filter hook output priority 0; policy accept;\n"
                 "  ip protocol tcp drop\n }\n}\n")
        subprocess.run(["ip", "netns", "exec", self.d, "nft", "-f", "-"], input=rules,
                       check=True, capture_output=True, text=True)
        self.kmac = self.mac(self.k, self.kif)
        self.dmac = self.mac(self.d, self.dif)

    @staticmethod
    def mac(ns, dev):
        out = sh("ip", "netns", "exec", ns, "cat", f"/sys/class/net/{dev}/address").stdout
        return bytes.fromhex(out.strip().replace(":", ""))

    def delete(self):
        for ns in (self.k, self.d):
            sh("ip", "netns", "del", ns, check=False)

    def enter_driver(self):
        """Moves this process into the driver's namespace (Python 3.11 has no os.setns)."""
        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(f"/var/run/netns/{self.d}", os.O_RDONLY)
        if libc.setns(fd, 0x40000000) != 0:  # CLONE_NEWNET
            raise OSError(ctypes.get_errno(), "setns")
        os.close(fd)


# ---- Packets ----------------------------------------------------------------------------

def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def option_bytes(mss, opts, tsecr):
    """The TCP options synack's segment carries, in synack's (and Linux's) order and NOP
    padding (crates/core/src/wire.rs): MSS; SACK-permitted and timestamps; NOP, window
    scale; two NOPs and SACK blocks. `tsecr` replaces the model's echo (the kernel's clock
    is not synack's)."""
    out = struct.pack("!BBH", 2, 4, mss) if mss else b""
    opts = opts or {}
    ts, sack_ok = opts.get("timestamps"), opts.get("sack_permitted")
    if ts:
        out += (b"\x04\x02" if sack_ok else b"\x01\x01") + struct.pack("!BBII", 8, 10, ts[0], tsecr)
    elif sack_ok:
        out += b"\x01\x01\x04\x02"
    if opts.get("window_scale") is not None:
        out += struct.pack("!BBBB", 1, 3, 3, opts["window_scale"])
    blocks = opts.get("sack", [])[:opts.get("sack_count", 0)]
    room = (40 - len(out) - 4) // 8
    if blocks and room > 0:
        blocks = blocks[:room]
        out += struct.pack("!BBBB", 1, 1, 5, 2 + 8 * len(blocks))
        for left, right in blocks:
            out += struct.pack("!II", left, right)
    return out


def parse_options(data):
    """MSS, window scale, SACK-permitted and TSval of a TCP header's options."""
    found, i = {}, 0
    while i < len(data):
        kind = data[i]
        if kind == 0:
            break
        if kind == 1:
            i += 1
            continue
        if i + 1 >= len(data) or data[i + 1] < 2:
            break
        size = data[i + 1]
        body = data[i + 2:i + size]
        if kind == 2 and size == 4:
            found["mss"] = struct.unpack("!H", body)[0]
        elif kind == 3 and size == 3:
            found["ws"] = body[0]
        elif kind == 4:
            found["sack_ok"] = True
        elif kind == 8 and size == 10:
            found["ts"] = struct.unpack("!II", body)
        i += size
    return found


def options_text(mss, ws, sack_ok, ts):
    """A SYN's options as the comparison shows them: `<mss 1460,sackOK,TS,wscale 7>`."""
    words = []
    if mss is not None:
        words.append(f"mss {mss}")
    if sack_ok:
        words.append("sackOK")
    if ts:
        words.append("TS")
    if ws is not None:
        words.append(f"wscale {ws}")
    return " <" + ",".join(words) + ">"


def build_frame(ns, src, dst, seq, ack, flags, window, length, mss, opts=None, tsecr=0):
    (saddr, sport), (daddr, dport) = src, dst
    options = option_bytes(mss, opts, tsecr)
    payload = bytes(0x61 + (seq + 1 + i) % 26 for i in range(length))
    offset = (20 + len(options)) // 4
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, offset << 4, flags, window, 0, 0)
    tcp += options + payload
    s, d = socket.inet_aton(saddr), socket.inet_aton(daddr)
    pseudo = s + d + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, s, d)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return ns.kmac + ns.dmac + b"\x08\x00" + ip + tcp


def parse_frame(frame):
    """(src, dst, seq, ack, flags, window, payload length) of an IPv4/TCP frame, else None."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00" or frame[23] != 6:
        return None
    ihl = (frame[14] & 0x0F) * 4
    total = struct.unpack("!H", frame[16:18])[0]
    t = 14 + ihl
    sport, dport, seq, ack, off, flags, window = struct.unpack("!HHIIBBH", frame[t:t + 16])
    length = total - ihl - (off >> 4) * 4
    src = (socket.inet_ntoa(frame[26:30]), sport)
    dst = (socket.inet_ntoa(frame[30:34]), dport)
    options = parse_options(frame[t + 20:t + (off >> 4) * 4])
    return src, dst, seq, ack, flags, window, length, options


class Capture(threading.Thread):
    """Every TCP frame on the driver's veth, both ways, with its CLOCK_MONOTONIC time."""

    def __init__(self, ns, pcap_path):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
        self.sock.bind((ns.dif, 0))
        self.sock.settimeout(0.2)
        # The kernel stamps each frame as it passes (CLOCK_REALTIME): the thread that reads
        # it may run late on a loaded machine, the stamp does not.
        self.sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        self.realtime_offset = time.time() - time.monotonic()
        # Sending on a socket of its own: a packet socket never sees its own frames, and
        # the capture must (they time the kernel's answers).
        self.out = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        self.out.bind((ns.dif, 0))
        self.frames = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.pcap = open(pcap_path, "wb")
        self.pcap.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))

    def run(self):
        while not self.stop.is_set():
            try:
                frame, ancillary, _, _ = self.sock.recvmsg(65535, 64)
            except socket.timeout:
                continue
            wall = time.time()
            for level, kind, data in ancillary:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                    sec, nsec = struct.unpack("qq", data[:16])
                    wall = sec + nsec / 1e9
            now = wall - self.realtime_offset
            self.pcap.write(struct.pack("<IIII", int(wall), int(wall % 1 * 1e6),
                                        len(frame), len(frame)) + frame)
            parsed = parse_frame(frame)
            if parsed:
                with self.lock:
                    self.frames.append((now, parsed))
        self.pcap.close()

    def send(self, frame):
        self.out.send(frame)

    def from_addr(self, addr):
        with self.lock:
            return [(t, p) for t, p in self.frames if p[0][0] == addr]


class KernelApp:
    """kernel_app.py in the kernel's namespace, with its events collected as they come."""

    def __init__(self, ns):
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", ns.k, sys.executable, KERNEL_APP],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.events = []
        self.inbox = queue.Queue()
        threading.Thread(target=self.read, daemon=True).start()
        self.wait_for("ready", 10)

    def read(self):
        for line in self.proc.stdout:
            e = json.loads(line)
            self.events.append(e)
            self.inbox.put(e)

    def wait_for(self, kind, timeout):
        deadline = time.monotonic() + timeout
        while True:
            try:
                e = self.inbox.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise RuntimeError(f"kernel_app: no {kind!r} within {timeout} s")
            if e["event"] == kind:
                return e

    def command(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.wait_for("done", 30)

    def close(self):
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
            self.proc.wait(5)
        except (OSError, subprocess.TimeoutExpired, ValueError):
            self.proc.kill()
            self.proc.wait()


def kernel_state(lines, kernel, driver):
    """The state synack would give the kernel's peer, from `ss -tan` lines: the socket on
    the connection's 4-tuple (a live one before a TIME-WAIT one), else LISTEN when the
    kernel listens on the peer's port, else CLOSED."""
    local, remote = f"{kernel[0]}:{kernel[1]}", f"{driver[0]}:{driver[1]}"
    on_tuple = [l[0] for l in lines if len(l) >= 5 and l[3] == local and l[4] == remote]
    live = [s for s in on_tuple if s != "TIME-WAIT"]
    if live or on_tuple:
        return STATE_FROM_SS.get((live or on_tuple)[0], (live or on_tuple)[0])
    if any(l[0] == "LISTEN" and l[3].endswith(f":{kernel[1]}") for l in lines):
        return "LISTEN"
    return "CLOSED"


# ---- One run ----------------------------------------------------------------------------

class Run:
    def __init__(self, scenario, model, ns, cap, app):
        self.sc, self.model, self.ns, self.cap, self.app = scenario, model, ns, cap, app
        self.kpeer = scenario.kernel
        self.dpeer = "B" if self.kpeer == "A" else "A"
        self.kaddr, self.daddr = ADDR[self.kpeer], ADDR[self.dpeer]
        self.anchors = []  # (real time, virtual ms) at every step
        self.vt = 0
        self.state_checks = []
        self.keepalive = [0, 75, 9]
        self.end = float("inf")
        self.lag = None  # (line, seconds) where the lab first fell behind the scenario
        self.pairs = []  # (synack's time, the kernel's) of each pair of matching segments
        self.action_vts = [0]  # virtual times of steps that act (a timer may start there)

    def model_time(self, real):
        """Virtual time (ms) of a real instant, from the last step before it."""
        r0, v0 = max((a for a in self.anchors if a[0] <= real), default=self.anchors[0],
                     key=lambda a: a[0])
        return v0 + (real - r0) * 1000

    def kernel_isn(self, before=None):
        """The kernel's ISN: that of its latest SYN (before a time), else 0 as synack does."""
        isn = 0
        for t, p in self.cap.from_addr(self.kaddr[0]):
            if before is not None and t > before:
                break
            if p[4] & SYN:
                isn = p[2]
        return isn

    def execute(self):
        if self.sc.no_read:
            self.app.command("noread")
        now = time.monotonic()
        self.anchors.append((now, 0))
        checking = 0.0
        for line, words in self.sc.steps:
            cmd = words[0]
            if cmd == "wait":
                target_vt = self.vt + duration_ms(words[1])
                r, v = self.anchors[-1]
                time.sleep(max(0.0, r + (target_vt - v) / 1000 - time.monotonic()))
                self.vt = target_vt
                self.anchors.append((time.monotonic(), self.vt))
                checking = 0.0
                continue
            if cmd == "expect" and words[1] != self.kpeer:
                continue  # segments are compared afterwards; the driver has no state
            # Steps at one virtual time must follow each other closely, or the kernel's
            # timers run while synack's clock stands still (an RTO of about 200 ms fires).
            # Checking a state (running ss) takes its time but sends the kernel nothing.
            behind = time.monotonic() - self.anchors[-1][0] - checking
            if behind > MAX_LAG and self.lag is None:
                self.lag = (line, round(behind, 3))
            time.sleep(SETTLE)
            self.anchors.append((time.monotonic(), self.vt))
            started = time.monotonic()
            if cmd != "expect":
                self.action_vts.append(self.vt)
            done = self.step(line, words)
            checking = time.monotonic() - started if cmd == "expect" else 0.0
            if done is not None:
                # A call's effects start when the application made it, not when we asked;
                # a delivery's when the capture saw it leave.
                self.anchors[-1] = (done.get("t_call", done["t"]), self.vt)

    def step(self, line, words):
        cmd = words[0]
        if cmd == "set":
            self.setting(words[1], words[2], line)
        elif cmd == self.kpeer:
            return self.call(words[1:], line)
        elif cmd == self.dpeer:
            pass  # the driver's calls show up as the segments it sends
        elif cmd in ("deliver", "dup"):
            seg = self.model.segments.get(int(words[1][1:]))
            if seg and seg["to"] == self.kpeer:
                return self.send(seg)
        elif cmd == "inject":
            seg = self.model.injected_at(line)
            if seg and seg["to"] == self.kpeer and "inflight" not in words:
                return self.send(seg)
        elif cmd == "expect" and words[1] == self.kpeer and words[2] == "received":
            time.sleep(0.05)  # the application reads as soon as the data is there
            got = max([e["total"] for e in self.app.events if e["event"] == "received"],
                      default=0)
            self.state_checks.append({"line": line, "vt": self.vt, "expected": words[3],
                                      "kernel": str(got), "what": "bytes received"})
        elif cmd == "expect" and words[1] == self.kpeer:
            self.app.command("state")
            ss = [e for e in self.app.events if e["event"] == "ss"][-1]
            got = kernel_state(ss["lines"], self.kaddr, self.daddr)
            self.state_checks.append({"line": line, "vt": self.vt, "expected": words[2],
                                      "kernel": got})
        elif cmd in ("drop", "hold", "expect"):
            pass

    def setting(self, key, value, line):
        if key == "delivery" and value != "manual":
            raise ValueError(f"line {line}: the lab drives manual delivery only")
        if key == "keepalive":
            self.keepalive[0] = 0 if value == "off" else duration_ms(value) // 1000
        elif key == "keepalive.interval":
            self.keepalive[1] = duration_ms(value) // 1000
        elif key == "keepalive.probes":
            self.keepalive[2] = int(value)
        else:
            return  # timers, ISNs, windows: the kernel has its own
        self.app.command("keepalive " + " ".join(map(str, self.keepalive)))

    def call(self, words, line):
        op = words[0]
        k, d = self.kaddr, self.daddr
        if op == "listen":
            return self.app.command(f"listen {k[0]} {k[1]} {int(self.sc.keep_listener)}")
        elif op == "connect":
            return self.app.command(f"connect {k[0]} {k[1]} {d[0]} {d[1]}")
        elif op in ("send",):
            return self.app.command(f"send {words[1]}")
        elif op in ("close", "shutdown", "abort"):
            return self.app.command(op)
        else:
            raise ValueError(f"line {line}: the lab cannot make the kernel `{op}`")

    def send(self, seg):
        s = seg["segment"]
        ack = 0
        if s["flags"] & ACK:
            # synack counts the ack from the kernel peer's ISN; so does the real one.
            model_isn = (s["ack"] - seg["rel_ack"]) % 2**32
            real_isn = 0
            if model_isn:
                # The kernel's SYN may still be on its way to the capture.
                deadline = time.monotonic() + 0.5
                while not (real_isn := self.kernel_isn()) and time.monotonic() < deadline:
                    time.sleep(0.002)
            ack = (seg["rel_ack"] + real_isn) % 2**32
        # TSecr echoes the kernel's own latest TSval (the kernel's clock has its own offset).
        tsecr = 0
        if s["flags"] & ACK:
            for _, p in reversed(self.cap.from_addr(self.kaddr[0])):
                if "ts" in p[7]:
                    tsecr = p[7]["ts"][0]
                    break
        frame = build_frame(self.ns, self.daddr, self.kaddr, s["seq"], ack, s["flags"],
                            s["window"], s["len"], s["mss"], s.get("options"), tsecr)
        sent = time.monotonic()
        self.cap.send(frame)
        # The capture's own copy of the frame times the kernel's answer on the same clock,
        # however late the capture thread runs on a loaded machine.
        deadline = time.monotonic() + 0.5
        while time.monotonic() < deadline:
            for t, p in reversed(self.cap.from_addr(self.daddr[0])):
                if t < sent:
                    break  # an earlier copy of the same segment
                if p[2] == s["seq"] and p[3] == ack and p[4] == s["flags"]:
                    return {"t": t}
            time.sleep(0.002)
        return None

    # ---- Comparison ----

    def compare(self):
        model = self.model.sent_by(self.kpeer)
        real = [(t, p) for t, p in self.cap.from_addr(self.kaddr[0]) if t <= self.end]
        driver_isn = None
        for s in self.model.sent_by(self.dpeer):
            driver_isn = (s["segment"]["seq"] - s["rel_seq"]) % 2**32
            break
        steps_vt = sorted(set(self.action_vts))
        rows, prev = [], None  # prev: (synack's time, the kernel's) of the last pair
        for i in range(max(len(model), len(real))):
            row = {}
            if i < len(model):
                m = model[i]
                row["label"] = f"s{m['label']}"
                row["synack"] = seg_text(m["segment"]["flags"] & ~PSH, m["rel_seq"],
                                         m["rel_ack"] or 0, m["segment"]["len"],
                                         m["segment"]["seq"])
                if m["segment"]["flags"] & SYN:
                    o = m["segment"].get("options") or {}
                    row["synack"] += options_text(m["segment"]["mss"], o.get("window_scale"),
                                                  o.get("sack_permitted"), o.get("timestamps"))
                row["synack_t"] = m["sent_at"] / 1000
            if i < len(real):
                t, p = real[i]
                isn = self.kernel_isn(before=t)
                base = driver_isn or 0
                if i < len(model) and model[i]["rel_ack"] is not None:
                    base = model[i]["segment"]["ack"] - model[i]["rel_ack"]
                rel_ack = (p[3] - base) % 2**32
                row["kernel"] = seg_text(p[4] & ~PSH, (p[2] - isn) % 2**32, rel_ack, p[6],
                                         p[2])
                if p[4] & SYN:
                    o = p[7]
                    row["kernel"] += options_text(o.get("mss"), o.get("ws"), o.get("sack_ok"),
                                                  o.get("ts"))
                row["kernel_abs"] = {"seq": p[2], "ack": p[3], "isn": isn}
                row["kernel_t"] = round(self.model_time(t) / 1000, 3)
            if "synack" in row and "kernel" in row:
                # The segment's timer started at the last step before it or at the last
                # segment the same peer sent, whichever came later. Timing is compared over
                # that interval, so a retransmission late by its own slack does not make
                # every later one late too.
                sent = row["synack_t"]
                step = max(v for v in steps_vt if v / 1000 <= sent) / 1000
                if prev is not None and prev[0] >= step:
                    since_model, since_kernel = prev
                else:
                    since_model = since_kernel = step
                slack = SLACK_FIXED + SLACK_RATIO * (sent - since_model)
                if model[i]["origin"] == "retransmission":
                    # Linux's RTO is SRTT + 200 ms. synack's run has an RTT of zero; the
                    # lab's handshake, paced by Python, gives the kernel a few ms, which
                    # every backed-off RTO carries.
                    slack += (sent - since_model) * self.kernel_srtt(real[i][0]) / 0.2
                row["slack"] = round(slack, 3)
                late = (row["kernel_t"] - since_kernel) - (sent - since_model)
                same = row["synack"] == row["kernel"]
                row["agrees"] = same and -SLACK_FIXED <= late <= slack
                pure_ack = model[i]["segment"]["flags"] & ~PSH == ACK and not model[i][
                    "segment"]["len"]
                if same and not row["agrees"] and pure_ack and 0 < late <= DELACK_MAX + slack:
                    # synack ACKs at once; Linux held the ACK for its delayed-ACK timer
                    # because its application read late (see DELACK_MAX).
                    row["agrees"] = True
                    row["delayed_ack"] = round(late, 3)
                prev = (sent, row["kernel_t"])
                self.pairs.append(prev)
            else:
                row["agrees"] = False
            rows.append(row)
        return rows

    def kernel_srtt(self, before):
        """The kernel's smoothed RTT for the connection (s), as `ss -i` showed it last."""
        local = f"{self.kaddr[0]}:{self.kaddr[1]}"
        srtt = 0.0
        for e in self.app.events:
            if e["event"] != "ss" or e["t"] > before:
                continue
            for words in e["lines"]:
                if len(words) >= 5 and words[3] == local:
                    for w in words:
                        if w.startswith("rtt:"):
                            srtt = float(w[4:].split("/")[0]) / 1000
        return srtt

    def timer_transitions(self, timeline):
        """Each change of state synack makes on a timer (TIME_WAIT ending, a give-up) must
        show in `ss` too, within the timer's slack plus one poll, counted from when the
        timer could have started: the last acting step, or the last segment the kernel's
        peer sent (then from the kernel's own copy of it)."""
        checks = []
        steps_vt = sorted(set(self.action_vts))
        for e in self.model.state_changes(self.kpeer):
            if "timer" not in e["cause"]:
                continue
            t = e["time"] / 1000
            step = max(v for v in steps_vt if v / 1000 <= t) / 1000
            pairs = [p for p in self.pairs if step <= p[0] <= t]
            since_model, since_kernel = pairs[-1] if pairs else (step, step)
            slack = SLACK_FIXED + 0.1 + SLACK_RATIO * (t - since_model)
            seen = [x["t"] for i, x in enumerate(timeline) if x["state"] == e["to"] and i
                    and timeline[i - 1]["state"] == e["from"]]
            near = min(seen, key=lambda x: abs(x - since_kernel - (t - since_model)),
                       default=None)
            late = None if near is None else (near - since_kernel) - (t - since_model)
            checks.append({"synack": f"{e['from']} -> {e['to']}", "synack_t": t,
                           "kernel_t": near, "slack": round(slack, 3),
                           "agrees": late is not None and -SLACK_FIXED - 0.1 <= late <= slack})
        return checks

    def ss_timeline(self):
        out, last = [], None
        for e in self.app.events:
            if e["event"] != "ss" or e["t"] < self.anchors[0][0]:
                continue
            st = kernel_state(e["lines"], self.kaddr, self.daddr)
            if st != last:
                out.append({"t": round(self.model_time(e["t"]) / 1000, 3), "state": st})
                last = st
        return out


def environment():
    env = {"kernel": platform.release(), "machine": platform.machine()}
    for name in SYSCTLS:
        try:
            with open(f"/proc/sys/net/ipv4/{name}") as f:
                env[name] = f.read().strip()
        except OSError:
            pass
    return env


def run_one(path, tag, synack, outdir):
    """Runs one scenario in namespaces of its own; called in a process of its own (`one`),
    which enters the driver's namespace before it starts any thread."""
    sc = Scenario(path)
    model = Model(synack, path)
    model.attach_injects(sc)
    result = {"scenario": os.path.relpath(path), "kernel_peer": sc.kernel,
              "environment": environment(), "pending": sc.pending,
              "measured_only": sc.measured_only,
              "synack_expect_failures": model.expect_failures}
    if sc.sysctls:
        result["sysctls"] = sc.sysctls
    with Namespaces(tag, sc.kernel, sc.sysctls) as ns:
        try:
            ns.enter_driver()
            cap = Capture(ns, os.path.join(outdir, f"{sc.name}.pcap"))
            cap.start()
            app = KernelApp(ns)
            run = Run(sc, model, ns, cap, app)
            try:
                run.execute()
                time.sleep(0.3)
                # What the kernel does once the application exits is not the scenario's.
                run.end = time.monotonic()
                app.command("state")
            finally:
                app.close()
                cap.stop.set()
                cap.join()
            if run.lag:
                raise RuntimeError(f"inconclusive: line {run.lag[0]} ran {run.lag[1]} s after "
                                   "the step before it (the machine is too busy); run again")
            result["segments"] = run.compare()
            t0 = run.anchors[0][0]
            result["anchors"] = [(round(r - t0, 4), v) for r, v in run.anchors]
            result["kernel_frames"] = [(round(t - t0, 4), flag_text(p[4]))
                                       for t, p in cap.from_addr(ns.kaddr)]
            result["states"] = run.state_checks
            result["ss_timeline"] = run.ss_timeline()
            result["timers"] = run.timer_transitions(result["ss_timeline"])
            result["kernel_app"] = [e for e in app.events
                                    if e["event"] not in ("ss", "done", "ready")]
            for e in result["kernel_app"]:
                e["t"] = round(run.model_time(e["t"]) / 1000, 3)
        except Exception as e:  # reported in the result, never hidden
            result["error"] = f"{type(e).__name__}: {e}"
    segs_ok = all(r["agrees"] for r in result.get("segments", []))
    states_ok = all(c["expected"] == c["kernel"] for c in result.get("states", []))
    timers_ok = all(c["agrees"] for c in result.get("timers", []))
    # The file's `expect` lines are the kernel's (checked just above), so synack failing
    # one of them is synack disagreeing with the kernel.
    result["agrees"] = ("error" not in result and segs_ok and states_ok and timers_ok
                        and not model.expect_failures)
    with open(os.path.join(outdir, f"{sc.name}.json"), "w") as f:
        json.dump(result, f, indent=1)
    return result


CHILDREN = set()  # the running `one` processes, stopped with us
STOPPING = threading.Event()


def run_in_child(path, tag, synack, outdir):
    """One scenario in its own process. A run that broke down (the lab's own error, such as
    the kernel's application not answering on a loaded machine) is run once more, and its
    result says so; a disagreement is never run again."""
    result = run_in_child_once(path, tag, synack, outdir)
    if "error" in result and not STOPPING.is_set():
        first = result["error"]
        result = run_in_child_once(path, tag + "r", synack, outdir)
        result["retried_after"] = first
    return result


def run_in_child_once(path, tag, synack, outdir):
    name = os.path.splitext(os.path.basename(path))[0]
    if STOPPING.is_set():
        return {"scenario": path, "agrees": False, "pending": None, "error": "interrupted"}
    proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "one", path, tag,
                             synack, outdir], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    CHILDREN.add(proc)
    _, stderr = proc.communicate()
    CHILDREN.discard(proc)
    try:
        with open(os.path.join(outdir, f"{name}.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {"scenario": path, "agrees": False, "pending": None,
                "error": f"lab process failed: {stderr.strip()[-2000:]}"}


def stop_children(*_):
    """SIGTERM/SIGINT: start nothing more, and let each running scenario delete its
    namespaces on its way out."""
    STOPPING.set()
    for proc in list(CHILDREN):
        proc.terminate()
    for proc in list(CHILDREN):
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    sys.exit(130)


def report(result):
    lines = [f"== {result['scenario']} (kernel is {result.get('kernel_peer', '?')}): "
             + ("AGREES" if result["agrees"] else "DIFFERS")]
    if "retried_after" in result:
        lines.append(f"   run again after a lab error: {result['retried_after']}")
    if "error" in result:
        lines.append(f"   error: {result['error']}")
    for r in result.get("segments", []):
        mark = "  " if r["agrees"] else "!!"
        delayed = f"  (delayed ACK, {r['delayed_ack']} s late)" if "delayed_ack" in r else ""
        lines.append(f" {mark} {r.get('label', '--'):>4}  synack {r.get('synack', '-'):<34}"
                     f" at {r.get('synack_t', '-'):>8}   kernel {r.get('kernel', '-'):<34}"
                     f" at {r.get('kernel_t', '-')}{delayed}")
    for c in result.get("states", []):
        mark = "  " if c["expected"] == c["kernel"] else "!!"
        source = "the application has" if c.get("what") else "ss says"
        lines.append(f" {mark} line {c['line']}: expect {c['expected']} at {c['vt'] / 1000}s,"
                     f" {source} {c['kernel']}")
    for c in result.get("timers", []):
        mark = "  " if c["agrees"] else "!!"
        lines.append(f" {mark} on a timer: synack {c['synack']} at {c['synack_t']}s,"
                     f" ss at {c['kernel_t']}s (slack {c['slack']}s)")
    tl = ", ".join(f"{s['state']}@{s['t']}" for s in result.get("ss_timeline", []))
    lines.append(f"    ss timeline: {tl}")
    ka = ", ".join(f"{e['event']}{'(' + e['errno'] + ')' if 'errno' in e else ''}@{e['t']}"
                   for e in result.get("kernel_app", []) if e["event"] != "received")
    if ka:
        lines.append(f"    application saw: {ka}")
    for f in result.get("synack_expect_failures", []):
        lines.append(f"    synack: {f}")
    return "\n".join(lines)


def table(path):
    """From a run's summary.json, or from a results folder: the latest result of each
    scenario run there (runs of a few scenarios leave the others' results in place)."""
    if os.path.isdir(path):
        results = []
        for name in sorted(os.listdir(path)):
            if name.endswith(".json") and name != "summary.json":
                with open(os.path.join(path, name)) as f:
                    results.append(json.load(f))
        summary = {"environment": results[0]["environment"], "results": results}
    else:
        with open(path) as f:
            summary = json.load(f)
    env = summary["environment"]
    out = [f"Linux {env['kernel']}; " + ", ".join(
        f"{k} {v}" for k, v in env.items() if k not in ("kernel", "machine")) + ".", "",
        "| scenario | kernel plays | agrees | why not |", "|---|---|---|---|"]
    for r in summary["results"]:
        name = os.path.basename(r["scenario"])
        if r.get("measured_only"):
            verdict, why = "measured only", r["measured_only"]
        elif r["agrees"]:
            verdict, why = "yes", ""
        else:
            verdict, why = "no", r.get("pending") or r.get("error") or "see the run's report"
        delayed = [x for x in r.get("segments", []) if "delayed_ack" in x]
        if delayed:
            why += ("; " if why else "") + f"{len(delayed)} ACK(s) held by Linux's delayed ACK"
        out.append(f"| `{name}` | {r.get('kernel_peer', '?')} | {verdict} | {why} |")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("scenarios", nargs="+")
    r.add_argument("--jobs", type=int, default=4)
    r.add_argument("--out", default="target/linux-lab")
    r.add_argument("--synack", default="target/debug/synack")
    r.add_argument("--prefix", default=str(os.getpid() % 1000),
                   help="namespaces are named ll-<prefix><n>-k and ll-<prefix><n>-d")
    r.add_argument("--max-seconds", type=float,
                   help="skip scenarios whose waits add up to more than this")
    t = sub.add_parser("table", help="a Markdown table of a run's results")
    t.add_argument("summary", nargs="?", default="target/linux-lab",
                   help="a run's summary.json, or a results folder (the default)")
    o = sub.add_parser("one")
    for name in ("scenario", "tag", "synack", "out"):
        o.add_argument(name)
    args = ap.parse_args()
    if args.cmd == "table":
        print(table(args.summary))
        return
    if os.geteuid() != 0:
        sys.exit("linux-lab: needs root (network namespaces)")
    if args.cmd == "one":
        # SIGTERM and SIGINT unwind through the `with Namespaces` block, which deletes them.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
        run_one(args.scenario, args.tag, args.synack, args.out)
        return
    signal.signal(signal.SIGTERM, stop_children)
    signal.signal(signal.SIGINT, stop_children)
    os.makedirs(args.out, exist_ok=True)
    if args.max_seconds is not None:
        short = [p for p in args.scenarios if Scenario(p).length() <= args.max_seconds * 1000]
        for p in sorted(set(args.scenarios) - set(short)):
            print(f"skipped {p}: longer than {args.max_seconds:g} s")
        args.scenarios = short
    # Longest first, so the run takes about as long as its longest scenario.
    args.scenarios.sort(key=lambda p: -Scenario(p).length())
    tags = {p: f"{args.prefix}{i}" for i, p in enumerate(args.scenarios)}
    results = []
    pool = concurrent.futures.ThreadPoolExecutor(args.jobs)
    futures = [pool.submit(run_in_child, p, tags[p], args.synack, args.out)
               for p in args.scenarios]
    for fut in concurrent.futures.as_completed(futures):
        res = fut.result()
        print(report(res), flush=True)
        results.append(res)
    pool.shutdown()
    results.sort(key=lambda r: r["scenario"])
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump({"environment": environment(), "results": results}, f, indent=1)
    excused = lambda r: r.get("pending") or r.get("measured_only")  # noqa: E731
    pending = [r for r in results if not r["agrees"] and excused(r)]
    bad = [r for r in results if not r["agrees"] and not excused(r)]
    for r in pending:
        print(f"pending {r['scenario']}: {r.get('pending') or r.get('measured_only')}")
    for r in results:
        if r["agrees"] and r.get("pending"):
            print(f"note: {r['scenario']} now agrees: drop its `pending` mark")
    print(f"{len(results) - len(bad) - len(pending)} passed, {len(bad)} failed")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
