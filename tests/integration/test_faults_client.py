"""Fault tests of the messageu client (CLI.md §1, §6):

- `register` killed with SIGKILL at random moments (a fixed seed) never leaves `my.info` or
  `state.db` half-written: `my.info` is absent or complete and parseable, `whoami` answers 78
  or works, and a profile left unregistered registers normally afterwards.
- A fake server that misbehaves at one chosen request of a command (garbage bytes, another
  response code, a malformed payload, an answer cut short then closed, a close without an
  answer, or no answer at all) makes the command exit 76 (malformed or unexpected answer) or
  75 (connection lost, timed out), with an error message: never a crash, never a hang.

A pull killed between receiving and printing is test_cli_scenarios.py's NothingLost case.
"""
import base64
import os
import random
import signal
import sqlite3
import stat
import struct
import subprocess
import sys
import threading
import time
import unittest

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__

from cryptography.hazmat.primitives import serialization

from test_cli_support import (CHALLENGE, CLOSE, ERROR, LIST, PUBLIC_KEY, PULL, REGISTER, SEND,
                              FakeServer, Profile, Server, e3_private_key, load_vectors,
                              name_field, public_der, response_bytes)

ALICE_ID = bytes(range(16))
BOB_ID = bytes(range(100, 116))
SEED = 20250607


# --- register killed at random moments ----------------------------------------------------------

def read_my_info(path):
    """The (name, id, private key) of a complete my.info (PROTOCOL.md §8); raises otherwise."""
    with open(path) as file:
        lines = file.read().splitlines()
    if len(lines) < 3:
        raise ValueError("my.info has %d lines" % len(lines))
    client_id = bytes.fromhex(lines[1].strip())
    if len(client_id) != 16:
        raise ValueError("my.info id is not 16 bytes")
    der = base64.b64decode("".join(line.strip() for line in lines[2:]), validate=True)
    key = serialization.load_der_private_key(der, password=None)
    if key.key_size != 1024:
        raise ValueError("my.info key is %d bits" % key.key_size)
    return lines[0], client_id, key


def integrity(path):
    connection = sqlite3.connect(path, timeout=10)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


