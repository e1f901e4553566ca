"""What the attack measurements (unread_lists.py, slowloris.py) share: request frames and
exact reads of the wire protocol, a 160-byte RSA public key made with openssl, and a
messageu-server started on a fresh database with its port read from its log."""
import contextlib
import os
import re
import socket
import struct
import subprocess
import tempfile
import time

REGISTER, LIST = 600, 601


def frame(client_id: bytes, code: int, payload: bytes = b"") -> bytes:
    return client_id + struct.pack("<BHI", 2, code, len(payload)) + payload


def read_exact(connection: socket.socket, count: int) -> bytes:
    data = bytearray()
    while len(data) < count:
        chunk = connection.recv(count - len(data))
        if not chunk:
            raise ConnectionError("server closed the connection")
        data += chunk
    return bytes(data)


def read_response(connection: socket.socket) -> tuple[int, bytes]:
    _, code, size = struct.unpack("<BHI", read_exact(connection, 7))
    return code, read_exact(connection, size)


def public_key() -> bytes:
    # Exponent 3 keeps the SubjectPublicKeyInfo at exactly 160 bytes (PROTOCOL.md §4).
    private = subprocess.run(["openssl", "genrsa", "-3", "1024"], check=True,
                             capture_output=True).stdout
    der = subprocess.run(["openssl", "rsa", "-pubout", "-outform", "DER"], input=private,
                         check=True, capture_output=True).stdout
    assert len(der) == 160, len(der)
    return der


@contextlib.contextmanager
def running_server(binary: str):
    """Yields (process, port) of `binary` on a fresh database at its default bounds; its log
    goes to a file, so that a flood of log lines never blocks it on a full pipe."""
    with tempfile.TemporaryDirectory() as directory:
        log_path = os.path.join(directory, "server.log")
        with open(log_path, "w") as log:
            server = subprocess.Popen(
                [binary, "--port", "0", "--bind", "127.0.0.1", "--db",
                 os.path.join(directory, "defensive.db"), "--log-level", "warn"], stderr=log)
        try:
            yield server, wait_for_port(log_path)
        finally:
            server.terminate()
            server.wait()


def wait_for_port(log_path: str) -> int:
    for _ in range(200):
        with open(log_path) as log:
            found = re.search(r"listening on .*:(\d+)", log.read())
        if found:
            return int(found.group(1))
        time.sleep(0.05)
    raise RuntimeError("the server did not start")
