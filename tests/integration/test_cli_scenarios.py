"""messageu in situations a real deployment meets: servers that pad their answers or speak
another dialect, malformed answers (76) and refusals (69), hostile user names (shown escaped), a classic server (fallback to the
classic protocol), a downgrade attempt after authenticating (77), a server that swaps a
user's key (77 until `trust`), a pull killed after the server answered or with nowhere to
print (nothing lost), and the progress bar (a terminal only)."""
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import threading
import time
import unittest

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__

from test_cli_support import (CHALLENGE, CLOSE, ERROR, PUBLIC_KEY, FakeServer, Profile, Proxy,
                              Server, block, cli_environment, e3_private_key, fingerprint,
                              name_field, public_der, registered_profile, response_bytes)

DIALECTS = {"2025a": (600, 2100), "2022": (1100, 2100), "2021c": (1000, 2000),
            "2026": (700, 2100)}
ALICE_ID = bytes(range(16))
BOB_ID = bytes(range(100, 116))


def scripted_server(dialect="2025a", pad=False, list_answer=None, seen=None):
    """A server that registers anyone as ALICE_ID and lists bob, in one dialect only."""
    request_base, response_base = DIALECTS[dialect]

    def handle(client_id, version, code, payload):
        if seen is not None:
            seen.append(code)
        if code == request_base:
            answer = response_bytes(response_base, ALICE_ID)
        elif code == request_base + 1:
            scripted = list_answer() if callable(list_answer) else list_answer
            answer = scripted or response_bytes(response_base + 1, BOB_ID + name_field("bob"))
        else:
            answer = response_bytes(ERROR)
        if pad:  # like servers that zero-pad every answer to a multiple of 1024 bytes
            answer += bytes(-len(answer) % 1024)
        return answer, CLOSE

    return FakeServer(handle)


class ScriptedServers(unittest.TestCase):
    def run_against(self, server, *arguments):
        profile = Profile(server.address)
        self.addCleanup(profile.cleanup)
        profile.ok("register", "alice", *arguments)
        return profile

    def test_ignores_the_zero_padding_after_an_answer(self):
        server = scripted_server(pad=True)
        self.addCleanup(server.close)
        profile = self.run_against(server)
        self.assertEqual(profile.ok("list"), BOB_ID.hex() + "\tbob\n")

    def test_speaks_exactly_the_chosen_dialect(self):
        for dialect, (request_base, _) in DIALECTS.items():
            with self.subTest(dialect=dialect):
                seen = []
                server = scripted_server(dialect, seen=seen)
                self.addCleanup(server.close)
                profile = self.run_against(server, "--dialect", dialect)
                self.assertEqual(profile.ok("list", "--dialect", dialect),
                                 BOB_ID.hex() + "\tbob\n")
                self.assertEqual(seen, [request_base, request_base + 1])

    def test_a_malformed_answer_is_a_protocol_error(self):
        for answer in (response_bytes(2101, bytes(100)),     # not a multiple of 271
                       response_bytes(2102, BOB_ID + name_field("bob")),  # another code
                       response_bytes(2101, bytes(271))[:20]):  # cut short
            with self.subTest(answer=answer[:7].hex()):
                server = scripted_server(list_answer=answer)
                self.addCleanup(server.close)
                result = self.run_against(server).run("list", "--retries", "0")
                self.assertEqual(result.returncode, 76 if len(answer) > 20 else 75,
                                 result.stderr)

    def test_a_hostile_name_from_the_server_is_shown_escaped(self):
        name = b"bob\x1b]52;c;aGk=\x07\x1b[2J\r\xe2\x80\xae\xff"
        field = name + bytes(255 - len(name))
        server = scripted_server(list_answer=response_bytes(2101, BOB_ID + field))
        self.addCleanup(server.close)
        profile = self.run_against(server)
        shown = "bob^[]52;c;aGk=^G^[[2J^M\\u202e\\xff"
        self.assertEqual(profile.ok("list"), BOB_ID.hex() + "\t" + shown + "\n")
        self.assertTrue(profile.ok("contacts").startswith(BOB_ID.hex() + "\t" + shown + "\t"))
        # JSON keeps the name exact (but for the byte that is not UTF-8) and harmless.
        self.assertIn('"name":"bob\\u001b]52;c;aGk=\\u0007\\u001b[2J\\r\\u202e\\ufffd"',
                      profile.ok("list", "--cached", "--json"))

    def test_a_hostile_sender_name_cannot_forge_the_frame_of_pull(self):
        name = b"bank\nContent:\n\x1b[2J\xe2\x80\xae"
        field = name + bytes(255 - len(name))
        key_request = struct.pack("<16sIBI", BOB_ID, 9, 1, 0)

        def handle(client_id, version, code, payload):
            answers = {600: response_bytes(2100, ALICE_ID),
                       601: response_bytes(2101, BOB_ID + field),
                       604: response_bytes(2104, key_request)}
            return answers.get(code, response_bytes(ERROR)), CLOSE

        server = FakeServer(handle)
        self.addCleanup(server.close)
        profile = self.run_against(server)
        self.assertEqual(profile.ok("pull", "--protocol", "2"),
                         block("bank^JContent:^J^[[2J\\u202e", BOB_ID,
                               "Request for symmetric key"))

    def test_an_error_answer_exits_69(self):
        # Refused once: the list that asks whether the server knows this id is answered.
        answers = iter([response_bytes(ERROR)])
        server = scripted_server(list_answer=lambda: next(answers, None))
        self.addCleanup(server.close)
        # A dialect named: with --dialect auto a refusal would move on to the next dialect.
        result = self.run_against(server).run("--dialect", "2025a", "list")
        self.assertEqual(result.returncode, 69)
        self.assertIn(b"server responded with an error", result.stderr)

    def test_a_server_refusing_everything_does_not_know_the_profile(self):
        server = scripted_server(list_answer=response_bytes(ERROR))
        self.addCleanup(server.close)
        result = self.run_against(server).run("list")
        self.assertEqual(result.returncode, 78)
        self.assertIn(b"this server does not know you (id %s)" % ALICE_ID.hex().encode(),
                      result.stderr)

    def test_a_silent_server_times_out_with_exit_75(self):
        released = threading.Event()
        server = FakeServer(lambda *request: released.wait(60) and None)
        self.addCleanup(server.close)
        self.addCleanup(released.set)
        profile = Profile(server.address)
        self.addCleanup(profile.cleanup)
        # Without its own timeout the CLI would wait for the server (60 s) and miss this one.
        result = profile.run("register", "alice", "--timeout", "0.5", timeout=30)
        self.assertEqual(result.returncode, 75, result.stderr)
        self.assertIn(b"timed out", result.stderr.lower())


