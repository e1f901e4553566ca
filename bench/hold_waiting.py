#!/usr/bin/env python3
"""Registers one user on HOST:PORT, then opens COUNT connections, authenticates each as that
user (PROTOCOL.md §10) and leaves each waiting for messages with a WAIT of 300 s (§11).

Used by bench/run.sh for the "10,000 waiting connections" figure, beside hold_connections.py's
idle ones. Prints `held N` on stdout once every connection waits (or as many as could be
set up), then holds them until SECONDS have passed or stdin reaches end of file, whichever
comes first, and exits. The caller must raise `ulimit -n` above COUNT first.

Usage: hold_waiting.py HOST PORT COUNT SECONDS
"""
import os
import socket
import struct
import sys

from cryptography.hazmat.primitives import hashes, hmac, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from hold_connections import hold

REGISTER, CHALLENGE, AUTHENTICATE, WAIT = 600, 605, 606, 608
WAIT_MILLISECONDS = 300_000


def request(client_id: bytes, code: int, payload: bytes = b"", version: int = 3) -> bytes:
    return client_id + struct.pack("<BHI", version, code, len(payload)) + payload


def read_exact(connection: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = connection.recv(count - len(data))
        if not chunk:
            raise ConnectionError("closed by the server")
        data += chunk
    return data


def exchange(connection: socket.socket, data: bytes, expected: int) -> bytes:
    connection.sendall(data)
    _, code, size = struct.unpack("<BHI", read_exact(connection, 7))
    payload = read_exact(connection, size)
    if code != expected:
        raise ConnectionError(f"answered {code}, expected {expected}")
    return payload


def register(host: str, port: int, key) -> bytes:
    # Exponent 3 makes the 160-byte public key the protocol carries.
    public = key.public_key().public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    name = b"waiter" + os.urandom(4).hex().encode()
    with socket.create_connection((host, port), timeout=10) as connection:
        return exchange(connection, request(bytes(16), REGISTER, name + bytes(255 - len(name)) +
                                             public, 2), 2100)


def wait_on_new_connection(host: str, port: int, key, client_id: bytes) -> socket.socket:
    connection = socket.create_connection((host, port), timeout=10)
    challenge = exchange(connection, request(client_id, CHALLENGE), 2105)
    oaep = padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA1()), algorithm=hashes.SHA1(),
                        label=None)
    nonce = key.decrypt(challenge, oaep)
    proof = hmac.HMAC(nonce, hashes.SHA256())
    proof.update(b"messageu-v3-auth" + client_id + challenge)
    exchange(connection, request(client_id, AUTHENTICATE, proof.finalize()), 2106)
    connection.sendall(request(client_id, WAIT, struct.pack("<I", WAIT_MILLISECONDS)))
    return connection


def main() -> int:
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 64
    host, port, count, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    key = rsa.generate_private_key(public_exponent=3, key_size=1024)
    client_id = register(host, port, key)
    return hold(lambda: wait_on_new_connection(host, port, key, client_id), count, seconds,
                "hold_waiting")


if __name__ == "__main__":
    sys.exit(main())
