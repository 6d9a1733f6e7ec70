#!/usr/bin/env python3
"""Host side of the QEMU firmware test (standard library only, 127.0.0.1 only).

Three roles (``pipe`` serves ``examples/firmware-embassy``):

``uart``
    Connects to the TCP socket QEMU listens on for the board's UART0
    (``-chardev socket,server=on,wait=on``) and relays bytes to the STS peer.
    The UART has no notion of connections: every time the firmware starts
    sending after the previous upstream connection closed (each exchange
    sends ``Connection: close``), the relay opens a new upstream connection.
    Exits when QEMU closes the socket.

``tls-front``
    A local HTTPS endpoint: terminates TLS 1.3 with the given certificate and
    forwards each plain HTTP exchange to the STS peer, then closes the
    connection. Serves until killed.

``pipe``
    What QEMU's ``guestfwd=...-cmd:`` runs for each connection the guest
    opens to a forwarded address: standard input and output are that
    connection; this connects to 127.0.0.1:PORT and copies bytes both ways
    until either side closes. (A ``guestfwd`` to a ``tcp:`` chardev would
    connect once, when QEMU starts, and carry every guest connection over
    that one socket; the device opens a new connection per exchange.)
    Writes nothing else to stdout or stderr: both go to the guest.

Nothing here sees or logs the request body (it holds the web identity
token) or the answer (it holds credentials): only sizes.
"""

import argparse
import os
import selectors
import socket
import ssl
import sys
import threading
import time

LOCALHOST = "127.0.0.1"


def log(role, msg):
    print(f"relay[{role}]: {msg}", file=sys.stderr, flush=True)


def connect_with_retry(port, deadline):
    """Connects to 127.0.0.1:port, retrying until `deadline` (monotonic)."""
    while True:
        try:
            return socket.create_connection((LOCALHOST, port), timeout=5)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def run_uart(args):
    deadline = time.monotonic() + args.timeout
    qemu = connect_with_retry(args.qemu_port, deadline)
    qemu.setblocking(False)
    log("uart", f"connected to QEMU's UART0 socket on port {args.qemu_port}")
    sel = selectors.DefaultSelector()
    sel.register(qemu, selectors.EVENT_READ, "qemu")
    upstream = None
    exchanges = 0
    sent = received = 0
    while time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.5):
            sock = key.fileobj
            try:
                data = sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except ConnectionError:
                data = b""
            if key.data == "qemu":
                if not data:
                    log("uart", f"QEMU closed the UART socket after {exchanges} exchange(s)")
                    if upstream is not None:
                        upstream.close()
                    return 0
                if upstream is None:
                    upstream = connect_with_retry(args.upstream_port, time.monotonic() + 5)
                    upstream.setblocking(False)
                    sel.register(upstream, selectors.EVENT_READ, "upstream")
                    exchanges += 1
                    sent = received = 0
                    log("uart", f"exchange {exchanges}: connected to 127.0.0.1:{args.upstream_port}")
                upstream.setblocking(True)
                upstream.sendall(data)
                upstream.setblocking(False)
                sent += len(data)
            else:
                if not data:
                    log("uart", f"exchange {exchanges}: upstream closed ({sent} bytes up, {received} bytes down)")
                    sel.unregister(upstream)
                    upstream.close()
                    upstream = None
                    continue
                qemu.setblocking(True)
                qemu.sendall(data)
                qemu.setblocking(False)
                received += len(data)
    log("uart", f"gave up after {args.timeout} s")
    return 1


def read_http_request(tls):
    """Reads one HTTP/1.1 request (head and Content-Length body) from `tls`."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = tls.recv(4096)
        if not chunk:
            return data
        data += chunk
        if len(data) > 65536:
            return data
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = tls.recv(4096)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def serve_tls_connection(conn, ctx, args, number):
    try:
        conn.settimeout(30)
        with ctx.wrap_socket(conn, server_side=True) as tls:
            log("tls", f"connection {number}: {tls.version()} {tls.cipher()[0]}")
            request = read_http_request(tls)
            with socket.create_connection((LOCALHOST, args.upstream_port), timeout=30) as up:
                up.sendall(request)
                answer = b""
                while True:
                    chunk = up.recv(65536)
                    if not chunk:
                        break
                    answer += chunk
            tls.sendall(answer)
            log("tls", f"connection {number}: {len(request)} bytes up, {len(answer)} bytes down")
            # Close at once, without close_notify: `unwrap()` would wait for
            # the client's close_notify, and the firmware never sends one (it
            # ends the exchange from Content-Length), so the next exchange's
            # ClientHello would reach this connection instead of a new one.
            tls.shutdown(socket.SHUT_RDWR)
    except (OSError, ssl.SSLError) as e:
        log("tls", f"connection {number}: {e}")
    finally:
        conn.close()


def run_tls_front(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.load_cert_chain(args.cert, args.key)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((LOCALHOST, args.listen_port))
    listener.listen(4)
    log("tls", f"listening on https://{LOCALHOST}:{args.listen_port} -> 127.0.0.1:{args.upstream_port}")
    number = 0
    while True:
        conn, _ = listener.accept()
        number += 1
        threading.Thread(target=serve_tls_connection, args=(conn, ctx, args, number), daemon=True).start()


def run_pipe(args):
    try:
        up = socket.create_connection((LOCALHOST, args.port), timeout=10)
    except OSError:
        return 1
    up.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(0, selectors.EVENT_READ, "guest")
    sel.register(up, selectors.EVENT_READ, "upstream")
    open_sides = 2
    while open_sides:
        events = sel.select(timeout=args.timeout)
        if not events:
            break
        for key, _ in events:
            if key.data == "guest":
                data = os.read(0, 65536)
                if not data:
                    sel.unregister(0)
                    open_sides -= 1
                    try:
                        up.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
                    continue
                up.setblocking(True)
                up.sendall(data)
                up.setblocking(False)
            else:
                try:
                    data = up.recv(65536)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                if not data:
                    # The server is done (it closes after each answer).
                    return 0
                view = memoryview(data)
                while view:
                    view = view[os.write(1, view):]
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="role", required=True)
    uart = sub.add_parser("uart", help="relay QEMU's UART socket to the STS peer")
    uart.add_argument("--qemu-port", type=int, required=True)
    uart.add_argument("--upstream-port", type=int, required=True)
    uart.add_argument("--timeout", type=float, default=120.0, help="give up after this many seconds")
    front = sub.add_parser("tls-front", help="terminate TLS 1.3 in front of the STS peer")
    front.add_argument("--listen-port", type=int, required=True)
    front.add_argument("--upstream-port", type=int, required=True)
    front.add_argument("--cert", required=True, help="PEM: leaf certificate (and chain)")
    front.add_argument("--key", required=True, help="PEM: the leaf's private key")
    pipe = sub.add_parser("pipe", help="one guestfwd connection (stdin/stdout) to 127.0.0.1:PORT")
    pipe.add_argument("--port", type=int, required=True)
    pipe.add_argument("--timeout", type=float, default=30.0, help="give up after this many idle seconds")
    args = parser.parse_args()
    roles = {"uart": run_uart, "tls-front": run_tls_front, "pipe": run_pipe}
    return roles[args.role](args)


if __name__ == "__main__":
    sys.exit(main())
