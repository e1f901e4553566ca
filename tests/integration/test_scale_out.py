#!/usr/bin/python3
"""Several messageu-servers on one PostgreSQL database (docs/SCALING.md), each test on a fresh
database of the test cluster: a client registered through one server is known to the others at
once, concurrent pulls through two servers lose nothing, a server killed mid-upload or mid-pull
loses nothing of what was acknowledged, and PostgreSQL restarting under the servers is
survived without restarting them.

Environment: MESSAGEU_SERVER_BIN, MESSAGEU_CLI (see test_cli_support.py); the cluster's URI in
MESSAGEU_TEST_PG_URI or in the file MESSAGEU_TEST_PG_URI_FILE names (the ctest fixture writes
it). Without a cluster the tests are skipped, and say so; under CI (CI=true) they fail.
"""
import glob
import os
import re
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time
import unittest
import uuid

WAIT = 608  # 2025a (PROTOCOL.md §11)

from cryptography.hazmat.primitives.asymmetric import rsa

from test_cli_support import (ERROR, PULL, SEND, TEXT, PythonClient, Server, name_field,
                              registered_profile, request_bytes)

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../..")
PG_CLUSTER = os.path.join(ROOT, "scripts/pg-cluster.sh")


def cluster_uri():
    uri = os.environ.get("MESSAGEU_TEST_PG_URI")
    if uri:
        return uri
    path = os.environ.get("MESSAGEU_TEST_PG_URI_FILE")
    if path and os.path.exists(path):
        with open(path) as file:
            return file.read().strip()
    return None


def psql_binary():
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))
    return candidates[-1] if candidates else "psql"


def psql(uri, sql):
    subprocess.run([psql_binary(), "-X", "-q", "-v", "ON_ERROR_STOP=1", uri, "-c", sql],
                   check=True, capture_output=True, timeout=60)


def with_database(uri, name):
    return re.sub(r":///[^?]*\?", ":///%s?" % name, uri, count=1)


URI = cluster_uri()
SKIP_REASON = None if URI else (
    "no PostgreSQL test cluster (ctest starts one with scripts/pg-cluster.sh; "
    "or set MESSAGEU_TEST_PG_URI)")
if SKIP_REASON and os.environ.get("CI") == "true":
    raise SystemExit("PostgreSQL tests cannot run under CI: " + SKIP_REASON)


def new_key():
    return rsa.generate_private_key(public_exponent=3, key_size=1024)


class FreshDatabase:
    """A database of its own on the test cluster, dropped at the end."""

    def __init__(self, cluster):
        self.cluster = cluster
        self.name = "scale_" + uuid.uuid4().hex[:12]
        psql(cluster, "CREATE DATABASE %s" % self.name)
        self.uri = with_database(cluster, self.name)

    def drop(self):
        psql(self.cluster, "DROP DATABASE IF EXISTS %s WITH (FORCE)" % self.name)


