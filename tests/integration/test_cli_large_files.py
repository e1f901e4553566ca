"""Large files end to end (issue 5): a 300 MiB file goes through sendfile and pull byte for
byte with the memory of the CLI and of the server bounded (read from the kernel, not timed),
and an interrupted transfer in either direction leaves no partial file and loses nothing."""
import hashlib
import os
import signal
import subprocess
import sys
import time
import unittest

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__

from test_cli_support import CLI, SERVER_BIN, Server, registered_profile

MIB = 1 << 20
RSS_LIMIT_KIB = 64 * 1024


def write_random_file(path, size):
    with open(path, "wb") as file:
        remaining = size
        while remaining:
            chunk = os.urandom(min(remaining, 4 * MIB))
            file.write(chunk)
            remaining -= len(chunk)


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(4 * MIB), b""):
            digest.update(chunk)
    return digest.hexdigest()


def run_measured(profile, *arguments):
    """Runs messageu; returns (exit status, stdout, peak RSS in KiB from wait4)."""
    process = profile.popen(*arguments, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    output = process.stdout.read()
    process.stdout.close()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, output.decode(), usage.ru_maxrss


def sanitized(binary):
    """AddressSanitizer's shadow memory and quarantine make RSS meaningless."""
    linked = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
    return "libasan" in linked


def server_peak_rss_kib(server):
    with open("/proc/%d/status" % server.process.pid) as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


class LargeFiles(unittest.TestCase):
    def setUp(self):
        self.server = Server()
        self.addCleanup(self.server.stop)
        self.alice = registered_profile(self, "alice", self.server.address)
        self.bob = registered_profile(self, "bob", self.server.address)
        self.alice.ok("sendkey", "bob")
        self.bob.ok("pull")
        self.source = os.path.join(self.alice.directory.name, "large.bin")
        self.downloads = os.path.join(self.bob.directory.name, "downloads")

    def test_a_300_mib_file_arrives_intact_with_bounded_memory(self):
        write_random_file(self.source, 300 * MIB)
        status, out, send_rss = run_measured(self.alice, "sendfile", "bob", self.source)
        self.assertEqual(status, 0)
        message_id = out.strip()
        status, out, pull_rss = run_measured(self.bob, "pull", "--json", "--save-dir",
                                             self.downloads)
        self.assertEqual(status, 0)
        saved = os.path.join(self.downloads, "alice-" + message_id)
        self.assertIn('"path":"%s","size":%d,"sha256":"%s"' % (
            saved, 300 * MIB, sha256_of(self.source)), out)
        self.assertEqual(sha256_of(saved), sha256_of(self.source))
        if not sanitized(CLI):
            self.assertLess(send_rss, RSS_LIMIT_KIB)
            self.assertLess(pull_rss, RSS_LIMIT_KIB)
        if not sanitized(SERVER_BIN):
            self.assertLess(server_peak_rss_kib(self.server), RSS_LIMIT_KIB)
        # Decrypted on arrival: no copy left in the spool, no temporary file beside it.
        spool = os.path.join(self.bob.home, "spool")
        self.assertEqual(os.listdir(spool) if os.path.isdir(spool) else [], [])
        self.assertEqual(os.listdir(self.downloads), ["alice-" + message_id])

    def test_an_interrupted_sendfile_stores_nothing(self):
        with open(self.source, "wb") as file:  # sparse: takes no disk, still takes time
            file.truncate(512 * MIB)
        # stdin that never ends: sendfile - copies it first, so kill it while it copies...
        writer = subprocess.Popen(["cat", "/dev/zero"], stdout=subprocess.PIPE)
        sender = self.alice.popen("sendfile", "bob", "-", stdin=writer.stdout,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        writer.stdout.close()
        time.sleep(0.5)
        sender.send_signal(signal.SIGKILL)
        sender.wait()
        writer.kill()
        writer.wait()
        # ...and a transfer killed half-way through.
        sender = self.alice.popen("sendfile", "bob", self.source, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        time.sleep(0.1)
        sender.send_signal(signal.SIGKILL)
        self.assertEqual(sender.wait(), -signal.SIGKILL)
        self.assertEqual(self.bob.ok("pull", "--save-dir", self.downloads), "")
        self.assertFalse(os.path.exists(self.downloads) and os.listdir(self.downloads))
        self.assertEqual(os.listdir(os.path.join(self.alice.home, "spool")), [])

    def test_an_interrupted_pull_leaves_no_partial_file_and_loses_nothing(self):
        write_random_file(self.source, 200 * MIB)
        message_id = self.alice.ok("sendfile", "bob", self.source).strip()
        puller = self.bob.popen("pull", "--save-dir", self.downloads,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        spool = os.path.join(self.bob.home, "spool")

        def listing(directory):
            return os.listdir(directory) if os.path.isdir(directory) else []

        # The file arrives decrypted into a temporary file of the save directory (bob has
        # alice's key), or raw into the spool: kill the pull as soon as either appears.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (listing(spool) or listing(self.downloads)):
            time.sleep(0.005)
        puller.send_signal(signal.SIGKILL)
        puller.wait()
        # Nothing under a final name: at most a hidden temporary file.
        self.assertEqual([name for name in listing(self.downloads)
                          if not (name.startswith(".messageu-") and name.endswith(".part"))], [])
        out = self.bob.ok("pull", "--save-dir", self.downloads)
        saved = os.path.join(self.downloads, "alice-" + message_id)
        self.assertIn(saved, out)
        self.assertEqual(sha256_of(saved), sha256_of(self.source))
        # What the killed pull left was removed, in the save directory and in the spool.
        self.assertEqual(sorted(os.listdir(self.downloads)), ["alice-" + message_id])
        self.assertEqual(listing(spool), [])


if __name__ == "__main__":
    unittest.main()
