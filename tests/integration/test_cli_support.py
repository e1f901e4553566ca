"""Shared by the CLI's Python tests: the real server and CLI as subprocesses, an independent
MessageU client written from PROTOCOL.md alone (Python's `cryptography`, no project code),
and a man-in-the-middle proxy that can answer in a server's place.

Run as a script, it checks its own crypto against the shared vectors (made by yet another
implementation), so the independent client the other tests trust is itself verified.
"""
import base64
import json
import os
import re
import select
import socket
import struct
import subprocess
import tempfile
import threading
import time
import unittest

from cryptography.hazmat.primitives import hashes, hmac, padding, serialization
from cryptography.hazmat.primitives.asymmetric import padding as asymmetric_padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

CLI = os.environ.get("MESSAGEU_CLI", "messageu")
SERVER_BIN = os.environ.get("MESSAGEU_SERVER_BIN", "messageu-server")
VECTORS_DIR = os.environ.get("MESSAGEU_VECTORS_DIR",
                             os.path.join(os.path.dirname(__file__), "../../../shared/vectors"))

# 2025a codes (PROTOCOL.md §3, §10).
REGISTER, LIST, PUBLIC_KEY, SEND, PULL, CHALLENGE, AUTHENTICATE, ACK = range(600, 608)
ERROR = 9000
KEY_REQUEST, SYMMETRIC_KEY, TEXT, FILE = 1, 2, 3, 4
CLI_ENVIRONMENT = ("MESSAGEU_HOME", "MESSAGEU_SERVER", "MESSAGEU_DIALECT", "MESSAGEU_PROTOCOL",
                   "MESSAGEU_TIMEOUT", "MESSAGEU_RETRIES", "NO_COLOR", "MESSAGEU_INSECURE_PROFILE")


def load_vectors(name):
    with open(os.path.join(VECTORS_DIR, name)) as file:
        return json.load(file)


# --- crypto (PROTOCOL.md §6) ------------------------------------------------------------------

def oaep():
    return asymmetric_padding.OAEP(mgf=asymmetric_padding.MGF1(algorithm=hashes.SHA1()),
                                   algorithm=hashes.SHA1(), label=None)


def aes_encrypt(key, plaintext):
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(bytes(16))).encryptor()
    return encryptor.update(padded) + encryptor.finalize()


def aes_decrypt(key, ciphertext):
    decryptor = Cipher(algorithms.AES(key), modes.CBC(bytes(16))).decryptor()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return unpadder.update(padded) + unpadder.finalize()


def e3_private_key():
    """The RSA-1024 key with exponent 3 of the shared vectors (what Python clients make)."""
    der = base64.b64decode(load_vectors("rsa1024_e3.json")["private_key_pkcs8_base64"])
    return serialization.load_der_private_key(der, password=None)


def public_der(private_key):
    return private_key.public_key().public_bytes(serialization.Encoding.DER,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo)


def fingerprint(public_key_der):
    digest = hashes.Hash(hashes.SHA256())
    digest.update(public_key_der)
    hexits = digest.finalize().hex()
    return " ".join(hexits[i:i + 4] for i in range(0, 64, 4))


# --- wire (PROTOCOL.md §2, §4) ----------------------------------------------------------------

def receive_exact(sock, count):
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionError("connection closed after %d of %d bytes" % (len(data), count))
        data += chunk
    return data


def request_bytes(client_id, code, payload=b"", version=2):
    return client_id + struct.pack("<BHI", version, code, len(payload)) + payload


def read_request(sock):
    header = receive_exact(sock, 23)
    client_id, (version, code, size) = header[:16], struct.unpack("<BHI", header[16:])
    return client_id, version, code, receive_exact(sock, size)


def response_bytes(code, payload=b"", version=2):
    return struct.pack("<BHI", version, code, len(payload)) + payload


def read_response(sock):
    version, code, size = struct.unpack("<BHI", receive_exact(sock, 7))
    return code, receive_exact(sock, size)


def name_field(name):
    return name.encode() + bytes(255 - len(name))


def parse_messages(payload):
    messages, offset = [], 0
    while offset < len(payload):
        sender, message_id, kind, size = struct.unpack("<16sIBI", payload[offset:offset + 25])
        offset += 25
        messages.append((sender, message_id, kind, payload[offset:offset + size]))
        offset += size
    return messages