@unittest.skipIf(SKIP_REASON, SKIP_REASON or "")
class ScaleOut(unittest.TestCase):
    def setUp(self):
        self.database = FreshDatabase(URI)
        self.addCleanup(self.database.drop)
        self.a = self.start_server()
        self.b = self.start_server()

    def start_server(self):
        server = Server(db=self.database.uri)
        self.addCleanup(server.stop)
        return server

    def test_a_client_registered_on_one_server_is_known_to_the_other_at_once(self):
        alice = registered_profile(self, "alice", self.a.address)
        bob = registered_profile(self, "bob", self.b.address)
        alice.server = self.b.address
        self.assertIn("bob", alice.ok("list"))
        alice.ok("send", "bob", "registered on A, sent through B")
        bob.server = self.a.address
        self.assertIn("registered on A, sent through B", bob.ok("pull"))

    def test_a_message_stored_through_one_server_wakes_a_wait_on_the_other(self):
        alice = PythonClient(self.a.port, "alice", new_key())
        bob = PythonClient(self.b.port, "bob", new_key())
        alice.register()
        bob.register()
        bob.session()  # WAIT is served on an authenticated connection (PROTOCOL.md §11)
        bob.sock.settimeout(120)
        wait_ms = 60_000
        answers = []
        waiting = threading.Thread(target=lambda: answers.append(
            bob.exchange(WAIT, struct.pack("<I", wait_ms), 3)))
        started = time.monotonic()
        waiting.start()
        time.sleep(0.5)  # parked on B by now
        alice.send_key(bob.client_id)
        waiting.join(timeout=120)
        elapsed = time.monotonic() - started
        self.assertEqual(len(answers), 1)
        code, body = answers[0]
        self.assertEqual(code, PULL + 1500)
        self.assertGreater(len(body), 0)
        # Woken by the send, not by the end of its minute.
        self.assertLess(elapsed, wait_ms / 1000 / 2)

    def test_names_are_unique_across_servers(self):
        registered_profile(self, "carol", self.a.address)
        second = PythonClient(self.b.port, "carol", new_key())
        answer, _ = second.exchange(600, name_field("carol") + b"\0" * 160)
        self.assertEqual(answer, ERROR)

    def test_concurrent_pulls_through_two_servers_deliver_every_message(self):
        alice = PythonClient(self.a.port, "alice", new_key())
        bob = PythonClient(self.a.port, "bob", new_key())
        alice.register()
        bob.register()
        alice.send_key(bob.client_id)
        count = 200
        sent = {alice.send_text(bob.client_id, b"message %d" % i) for i in range(count)}
        received, errors = {}, []

        def pull_through(server):
            client = PythonClient(server.port, "bob", bob.private_key)
            client.client_id, client.keys = bob.client_id, bob.keys
            try:
                for _ in range(20):
                    for _, message_id, kind, content in client.pull():
                        if kind == TEXT:
                            received.setdefault(message_id, content)
            except Exception as error:  # reported below, in the test's thread
                errors.append(error)

        threads = [threading.Thread(target=pull_through, args=(s,)) for s in (self.a, self.b)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertEqual(errors, [])
        self.assertEqual(set(received), sent)
        self.assertEqual(bob.pull(), [])  # every classic pull deleted what it delivered

    def test_a_server_killed_mid_upload_stores_nothing_and_the_other_serves(self):
        alice = PythonClient(self.a.port, "alice", new_key())
        bob = PythonClient(self.b.port, "bob", new_key())
        alice.register()
        bob.register()
        size = 8 << 20
        sock = socket.create_connection(("127.0.0.1", self.a.port), timeout=10)
        prefix = bob.client_id + struct.pack("<BI", TEXT, size)
        header = alice.client_id + struct.pack("<BHI", 2, SEND, len(prefix) + size)
        sock.sendall(header + prefix + os.urandom(3 << 20))  # the rest never comes
        time.sleep(0.5)
        self.a.process.send_signal(signal.SIGKILL)
        self.a.process.wait(timeout=10)
        sock.close()
        alice.port = self.b.port
        alice.send_key(bob.client_id)
        alice.send_text(bob.client_id, b"after the kill")
        texts = [content for _, _, kind, content in bob.pull() if kind == TEXT]
        self.assertEqual(texts, [b"after the kill"])

    def test_a_server_killed_mid_pull_deletes_nothing(self):
        alice = PythonClient(self.a.port, "alice", new_key())
        bob = PythonClient(self.a.port, "bob", new_key())
        alice.register()
        bob.register()
        alice.send_key(bob.client_id)
        big = os.urandom(16 << 20)
        alice.send_text(bob.client_id, big)
        # Read the start of the answer through A, then kill A while it sends the rest.
        sock = socket.create_connection(("127.0.0.1", self.a.port), timeout=10)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.sendall(request_bytes(bob.client_id, PULL))
        sock.recv(1024)
        self.a.process.send_signal(signal.SIGKILL)
        self.a.process.wait(timeout=10)
        sock.close()
        bob.port = self.b.port
        kinds = [(kind, content) for _, _, kind, content in bob.pull()]
        self.assertEqual(kinds[-1], (TEXT, big))


@unittest.skipIf(SKIP_REASON, SKIP_REASON or "")
class DatabaseRestart(unittest.TestCase):
    """PostgreSQL stopped and started under a running server: a cluster of the test's own, so
    that stopping it touches no other test."""

    def setUp(self):
        self.directory = tempfile.TemporaryDirectory()
        self.addCleanup(self.directory.cleanup)
        self.uri_file = os.path.join(self.directory.name, "cluster.uri")
        subprocess.run(["bash", PG_CLUSTER, "start", self.uri_file], check=True, timeout=120,
                       capture_output=True)
        self.addCleanup(subprocess.run, ["bash", PG_CLUSTER, "stop", self.uri_file],
                        timeout=120, capture_output=True)
        with open(self.uri_file) as file:
            self.uri = file.read().strip()
        self.data = re.search(r"host=([^&]*)", self.uri).group(1) + "/data"

    def pg_ctl(self, *arguments):
        pg_ctl = os.path.join(os.path.dirname(psql_binary()), "pg_ctl")
        command = [pg_ctl, "-D", self.data, "-w", *arguments]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--"] + command
        # The server started outlives pg_ctl: no pipe of ours may stay open in it.
        subprocess.run(command, check=True, timeout=120, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def test_requests_get_9000_while_it_is_down_and_work_again_after(self):
        server = Server(db=self.uri)
        self.addCleanup(server.stop)
        alice = PythonClient(server.port, "alice", new_key())
        bob = PythonClient(server.port, "bob", new_key())
        alice.register()
        bob.register()
        alice.send_key(bob.client_id)
        self.pg_ctl("stop", "-m", "fast")
        answer, _ = alice.exchange(SEND, bob.client_id + struct.pack("<BI", TEXT, 16) + bytes(16))
        self.assertEqual(answer, ERROR)
        cluster = os.path.dirname(self.data)
        self.pg_ctl("start", "-l", os.path.join(cluster, "server.log"), "-o",
                    "-p 5432 -k %s -c listen_addresses='' -c fsync=off" % cluster)
        deadline = time.monotonic() + 30
        while True:
            try:
                alice.send_text(bob.client_id, b"after the restart")
                break
            except AssertionError:
                self.assertLess(time.monotonic(), deadline, "the server never reconnected")
                time.sleep(0.5)
        texts = [content for _, _, kind, content in bob.pull() if kind == TEXT]
        self.assertEqual(texts, [b"after the restart"])
        self.assertIsNone(server.process.poll())


if __name__ == "__main__":
    unittest.main()