class WithServer(unittest.TestCase):
    def setUp(self):
        self.server = Server()
        self.addCleanup(self.server.stop)
        self.proxy = Proxy(self.server.port)
        self.addCleanup(self.proxy.close)
        self.alice = registered_profile(self, "alice", self.proxy.address)
        self.bob = registered_profile(self, "bob", self.server.address)

    def refuse_challenges(self):
        self.proxy.intercept = lambda code, payload: (
            response_bytes(ERROR) if code == CHALLENGE else None)


class Sessions(WithServer):
    def test_falls_back_to_the_classic_protocol_with_a_classic_server(self):
        self.refuse_challenges()  # what any classic server answers to an unknown code
        self.alice.ok("send", "bob", "over the classic protocol")
        self.assertIn("classic", self.alice.ok("whoami"))
        self.assertEqual(self.bob.ok("pull"), block("alice", self.alice.client_id(), "symmetric key received") +
                         block("alice", self.alice.client_id(), "over the classic protocol"))

    def test_refuses_a_downgrade_once_authenticated(self):
        self.alice.ok("send", "bob", "authenticated")
        self.assertIn("authenticated sessions", self.alice.ok("whoami"))
        self.refuse_challenges()
        before = len(self.proxy.requests)
        result = self.alice.run("send", "bob", "must not leave")
        self.assertEqual(result.returncode, 77, result.stderr)
        self.assertIn(b"downgrade", result.stderr)
        self.assertEqual([code for code, _ in self.proxy.requests[before:]], [CHALLENGE])
        self.assertEqual(self.alice.run("pull").returncode, 77)
        self.assertEqual(self.bob.ok("pull"), block("alice", self.alice.client_id(), "symmetric key received") +
                         block("alice", self.alice.client_id(), "authenticated"))

    def test_authenticates_then_sends_on_one_connection_with_version_3(self):
        self.alice.ok("send", "bob", "hello")
        codes = [code for code, version in self.proxy.requests if version == 3]
        self.assertEqual(codes[:2], [CHALLENGE, CHALLENGE + 1])
        verbose = self.alice.run("send", "bob", "again", "--verbose")
        self.assertIn(b"session authenticated as", verbose.stderr)

    def test_protocol_2_sends_no_challenge(self):
        self.alice.ok("--protocol", "2", "send", "bob", "classic")
        self.assertNotIn(CHALLENGE, [code for code, _ in self.proxy.requests])
        self.assertTrue(all(version == 2 for _, version in self.proxy.requests))

    def test_an_acknowledged_pull_loses_nothing_when_the_ack_is_lost(self):
        self.alice.ok("send", "bob", "first")
        # Bob pulls through a proxy that drops the connection instead of passing the ACK on.
        bob_via_proxy = Profile(self.proxy.address)
        bob_via_proxy.home = self.bob.home
        self.proxy.intercept = lambda code, payload: (b"" if code == CHALLENGE + 2 else None)
        failed = bob_via_proxy.run("pull", "--timeout", "2", "--retries", "0")
        self.assertNotEqual(failed.returncode, 0)
        self.proxy.intercept = lambda code, payload: None
        self.assertEqual(self.bob.ok("pull"), block("alice", self.alice.client_id(), "symmetric key received") +
                         block("alice", self.alice.client_id(), "first"))
        self.assertEqual(self.bob.ok("pull"), "")


