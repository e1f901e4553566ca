#!/usr/bin/env python3
"""What `--dialect auto` costs: for each dialect, against a fake server that speaks only that
one (tests/integration/dialect_servers.py), the requests the server received and the wall time
of `messageu register` and `messageu list` when the dialect must be found, when it is
remembered, and when it is named with --dialect. Prints one line per case; asserts nothing.

Usage: bench/dialect_detection.py [RUNS]     (default 5 runs of each list; the median is shown)
Environment: MESSAGEU_CLI   the messageu program (default build/bin/messageu of this checkout)
"""
import os
import statistics
import sys
import time

sys.dont_write_bytecode = True
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("MESSAGEU_CLI", os.path.join(ROOT, "build", "bin", "messageu"))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

from dialect_servers import DialectServer  # noqa: E402
from test_cli_support import Profile  # noqa: E402


def timed(server, profile, *arguments):
    """(requests the server received, milliseconds) of one messageu run."""
    before = len(server.codes)
    start = time.perf_counter()
    profile.ok(*arguments)
    return len(server.codes) - before, (time.perf_counter() - start) * 1000


def median_of(runs, server, profile, *arguments, forget=False):
    results = []
    for _ in range(runs):
        if forget and os.path.exists(profile.path("state.db")):
            os.remove(profile.path("state.db"))
        results.append(timed(server, profile, *arguments))
    return results[0][0], statistics.median(ms for _, ms in results)


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    print("%-6s %-34s %8s %9s" % ("dialect", "case", "requests", "ms"))
    for dialect in ("2025a", "2022", "2021c", "2026"):
        server = DialectServer(dialect)
        profile = Profile(server.address)
        try:
            cases = [("register, found", timed(server, profile, "register", "alice"))]
            cases.append(("list, found (state.db removed)",
                          median_of(runs, server, profile, "list", forget=True)))
            profile.ok("list")  # remembers the dialect again
            cases.append(("list, remembered", median_of(runs, server, profile, "list")))
            cases.append(("list, --dialect " + dialect,
                          median_of(runs, server, profile, "--dialect", dialect, "list")))
            for name, (requests, ms) in cases:
                print("%-6s %-34s %8d %9.1f" % (dialect, name, requests, ms))
        finally:
            profile.cleanup()
            server.close()


if __name__ == "__main__":
    main()
