"""messageu against an independent client written from PROTOCOL.md alone (Python's
`cryptography`, the exponent-3 key of the shared vectors): messages and files cross in both
directions, the automatic key exchange works with an e3 key, and a classic profile made by
that client (PKCS#1 key wrapped, upper-case id) is used by messageu unchanged."""
import os
import sys
import unittest

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__

from test_cli_support import (FILE, KEY_REQUEST, SYMMETRIC_KEY, TEXT, Profile, PythonClient,
                              Server, aes_encrypt, block, e3_private_key, fingerprint,
                              load_vectors, public_der)


class Interop(unittest.TestCase):
    def setUp(self):
        self.server = Server()
        self.python = PythonClient(self.server.port, "snake", e3_private_key())
        self.python.register()
        self.alice = Profile(self.server.address)
        self.alice.ok("register", "alice")
        self.alice_id = self.alice.client_id()

    def tearDown(self):
        self.alice.cleanup()
        self.server.stop()

    def test_cli_text_reaches_the_python_client_with_an_automatic_key(self):
        self.alice.ok("send", "snake", "hello from the CLI")
        messages = self.python.pull()
        self.assertEqual([(m[0], m[2]) for m in messages],
                         [(self.alice_id, SYMMETRIC_KEY), (self.alice_id, TEXT)])
        self.assertEqual(messages[1][3], b"hello from the CLI")

    def test_python_text_and_file_are_decrypted_by_the_cli(self):
        users = self.python.users()
        self.assertEqual(users["alice"], self.alice_id)
        self.python.send_key(self.alice_id)
        self.python.send_text(self.alice_id, "grüße, alice".encode())
        content = os.urandom(70000)
        file_id = self.python.send(self.alice_id, FILE,
                                   aes_encrypt(self.python.keys[self.alice_id], content))
        out = self.alice.ok("pull")
        saved = os.path.join(self.alice.home, "files", "snake-%d" % file_id)
        self.assertEqual(out, block("snake", self.python.client_id, "symmetric key received") +
                         block("snake", self.python.client_id, "grüße, alice") + block("snake", self.python.client_id, saved))
        with open(saved, "rb") as file:
            self.assertEqual(file.read(), content)

    def test_cli_answers_a_python_key_request_and_both_keep_talking(self):
        self.python.send(self.alice_id, KEY_REQUEST, b"")
        self.assertEqual(self.alice.ok("pull", "--reply-key-requests"),
                         block("snake", self.python.client_id, "Request for symmetric key"))
        messages = self.python.pull()
        self.assertEqual(messages[0][2], SYMMETRIC_KEY)
        self.python.send_text(self.alice_id, b"thanks for the key")
        self.assertEqual(self.alice.ok("pull"), block("snake", self.python.client_id, "thanks for the key"))
        self.alice.ok("send", "snake", "you are welcome")
        self.assertEqual(self.python.pull()[0][3], b"you are welcome")

    def test_cli_pins_the_e3_key_with_its_sha256_fingerprint(self):
        out = self.alice.ok("getkey", "snake")
        self.assertEqual(out, "%s\tsnake\t%s\n" % (self.python.client_id.hex(),
                                                   fingerprint(public_der(e3_private_key()))))

    def test_a_classic_profile_made_by_the_python_client_works_unchanged(self):
        vectors = load_vectors("rsa1024_e3.json")
        classic = Profile()
        os.makedirs(classic.home, mode=0o700)
        with open(classic.path("server.info"), "w") as file:
            file.write("127.0.0.1:%d\n" % self.server.port)
        pkcs1 = vectors["private_key_pkcs1_base64"]
        wrapped = "\n".join(pkcs1[i:i + 64] for i in range(0, len(pkcs1), 64))
        with open(classic.path("my.info"), "w") as file:
            file.write("snake\n%s\n%s\n" % (self.python.client_id.hex().upper(), wrapped))
        os.chmod(classic.path("my.info"), 0o600)  # as ssh asks of a private key
        try:
            self.alice.ok("send", "snake", "to a classic directory")
            self.assertEqual(classic.ok("pull", "--protocol", "2"),
                             block("alice", self.alice_id, "symmetric key received") +
                             block("alice", self.alice_id, "to a classic directory"))
            self.assertIn(self.python.client_id.hex(), classic.ok("whoami"))
            # my.info is left exactly as the classic client wrote it.
            with open(classic.path("my.info")) as file:
                self.assertIn(wrapped, file.read())
        finally:
            classic.cleanup()


if __name__ == "__main__":
    unittest.main()