class PythonClient:
    """A MessageU user driven by this file alone: one connection per request, like the
    classic clients, unless `session` is called first."""

    def __init__(self, port, name, private_key):
        self.port, self.name, self.private_key = port, name, private_key
        self.client_id = bytes(16)
        self.keys = {}  # peer id -> AES key
        self.sock = None

    def exchange(self, code, payload=b"", version=2):
        sock = self.sock or socket.create_connection(("127.0.0.1", self.port), timeout=10)
        try:
            sock.sendall(request_bytes(self.client_id, code, payload, version))
            return read_response(sock)
        finally:
            if self.sock is None:
                sock.close()

    def expect(self, code, payload=b"", version=2):
        answer, body = self.exchange(code, payload, version)
        if answer != code + 1500:
            raise AssertionError("request %d answered %d" % (code, answer))
        return body

    def register(self):
        self.client_id = self.expect(REGISTER, name_field(self.name) + public_der(self.private_key))
        return self.client_id

    def users(self):
        body = self.expect(LIST)
        return {body[i + 16:i + 271].split(b"\0")[0].decode(): body[i:i + 16]
                for i in range(0, len(body), 271)}

    def public_key(self, peer_id):
        body = self.expect(PUBLIC_KEY, peer_id)
        assert body[:16] == peer_id
        return serialization.load_der_public_key(body[16:])

    def send(self, peer_id, kind, content, version=2):
        body = self.expect(SEND, peer_id + struct.pack("<BI", kind, len(content)) + content,
                           version)
        return struct.unpack("<I", body[16:20])[0]

    def send_key(self, peer_id):
        key = os.urandom(16)
        self.keys[peer_id] = key
        return self.send(peer_id, SYMMETRIC_KEY, self.public_key(peer_id).encrypt(key, oaep()))

    def send_text(self, peer_id, text):
        return self.send(peer_id, TEXT, aes_encrypt(self.keys[peer_id], text))

    def pull(self, version=2):
        """Every waiting message, decoded: (sender, id, type, plaintext or None)."""
        result = []
        for sender, message_id, kind, content in parse_messages(self.expect(PULL, b"", version)):
            if kind == SYMMETRIC_KEY:
                self.keys[sender] = self.private_key.decrypt(content, oaep())
                content = self.keys[sender]
            elif kind in (TEXT, FILE):
                content = aes_decrypt(self.keys[sender], content)
            result.append((sender, message_id, kind, content))
        return result

    def session(self):
        """CHALLENGE / AUTHENTICATE (PROTOCOL.md §10) on a connection kept for what follows."""
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        challenge = self.expect(CHALLENGE, b"", 3)
        nonce = self.private_key.decrypt(challenge, oaep())
        proof = hmac.HMAC(nonce, hashes.SHA256())
        proof.update(b"messageu-v3-auth" + self.client_id + challenge)
        self.expect(AUTHENTICATE, proof.finalize(), 3)

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None


# --- processes --------------------------------------------------------------------------------

