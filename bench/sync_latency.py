#!/usr/bin/python3
"""The latency of one durable write on a filesystem: the floor under every request the server
answers only once it is on disk (a send), since each such answer waits for at least one
fdatasync. Overwrites 4 KiB in a preallocated file and syncs it, as a database's write-ahead
log does once it is in use, and prints one JSON line: {"p50_us":..,"p99_us":..,"samples":..}.

Usage: bench/sync_latency.py DIRECTORY [SAMPLES]
"""
import json
import os
import statistics
import sys
import tempfile
import time

BLOCK = 4096
BLOCKS = 256


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 64
    samples = int(sys.argv[2]) if len(sys.argv) == 3 else 500
    block = os.urandom(BLOCK)
    with tempfile.NamedTemporaryFile(dir=sys.argv[1], prefix="sync-latency-") as file:
        descriptor = file.fileno()
        for index in range(BLOCKS):
            os.pwrite(descriptor, block, index * BLOCK)
        os.fsync(descriptor)
        times = []
        for index in range(samples):
            start = time.perf_counter_ns()
            os.pwrite(descriptor, block, (index % BLOCKS) * BLOCK)
            os.fdatasync(descriptor)
            times.append((time.perf_counter_ns() - start) / 1000)
    times.sort()
    print(json.dumps({"p50_us": round(statistics.median(times), 1),
                      "p99_us": round(times[int(len(times) * 0.99) - 1], 1),
                      "samples": samples}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
