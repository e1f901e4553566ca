#!/usr/bin/python3
"""What messageu-server remembers, seen from outside: the LastSeen times of requests it
answers without the store thread reach the database (while it runs and when it stops),
and a restarted server knows again which clients are protected and which have messages.

Environment: MESSAGEU_SERVER_BIN (see test_cli_support.py).
"""
import sqlite3
import time
import unittest

from cryptography.hazmat.primitives.asymmetric import rsa

from test_cli_support import ERROR, PULL, TEXT, PythonClient, Server


def last_seen(db, client_id):
    """The LastSeen column of `client_id`, read through a connection of its own."""
    connection = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=10)
    try:
        row = connection.execute("SELECT LastSeen FROM clients WHERE ID = ?",
                                 (client_id,)).fetchone()
        return row[0]
    finally:
        connection.close()


def new_key():
    return rsa.generate_private_key(public_exponent=3, key_size=1024)


class ServerState(unittest.TestCase):
    def setUp(self):
        self.server = Server()
        self.addCleanup(self.server.stop)
        self.alice = PythonClient(self.server.port, "alice", new_key())
        self.bob = PythonClient(self.server.port, "bob", new_key())
        self.alice.register()
        self.bob.register()
        self.registered_at = last_seen(self.server.db, self.alice.client_id)
        time.sleep(0.05)  # LastSeen has millisecond resolution

    def test_last_seen_of_reads_is_written_when_the_server_stops(self):
        bob_before = last_seen(self.server.db, self.bob.client_id)
        self.alice.users()
        self.alice.public_key(self.bob.client_id)
        self.assertEqual(self.alice.pull(), [])
        self.assertEqual(self.server.halt(), 0)
        self.assertGreater(last_seen(self.server.db, self.alice.client_id), self.registered_at)
        self.assertEqual(last_seen(self.server.db, self.bob.client_id), bob_before)

    def test_last_seen_of_reads_reaches_the_database_of_a_running_server(self):
        bob_before = last_seen(self.server.db, self.bob.client_id)
        self.alice.users()
        deadline = time.monotonic() + 15
        while last_seen(self.server.db, self.alice.client_id) == self.registered_at:
            self.assertLess(time.monotonic(), deadline, "LastSeen never written")
            time.sleep(0.2)
        self.assertEqual(last_seen(self.server.db, self.bob.client_id), bob_before)

    def test_a_restarted_server_delivers_what_waited_and_keeps_protection(self):
        self.alice.send_key(self.bob.client_id)
        self.alice.send_text(self.bob.client_id, b"kept across a restart")
        self.alice.session()  # alice's account is protected from now on
        self.alice.close()
        self.assertEqual(self.server.halt(), 0)
        restarted = Server(db=self.server.db)
        self.addCleanup(restarted.stop)
        self.bob.port = self.alice.port = restarted.port
        received = self.bob.pull()
        self.assertEqual([(kind, content) for _, _, kind, content in received][1:],
                         [(TEXT, b"kept across a restart")])
        self.assertEqual(self.bob.pull(), [])
        answer, _ = self.alice.exchange(PULL)  # not on an authenticated connection
        self.assertEqual(answer, ERROR)


if __name__ == "__main__":
    unittest.main(verbosity=2)
