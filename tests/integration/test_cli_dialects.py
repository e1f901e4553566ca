"""messageu finds any MessageU server's dialect without being told (PROTOCOL.md §3, CLI.md §2):
the real CLI, with no --dialect, against fake servers of each dialect and against two that
read requests as naively as published servers do (PROTOCOL.md §7); the dialect remembered
per server; errors that name what was seen and what to try; and `messageu ping`."""
import json
import os
import sqlite3
import sys
import unittest

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__

from dialect_servers import DialectServer, OddServer, closed_port
from test_cli_support import Profile, Server, block, response_bytes

TEXTS = ["message %d: %s" % (number, "x" * (number * 37)) for number in range(25)]


class EveryDialect(unittest.TestCase):
    """The whole user story against each fake server, with no dialect named."""

    def story(self, dialect, reader="exact"):
        server = DialectServer(dialect, reader)
        self.addCleanup(server.close)
        alice, bob = Profile(server.address), Profile(server.address)
        self.addCleanup(alice.cleanup)
        self.addCleanup(bob.cleanup)
        alice.ok("register", "alice")
        bob.ok("register", "bob")
        self.assertIn("\tbob\n", alice.ok("list"))
        for text in TEXTS:
            alice.ok("send", "bob", text)
        content = os.urandom(20 * 1024)
        path = os.path.join(alice.home, "twenty-kb")
        with open(path, "wb") as file:
            file.write(content)
        alice.ok("sendfile", "bob", path)
        out = bob.ok("pull")
        blocks = out.split("-----<EOM>-----\n\n")
        self.assertEqual(out[:out.rindex("From: alice")],
                         block("alice", alice.client_id(), "symmetric key received") +
                         "".join(block("alice", alice.client_id(), text) for text in TEXTS))
        saved = blocks[-2].split("Content:\n")[1].strip()
        with open(saved, "rb") as file:
            self.assertEqual(file.read(), content)
        self.assertEqual(server.truncated, 0)

    def test_2025a(self):
        self.story("2025a")

    def test_2022(self):
        self.story("2022")

    def test_2021c(self):
        self.story("2021c")

    def test_2026(self):
        self.story("2026")

    def test_a_server_reading_each_request_with_one_recv_of_1024_bytes(self):
        self.story("2021c", "recv1024")

    def test_a_server_reading_the_payload_with_one_recv_of_the_declared_size(self):
        self.story("2026", "recv_declared")


class Detection(unittest.TestCase):
    def setUp(self):
        self.server = DialectServer("2026")
        self.addCleanup(self.server.close)
        self.profile = Profile(self.server.address)
        self.addCleanup(self.profile.cleanup)

    def test_register_tries_the_dialects_most_likely_first_and_registers_once(self):
        self.profile.ok("register", "alice")
        self.assertEqual(self.server.codes, [600, 1100, 1000, 700])
        self.assertEqual(len(self.server.clients), 1)

    def test_the_dialect_is_remembered_so_the_next_command_makes_no_extra_request(self):
        self.profile.ok("register", "alice")
        del self.server.codes[:]
        self.profile.ok("list")
        self.assertEqual(self.server.codes, [701])
        with sqlite3.connect(self.profile.path("state.db")) as db:
            self.assertEqual(db.execute("SELECT dialect FROM servers").fetchall(), [("2026",)])

    def test_a_registered_profile_finds_the_dialect_with_a_list_of_its_own(self):
        self.profile.ok("register", "alice")
        os.remove(self.profile.path("state.db"))
        del self.server.codes[:]
        self.profile.ok("list")
        self.assertEqual(self.server.codes, [601, 1101, 1001, 701])

    def test_an_explicit_dialect_is_spoken_without_a_search(self):
        self.profile.ok("register", "alice")
        del self.server.codes[:]
        result = self.profile.run("--dialect", "2025a", "list")
        # Refused, then one more list to tell "does not know you" from a refused request.
        self.assertEqual(result.returncode, 78)
        self.assertEqual(self.server.codes, [601, 601])
        self.assertIn("does not know you", result.stderr.decode())
        self.assertIn("does not speak dialect 2025a (try --dialect auto)", result.stderr.decode())

    def test_a_server_that_changed_dialect_is_searched_again(self):
        self.profile.ok("register", "alice")
        with sqlite3.connect(self.profile.path("state.db")) as db:
            db.execute("UPDATE servers SET dialect = '2022'")
        del self.server.codes[:]
        self.profile.ok("list")
        self.assertEqual(self.server.codes, [1101, 601, 1001, 701])
        del self.server.codes[:]
        self.profile.ok("list")
        self.assertEqual(self.server.codes, [701])

    def test_a_send_refused_in_a_stale_dialect_is_sent_again_in_the_right_one(self):
        bob = Profile(self.server.address)
        self.addCleanup(bob.cleanup)
        self.profile.ok("register", "alice")
        bob.ok("register", "bob")
        self.profile.ok("send", "bob", "one")
        for stale in ("2022", "2021c"):
            with sqlite3.connect(self.profile.path("state.db")) as db:
                db.execute("UPDATE servers SET dialect = ?", (stale,))
            if stale == "2022":
                self.profile.ok("send", "bob", "two")
                continue
            # A file read and encrypted as it is sent cannot be sent again: nothing was sent.
            path = os.path.join(self.profile.home, "report")
            with open(path, "wb") as file:
                file.write(b"figures")
            result = self.profile.run("sendfile", "bob", path)
            self.assertEqual(result.returncode, 69)
            self.assertIn("now speaks dialect 2026, not 2021c", result.stderr.decode())
        self.profile.ok("send", "bob", "three")
        alice = self.profile.client_id()
        self.assertEqual(bob.ok("pull"), block("alice", alice, "symmetric key received") +
                         block("alice", alice, "one") + block("alice", alice, "two") +
                         block("alice", alice, "three"))

    def test_a_refused_register_in_every_dialect_names_both_causes(self):
        self.profile.ok("register", "alice")
        again = Profile(self.server.address)
        self.addCleanup(again.cleanup)
        result = again.run("register", "alice")
        self.assertEqual(result.returncode, 69)
        error = result.stderr.decode()
        self.assertIn("every dialect", error)
        self.assertIn("the name is taken", error)
        self.assertIn("not a MessageU server", error)

    def test_a_profile_unknown_to_the_server_names_both_causes(self):
        elsewhere = DialectServer("2022")
        self.addCleanup(elsewhere.close)
        self.profile.ok("register", "alice")
        result = self.profile.run("--server", elsewhere.address, "list")
        self.assertEqual(result.returncode, 78)
        self.assertIn("does not know you", result.stderr.decode())
        self.assertIn("not a MessageU server", result.stderr.decode())


