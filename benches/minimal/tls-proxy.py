#!/usr/bin/env python3
"""A local HTTPS proxy for contenders that cannot be pointed at another
endpoint (aws-creds always sends to https://sts.amazonaws.com/).

Listens on 127.0.0.1:PORT for `CONNECT host:443`, answers 200, ends the TLS
itself with a certificate for that host (signed by a CA made for the run:
the client trusts it through SSL_CERT_FILE), and relays the plain HTTP to the
mock STS on 127.0.0.1. It never opens a connection anywhere else: the host
named in CONNECT is not resolved.

    tls-proxy.py PORT MOCK_PORT CERT KEY

PORT 0 picks a free port. Prints "listening on 127.0.0.1:PORT" on stdout once
ready; serves until killed.
"""

import socket
import ssl
import sys
import threading


def relay(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def serve(conn, ctx, mock_port):
    try:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(4096)
            if not chunk:
                return
            head += chunk
        if not head.startswith(b"CONNECT "):
            conn.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        tls = ctx.wrap_socket(conn, server_side=True)
        upstream = socket.create_connection(("127.0.0.1", mock_port))
        back = threading.Thread(target=relay, args=(upstream, tls), daemon=True)
        back.start()
        relay(tls, upstream)
        back.join(10)
        upstream.close()
        tls.close()
    except (OSError, ssl.SSLError) as e:
        print(f"tls-proxy: {e}", file=sys.stderr)
    finally:
        conn.close()


def main():
    port, mock_port, cert, key = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(16)
    print(f"listening on 127.0.0.1:{listener.getsockname()[1]}", flush=True)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn, ctx, mock_port), daemon=True).start()


if __name__ == "__main__":
    main()