class Server:
    """The real messageu-server on 127.0.0.1 with a free port and a temporary database, or
    the database `db` of an earlier one (a restart)."""

    def __init__(self, *extra, db=None):
        self.directory = None if db else tempfile.TemporaryDirectory()
        self.db = db or os.path.join(self.directory.name, "defensive.db")
        self.process = subprocess.Popen(
            [SERVER_BIN, "--port", "0", "--bind", "127.0.0.1", "--db", self.db, *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.port = self._read_port()
        self.drain = threading.Thread(target=self._drain, daemon=True)
        self.drain.start()

    def _read_port(self):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            line = self.process.stderr.readline().decode()
            if "listening on " in line:
                return int(line.strip().rsplit(":", 1)[1])
            if not line and self.process.poll() is not None:
                break
        self.stop()
        raise RuntimeError("messageu-server did not start")

    def _drain(self):
        for _ in self.process.stderr:
            pass

    @property
    def address(self):
        return "127.0.0.1:%d" % self.port

    def halt(self):
        """Stops the server (SIGTERM) and returns its exit code; the database stays."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def stop(self):
        self.halt()
        if hasattr(self, "drain"):
            self.drain.join(timeout=5)
        self.process.stderr.close()
        if self.directory:
            self.directory.cleanup()


def cli_environment(extra=None):
    environment = {k: v for k, v in os.environ.items() if k not in CLI_ENVIRONMENT}
    environment.update(extra or {})
    return environment


class Profile:
    """A temporary profile directory; every run gets --home and, when set, --server."""

    def __init__(self, server=None):
        self.directory = tempfile.TemporaryDirectory()
        self.home = os.path.join(self.directory.name, "profile")
        self.server = server

    def arguments(self, arguments):
        prefix = ["--home", self.home] + (["--server", self.server] if self.server else [])
        return [CLI] + prefix + list(arguments)

    def run(self, *arguments, stdin=b"", timeout=120, env=None):
        """Runs messageu; stdout has its received times masked (mask_received_times)."""
        result = self.raw(*arguments, stdin=stdin, timeout=timeout, env=env)
        result.stdout = mask_received_times(result.stdout)
        return result

    def raw(self, *arguments, stdin=b"", timeout=120, env=None):
        return subprocess.run(self.arguments(arguments), input=stdin, capture_output=True,
                              timeout=timeout, env=cli_environment(env))

    def ok(self, *arguments, **options):
        result = self.run(*arguments, **options)
        if result.returncode != 0:
            raise AssertionError("messageu %s exited %d: %s" % (
                " ".join(arguments), result.returncode, result.stderr.decode(errors="replace")))
        return result.stdout.decode()

    def popen(self, *arguments, **options):
        return subprocess.Popen(self.arguments(arguments), env=cli_environment(), **options)

    def path(self, name):
        return os.path.join(self.home, name)

    def client_id(self):
        with open(self.path("my.info")) as file:
            return bytes.fromhex(file.read().splitlines()[1])

    def cleanup(self):
        self.directory.cleanup()


def registered_profile(test, name, server_address):
    """A new profile registered on the server as `name`, removed when `test` ends."""
    profile = Profile(server_address)
    test.addCleanup(profile.cleanup)
    profile.ok("register", name)
    return profile


RECEIVED_LINE = re.compile(rb"(^|\n)Received: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n")
RECEIVED_FIELD = re.compile(rb'"received":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"')


def mask_received_times(output):
    """pull's output with the time of every "Received: TIME" line, and of every
    "received":"TIME" JSON field, replaced by "TIME", so that a test can compare whole
    messages (the time is checked on its own where it matters)."""
    masked = RECEIVED_LINE.sub(rb"\1Received: TIME\n", output)
    return RECEIVED_FIELD.sub(b'"received":"TIME"', masked)


def block(sender, sender_id, content):
    """One message as `pull` prints it; `sender_id` is the sender's 16-byte id."""
    return "From: %s <%s>\nReceived: TIME\nContent:\n%s\n-----<EOM>-----\n\n" % (
        sender, sender_id.hex(), content)


CLOSE = "close"  # a FakeServer handler's way to close the connection after its answer


# --- servers written in the test: a proxy in front of the real one, and a fake one ---------------

class LoopbackListener:
    """Accepts connections on a free 127.0.0.1 port, each served by `_serve(client)` in a
    thread of its own, until close()."""

    def listen(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def address(self):
        return "127.0.0.1:%d" % self.port

    def _accept(self):
        while self.running:
            try:
                readable, _, _ = select.select([self.listener], [], [], 0.1)
                if readable:
                    client, _ = self.listener.accept()
                    threading.Thread(target=self._serve, args=(client,), daemon=True).start()
            except (OSError, ValueError):  # closed by close()
                return

    def close(self):
        self.running = False
        self.listener.close()


class Proxy(LoopbackListener):
    """Relays whole frames between clients and an upstream server. `intercept(code, payload)`
    may return a response to send in the server's place; `rewrite(request_code, response_code,
    payload)` may change an answer on its way back."""

    def __init__(self, upstream_port):
        self.upstream_port = upstream_port
        self.intercept = lambda code, payload: None
        self.rewrite = lambda request_code, code, payload: payload
        self.requests = []
        self.listen()


    def _serve(self, client):
        upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=30)
        try:
            while True:
                client_id, version, code, payload = read_request(client)
                self.requests.append((code, version))
                answer = self.intercept(code, payload)
                if answer is not None:
                    client.sendall(answer)
                    continue
                upstream.sendall(request_bytes(client_id, code, payload, version))
                response_code, body = read_response(upstream)
                body = self.rewrite(code, response_code, body)
                client.sendall(response_bytes(response_code, body))
        except (ConnectionError, OSError):
            pass
        finally:
            client.close()
            upstream.close()



class FakeServer(LoopbackListener):
    """A minimal server written in the test: `handle(client_id, version, code, payload)`
    returns the bytes to answer, (bytes, CLOSE) to answer and close, or None to close."""

    def __init__(self, handle):
        self.handle = handle
        self.listen()


    def _serve(self, client):
        try:
            while True:
                answer = self.handle(*read_request(client))
                if answer is None:
                    break
                if isinstance(answer, tuple):
                    client.sendall(answer[0])
                    break
                client.sendall(answer)
        except (ConnectionError, OSError):
            pass
        finally:
            client.close()



class IndependentCrypto(unittest.TestCase):
    """The independent client's crypto agrees with the shared vectors."""

    def test_oaep_decrypts_the_vectors_keys(self):
        vectors = load_vectors("rsa1024_e3.json")
        key = e3_private_key()
        for case in vectors["oaep_sha1"]:
            plaintext = key.decrypt(bytes.fromhex(case["ciphertext_hex"]), oaep())
            self.assertEqual(plaintext.hex(), case["plaintext_hex"])

    def test_public_key_is_the_160_byte_der_of_the_vectors(self):
        der = public_der(e3_private_key())
        self.assertEqual(len(der), 160)
        self.assertEqual(der.hex(), load_vectors("rsa1024_e3.json")["public_key_spki_hex"])

    def test_aes_matches_the_vectors_both_ways(self):
        vectors = load_vectors("aes128_cbc_zero_iv.json")
        for case in vectors["cases"][:20]:
            key = bytes.fromhex(case["key_hex"])
            plaintext = bytes.fromhex(case["plaintext_hex"])
            ciphertext = bytes.fromhex(case["ciphertext_hex"])
            self.assertEqual(aes_encrypt(key, plaintext), ciphertext)
            self.assertEqual(aes_decrypt(key, ciphertext), plaintext)


if __name__ == "__main__":
    unittest.main()
