#!/usr/bin/env python3
"""Measures messageu-server's memory while clients ask for user lists and never read them.

Starts SERVER on a fresh database, registers USERS users, then opens CONNECTIONS connections
(spread over the loopback addresses 127.0.0.2.., 50 to an address, under the per-address cap)
with a small receive buffer, each sending REQUESTS pipelined `list` requests and reading
nothing. Prints one JSON line: the server's resident memory (VmRSS) after registering, and its
highest VmRSS sampled over SETTLE seconds of the attack. A server that kept one copy of the
answer per blocked connection grows by about CONNECTIONS x USERS x 271 bytes.

Usage: unread_lists.py SERVER [--users N] [--connections N] [--requests N] [--settle SECONDS]
"""
import argparse
import json
import socket
import sys
import time

from attack_support import LIST, REGISTER, frame, public_key, read_response, running_server

ADDRESSES_PER_HOST = 50


def register(port: int, count: int) -> bytes:
    """Registers `count` users with one key, pipelined; returns the first one's id."""
    key = public_key()
    batch = 1000
    first = None
    with socket.create_connection(("127.0.0.1", port)) as connection:
        for start in range(0, count, batch):
            names = range(start, min(start + batch, count))
            connection.sendall(b"".join(
                frame(b"\0" * 16, REGISTER, f"user{n}".encode().ljust(255, b"\0") + key)
                for n in names))
            for _ in names:
                code, payload = read_response(connection)
                if code != 2100:
                    raise RuntimeError(f"register answered {code}")
                first = first or payload
    return first


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("server")
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--connections", type=int, default=150)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--settle", type=float, default=5)
    args = parser.parse_args()
    with running_server(args.server) as (server, port):
        requester = register(port, args.users)
        time.sleep(1)
        before = rss_kib(server.pid)
        held = []
        for index in range(args.connections):
            connection = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            connection.bind((f"127.0.0.{2 + index // ADDRESSES_PER_HOST}", 0))
            connection.connect(("127.0.0.1", port))
            connection.sendall(frame(requester, LIST) * args.requests)
            held.append(connection)
        peak = before
        end = time.monotonic() + args.settle
        while time.monotonic() < end:
            peak = max(peak, rss_kib(server.pid))
            time.sleep(0.1)
        print(json.dumps({"users": args.users, "connections": args.connections,
                          "requests": args.requests, "rss_before_kib": before,
                          "rss_peak_kib": peak, "answer_bytes": (args.users - 1) * 271}))
        for connection in held:
            connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
