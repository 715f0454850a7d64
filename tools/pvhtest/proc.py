"""Runs one QEMU with its serial console written to a file (a slow reader can never block the guest's UART) and follows that file line by line."""
import os
import signal
import subprocess
import time


class Qemu:
    """One qemu-system-x86_64 of ours: started with a deadline, followed, stopped by its own pid."""

    def __init__(self, args, workdir, deadline_s):
        self.serial = os.path.join(workdir, "serial")
        self.errfile = os.path.join(workdir, "qemu.out")
        open(self.serial, "wb").close()
        self.args = ["qemu-system-x86_64"] + args + ["-serial", f"file:{self.serial}"]
        self.deadline_s = deadline_s
        self.proc = None
        self.t0 = None
        self.timed_out = False
        self.stopped = False  # stopped by the caller (the guest had ended)

    def start(self):
        self.t0 = time.monotonic()
        with open(self.errfile, "wb") as err:
            self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL, stdout=err, stderr=subprocess.STDOUT)
        return self

    def elapsed(self):
        return time.monotonic() - self.t0

    def stop(self):
        """Ends our QEMU (the guest has ended or the deadline passed)."""
        if self.proc and self.proc.poll() is None:
            self.stopped = True
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def returncode(self):
        return self.proc.returncode if self.proc else None

    def messages(self):
        """QEMU's own words (stderr), e.g. why it could not start."""
        try:
            return open(self.errfile, errors="replace").read().splitlines()
        except OSError:
            return []

    def lines(self, poll=0.05):
        """Yields the serial console's lines as QEMU writes them (without \\r\\n), and None when
        nothing came for `poll` seconds (so the caller can keep time). Kills QEMU at its deadline."""
        buf = b""
        with open(self.serial, "rb") as f:
            while True:
                chunk = f.read(65536)
                if chunk:
                    buf += chunk
                    *done, buf = buf.split(b"\n")
                    for raw in done:
                        yield raw.decode("utf-8", "replace").rstrip("\r")
                    continue
                if self.proc.poll() is not None:
                    chunk = f.read()
                    if chunk:
                        buf += chunk
                        continue
                    if buf:
                        yield buf.decode("utf-8", "replace").rstrip("\r")
                    return
                if self.elapsed() > self.deadline_s and not self.timed_out:
                    self.timed_out = True
                    self.stop()
                    self.stopped = False
                    continue
                yield None
                time.sleep(poll)
