"""`messageu pull --follow`, `--wait` and `--exec` against the real server (PROTOCOL.md §11):
a message sent while following is printed at once, as one NDJSON line under --json; --wait
returns after the first batch or at its time limit; the follow reconnects by itself when the
server restarts on the same port and database; against a classic server it polls; SIGTERM
ends it with status 0 and nothing lost; --exec drops a message only when the command
exits 0."""
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import unittest

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__

from dialect_servers import DialectServer
from test_cli_support import SERVER_BIN, Profile, Server, registered_profile


class LineReader:
    """Reads a child's stdout lines in a thread, so that a test can wait for one with a bound."""

    def __init__(self, stream):
        self.lines = []
        self.condition = threading.Condition()
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream):
        for line in stream:
            with self.condition:
                self.lines.append(line.decode(errors="replace"))
                self.condition.notify_all()

    def wait_for(self, predicate, timeout=20):
        deadline = time.monotonic() + timeout
        with self.condition:
            while not any(predicate(line) for line in self.lines):
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.condition.wait(left)
            return next(line for line in self.lines if predicate(line))


def texts_of(lines):
    records = [json.loads(line) for line in lines if line.strip()]
    return [record["text"] for record in records if record.get("type") == "text"]


class Follower:
    """`messageu pull ARGS` running in the background, its output read as it comes."""

    def __init__(self, test, profile, *arguments):
        self.process = profile.popen("pull", *arguments, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.out = LineReader(self.process.stdout)
        self.err = LineReader(self.process.stderr)
        test.addCleanup(self.kill)

    def stop(self, signal_number=signal.SIGTERM, timeout=20):
        self.process.send_signal(signal_number)
        code = self.process.wait(timeout=timeout)
        self.out.thread.join(timeout=5)
        self.err.thread.join(timeout=5)
        return code

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.out.thread.join(timeout=5)
        self.err.thread.join(timeout=5)
        self.process.stdout.close()
        self.process.stderr.close()

    def stderr(self):
        return "".join(self.err.lines)


class ServerOnPort:
    """The real server on a given port and database: the same server, restarted."""

    def __init__(self, port, db):
        self.process = subprocess.Popen(
            [SERVER_BIN, "--port", str(port), "--bind", "127.0.0.1", "--db", db],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            line = self.process.stderr.readline().decode()
            if "listening on " in line:
                threading.Thread(target=lambda: [None for _ in self.process.stderr],
                                 daemon=True).start()
                return
            if not line and self.process.poll() is not None:
                break
        raise RuntimeError("messageu-server did not start again on port %d" % port)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)


class FollowRealServer(unittest.TestCase):
    def setUp(self):
        self.server = Server()
        self.addCleanup(self.server.stop)
        self.alice = registered_profile(self, "alice", self.server.address)
        self.bob = registered_profile(self, "bob", self.server.address)
        # The first send also sends alice's key: done here, so that a test's message is one.
        self.alice.ok("send", "bob", "setup")
        self.bob.ok("pull")

    def test_follow_prints_a_message_sent_after_it_started_as_one_json_line(self):
        follower = Follower(self, self.bob, "--follow", "--json")
        time.sleep(0.5)  # following, waiting on the server
        self.alice.ok("send", "bob", "live one")
        line = follower.out.wait_for(lambda line: "live one" in line)
        self.assertIsNotNone(line, follower.stderr())
        record = json.loads(line)
        self.assertEqual(record["from"], "alice")
        self.assertEqual(record["text"], "live one")
        self.alice.ok("send", "bob", "live two")
        self.assertIsNotNone(follower.out.wait_for(lambda line: "live two" in line))
        self.assertEqual(follower.stop(), 0)
        self.assertEqual(texts_of(follower.out.lines), ["live one", "live two"])
        # Acknowledged: nothing is left for the next pull.
        self.assertEqual(self.bob.ok("pull"), "")

    def test_wait_returns_after_the_first_batch(self):
        follower = Follower(self, self.bob, "--wait", "60", "--json")
        time.sleep(0.5)
        started = time.monotonic()
        self.alice.ok("send", "bob", "the first batch")
        self.assertEqual(follower.process.wait(timeout=20), 0, follower.stderr())
        self.assertLess(time.monotonic() - started, 15)  # not the 60 s limit
        follower.out.thread.join(timeout=5)
        self.assertEqual(texts_of(follower.out.lines), ["the first batch"])

    def test_wait_returns_at_its_time_limit_with_nothing(self):
        started = time.monotonic()
        result = self.bob.run("pull", "--wait", "1.5")
        elapsed = time.monotonic() - started
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, b"")
        self.assertIn(b"no new messages", result.stderr)
        self.assertGreaterEqual(elapsed, 1.4)
        self.assertLess(elapsed, 15)

    def test_wait_delivers_what_already_waits_at_once(self):
        self.alice.ok("send", "bob", "already there")
        started = time.monotonic()
        out = self.bob.ok("pull", "--wait", "60")
        self.assertIn("already there", out)
        self.assertLess(time.monotonic() - started, 15)

    def test_reconnects_after_the_server_restarts_on_the_same_port_and_database(self):
        follower = Follower(self, self.bob, "--follow", "--json")
        time.sleep(0.5)
        port, db = self.server.port, self.server.db
        self.assertEqual(self.server.halt(), 0)
        time.sleep(1.5)  # the follower notices, and retries against a closed port
        again = ServerOnPort(port, db)
        self.addCleanup(again.stop)
        self.alice.ok("send", "bob", "after the restart")
        line = follower.out.wait_for(lambda line: "after the restart" in line, timeout=60)
        self.assertIsNotNone(line, follower.stderr())
        self.assertEqual(follower.stop(), 0)
        self.assertEqual(follower.stderr().count("reconnecting"), 1, follower.stderr())

    def test_sigterm_mid_follow_loses_nothing(self):
        exec_log = os.path.join(self.bob.directory.name, "exec.log")
        follower = Follower(self, self.bob, "--follow", "--json", "--exec",
                            "sleep 0.2; cat >> '%s'; echo >> '%s'" % (exec_log, exec_log))
        time.sleep(0.5)
        texts = ["message %d" % number for number in range(8)]
        for text in texts:
            self.alice.ok("send", "bob", text)
        follower.out.wait_for(lambda line: "message" in line)
        self.assertEqual(follower.stop(), 0, follower.stderr())
        followed = texts_of(follower.out.lines)
        rest = self.bob.ok("pull", "--json").splitlines()
        # Every message reached the user, in order: first the follow's, then the rest.
        seen = followed + [text for text in texts_of(rest) if text not in followed]
        self.assertEqual(seen, texts)

    def test_exec_exit_zero_drops_the_message_and_gets_its_metadata(self):
        out = os.path.join(self.bob.directory.name, "hook")
        command = ("cat > '%s.text'; "
                   "printf '%%s|%%s|%%s|%%s' \"$MESSAGEU_FROM\" \"$MESSAGEU_FROM_ID\" "
                   "\"$MESSAGEU_MESSAGE_ID\" \"$MESSAGEU_TYPE\" > '%s.env'") % (out, out)
        self.alice.ok("send", "bob", "to the hook")
        printed = json.loads(self.bob.ok("pull", "--json", "--exec", command))
        with open(out + ".text") as file:
            self.assertEqual(file.read(), "to the hook")
        with open(out + ".env") as file:
            self.assertEqual(file.read().split("|"), [
                "alice", self.alice.client_id().hex(), str(printed["id"]), "text"])
        self.assertEqual(self.bob.ok("pull"), "")  # dropped from the spool

    def test_exec_failure_keeps_the_message_for_the_next_pull(self):
        self.alice.ok("send", "bob", "kept by the hook")
        result = self.bob.run("pull", "--exec", "cat > /dev/null; exit 3")
        self.assertEqual(result.returncode, 1, result.stderr)  # partly done
        self.assertIn(b"kept for the next pull", result.stderr)
        self.assertIn(b"status 3", result.stderr)
        self.assertIn("kept by the hook", self.bob.ok("pull", "--exec", "cat > /dev/null"))
        self.assertEqual(self.bob.ok("pull"), "")

    def test_a_file_kept_by_the_hook_is_saved_once_when_it_is_retried(self):
        path = os.path.join(self.alice.directory.name, "hundred-kb")
        content = os.urandom(100 * 1024)  # above the spool's in-memory limit: decrypted on arrival
        with open(path, "wb") as file:
            file.write(content)
        self.alice.ok("sendfile", "bob", path)
        result = self.bob.run("pull", "--exec", "exit 1")
        self.assertEqual(result.returncode, 1, result.stderr)
        command = 'cmp -s "$MESSAGEU_FILE" \'%s\' && test "$MESSAGEU_TYPE" = file' % path
        self.bob.ok("pull", "--exec", command)  # the file is whole, and the hook took it
        self.assertEqual(len(os.listdir(self.bob.path("files"))), 1)  # not a second copy
        self.assertEqual(self.bob.ok("pull"), "")


    def test_a_command_past_its_exec_timeout_is_stopped_and_its_message_kept(self):
        self.alice.ok("send", "bob", "a hanging hook")
        started = time.monotonic()
        result = self.bob.run("pull", "--exec", "sleep 60", "--exec-timeout", "0.5", timeout=30)
        self.assertLess(time.monotonic() - started, 20)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn(b"ran longer than 0.5 s (--exec-timeout) and was stopped", result.stderr)
        self.assertIn("a hanging hook", self.bob.ok("pull", "--exec", "cat > /dev/null"))

    def test_a_command_that_never_reads_a_long_text_is_stopped_too(self):
        text = "x" * (200 * 1024)  # more than a pipe holds: writing it would block
        self.alice.ok("send", "bob", "-", stdin=text.encode())
        result = self.bob.run("pull", "--exec", "sleep 60", "--exec-timeout", "0.5", timeout=30)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn(b"(--exec-timeout)", result.stderr)
        kept = self.bob.ok("pull", "--json", "--exec", "cat > /dev/null")
        self.assertEqual(json.loads(kept)["text"], text)

    def test_a_command_ignoring_sigterm_is_killed_after_the_grace_period(self):
        self.alice.ok("send", "bob", "stubborn")
        started = time.monotonic()
        result = self.bob.run("pull", "--exec", "trap '' TERM; while :; do sleep 0.1; done",
                              "--exec-timeout", "0.2", timeout=30)
        self.assertLess(time.monotonic() - started, 20)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn(b"was stopped", result.stderr)

    def test_sigint_during_a_command_reaches_it_and_ends_the_follow_keeping_the_message(self):
        mark = os.path.join(self.bob.directory.name, "interrupted")
        started = os.path.join(self.bob.directory.name, "started")
        command = ("trap 'echo interrupted > %s; exit 5' INT; cat > /dev/null; "
                   "touch %s; while :; do sleep 0.1; done" % (mark, started))
        follower = Follower(self, self.bob, "--follow", "--exec", command)
        self.alice.ok("send", "bob", "interrupted hook")
        deadline = time.monotonic() + 20
        while not os.path.exists(started) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertTrue(os.path.exists(started), follower.stderr())
        self.assertEqual(follower.stop(signal.SIGINT), 0, follower.stderr())
        with open(mark) as file:
            self.assertEqual(file.read(), "interrupted\n")
        self.assertIn("status 5", follower.stderr())
        self.assertIn("interrupted hook", self.bob.ok("pull", "--exec", "cat > /dev/null"))

    def test_exec_timeout_needs_exec(self):
        result = self.bob.run("pull", "--exec-timeout", "5")
        self.assertEqual(result.returncode, 64, result.stderr)
        self.assertIn(b"--exec", result.stderr)


class FollowClassicServer(unittest.TestCase):
    def test_falls_back_to_polling_and_says_so_once(self):
        server = DialectServer("2025a")
        self.addCleanup(server.close)
        alice = registered_profile(self, "alice", server.address)
        bob = registered_profile(self, "bob", server.address)
        alice.ok("send", "bob", "setup")
        bob.ok("pull")
        follower = Follower(self, bob, "--follow", "--json", "--interval", "1")
        time.sleep(1.5)
        alice.ok("send", "bob", "polled one")
        line = follower.out.wait_for(lambda line: "polled one" in line)
        self.assertIsNotNone(line, follower.stderr())
        time.sleep(1.5)  # another poll or two, said nothing more
        self.assertEqual(follower.stop(), 0)
        self.assertEqual(follower.stderr().count("polling every 1 s"), 1, follower.stderr())

    def test_interval_below_one_second_is_refused(self):
        profile = Profile("127.0.0.1:1")
        self.addCleanup(profile.cleanup)
        result = profile.run("pull", "--follow", "--interval", "0.5")
        self.assertEqual(result.returncode, 64, result.stderr)  # a usage error
        self.assertIn(b"--interval", result.stderr)


if __name__ == "__main__":
    unittest.main()
