"""The application on the kernel's side of a lab run: real sockets, driven line by line.

Runs inside the kernel's network namespace (started by lab.py through `ip netns exec`). It
reads commands on stdin, one per line, makes the matching socket calls and writes what
happened as JSON lines on stdout, each stamped with CLOCK_MONOTONIC (shared by every
namespace, so lab.py can put them on its own timeline):

    listen ADDR PORT KEEP      socket, bind, listen; KEEP=1 keeps the listener after accept()
    connect LADDR LPORT RADDR RPORT    non-blocking connect from a fixed local port
    send N | close | shutdown | abort  on the connection (abort: SO_LINGER 0, then close)
    keepalive IDLE INTVL CNT   TCP_KEEPIDLE/TCP_KEEPINTVL/TCP_KEEPCNT in seconds (IDLE 0: off)
    noread                     the application stops reading (data waits in Recv-Q)
    state                      report the sockets `ss -tanoi` lists now
    quit

Like synack's peers, the application reads everything as soon as it arrives. Between
commands it polls `ss -tanoi` every POLL seconds and reports every change of the lines it
shows, so states that change on a timer (TIME-WAIT ending, an orphan giving up) are seen.
"""

import errno
import json
import os
import selectors
import socket
import struct
import subprocess
import sys
import time

POLL = 0.1

sel = selectors.DefaultSelector()
listener = None
keep_listener = False
conn = None
received = 0
reading = True
keepalive = None  # (idle, interval, count) in seconds
last_ss = None


def emit(kind, **fields):
    fields["event"] = kind
    fields["t"] = time.monotonic()
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def ss_lines():
    """One list of words per socket: its line, then its tab-indented -i line (rtt:, rto:)."""
    out = subprocess.run(["ss", "-tanoi"], capture_output=True, text=True).stdout
    sockets = []
    for line in out.splitlines()[1:]:
        if line and not line[0].isspace():
            sockets.append(line.split())
        elif line.strip() and sockets:
            sockets[-1] += line.split()
    return sockets


def poll_ss(force=False):
    global last_ss
    lines = ss_lines()
    if force or lines != last_ss:
        last_ss = lines
        emit("ss", lines=lines)


def apply_keepalive(sock):
    if keepalive is None:
        return
    idle, intvl, cnt = keepalive
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1 if idle > 0 else 0)
    if idle > 0:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, idle)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, intvl)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, cnt)


def new_socket():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Each `send N` leaves as one segment, as in synack.
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.setblocking(False)
    apply_keepalive(s)
    return s


def socket_error(s):
    err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    return errno.errorcode.get(err, str(err)) if err else None


def drop_conn():
    global conn
    if conn is not None:
        try:
            sel.unregister(conn)
        except (KeyError, ValueError):
            pass
        conn = None


def on_listener():
    global conn, listener
    try:
        c, addr = listener.accept()
    except BlockingIOError:
        return
    c.setblocking(False)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    apply_keepalive(c)
    emit("accepted", peer=f"{addr[0]}:{addr[1]}")
    conn = c
    sel.register(conn, selectors.EVENT_READ, "conn")
    if not keep_listener:
        # synack's peer that listened *is* the connection: the listener goes away.
        sel.unregister(listener)
        listener.close()
        listener = None


def drain():
    """Reads whatever has arrived; reports EOF and errors (ECONNRESET, ETIMEDOUT...)."""
    global received
    while conn is not None and reading:
        try:
            data = conn.recv(65536)
        except BlockingIOError:
            return
        except OSError as e:
            emit("error", errno=errno.errorcode.get(e.errno, str(e.errno)))
            drop_conn()
            return
        if not data:
            emit("eof")
            try:
                sel.unregister(conn)
            except (KeyError, ValueError):
                pass
            return
        received += len(data)
        emit("received", bytes=len(data), total=received)


def on_conn_writable():
    """A non-blocking connect finished (or failed)."""
    err = socket_error(conn)
    if err:
        emit("error", errno=err)
        drop_conn()
    else:
        emit("connected")
        sel.modify(conn, selectors.EVENT_READ, "conn")


def command(words):
    global listener, keep_listener, conn, keepalive, reading
    op = words[0]
    if op == "listen":
        listener = new_socket()
        listener.bind((words[1], int(words[2])))
        listener.listen(8)
        keep_listener = words[3] == "1"
        sel.register(listener, selectors.EVENT_READ, "listener")
    elif op == "connect":
        conn = new_socket()
        conn.bind((words[1], int(words[2])))
        err = conn.connect_ex((words[3], int(words[4])))
        if err not in (0, errno.EINPROGRESS):
            emit("error", errno=errno.errorcode.get(err, str(err)))
        sel.register(conn, selectors.EVENT_WRITE, "connecting")
    elif op == "send":
        if conn is None:
            emit("error", errno="ENOTCONN", call="send")
        else:
            try:
                conn.send(b"x" * int(words[1]))
            except OSError as e:
                emit("error", errno=errno.errorcode.get(e.errno, str(e.errno)), call="send")
    elif op in ("close", "abort", "shutdown"):
        target = conn if conn is not None else listener
        if target is None:
            emit("error", errno="EBADF", call=op)
            return
        if target is conn:
            drain()  # close() with unread data would send a RST instead of a FIN
        if op == "shutdown":
            target.shutdown(socket.SHUT_WR)
            return
        if op == "abort":
            target.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        try:
            sel.unregister(target)
        except (KeyError, ValueError):
            pass
        target.close()
        if target is conn:
            conn = None
        else:
            listener = None
    elif op == "keepalive":
        keepalive = tuple(int(w) for w in words[1:4])
        for s in (conn, listener):
            if s is not None:
                apply_keepalive(s)
    elif op == "noread":
        reading = False
        for s in (conn, listener):
            if s is not None:
                try:
                    sel.unregister(s)
                except (KeyError, ValueError):
                    pass
    elif op == "state":
        poll_ss(force=True)
    elif op == "quit":
        sys.exit(0)
    else:
        emit("error", errno="EINVAL", call=op)


def main():
    os.set_blocking(sys.stdin.fileno(), True)
    sel.register(sys.stdin, selectors.EVENT_READ, "stdin")
    emit("ready")
    next_poll = 0.0
    while True:
        timeout = max(0.0, next_poll - time.monotonic())
        for key, _ in sel.select(timeout):
            if key.data == "stdin":
                line = sys.stdin.readline()
                if not line:
                    return
                if line.strip():
                    # The call's own time, before the syscall: emitting comes later.
                    t_call = time.monotonic()
                    command(line.split())
                    emit("done", command=line.strip(), t_call=t_call)
            elif key.data == "listener":
                on_listener()
            elif key.data == "connecting":
                on_conn_writable()
            elif key.data == "conn":
                drain()
        if time.monotonic() >= next_poll:
            poll_ss()
            next_poll = time.monotonic() + POLL


if __name__ == "__main__":
    main()
