#!/usr/bin/python3
"""An independent MessageU client, written from PROTOCOL.md alone with Python's standard
library and the `cryptography` package, against the real messageu-server: it registers,
authenticates with CHALLENGE / AUTHENTICATE (protocol version 3), sends, pulls without
deleting, acknowledges, and checks that a wrong proof is refused and the connection closed.
It proves that the specification is complete enough to implement the extension.

Environment: MESSAGEU_SERVER_BIN, the server to start (with --port 0; the port is read from
its "listening on ADDR:PORT" line on stderr).
"""

import hashlib
import hmac
import os
import re
import select
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

# PROTOCOL.md §3 and §10, dialect 2025a.
REGISTER, LIST, PUBLIC_KEY, SEND, PULL, CHALLENGE, AUTHENTICATE, ACK = range(600, 608)
ERROR = 9000
TIMEOUT = 10.0


class ServerUnderTest:
    """Starts messageu-server on 127.0.0.1 with a fresh database and reads its port."""

    def __init__(self):
        self.directory = tempfile.TemporaryDirectory()
        self.stderr_lines = []
        binary = os.environ["MESSAGEU_SERVER_BIN"]
        database = os.path.join(self.directory.name, "defensive.db")
        self.process = subprocess.Popen(
            [binary, "--port", "0", "--bind", "127.0.0.1", "--db", database],
            cwd=self.directory.name, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True)
        self.port = self._read_port()
        # Keep draining stderr so that the server never blocks on a full pipe.
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()

    def _read_port(self):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stderr], [], [], 0.5)
            if not ready:
                continue
            line = self.process.stderr.readline()
            if not line:
                break
            self.stderr_lines.append(line)
            match = re.search(r"listening on \S*:(\d+)$", line.strip())
            if match:
                return int(match.group(1))
        self.process.kill()
        raise RuntimeError("server did not report listening: " + "".join(self.stderr_lines))

    def _drain(self):
        for line in self.process.stderr:
            self.stderr_lines.append(line)

    def stop(self):
        self.process.terminate()
        try:
            code = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self.directory.cleanup()
        return code


class Connection:
    """One TCP connection speaking the wire format of PROTOCOL.md §2."""

    def __init__(self, port):
        self.socket = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)

    def close(self):
        self.socket.close()

    def request(self, client_id, code, payload=b"", version=2):
        header = client_id + struct.pack("<BHI", version, code, len(payload))
        self.socket.sendall(header + payload)
        version, code, size = struct.unpack("<BHI", self._exactly(7))
        return code, self._exactly(size)

    def closed_by_peer(self):
        try:
            return self.socket.recv(1) == b""
        except ConnectionResetError:
            return True

    def _exactly(self, count):
        data = b""
        while len(data) < count:
            chunk = self.socket.recv(count - len(data))
            if not chunk:
                raise ConnectionError("connection closed after %d of %d bytes" % (len(data), count))
            data += chunk
        return data


class User:
    def __init__(self, name):
        self.name = name
        # Exponent 3 keeps the SubjectPublicKeyInfo at exactly 160 bytes (PROTOCOL.md §4).
        self.private_key = rsa.generate_private_key(public_exponent=3, key_size=1024)
        self.public_key = self.private_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        assert len(self.public_key) == 160
        self.id = None

    def decrypt(self, ciphertext):
        oaep = padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA1()),
                            algorithm=hashes.SHA1(), label=None)
        return self.private_key.decrypt(ciphertext, oaep)


def name_field(name):
    return name.encode("ascii").ljust(255, b"\0")


def proof_for(nonce, client_id, challenge):
    return hmac.new(nonce, b"messageu-v3-auth" + client_id + challenge, hashlib.sha256).digest()


def parse_pull(payload):
    messages, offset = [], 0
    while offset < len(payload):
        sender, message_id, kind, size = struct.unpack_from("<16sIBI", payload, offset)
        offset += 25
        messages.append((sender, message_id, kind, payload[offset:offset + size]))
        offset += size
    return messages


