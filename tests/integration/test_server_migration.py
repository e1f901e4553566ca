#!/usr/bin/python3
"""messageu-server --migrate-from, as an operator runs it: users registered and messages sent
on one database are there, readable, after the copy into another, and the command refuses a
target that holds clients and a source that does not exist.

Environment: MESSAGEU_SERVER_BIN, MESSAGEU_CLI (see test_cli_support.py).
"""
import os
import subprocess
import tempfile
import unittest

from test_cli_support import SERVER_BIN, Server, registered_profile


def migrate(source, target):
    return subprocess.run([SERVER_BIN, "--migrate-from", source, "--db", target, "--port", "0"],
                          capture_output=True, timeout=120)


class Migration(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.TemporaryDirectory()
        self.addCleanup(self.directory.cleanup)
        self.old = os.path.join(self.directory.name, "old.db")
        self.new = os.path.join(self.directory.name, "new.db")

    def test_users_and_waiting_messages_survive_the_copy(self):
        server = Server(db=self.old)
        alice = registered_profile(self, "alice", server.address)
        bob = registered_profile(self, "bob", server.address)
        alice.ok("send", "bob", "sent before the migration")
        self.assertEqual(server.halt(), 0)
        server.stop()

        result = migrate(self.old, self.new)
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        # The text and the symmetric key sent before it.
        self.assertRegex(result.stderr.decode(), r"migrated 2 clients and 2 waiting messages")

        server = Server(db=self.new)
        self.addCleanup(server.stop)
        bob.server = alice.server = server.address
        self.assertIn("sent before the migration", bob.ok("pull"))
        self.assertIn("alice", bob.ok("list"))
        alice.ok("send", "bob", "sent after it")
        self.assertIn("sent after it", bob.ok("pull"))

    def test_a_target_with_clients_is_refused_untouched(self):
        for path, name in ((self.old, "alice"), (self.new, "zed")):
            server = Server(db=path)
            registered_profile(self, name, server.address)
            server.stop()
        before = os.path.getsize(self.new)
        result = migrate(self.old, self.new)
        self.assertEqual(result.returncode, 64)
        self.assertIn(b"has clients already", result.stderr)
        self.assertEqual(os.path.getsize(self.new), before)

    def test_a_missing_source_is_refused_and_not_created(self):
        result = migrate(self.old, self.new)
        self.assertEqual(result.returncode, 74)
        self.assertIn(b"no such database file", result.stderr)
        self.assertFalse(os.path.exists(self.old))


if __name__ == "__main__":
    unittest.main()
