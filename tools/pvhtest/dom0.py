"""Boots Xen in QEMU with a pvhkit image as its PVH hardware domain (dom0): no Linux, no toolstack.

A hardware domain's SCHEDOP_shutdown halts (noreboot) the whole machine, and Xen's halt does not
power QEMU off: the runner reads Xen's own words about dom0's end (xen/common/shutdown.c
hwdom_shutdown: "Hardware Dom0 halted", "... crashed", "shutdown (unknown reason N)") and stops
QEMU a moment later. dom0's console_io output arrives as plain lines, its port-0xE9 output as
"(d0) ..." lines; both are the guest's console.
"""
import gzip
import os
import re
import shlex
import subprocess
import tempfile
import time

from . import paths
from .proc import Qemu
from .verdict import Observation

GRACE_S = 1.0  # after dom0's end, the lines that still follow (a crash dump), then QEMU is stopped


class PlatformError(Exception):
    """The platform could not be set up (no Xen binary, rig build failed)."""


def xen_binary(xen, work):
    """The Xen ELF to boot: --xen PATH (an ELF or xen.gz), else the rig's (built first when needed)."""
    if not xen or paths.VERSION_RE.match(xen):
        rig = paths.rig_dir(xen)
        env = dict(os.environ, RIG_DIR=rig, XEN=paths.xen_version(xen))
        if subprocess.call([os.path.join(paths.XENRIG, "build")], env=env) != 0:
            raise PlatformError("tools/xenrig/build failed (the rig's Xen is needed; or pass --xen PATH)")
        xen = os.path.join(rig, "xen")
    if not os.access(xen, os.R_OK):
        raise PlatformError(f"cannot read Xen binary {xen}")
    with open(xen, "rb") as f:
        gz = f.read(2) == b"\x1f\x8b"
    if gz:  # QEMU's multiboot loader wants the plain ELF; Xen builds ship xen.gz
        out = os.path.join(work, "xen")
        with gzip.open(xen) as src, open(out, "wb") as dst:
            dst.write(src.read())
        xen = out
    return xen


def qemu_args(case, xen):
    vcpus, memory = case.num("vcpus", 1), case.num("memory", 64)
    # A dom0 with several vCPUs runs on single-threaded TCG: QEMU 7.2's multi-threaded TCG sometimes
    # corrupts a nested SVM guest vCPU's saved state (tools/xenrig/README.md, pitfall 17).
    thread = os.environ.get("QEMU_TCG_THREAD") or ("single" if vcpus > 1 else "multi")
    # Xen refuses a PVH hardware domain without an IOMMU (q35 + amd-iommu, iommu=1); QEMU's SVM
    # reports RDTSCP exits wrongly (-rdtscp); noreboot: a crash halts, so the log ends on it;
    # bootscrub=0: no scrubbing of RAM nobody used (seconds under TCG).
    xen_cmd = (f"console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all iommu=1 dom0=pvh "
               f"dom0_mem={memory}M,max:{memory}M dom0_max_vcpus={vcpus} noreboot bootscrub=0 "
               + case.get("xen-cmdline", ""))
    # Xen drops the module's first word (the file name); QEMU wants commas doubled.
    cmdline = case.get("cmdline", "")
    module = case.image + (" " + cmdline.replace(",", ",,") if cmdline else "")
    if case.get("module"):
        module += "," + case.get("module")
    return (["-accel", f"tcg,thread={thread}", "-machine", "q35", "-device", "amd-iommu",
             "-cpu", os.environ.get("QEMU_CPU", "max,-smap,-rdtscp,-avx,-avx2"),
             "-m", os.environ.get("QEMU_MEM", str(memory + 256)), "-smp", str(vcpus),
             "-display", "none", "-vga", "none", "-nic", "none", "-monitor", "none", "-no-reboot"]
            + shlex.split(case.get("qemu", "")) + ["-kernel", xen, "-append", xen_cmd, "-initrd", module])


def check_paths(case):
    """QEMU takes a module path up to its first blank and splits its module list at commas."""
    for f in (case.image, case.get("module", "")):
        if re.search(r"[\s,]", f):
            return f"a path for QEMU may contain neither blanks nor commas: {f}"
    return None


