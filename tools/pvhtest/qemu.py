"""Boots a PVH image with QEMU's own PVH loader (-kernel, software emulation) and observes how it ended."""
import shlex
import tempfile

from .proc import Qemu
from .verdict import Observation

DEBUG_EXIT_CRASH = 0x7F  # kernel/shutdown.c: the isa-debug-exit code of a crash


def qemu_args(case):
    args = ["-accel", "tcg", "-M", case.get("machine", "q35"), "-cpu", "max",
            "-m", str(case.num("memory", 128)), "-smp", str(case.num("vcpus", 1)),
            "-display", "none", "-vga", "none", "-nodefaults", "-no-reboot", "-monitor", "none",
            # isa-debug-exit lets the guest end QEMU with its exit status: QEMU exits (code << 1) | 1
            "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
            "-kernel", case.image, "-append", case.get("cmdline", "")]
    if case.get("module"):
        args += ["-initrd", case.get("module")]
    return args + shlex.split(case.get("qemu", ""))


def end_of(rc, timed_out, lines):
    """(end, exit status, words) from QEMU's exit status: the platform's view of the guest's end."""
    if timed_out:
        return "timeout", None, "QEMU killed at the deadline"
    if rc is not None and rc % 2 == 1 and rc < 256:
        code = rc >> 1
        if code == DEBUG_EXIT_CRASH:
            return "crash", None, "isa-debug-exit crash code"
        if "REBOOT" in lines:
            return "reboot", None, ""
        return "poweroff", code, ""
    return "gone", None, f"QEMU stopped with status {rc} and no exit status from the guest (a triple fault?)"


def run(case, log_path=None, echo=None):
    """Boots case.image; returns an Observation. echo(line) sees each console line as it comes."""
    obs = Observation()
    with tempfile.TemporaryDirectory(prefix="qemu-run.") as work:
        q = Qemu(qemu_args(case), work, case.timeout)
        log = open(log_path, "w") if log_path else None
        try:
            q.start()
            for line in q.lines():
                if line is None:
                    continue
                obs.lines.append(line)
                if log:
                    log.write(line + "\n")
                if echo:
                    echo(line)
        finally:
            q.stop()
            if log:
                log.close()
        rc = q.returncode()
        obs.seconds = q.elapsed()
        msgs = [m for m in q.messages() if m.strip()]
        obs.end, obs.status, obs.rig_detail = end_of(rc, q.timed_out, obs.lines)
        if q.timed_out:
            obs.rig_detail = f"after {case.timeout} s, QEMU killed"
        # QEMU that could not start (bad option, unreadable image) also exits 1, which would read as
        # "exit status 0": with its own error words and no guest line, it is the platform's failure.
        if msgs and not obs.lines and not q.timed_out:
            obs.end, obs.status = "rig", None
            obs.rig_detail = f"QEMU exited with status {rc}: " + " / ".join(msgs[-3:])
        elif msgs and log_path:
            with open(log_path, "a") as lf:
                lf.writelines(m + "\n" for m in msgs)
    return obs
