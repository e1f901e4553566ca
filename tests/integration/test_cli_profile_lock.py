"""Who waits for whom on one profile: a pull holds the inbox for its whole run, so a second
pull waits (and gives up after --lock-timeout, exit 75), but a send is not kept waiting while
the pull downloads: the profile lock is taken for the bookkeeping that needs it, not for the
download. The pull stalls in a proxy that holds the server's answer to PULL until the test
lets it go, so the overlap does not depend on timing."""
import subprocess
import sys
import threading
import time
import unittest

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__

from test_cli_support import PULL, Proxy, Server, block, mask_received_times, registered_profile


class ProfileLock(unittest.TestCase):
    def setUp(self):
        self.server = Server()
        self.addCleanup(self.server.stop)
        self.alice = registered_profile(self, "alice", self.server.address)
        self.bob = registered_profile(self, "bob", self.server.address)
        self.alice.ok("send", "bob", "while you download")
        self.release = threading.Event()
        self.addCleanup(self.release.set)
        self.proxy = Proxy(self.server.port)
        self.addCleanup(self.proxy.close)
        self.proxy.rewrite = self.hold_pull_answers

    def hold_pull_answers(self, request_code, code, payload):
        if request_code == PULL:
            self.release.wait(60)
        return payload

    def start_stalled_pull(self):
        pull = self.bob.popen("--server", self.proxy.address, "pull", stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while PULL not in [code for code, _ in self.proxy.requests]:
            self.assertLess(time.monotonic(), deadline, "the pull never asked for its messages")
            self.assertIsNone(pull.poll(), "the pull ended before it asked for its messages")
            time.sleep(0.02)
        return pull

    def finish(self, pull):
        self.release.set()
        out, err = pull.communicate(timeout=60)
        self.assertEqual(pull.returncode, 0, err)
        return mask_received_times(out).decode()

    def test_a_send_does_not_wait_for_a_pull_that_is_downloading(self):
        pull = self.start_stalled_pull()
        # --lock-timeout 2: the pull holds its answer far longer, until release below.
        sent = self.bob.run("--lock-timeout", "2", "send", "alice", "sent meanwhile")
        self.assertEqual(sent.returncode, 0, sent.stderr)
        self.assertIsNone(pull.poll(), "the pull should still be waiting for its answer")
        out = self.finish(pull)
        self.assertEqual(out, block("alice", self.alice.client_id(), "symmetric key received") +
                         block("alice", self.alice.client_id(), "while you download"))
        self.assertIn("sent meanwhile", self.alice.ok("pull"))

    def test_a_second_pull_waits_for_the_first_and_says_why_it_gave_up(self):
        pull = self.start_stalled_pull()
        second = self.bob.run("--lock-timeout", "0.2", "pull")
        self.assertEqual(second.returncode, 75, second.stderr)
        self.assertIn(b"another messageu pull is receiving on this profile", second.stderr)
        self.finish(pull)
        self.assertEqual(self.bob.ok("pull"), "")  # printed once, by the first pull


if __name__ == "__main__":
    unittest.main()