class KeyPinning(WithServer):
    def substitute_bob_key(self):
        fake = public_der(e3_private_key())
        bob = self.bob.client_id()

        def rewrite(request_code, code, payload):
            if request_code == PUBLIC_KEY and payload[:16] == bob:
                return bob + fake
            return payload
        self.proxy.rewrite = rewrite
        return fingerprint(fake)

    def test_a_changed_key_is_refused_until_trusted(self):
        pinned = self.alice.ok("getkey", "bob").split("\t")[2].strip()
        offered = self.substitute_bob_key()
        for command in (("getkey", "bob"), ("sendkey", "bob"), ("send", "bob", "hi")):
            with self.subTest(command=command[0]):
                result = self.alice.run(*command)
                self.assertEqual(result.returncode, 77, result.stderr)
                self.assertIn(pinned.encode(), result.stderr)
                self.assertIn(offered.encode(), result.stderr)
                self.assertIn(b"messageu trust bob", result.stderr)
        contacts = self.alice.ok("contacts")
        self.assertIn("\t%s\tchanged\t" % pinned, contacts)

        wrong = self.alice.run("trust", "bob", "--fingerprint", pinned)
        self.assertEqual(wrong.returncode, 77, wrong.stderr)
        self.assertEqual(self.alice.ok("trust", "bob", "--fingerprint",
                                       offered.replace(" ", ":").upper()), offered + "\n")
        self.assertIn("\t%s\tpinned\t" % offered, self.alice.ok("contacts"))
        self.assertEqual(self.alice.run("sendkey", "bob").returncode, 0)

    def test_trust_without_fingerprint_accepts_the_current_key(self):
        self.alice.ok("getkey", "bob")
        offered = self.substitute_bob_key()
        self.assertEqual(self.alice.run("getkey", "bob").returncode, 77)
        self.assertEqual(self.alice.ok("trust", "bob"), offered + "\n")
        self.assertEqual(self.alice.ok("getkey", "bob").split("\t")[2].strip(), offered)

    def test_a_known_key_sends_after_trust_of_an_unchanged_key(self):
        self.alice.ok("send", "bob", "before")
        result = self.alice.run("trust", "bob")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(b"already trusted", result.stderr)


def blocked_stdout():
    """A pipe whose buffer is already full: the first write to it blocks."""
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    try:
        while True:
            os.write(write_end, b"x" * 4096)
    except BlockingIOError:
        pass
    os.set_blocking(write_end, True)
    return read_end, write_end


def writing_to_stdout(pid):
    try:
        with open("/proc/%d/syscall" % pid) as file:
            return file.read().startswith("1 0x1 ")
    except OSError:
        with open("/proc/%d/wchan" % pid) as file:
            return "pipe_write" in file.read()


