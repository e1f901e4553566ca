"""Fake MessageU servers written in the test, one per published dialect (PROTOCOL.md §3): each
answers only its own dialect's five classic codes and 9000 to everything else, as the servers
of other editions do. Two read requests as naively as published servers: with one
`recv(1024)` (reading on only while the buffer comes back full), or with one recv of the
header and one of the declared size, so a request that reaches them in pieces is stored
truncated or refused. Each counts the requests it was sent.

Run as a program, it serves one dialect on 127.0.0.1 until it is stopped (SIGINT, SIGTERM), as
a peer for `bench/run.sh --peer`:
    python3 dialect_servers.py [DIALECT] [--strict-names]
prints `listening on 127.0.0.1:PORT` on stderr, like messageu-server.
"""
import argparse
import os
import re
import socket
import struct
import sys
import threading

from test_cli_support import (ERROR, LoopbackListener, receive_exact, response_bytes)

# dialect: (request base, response base)
DIALECTS = {"2025a": (600, 2100), "2022": (1100, 2100), "2021c": (1000, 2000),
            "2026": (700, 2100)}
REGISTER, LIST, PUBLIC_KEY, SEND, PULL = range(5)


def split_header(header):
    """(client id, request code, declared payload size) of a 23-byte request header."""
    version, code, size = struct.unpack("<BHI", header[16:23])
    return header[:16], code, size


def read_exactly(sock):
    """A careful server: exactly 23 bytes of header, then exactly the declared payload."""
    client_id, code, size = split_header(receive_exact(sock, 23))
    return client_id, code, size, receive_exact(sock, size)


def naive_recv(sock, count):
    """One recv, as naive servers do; None when it brought less than a header."""
    data = sock.recv(count)
    if not data:
        raise ConnectionError("closed")
    return data if len(data) >= 23 else None


def read_with_recv_1024(sock):
    """Reads up to 1024 bytes and reads on only while a recv fills the whole buffer."""
    data = naive_recv(sock, 1024)
    if data is None:
        return None
    client_id, code, size = split_header(data)
    payload, last = data[23:], len(data)
    while len(payload) < size and last == 1024:
        more = sock.recv(1024)
        if not more:
            break
        payload, last = payload + more, len(more)
    return client_id, code, size, payload


def read_with_recv_declared(sock):
    """One recv for the header, one recv of the declared size for the payload."""
    header = naive_recv(sock, 23)
    if header is None:
        return None
    client_id, code, size = split_header(header)
    return client_id, code, size, sock.recv(size) if size else b""


READERS = {"exact": read_exactly, "recv1024": read_with_recv_1024,
           "recv_declared": read_with_recv_declared}


class DialectServer(LoopbackListener):
    """A classic MessageU server that speaks one dialect, in memory. With `strict_names`, it
    refuses (9000) a user name of anything but ASCII letters and digits, as the seed edition's
    server does."""

    def __init__(self, dialect, reader="exact", strict_names=False):
        self.dialect = dialect
        self.strict_names = strict_names
        self.registered_names = []  # every name registered, in order
        self.request_base, self.response_base = DIALECTS[dialect]
        self.read = READERS[reader]
        self.clients = {}  # id -> (name, public key)
        self.names = set()
        # recipient -> [(sender, message id, type, content)]: a peer under load holds many
        self.waiting = {}
        self.next_message_id = 1
        self.codes = []  # every request code received, in order
        self.truncated = 0  # send requests whose payload arrived short
        self.lock = threading.Lock()
        self.listen()

    def _serve(self, client):
        try:
            while True:
                request = self.read(client)
                if request is None:
                    client.sendall(response_bytes(ERROR))
                    continue
                with self.lock:
                    answer = self._answer(*request)
                client.sendall(answer)
        except (ConnectionError, OSError):
            pass
        finally:
            client.close()

    def _answer(self, client_id, code, size, payload):
        self.codes.append(code)
        operation = code - self.request_base
        if operation not in range(5):
            return response_bytes(ERROR)
        if operation != REGISTER and client_id not in self.clients:
            return response_bytes(ERROR)
        handler = [self._register, self._list, self._public_key, self._send, self._pull][operation]
        body = handler(client_id, size, payload)
        if body is None:
            return response_bytes(ERROR)
        return response_bytes(self.response_base + operation, body)

    def _register(self, client_id, size, payload):
        if size != 415 or len(payload) != 415:
            return None
        name = payload[:255].split(b"\0")[0]
        if not name or name in self.names:
            return None
        if self.strict_names and not re.fullmatch(rb"[A-Za-z0-9]+", name):
            return None
        new_id = os.urandom(16)
        self.clients[new_id] = (name, payload[255:])
        self.names.add(name)
        self.registered_names.append(name)
        return new_id

    def _list(self, client_id, size, payload):
        return b"".join(other + name + bytes(255 - len(name))
                        for other, (name, _) in self.clients.items() if other != client_id)

    def _public_key(self, client_id, size, payload):
        if payload not in self.clients:
            return None
        return payload + self.clients[payload][1]

    def _send(self, client_id, size, payload):
        if len(payload) < 21:
            return None
        recipient = payload[:16]
        kind, content_size = struct.unpack("<BI", payload[16:21])
        if recipient not in self.clients or kind not in (1, 2, 3, 4):
            return None
        content = payload[21:21 + content_size]
        if len(payload) < size:  # as naive servers do: stored as it arrived
            self.truncated += 1
        message_id = self.next_message_id
        self.next_message_id += 1
        self.waiting.setdefault(recipient, []).append((client_id, message_id, kind, content))
        return recipient + struct.pack("<I", message_id)

    def _pull(self, client_id, size, payload):
        mine = self.waiting.pop(client_id, [])
        return b"".join(sender + struct.pack("<IBI", message_id, kind, len(content)) + content
                        for sender, message_id, kind, content in mine)


class OddServer(LoopbackListener):
    """Answers every request with the same bytes (None: closes at once, before reading)."""

    def __init__(self, answer):
        self.answer = answer
        self.listen()

    def _serve(self, client):
        try:
            if self.answer is not None:
                client.recv(4096)
                client.sendall(self.answer)
                client.recv(4096)  # until the client goes
        except OSError:
            pass
        finally:
            client.close()


def closed_port():
    """A loopback port that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description="A classic MessageU server, in memory.")
    parser.add_argument("dialect", nargs="?", default="2025a", choices=sorted(DIALECTS))
    parser.add_argument("--strict-names", action="store_true",
                        help="refuse user names of anything but letters and digits")
    options = parser.parse_args()
    server = DialectServer(options.dialect, strict_names=options.strict_names)
    print("listening on " + server.address, file=sys.stderr, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    server.close()


if __name__ == "__main__":
    main()