class KilledRegister(unittest.TestCase):
    TRIES = 20

    def setUp(self):
        self.server = Server()
        self.addCleanup(self.server.stop)
        self.observer = self.profile()
        self.observer.ok("register", "observer")
        # Kills land anywhere from before the key exists to just after my.info is written:
        # the window is about as long as the quickest of a few whole registrations.
        durations = []
        for probe in range(3):
            started = time.monotonic()
            self.profile().ok("register", "probe%d" % probe)
            durations.append(time.monotonic() - started)
        self.window = min(durations) * 1.1

    def profile(self):
        profile = Profile(self.server.address)
        self.addCleanup(profile.cleanup)
        return profile

    def registered_users(self):
        users = {}
        for line in self.observer.ok("list").splitlines():
            user_id, name = line.split("\t")
            users[name] = bytes.fromhex(user_id)
        return users

    def check_registered(self, profile, name):
        """my.info is complete, private, names what the server registered, and whoami works."""
        written_name, client_id, key = read_my_info(profile.path("my.info"))
        self.assertEqual(written_name, name)
        self.assertEqual(stat.S_IMODE(os.stat(profile.path("my.info")).st_mode), 0o600)
        self.assertEqual(self.registered_users().get(name), client_id)
        whoami = profile.run("whoami")
        self.assertEqual(whoami.returncode, 0, whoami.stderr)
        self.assertIn(client_id.hex(), whoami.stdout.decode())
        self.assertEqual(len(public_der(key)), 160)

    def test_register_killed_at_any_moment_leaves_no_half_written_profile(self):
        chooser = random.Random(SEED)
        outcomes = {"registered": 0, "unregistered": 0, "killed while running": 0}
        for attempt in range(self.TRIES):
            with self.subTest(attempt=attempt):
                profile = self.profile()
                name = "killed%d" % attempt
                process = profile.popen("register", name, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
                time.sleep(chooser.uniform(0, self.window))
                process.kill()
                if process.wait(timeout=30) == -signal.SIGKILL:
                    outcomes["killed while running"] += 1
                if os.path.exists(profile.path("state.db")):
                    self.assertEqual(integrity(profile.path("state.db")), "ok")
                if os.path.exists(profile.path("my.info")):
                    outcomes["registered"] += 1
                    self.check_registered(profile, name)
                    continue
                outcomes["unregistered"] += 1
                whoami = profile.run("whoami")
                self.assertEqual(whoami.returncode, 78, whoami.stderr)
                # Nothing is wedged: the profile registers (under a name the server may have
                # taken for the killed run).
                profile.ok("register", name + "again")
                self.check_registered(profile, name + "again")
        sys.stderr.write("register killed %d times: %s\n" % (self.TRIES, outcomes))


# --- a fake server that misbehaves ----------------------------------------------------------------

def fitting_answer(code, payload):
    """What a correct server answers a user named alice who talks to bob (and no CHALLENGE:
    the server is a classic one, so the CLI falls back to the classic protocol)."""
    if code == REGISTER:
        return response_bytes(2100, ALICE_ID)
    if code == LIST:
        return response_bytes(2101, BOB_ID + name_field("bob"))
    if code == PUBLIC_KEY:
        return response_bytes(2102, BOB_ID + public_der(e3_private_key()))
    if code == SEND:
        return response_bytes(2103, payload[:16] + struct.pack("<I", 7))
    if code == PULL:
        return response_bytes(2104, b"")
    return response_bytes(ERROR)


# A non-empty correct answer for each target request, to cut short.
def full_answer(code, payload):
    if code == CHALLENGE:
        return response_bytes(2105, bytes(128))
    if code == PULL:
        return response_bytes(2104, ALICE_ID + struct.pack("<IBI", 9, 3, 32) + bytes(32))
    return fitting_answer(code, payload)


# The target's answer with its code but a payload of the wrong size (PROTOCOL.md §4).
MALFORMED = {
    REGISTER: response_bytes(2100, bytes(15)),
    LIST: response_bytes(2101, bytes(100)),
    PUBLIC_KEY: response_bytes(2102, BOB_ID + bytes(100)),
    CHALLENGE: response_bytes(2105, bytes(100)),
    SEND: response_bytes(2103, bytes(19)),
    PULL: response_bytes(2104, ALICE_ID + struct.pack("<IBI", 9, 3, 1000) + bytes(10)),
}


def garbage(chooser, code):
    """Random bytes whose first seven do not happen to form an acceptable answer."""
    while True:
        data = bytes(chooser.randrange(256) for _ in range(64))
        answer_code = struct.unpack("<H", data[1:3])[0]
        if answer_code not in (ERROR, code + 1500):
            return data


def misbehave(behaviour, code, payload, chooser, released):
    """The answer (for FakeServer) of a server misbehaving in `behaviour` way."""
    if behaviour == "garbage":
        return garbage(chooser, code), CLOSE
    if behaviour == "wrong code":
        answer = full_answer(code, payload)
        other = 2100 + (code - 600 + 1) % 5  # the success code of the next operation
        return answer[:1] + struct.pack("<H", other) + answer[3:], CLOSE
    if behaviour == "malformed":
        return MALFORMED[code], CLOSE
    if behaviour == "truncated":
        answer = full_answer(code, payload)
        return answer[:7 + (len(answer) - 7) // 2], CLOSE
    if behaviour == "silent":
        released.wait(60)
    return None  # "closed": hang up without a word


# What CLI.md §6 makes of each: an answer that is there but wrong is a protocol error (76); a
# connection that ends early or never answers is a temporary failure (75).
EXPECTED = {"garbage": 76, "wrong code": 76, "malformed": 76, "truncated": 75, "closed": 75,
            "silent": 75}

# Each command with the requests at which the server misbehaves.
COMMANDS = [
    (("register", "alice"), (REGISTER,)),
    (("list",), (LIST,)),
    (("getkey", "bob"), (PUBLIC_KEY,)),
    (("send", "bob", "hello"), (CHALLENGE, SEND)),
    (("pull",), (CHALLENGE, PULL)),
]


class MisbehavingServer(unittest.TestCase):
    def fake_server(self, target, behaviour, chooser, seen):
        released = threading.Event()

        def handle(client_id, version, code, payload):
            seen.append(code)
            if code == target:
                return misbehave(behaviour, code, payload, chooser, released)
            return fitting_answer(code, payload)  # and keep the connection, as servers do

        server = FakeServer(handle)
        self.addCleanup(server.close)
        self.addCleanup(released.set)
        return server

    def profile_for(self, server, registered):
        profile = Profile(server.address)
        self.addCleanup(profile.cleanup)
        if registered:  # a classic profile, as PROTOCOL.md §8 lays it out
            os.makedirs(profile.home, mode=0o700)
            key = load_vectors("rsa1024_e3.json")["private_key_pkcs8_base64"]
            with open(profile.path("my.info"), "w") as file:
                file.write("alice\n%s\n%s\n" % (ALICE_ID.hex(), key))
            os.chmod(profile.path("my.info"), 0o600)
        return profile

    def test_every_misbehaviour_exits_75_or_76_without_crash_or_hang(self):
        chooser = random.Random(SEED)
        for arguments, targets in COMMANDS:
            for target in targets:
                for behaviour, expected in EXPECTED.items():
                    with self.subTest(command=arguments[0], request=target, behaviour=behaviour):
                        seen = []
                        server = self.fake_server(target, behaviour, chooser, seen)
                        profile = self.profile_for(server, arguments[0] != "register")
                        try:
                            result = profile.run(*arguments, "--timeout", "2", "--retries", "0",
                                                 timeout=60)
                        except subprocess.TimeoutExpired:
                            self.fail("messageu %s hung" % arguments[0])
                        self.assertIn(target, seen, "the command never got that far")
                        self.assertEqual(result.returncode, expected, result.stderr)
                        self.assertIn(b"error", result.stderr.lower())
                        self.assertEqual(result.stdout, b"")
                        if arguments[0] == "register":
                            self.assertFalse(os.path.exists(profile.path("my.info")))

    def test_retries_after_a_silent_server_still_end(self):
        # The default retries: list is harmless to repeat, and still ends in bounded time.
        server = self.fake_server(LIST, "silent", random.Random(SEED), [])
        profile = self.profile_for(server, True)
        try:
            result = profile.run("list", "--timeout", "2", timeout=90)
        except subprocess.TimeoutExpired:
            self.fail("messageu list hung")
        self.assertEqual(result.returncode, 75, result.stderr)


if __name__ == "__main__":
    unittest.main()
