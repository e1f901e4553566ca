#!/usr/bin/env python3
"""Measures how long a legitimate client waits while a slowloris attack runs.

Starts SERVER at its default bounds on a fresh database and registers one user. Then an
attacker opens CONNECTIONS connections from the loopback addresses 127.0.0.2.. (PER_ADDRESS to
an address, plus one address that keeps trying to open twice its share), each sending one byte
of a request header now and then (every DRIBBLE seconds on average), and reopening each
connection the server closes. Meanwhile the user sends a `list` request on a fresh connection
from 127.0.0.1 once a second. Prints one JSON line: how many attack connections were opened,
and the legitimate client's waits (connect to answer) in milliseconds: median, maximum, and how
many requests failed. The caller must raise `ulimit -n` above CONNECTIONS first.

Usage: slowloris.py SERVER [--connections N] [--per-address N] [--seconds S] [--dribble S]
"""
import argparse
import json
import random
import socket
import statistics
import sys
import threading
import time

from attack_support import LIST, REGISTER, frame, public_key, read_response, running_server


def request(port: int, message: bytes, timeout: float = 30) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(message)
        return read_response(connection)


class Attacker(threading.Thread):
    def __init__(self, port: int, connections: int, per_address: int, dribble: float):
        super().__init__(daemon=True)
        self.port, self.dribble = port, dribble
        hosts = (connections + per_address - 1) // per_address
        # One extra address tries to hold twice the cap.
        self.slots = [f"127.0.0.{2 + i // per_address}" if i < connections else
                      f"127.0.{1 + hosts // 250}.{2 + hosts % 250}"
                      for i in range(connections + 2 * per_address)]
        self.held: dict[int, socket.socket] = {}
        self.opened = 0
        self.stop = threading.Event()

    def open(self, slot: int) -> None:
        connection = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        connection.setblocking(False)
        try:
            connection.bind((self.slots[slot], 0))
            connection.connect_ex(("127.0.0.1", self.port))
            self.held[slot] = connection
            self.opened += 1
        except OSError:
            connection.close()

    def run(self) -> None:
        while not self.stop.is_set():
            for slot in range(len(self.slots)):
                if slot not in self.held:
                    self.open(slot)
            # A byte on each connection every `dribble` seconds on average.
            for slot, connection in list(self.held.items()):
                if random.random() * self.dribble > 0.5:
                    continue
                try:
                    connection.send(b"\x01")
                except OSError:
                    connection.close()
                    del self.held[slot]
            self.stop.wait(0.5)
        for connection in self.held.values():
            connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("server")
    parser.add_argument("--connections", type=int, default=12_000)
    parser.add_argument("--per-address", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--dribble", type=float, default=5)
    args = parser.parse_args()
    with running_server(args.server) as (server, port):
        code, user = request(port, frame(b"\0" * 16, REGISTER,
                                         b"alice".ljust(255, b"\0") + public_key()))
        assert code == 2100, code
        attacker = Attacker(port, args.connections, args.per_address, args.dribble)
        attacker.start()
        time.sleep(5)  # the attack in full swing
        waits, failed = [], 0
        end = time.monotonic() + args.seconds
        while time.monotonic() < end:
            started = time.monotonic()
            try:
                code, _ = request(port, frame(user, LIST))
                waits.append((time.monotonic() - started) * 1000)
                failed += code != 2101
            except OSError:
                failed += 1
            time.sleep(1)
        attacker.stop.set()
        attacker.join()
        print(json.dumps({"attack_connections_opened": attacker.opened,
                          "requests": len(waits) + failed, "failed": failed,
                          "median_ms": round(statistics.median(waits), 1) if waits else None,
                          "max_ms": round(max(waits), 1) if waits else None}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
