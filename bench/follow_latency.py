#!/usr/bin/env python3
"""How long after `messageu send` returns a follower prints the message: starts a server on
loopback, registers two profiles, runs `messageu --json pull --follow` for one of them and
sends it COUNT messages one after another with the other, timing from the moment each
`send` process exits to the moment the follower's line for it is read. A follower that
prints a message before its sender's process has even exited counts 0 ms (the server wakes
the waiting connection when the message is committed, before the sender gets its answer).

Prints one JSON object: samples, median_ms, p99_ms, max_ms, printed_before_send_returned.

Usage: follow_latency.py BIN_DIR [COUNT]   (BIN_DIR holds messageu and messageu-server)
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time


def start_server(bin_dir: str, directory: str):
    server = subprocess.Popen(
        [os.path.join(bin_dir, "messageu-server"), "--port", "0", "--bind", "127.0.0.1",
         "--db", os.path.join(directory, "server.db"), "--log-level", "warn"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for raw in server.stderr:
        line = raw.decode()
        if "listening on " in line:
            threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()
            return server, int(line.strip().rsplit(":", 1)[1])
    raise RuntimeError("messageu-server did not start")


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> int:
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 64
    bin_dir = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) == 3 else 200
    with tempfile.TemporaryDirectory() as directory:
        server, port = start_server(bin_dir, directory)
        try:
            def messageu(home, *arguments, **options):
                return [os.path.join(bin_dir, "messageu"), "--quiet", "--server",
                        "127.0.0.1:%d" % port, "--home", os.path.join(directory, home),
                        *arguments]

            for name in ("alice", "bob"):
                subprocess.run(messageu(name, "register", name), check=True,
                               stdout=subprocess.DEVNULL)
            # The first send fetches bob's key and sends a symmetric key: not timed.
            subprocess.run(messageu("alice", "send", "bob", "warm-up"), check=True,
                           stdout=subprocess.DEVNULL)
            subprocess.run(messageu("bob", "pull"), check=True, stdout=subprocess.DEVNULL)
            follower = subprocess.Popen(messageu("bob", "--json", "pull", "--follow"),
                                        stdout=subprocess.PIPE)
            arrivals = {}
            arrived = threading.Condition()

            def read_lines():
                for line in follower.stdout:
                    now = time.monotonic()
                    text = json.loads(line).get("text", "")
                    with arrived:
                        arrivals[text] = now
                        arrived.notify_all()

            threading.Thread(target=read_lines, daemon=True).start()
            time.sleep(1)  # the follower is waiting on the server
            latencies, early = [], 0
            for number in range(count):
                text = "latency %d" % number
                subprocess.run(messageu("alice", "send", "bob", text), check=True,
                               stdout=subprocess.DEVNULL)
                returned = time.monotonic()
                with arrived:
                    if not arrived.wait_for(lambda: text in arrivals, timeout=30):
                        raise RuntimeError("the follower did not print %r" % text)
                    latency = arrivals[text] - returned
                early += latency <= 0
                latencies.append(max(latency, 0.0) * 1000)
                time.sleep(0.02)  # the follower is back waiting
            follower.terminate()
            follower.wait(timeout=20)
        finally:
            server.terminate()
            server.wait(timeout=20)
    print(json.dumps({"samples": len(latencies),
                      "median_ms": round(statistics.median(latencies), 3),
                      "p99_ms": round(percentile(latencies, 0.99), 3),
                      "max_ms": round(max(latencies), 3),
                      "printed_before_send_returned": early}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