class XenReader:
    """Reads Xen's serial console: dom0's lines, and Xen's words about dom0's end."""

    def __init__(self, obs, say=None, echo=None, verbose=False):
        self.obs, self.say, self.echo, self.verbose = obs, say, echo, verbose
        self.end = None
        self.reason = None
        self.panic_msg = ""
        self.first = False
        self.xen_lines = []  # Xen's words about dom0 (shown with a failure)

    def xen_line(self, line):
        if "Xen version" in line and self.say:
            self.say("== Xen up: " + line[6:])
        elif "Building a PVH Dom0" in line and self.say:
            self.say("== Xen builds the PVH dom0")
        elif "Hardware Dom0 halted" in line:
            self.end = "poweroff"
        elif "Hardware Dom0 shutdown: rebooting" in line:
            self.end = "reboot"
        elif "Hardware Dom0 shutdown: watchdog" in line:
            self.end = "watchdog"
        elif "Hardware Dom0 crashed" in line:
            self.end = "crash"
        elif "Hardware Dom0 shutdown (unknown reason " in line:
            m = re.search(r"unknown reason ([0-9]+)", line)
            self.reason = int(m.group(1)) if m else None
            self.end = "poweroff"
        elif "Panic on CPU" in line:
            self.end = "panic"
        elif "Triple fault" in line:
            self.obs.triple_fault = True
        elif self.end == "panic" and not self.panic_msg and not line.startswith("(XEN) ****"):
            self.panic_msg = line[6:]  # what the panic says
        show = self.verbose or self.end == "panic" or re.search(
            r"Hardware Dom0|Panic|FATAL|Triple fault|d0v[0-9]+ |\*\*\*\*|Reboot in|Manual reset|'noreboot'", line)
        if show:
            self.xen_lines.append(line)
            if self.echo:
                self.echo(line)

    def guest_line(self, line):
        if not self.first and self.say:
            self.first = True
            self.say("== first dom0 line")
        self.obs.lines.append(line)
        if self.echo:
            self.echo(line)

    def feed(self, line):
        if line.startswith("(XEN) "):
            self.xen_line(line)
        elif line.startswith("(d0) "):  # port 0xE9, through Xen's HVM debug port
            self.guest_line(line[5:])
        elif line.startswith("qemu-system-x86_64: "):
            if self.echo:
                self.echo(line)
        elif line:
            self.guest_line(line)  # the hardware domain's console_io output, as it is

    def finish(self, timed_out, qemu_rc):
        """Fills in the Observation's end from what Xen said."""
        o = self.obs
        if self.end == "panic":
            o.end, o.rig_detail = "panic", self.panic_msg
        elif self.end is None:
            if timed_out:
                o.end, o.rig_detail = "timeout", "QEMU killed at the deadline"
            else:
                o.end, o.rig_detail = "rig", f"QEMU exited (status {qemu_rc}) without dom0 shutting down"
        elif self.end == "poweroff" and self.reason is not None and self.reason < 128:
            o.end, o.rig_detail = "gone", f"dom0 shut down with unknown reason {self.reason}"
        elif self.end == "poweroff":
            # Xen reports 128 + N for a pvhkit exit status N (SCHEDOP_shutdown_code); halted: 0
            o.end, o.status = "poweroff", (self.reason - 128 if self.reason is not None else 0)
        else:
            o.end = self.end


def run(case, log_path, xen=None, echo=None, say=None, verbose=False):
    """Boots Xen with case.image as dom0; returns an Observation. log_path: the timestamped serial log."""
    obs = Observation()
    bad = check_paths(case)
    if bad:
        obs.rig_detail = bad
        return obs
    os.makedirs(os.path.dirname(os.path.abspath(log_path)), exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xen-dom0-run.") as work:
        try:
            xen_elf = xen_binary(xen, work)
        except PlatformError as e:
            obs.rig_detail = str(e)
            return obs
        q = Qemu(qemu_args(case, xen_elf), work, case.timeout)
        reader = XenReader(obs, say, echo, verbose)
        stop_at = None
        with open(log_path, "w") as log:
            q.start()
            try:
                for line in q.lines():
                    if line is not None:
                        log.write(f"{q.elapsed():.2f} {line}\n")
                        reader.feed(line)
                        if reader.end and stop_at is None:
                            stop_at = time.monotonic() + GRACE_S
                    if stop_at and time.monotonic() > stop_at:
                        q.stop()  # Xen halted: QEMU would wait forever
            finally:
                q.stop()
            for m in q.messages():
                log.write(f"{q.elapsed():.2f} {m}\n")
                if m.strip() and echo and not q.stopped:
                    echo(m)
        obs.seconds = q.elapsed()
        reader.finish(q.timed_out, q.returncode())
        obs.platform_lines = reader.xen_lines
        if q.timed_out and obs.end == "timeout":
            obs.rig_detail = f"after {case.timeout} s, QEMU killed"
    return obs