class VersionThreeFromTheSpec(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = ServerUnderTest()

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        assert code == 0, "server exit code %d" % code

    def register(self, name):
        user = User(name)
        connection = Connection(self.server.port)
        code, payload = connection.request(b"\0" * 16, REGISTER, name_field(name) + user.public_key)
        connection.close()
        self.assertEqual(code, 2100)
        self.assertEqual(len(payload), 16)
        user.id = payload
        return user

    def authenticate(self, connection, user):
        code, challenge = connection.request(user.id, CHALLENGE, version=3)
        self.assertEqual(code, 2105)
        self.assertEqual(len(challenge), 128)
        nonce = user.decrypt(challenge)
        self.assertEqual(len(nonce), 32)
        code, payload = connection.request(user.id, AUTHENTICATE,
                                           proof_for(nonce, user.id, challenge), version=3)
        self.assertEqual(code, 2106)
        self.assertEqual(payload, b"")

    def send_text(self, connection, sender, recipient, text, version=2):
        content = text.encode()
        payload = recipient.id + struct.pack("<BI", 3, len(content)) + content
        return connection.request(sender.id, SEND, payload, version=version)

    def test_authenticated_pull_deletes_nothing_until_acknowledged(self):
        alice, bob = self.register("py-alice"), self.register("py-bob")
        sender = Connection(self.server.port)
        for text in ("first", "second"):
            code, payload = self.send_text(sender, bob, alice, text)
            self.assertEqual(code, 2103)
            self.assertEqual(payload[:16], alice.id)
        sender.close()

        connection = Connection(self.server.port)
        self.authenticate(connection, alice)
        code, first = connection.request(alice.id, PULL, version=3)
        self.assertEqual(code, 2104)
        code, second = connection.request(alice.id, PULL, version=3)
        self.assertEqual(first, second)
        messages = parse_pull(first)
        self.assertEqual([m[3] for m in messages], [b"first", b"second"])
        self.assertTrue(all(m[0] == bob.id for m in messages))

        ids = [m[1] for m in messages]
        code, payload = connection.request(alice.id, ACK, struct.pack("<I", ids[0]), version=3)
        self.assertEqual((code, struct.unpack("<I", payload)[0]), (2107, 1))
        code, payload = connection.request(alice.id, ACK, struct.pack("<2I", *ids), version=3)
        self.assertEqual((code, struct.unpack("<I", payload)[0]), (2107, 1))
        code, rest = connection.request(alice.id, PULL, version=3)
        self.assertEqual((code, rest), (2104, b""))
        connection.close()

    def test_a_protected_account_refuses_forged_headers(self):
        owner, forger = self.register("py-owner"), self.register("py-forger")
        bound = Connection(self.server.port)
        self.authenticate(bound, owner)
        other = Connection(self.server.port)
        self.assertEqual(other.request(owner.id, PULL)[0], ERROR)
        self.assertEqual(self.send_text(other, owner, forger, "forged")[0], ERROR)
        # List and public key stay open to everyone.
        self.assertEqual(other.request(owner.id, LIST)[0], 2101)
        self.assertEqual(other.request(forger.id, PUBLIC_KEY, owner.id)[0], 2102)
        other.close()
        self.assertEqual(self.send_text(bound, owner, forger, "genuine")[0], 2103)
        bound.close()

    def test_a_wrong_proof_is_refused_and_closes_the_connection(self):
        user = self.register("py-wrong")
        connection = Connection(self.server.port)
        code, challenge = connection.request(user.id, CHALLENGE, version=3)
        self.assertEqual(code, 2105)
        wrong = proof_for(b"\0" * 32, user.id, challenge)
        code, payload = connection.request(user.id, AUTHENTICATE, wrong, version=3)
        self.assertEqual((code, payload), (ERROR, b""))
        self.assertTrue(connection.closed_by_peer())
        connection.close()

    def test_every_dialect_numbers_the_extension_at_base_plus_five(self):
        user = self.register("py-dialects")
        for request_base, response_base in ((600, 2100), (1100, 2100), (1000, 2000), (700, 2100)):
            connection = Connection(self.server.port)
            code, challenge = connection.request(user.id, request_base + 5, version=3)
            self.assertEqual(code, response_base + 5)
            proof = proof_for(user.decrypt(challenge), user.id, challenge)
            code, _ = connection.request(user.id, request_base + 6, proof, version=3)
            self.assertEqual(code, response_base + 6)
            code, payload = connection.request(user.id, request_base + 7, b"", version=3)
            self.assertEqual((code, payload), (response_base + 7, struct.pack("<I", 0)))
            connection.close()


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() else 1)
