"""The benchmark against peer servers: messageu-loadgen driving a classic server that accepts
only letters and digits in user names (as the seed edition's does), bench/run.sh's --peer
checks, and bench/write_report.py putting a peer's rates beside ours and the ceiling's.
"""
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from dialect_servers import DialectServer, closed_port  # noqa: E402
from test_cli_support import SERVER_BIN  # noqa: E402

SOURCE_DIR = pathlib.Path(os.environ.get("MESSAGEU_SOURCE_DIR",
                                         pathlib.Path(__file__).resolve().parents[2]))
LOADGEN = os.environ.get("MESSAGEU_LOADGEN",
                         os.path.join(os.path.dirname(SERVER_BIN), "messageu-loadgen"))


def run_loadgen(server, op, mode, connections=2, dialect="2025a"):
    result = subprocess.run(
        [LOADGEN, "--server", server.address, "--dialect", dialect, "--op", op, "--mode", mode,
         "--connections", str(connections), "--duration", "0.3", "--json"],
        capture_output=True, text=True, timeout=60)
    return result


@unittest.skipUnless(os.access(LOADGEN, os.X_OK), "messageu-loadgen not built")
class LoadgenAgainstAStrictPeer(unittest.TestCase):
    def setUp(self):
        self.server = DialectServer("2025a", strict_names=True)

    def tearDown(self):
        self.server.close()

    def test_every_load_of_the_benchmark_runs_without_a_refusal(self):
        for op in ("list", "getkey", "send", "pull"):
            for mode in ("per-request", "persistent"):
                with self.subTest(op=op, mode=mode):
                    result = run_loadgen(self.server, op, mode)
                    self.assertEqual(result.returncode, 0, result.stderr)
                    line = json.loads(result.stdout)
                    self.assertEqual(line["errors"], 0, line)
                    self.assertGreater(line["requests"], 0, line)

    def test_names_are_letters_and_digits_and_unique(self):
        for op in ("send", "register", "register"):
            result = run_loadgen(self.server, op, "persistent", connections=12)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(json.loads(result.stdout)["errors"], 0)
        names = self.server.registered_names
        self.assertGreater(len(names), 1024)  # the send load's recipients, then new users
        for name in names:
            self.assertRegex(name, rb"^[A-Za-z0-9]+$")
        self.assertEqual(len(set(names)), len(names))

    def test_a_peer_of_another_dialect_is_driven_in_its_own(self):
        server = DialectServer("2021c", strict_names=True)
        try:
            result = run_loadgen(server, "getkey", "persistent", dialect="2021c")
        finally:
            server.close()
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(json.loads(result.stdout)["errors"], 0)
        self.assertTrue(all(code in range(1000, 1005) for code in server.codes))


class RunShPeerOption(unittest.TestCase):
    """Checked before anything is built or run."""

    def run_sh(self, *arguments):
        return subprocess.run(["bash", str(SOURCE_DIR / "bench" / "run.sh"), *arguments],
                              capture_output=True, text=True, timeout=60)

    def test_a_malformed_peer_is_a_usage_error(self):
        for peer in ("nohost", "x=127.0.0.1", "bad name=127.0.0.1:1", "server=127.0.0.1:1",
                     "x=127.0.0.1:1/1999"):
            with self.subTest(peer=peer):
                result = self.run_sh("--peer", peer)
                self.assertEqual(result.returncode, 64, result.stderr)
                self.assertIn("--peer", result.stderr)

    def test_a_peer_that_does_not_answer_stops_the_run_at_once(self):
        result = self.run_sh("--peer", "seed=127.0.0.1:%d" % closed_port())
        self.assertEqual(result.returncode, 69, result.stderr)
        self.assertIn("peer seed: nothing answers", result.stderr)


def load(target, op, mode, connections, rps, cpu=True):
    entry = {"target": target, "op": op, "mode": mode, "connections": connections,
             "requests": rps, "errors": 0, "rps": rps, "p50_us": 100.0, "p99_us": 200.0}
    if cpu:
        entry["cpu_pct"] = 50
    return entry


class ReportWithPeers(unittest.TestCase):
    def write_report(self, loads, peers):
        with tempfile.TemporaryDirectory() as directory:
            results = pathlib.Path(directory)
            (results / "loads.jsonl").write_text("".join(json.dumps(e) + "\n" for e in loads))
            if peers is not None:
                (results / "peers.jsonl").write_text(
                    "".join(json.dumps(p) + "\n" for p in peers))
            result = subprocess.run(
                [sys.executable, str(SOURCE_DIR / "bench" / "write_report.py"), directory],
                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def test_peer_rates_stand_beside_ours_and_the_ceilings_as_ratios(self):
        loads = [load("server", "getkey", "persistent", 64, 60000),
                 load("ceiling", "getkey", "persistent", 64, 120000),
                 load("seed", "getkey", "persistent", 64, 3000, cpu=False),
                 load("server", "list", "persistent", 1, 10000),
                 load("ceiling", "list", "persistent", 1, 20000)]
        report = self.write_report(
            loads, [{"name": "seed", "address": "127.0.0.1:9", "dialect": "2025a"}])
        self.assertIn("## Requests: peer servers beside messageu-server", report)
        self.assertIn("### seed (127.0.0.1:9, dialect 2025a)", report)
        peer_lines = report.split("### seed", 1)[1].splitlines()
        row = next(line for line in peer_lines
                   if line.startswith("| getkey | persistent | 64 | 60,000 | 3,000 "))
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        # ours / seed, seed / ceiling, ours / ceiling
        self.assertEqual(cells[7:10], ["2000%", "2%", "50%"])
        missing = next(line for line in peer_lines
                       if line.startswith("| list | persistent | 1 | 10,000 |"))
        self.assertIn("| missing |", missing)

    def test_without_peers_there_is_no_peer_section(self):
        report = self.write_report([load("server", "list", "persistent", 1, 10000)], None)
        self.assertIn("## Requests: messageu-server against the ceiling", report)
        self.assertIsNone(re.search(r"^## Requests: peer", report, re.MULTILINE))


if __name__ == "__main__":
    unittest.main()