class Errors(unittest.TestCase):
    """Answers that are not the spoken dialect's say what was seen and what to try."""

    def run_against(self, answer, *arguments):
        server = OddServer(answer)
        self.addCleanup(server.close)
        profile = Profile(server.address)
        self.addCleanup(profile.cleanup)
        return profile.run("--dialect", "2025a", "--retries", "0", *arguments, "register", "bob")

    def test_a_code_of_another_dialect_names_that_dialect(self):
        result = self.run_against(response_bytes(2000, bytes(16)))
        self.assertEqual(result.returncode, 76)
        error = result.stderr.decode()
        self.assertIn("code 2000, which belongs to dialect 2021c", error)
        self.assertIn("--dialect 2021c", error)
        self.assertEqual(error.count("\n"), 1)

    def test_zeros_are_named_and_shown_in_hex_only_when_verbose(self):
        result = self.run_against(bytes(1024))
        self.assertEqual(result.returncode, 76)
        self.assertIn("answered with zeros", result.stderr.decode())
        self.assertNotIn("00000000", result.stderr.decode())
        verbose = self.run_against(bytes(1024), "--verbose")
        self.assertIn("00000000000000", verbose.stderr.decode())

    def test_a_server_that_closes_without_answering_says_so(self):
        result = self.run_against(None)
        self.assertEqual(result.returncode, 75)
        self.assertIn("closed the connection without answering", result.stderr.decode())


class Ping(unittest.TestCase):
    def ping(self, address, *arguments, register=None):
        profile = Profile(address)
        self.addCleanup(profile.cleanup)
        if register:
            profile.ok("register", register)
        return profile.run("ping", *arguments)

    def fields(self, result):
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        fields = result.stdout.decode().rstrip("\n").split("\t")
        self.assertEqual(len(fields), 5)
        self.assertGreaterEqual(float(fields[4]), 0)
        return fields[:4]

    def test_our_server_for_a_registered_profile(self):
        server = Server()
        self.addCleanup(server.stop)
        fields = self.fields(self.ping(server.address, register="alice"))
        self.assertEqual(fields, [server.address, "2025a", "3", "yes"])  # WAIT offered

    def test_our_server_for_an_unregistered_profile_reports_what_it_cannot_know(self):
        server = Server()
        self.addCleanup(server.stop)
        result = self.ping(server.address)
        self.assertEqual(self.fields(result), [server.address, "-", "-", "-"])
        self.assertIn("unregistered", result.stderr.decode())

    def test_json(self):
        server = DialectServer("2021c")
        self.addCleanup(server.close)
        result = self.ping(server.address, "--json", register="alice")
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        record = json.loads(result.stdout)
        self.assertEqual((record["server"], record["dialect"], record["protocol"], record["wait"]),
                         (server.address, "2021c", 2, None))
        self.assertIsInstance(record["rtt_us"], int)

    def test_each_fake_dialect(self):
        for dialect in ("2025a", "2022", "2021c", "2026"):
            server = DialectServer(dialect)
            self.addCleanup(server.close)
            self.assertEqual(self.fields(self.ping(server.address, register="alice")),
                             [server.address, dialect, "2", "-"])

    def test_a_closed_port_is_unreachable(self):
        result = self.ping("127.0.0.1:%d" % closed_port(), "--retries", "0")
        self.assertEqual(result.returncode, 75)

    def test_a_web_server_is_not_messageu(self):
        server = OddServer(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        self.addCleanup(server.close)
        result = self.ping(server.address)
        self.assertEqual(result.returncode, 76)
        self.assertIn("web server", result.stderr.decode())

    def test_a_server_that_closes_at_once_is_not_messageu(self):
        server = OddServer(None)
        self.addCleanup(server.close)
        result = self.ping(server.address, "--retries", "0")
        self.assertEqual(result.returncode, 76)
        self.assertIn("closed the connection without answering", result.stderr.decode())


if __name__ == "__main__":
    unittest.main()
