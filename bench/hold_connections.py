#!/usr/bin/env python3
"""Opens COUNT idle TCP connections to HOST:PORT and holds them without sending a byte.

Used by bench/run.sh for the "10,000 idle connections" figure. Prints `held N` on stdout
once every connection is open (or as many as could be opened), then holds them until SECONDS
have passed or stdin reaches end of file, whichever comes first, and exits. The caller must
raise `ulimit -n` above COUNT first.

Usage: hold_connections.py HOST PORT COUNT SECONDS
"""
import select
import socket
import sys
import time


def hold(open_connection, count: int, seconds: float, name: str) -> int:
    """Opens up to COUNT connections with open_connection(), prints `held N`, and holds them
    until SECONDS have passed since the start or stdin reaches end of file."""
    deadline = time.monotonic() + seconds
    held = []
    for _ in range(count):
        if time.monotonic() > deadline:
            break
        try:
            held.append(open_connection())
        except OSError as error:
            print(f"{name}: stopped at {len(held)}: {error}", file=sys.stderr)
            break
    print(f"held {len(held)}", flush=True)
    # Wait for the caller to close our stdin, or for the time limit.
    remaining = deadline - time.monotonic()
    if remaining > 0:
        select.select([sys.stdin], [], [], remaining)
    for connection in held:
        connection.close()
    return 0


def main() -> int:
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 64
    host, port, count, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    return hold(lambda: socket.create_connection((host, port), timeout=5), count, seconds,
                "hold_connections")


if __name__ == "__main__":
    sys.exit(main())