class NothingLost(unittest.TestCase):
    def setUp(self):
        self.server = Server()
        self.addCleanup(self.server.stop)
        self.alice = registered_profile(self, "alice", self.server.address)
        self.bob = registered_profile(self, "bob", self.server.address)
        self.texts = ["message %d" % index for index in range(5)]
        for text in self.texts:
            self.alice.ok("send", "bob", text)

    def expected(self, with_key=True):
        key = block("alice", self.alice.client_id(), "symmetric key received") if with_key else ""
        return key + "".join(block("alice", self.alice.client_id(), text) for text in self.texts)

    def test_a_pull_killed_before_printing_loses_nothing(self):
        for protocol, with_key in (("2", True), ("3", False)):
            with self.subTest(protocol=protocol):
                read_end, write_end = blocked_stdout()
                pull = self.bob.popen("pull", "--protocol", protocol, stdout=write_end,
                                      stderr=subprocess.DEVNULL)
                deadline = time.monotonic() + 30
                while not writing_to_stdout(pull.pid) and time.monotonic() < deadline:
                    time.sleep(0.02)
                self.assertTrue(writing_to_stdout(pull.pid), "pull never reached its output")
                pull.send_signal(signal.SIGKILL)
                pull.wait()
                os.close(read_end)
                os.close(write_end)
                self.assertEqual(self.bob.ok("pull", "--protocol", protocol),
                                 self.expected(with_key))
                self.assertEqual(self.bob.ok("pull", "--protocol", protocol), "")
                for text in self.texts:  # the same texts again, for the next round
                    self.alice.ok("send", "bob", text)

    def test_a_closed_stdout_ends_quietly_and_keeps_the_messages(self):
        read_end, write_end = os.pipe()
        os.close(read_end)
        pull = self.bob.popen("pull", stdout=write_end, stderr=subprocess.PIPE)
        os.close(write_end)
        _, errors = pull.communicate(timeout=60)
        self.assertEqual(pull.returncode, 74)
        self.assertEqual(errors, b"")
        self.assertEqual(self.bob.ok("pull"), self.expected())

    def test_head_reads_the_first_line_and_the_rest_waits(self):
        shell = subprocess.run(["bash", "-c", '"$@" | head -n 1', "bash",
                                *self.bob.arguments(["pull"])],
                               capture_output=True, timeout=60)
        self.assertEqual(shell.stdout, b"From: alice <%s>\n" % self.alice.client_id().hex().encode())
        self.assertEqual(shell.stderr, b"")
        rest = self.bob.ok("pull")
        self.assertTrue(self.expected().endswith(rest), rest)
        self.assertIn(block("alice", self.alice.client_id(), self.texts[-1]), rest)


class Progress(unittest.TestCase):
    def setUp(self):
        self.server = Server()
        self.addCleanup(self.server.stop)
        self.alice = Profile(self.server.address)
        self.addCleanup(self.alice.cleanup)
        self.alice.ok("register", "alice")
        self.bob = Profile(self.server.address)
        self.addCleanup(self.bob.cleanup)
        self.bob.ok("register", "bob")
        self.file = os.path.join(self.alice.directory.name, "data.bin")
        with open(self.file, "wb") as file:
            file.write(os.urandom(3 << 20))

    def run_on_terminal(self, *arguments, profile=None, env=None):
        argv = (profile or self.alice).arguments(arguments)
        environment = cli_environment(env)
        pid, terminal = pty.fork()
        if pid == 0:
            os.execve(argv[0], argv, environment)
        output = b""
        while True:
            readable, _, _ = select.select([terminal], [], [], 60)
            if not readable:
                break
            try:
                chunk = os.read(terminal, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status), output.decode(errors="replace")

    def test_draws_a_progress_bar_on_a_terminal(self):
        status, output = self.run_on_terminal("sendfile", "bob", self.file)
        self.assertEqual(status, 0, output)
        self.assertRegex(output, r"sending data\.bin \[#+\] 100% 3\.0 MiB / 3\.0 MiB .*/s")

    def test_draws_a_progress_bar_for_a_received_file_on_a_terminal(self):
        self.alice.ok("sendfile", "bob", self.file)
        status, output = self.run_on_terminal("pull", profile=self.bob)
        self.assertEqual(status, 0, output)
        self.assertRegex(output, r"receiving file \[#+\] 100% 3\.0 MiB / 3\.0 MiB")
        self.assertRegex(output, r"saving file \[#+\] 100% 3\.0 MiB / 3\.0 MiB")

    def test_colours_errors_on_a_terminal_unless_no_color(self):
        status, output = self.run_on_terminal("send", "nobody", "hi")
        self.assertEqual(status, 67)
        self.assertIn("\x1b[", output)
        status, output = self.run_on_terminal("send", "nobody", "hi", env={"NO_COLOR": "1"})
        self.assertEqual(status, 67)
        self.assertNotIn("\x1b[", output)
        self.assertIn("error: unknown user 'nobody'", output)

    def test_draws_nothing_in_a_pipe_or_when_quiet(self):
        result = self.alice.run("sendfile", "bob", self.file)
        self.assertEqual(result.returncode, 0)
        self.assertNotIn(b"[#", result.stderr)
        status, output = self.run_on_terminal("sendfile", "bob", self.file, "--quiet")
        self.assertEqual(status, 0)
        self.assertIsNone(re.search(r"\[[#.]+\]", output), output)


if __name__ == "__main__":
    unittest.main()
