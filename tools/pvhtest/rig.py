"""The real-Xen rig: Xen + a Linux dom0 inside QEMU (TCG) running pvhkit images as domUs, one job after another in one rig boot.

Each case becomes a job directory /jobs/NN/ (xl config, kernel, module, dom0 scripts, timeout) in a
small plain cpio put in front of dom0's initramfs; dom0's /init (tools/xenrig/dom0/init) runs the
jobs and reports on its console in "@@rig JOB EVENT ..." lines, copies the guest's console ring as
"[con] ..." lines and its scripts' output as "[dom0-test] ..."; Xen prints a guest's port-0xE9
output itself as "(dN) ...". RigReader reads that stream (live, or a saved log: replay) and
builds one Observation per job; verdict.judge does the rest.
"""
import os
import re
import shutil
import subprocess
import tempfile

from . import paths
from .proc import Qemu
from .verdict import Observation

LETTERS = "abcdefghijklmnopqrstuvwxyz"
XEN_LINE = re.compile(r"^\((d[1-9][0-9]*|XEN)\) ")
XEN_INSIDE = re.compile(r"\((d[1-9][0-9]*|XEN)\) ")
DOM0_PREFIXES = ("[dom0-test] ", "[dom0-post", "[xl] ", "rig: ", "[rig] ")


def dom0_line(line):
    """What dom0 itself says: its scripts' output, xl's complaints, the rig's own words."""
    return line.startswith(DOM0_PREFIXES)


def reason_name(r):
    names = {"0": "poweroff", "1": "reboot", "2": "suspend", "3": "crash", "4": "watchdog", "none": "none: destroyed"}
    if r in names:
        return names[r]
    if r.isdigit() and 128 <= int(r) <= 255:
        return f"poweroff, exit status {int(r) - 128}"
    return "unknown"


class Job:
    def __init__(self, n, case):
        self.n, self.case = n, case
        self.reset()
        self.rerun = False

    def reset(self):
        self.ended = self.create_failed = self.timeout = self.triple = False
        self.reason = None
        self.domid = None
        self.dom0 = {}
        self.lines, self.dom0_lines = [], []
        self.t_start = self.t_end = None

    def observation(self):
        o = Observation(lines=list(self.lines), dom0_scripts=dict(self.dom0), rerun=self.rerun,
                        triple_fault=self.triple)
        if self.t_start is not None and self.t_end is not None:
            o.seconds = self.t_end - self.t_start
        r = self.reason
        if not self.ended:
            o.end, o.rig_detail = "rig", "the job never finished: Xen, dom0 or QEMU died"
        elif self.create_failed:
            o.end, o.rig_detail = "rig", "xl create failed"
        elif self.timeout:
            o.end, o.rig_detail = "timeout", f"after {self.case.timeout} s, destroyed"
        elif r == "0":
            o.end, o.status = "poweroff", 0
        elif r is not None and r.isdigit() and 128 <= int(r) <= 255:
            # pvhkit reports exit status N as shutdown reason 128 + N (SCHEDOP_shutdown_code)
            o.end, o.status = "poweroff", int(r) - 128
        elif r == "1":
            o.end = "reboot"
        elif r == "3":
            o.end = "crash"
        elif r == "4":
            o.end = "watchdog"
        else:
            o.end, o.rig_detail = "gone", f"shutdown reason {r}: {reason_name(r or 'none')}"
        return o


class RigReader:
    """Follows the rig's serial log, line by line (feed), and keeps each job's record."""

    def __init__(self, cases, clock=None, show=None, on_start=None, on_end=None, verbose=False, show_guest=False):
        self.jobs = {i + 1: Job(i + 1, c) for i, c in enumerate(cases)}
        self.cur = 0
        self.glued = ""
        self.done = False          # dom0 reached its poweroff: every job ran
        self.qemu_rc = None
        self.clock = clock or (lambda: 0.0)
        self.show = show or (lambda text: None)   # milestones, trouble, and (verbose) everything
        self.on_start, self.on_end = on_start, on_end
        self.verbose = verbose
        self.show_guest = show_guest or verbose  # the guest's console as it comes (a single run)

    # ------------------------------------------------------------ glued lines
    def unglue(self, line):
        """Xen prints its lines whole, but dom0's tty hands a line to Xen in pieces (the text, then
        \\r\\n), so a Xen line ("(XEN) ...", a guest's "(dN) ...") can land inside a dom0 line: "dom0
        text(d3) guest text", the rest of dom0's line (often nothing) coming as the next line. The
        Xen line is taken out; dom0's part is kept back and completed by the next non-Xen line."""
        if self.glued and not XEN_LINE.match(line):
            line, self.glued = self.glued + line, ""
        if not XEN_LINE.match(line):
            m = XEN_INSIDE.search(line)
            if m:
                self.glued, line = line[:m.start()], line[m.start():]
        return line

    # ------------------------------------------------------------ lines
    def feed(self, raw):
        line = self.unglue(raw.rstrip("\r"))
        self.handle(line)

    def flush(self):
        if self.glued:
            line, self.glued = self.glued, ""
            self.handle(line)

    def handle(self, line):
        job = self.jobs.get(self.cur)
        if line.startswith("@@qemu-exit "):
            self.qemu_rc = line.split()[1] if len(line.split()) > 1 else "?"
            return
        if line.startswith("@@rig "):
            self.event(line.split()[1:])
        elif line.startswith("[con] "):
            if job:
                self.guest_line(job, "con", line[6:])
            return
        elif XEN_LINE.match(line) and line.startswith("(d"):
            domid = line[2:line.index(")")]
            # Xen's domain ids are never reused in a boot: a late line of a finished guest stays its own
            target = next((j for j in self.jobs.values() if j.domid == domid), None) or job
            if target:
                self.guest_line(target, "e9", line[line.index(") ") + 2:])
                return
        elif "Triple fault" in line and job:
            job.triple = True
        elif line.startswith("(XEN) Xen version"):
            self.show("== Xen up: " + line[6:])
            return
        if self.verbose or self.interesting(line):
            self.show(line)
        if job and dom0_line(line):
            job.dom0_lines.append(line)

    def interesting(self, line):
        """Non-guest lines worth showing without --verbose: dom0's, Xen's words about domUs."""
        if dom0_line(line):
            return True
        if re.search(r"Kernel panic|Panic on CPU|FATAL", line) or line.startswith("libxl: error"):
            return True
        if line.startswith("(XEN) HVM") and " save: " in line:
            return False  # xl saving the domain's context when it is built: noise
        return (line.startswith("(XEN) ") and self.cur > 0
                and bool(re.search(r" d[1-9][0-9]*(v[0-9]+)?[ :]|[Tt]riple|crash", line)))

    def guest_line(self, job, channel, text):
        job.lines.append(text)
        if self.show_guest:
            self.show(f"{channel:3}| {text}")

    # ------------------------------------------------------------ dom0's events
    def event(self, words):
        if len(words) < 2:
            return
        jobno, ev, args = words[0], words[1], words[2:]
        j = self.jobs.get(int(jobno)) if jobno.isdigit() else None
        arg = lambda i: args[i] if len(args) > i else None  # noqa: E731
        if ev == "init":
            self.show("== dom0 /init started")
        elif ev == "dom0-ready":
            self.show("== dom0 ready (xenstored, xenconsoled, xenbr0)")
        elif ev == "error":
            self.show(f"!! dom0: {arg(0) or '?'} failed")
        elif ev == "poweroff":
            self.done = True
            self.show("== dom0 powering off")
        elif ev == "jobs-restarted":
            self.show("!! dom0 restarted its job loop (see 'rig:' lines); the job it was in runs again")
        elif j is None:
            return
        elif ev == "start":
            self.cur = j.n
            if self.show_guest:
                self.show(f"== [{j.n:02}] {j.case.name}: xl create (expect {j.case.expect})")
            if j.t_start is not None:  # the job loop died in it: only the rerun counts
                j.reset()
                j.rerun = True
                self.show(f"!! [{j.n:02}] {j.case.name} runs again: what it did before does not count")
            j.t_start = self.clock()
            if self.on_start:
                self.on_start(j)
        elif ev == "created":
            j.domid = arg(1)
        elif ev == "create-failed":
            j.create_failed = True
            self.show(f"!! [{j.n:02}] {j.case.name}: xl create FAILED")
        elif ev == "timeout":
            j.timeout = True
        elif ev == "gone":
            j.reason = arg(1) or "none"
            if self.show_guest:
                self.show(f"== [{j.n:02}] guest gone, shutdown reason {j.reason} ({reason_name(j.reason)})")
        elif ev == "dom0-test" or ev.startswith("dom0-post"):
            # no status: dom0 could not even record it (e.g. its RAM filled up)
            j.dom0[ev] = arg(1) or "unknown"
        elif ev == "end":
            j.ended = True
            j.t_end = self.clock()
            if self.on_end:
                self.on_end(j)

    def observations(self):
        return {n: j.observation() for n, j in self.jobs.items()}


# ---------------------------------------------------------------- staging the jobs

class Stage:
    """The jobs' tree for dom0 (/jobs/NN/...) and the QEMU disks they need."""

    def __init__(self, work, rig, suite_mode):
        self.root = os.path.join(work, "stage")
        os.makedirs(os.path.join(self.root, "jobs"))
        self.rig, self.suite_mode = rig, suite_mode
        self.staged = {}      # host file -> its dom0 path (a file used by several jobs is packed once)
        self.disk_args = []
        self.n = 0
        self.max_vcpus = 1
        # a rig on a network (tools/pvhtest/twohost.py): QEMU's NIC, dom0's settings (/rig.env),
        # and disks another QEMU opens too (no image locking)
        self.net_args = []
        self.dom0_env = {}
        self.shared_disks = False

    def put(self, src, dst):
        key = os.path.realpath(src)
        if key in self.staged:
            os.symlink(self.staged[key], self.root + dst)
        else:
            with open(src, "rb") as f:
                elf = f.read(4) == b"\x7fELF"
            if elf:
                # debug info is most of an image (https: 3.1 MB of 3.6) and dom0 unpacks every job's
                # files into its 384 MiB of RAM ("Initramfs unpacking failed: write error" with
                # every suite guest unstripped); the loader and backtraces need none of it
                subprocess.run(["objcopy", "--strip-debug", src, self.root + dst], check=True)
            else:
                shutil.copy(src, self.root + dst)
            self.staged[key] = dst

    def job_dir(self, case, dom0_test, posts):
        """A new /jobs/NN/ with the parts every job has: name, timeout, dom0 scripts."""
        self.n += 1
        n = f"{self.n:02}"
        d = os.path.join(self.root, "jobs", n)
        os.makedirs(d)
        open(os.path.join(d, "name"), "w").write(case.name + "\n")
        open(os.path.join(d, "timeout"), "w").write(f"{case.timeout}\n")
        scripts = ([("dom0-test", dom0_test)] if dom0_test else []) + [(f"dom0-post-{i + 1}", p) for i, p in enumerate(posts)]
        for dst, src in scripts:
            shutil.copy(src, os.path.join(d, dst))
            os.chmod(os.path.join(d, dst), 0o755)
        return n, d

    def add_receiver(self, case):
        """The second host's side of a migration (twohost.py): no guest of its own; its dom0 script
        (the case's --peer) takes the domain in, its --dom0-post scripts run after it; the same disks."""
        n, d = self.job_dir(case, case.get("peer"), case.posts)
        open(os.path.join(d, "receive"), "w").close()
        # the kernel the migrated config names, as a pool's hosts all have their guests' files
        self.put(case.image, f"/jobs/{n}/kernel")
        for i, spec in enumerate(case.disks):
            self.disk(case, n, d, i, spec)

    def add(self, case, posts=None):
        n, d = self.job_dir(case, case.get("dom0"), case.posts if posts is None else posts)
        self.max_vcpus = max(self.max_vcpus, case.num("vcpus", 1))
        self.put(case.image, f"/jobs/{n}/kernel")
        vcpus = case.num("vcpus", 1)
        cfg = {
            "name": f'"{case.name}"', "type": '"pvh"', "kernel": f'"/jobs/{n}/kernel"',
            "cmdline": f'"{case.get("cmdline", "")}"', "memory": str(case.num("memory", 64)),
            "vcpus": str(vcpus), "maxvcpus": str(case.num("maxvcpus", vcpus)),
            # Xen traps RDTSC(P) when the TSC is not reliable (never under TCG), and QEMU's emulated
            # SVM reports the RDTSCP exit wrongly, which crashes the guest: don't trap.
            "tsc_mode": '"native"',
            # The runner reads the shutdown reason; nothing should restart or keep a dead guest.
            "on_poweroff": '"destroy"', "on_reboot": '"destroy"', "on_crash": '"destroy"',
        }
        if case.get("module"):
            self.put(case.get("module"), f"/jobs/{n}/module")
            cfg["ramdisk"] = f'"/jobs/{n}/module"'
        if case.vifs:
            # The same MAC per vif index in every job, so a guest IP always maps to one MAC.
            cfg["vif"] = "[ " + ", ".join(f"'bridge=xenbr0,mac=00:16:3e:00:00:{i + 2:02x}'"
                                         for i in range(case.vifs)) + " ]"
        if case.disks:
            cfg["disk"] = "[ " + ", ".join(self.disk(case, n, d, i, spec) for i, spec in enumerate(case.disks)) + " ]"
        for kv in case.xl:  # replaces a generated line with the same key
            k, v = kv.split("=", 1)
            cfg.pop(k.strip(), None)
            cfg[k.strip()] = v.strip()
        with open(os.path.join(d, "xl.cfg"), "w") as f:
            f.write(f"# {case.name}, generated by tools/xen-run\n")
            f.writelines(f"{k} = {v}\n" for k, v in cfg.items())

    def disk(self, case, n, d, i, spec):
        """FILE[,ro][,4k]: read-only, and/or 4 KiB logical sectors (blkback passes them on)."""
        file, ro, blocks = spec, False, ""
        while True:
            m = re.match(r"^(.*),(ro|4k)$", file)
            if not m:
                break
            file = m.group(1)
            if m.group(2) == "ro":
                ro = True
            else:
                blocks = ",logical_block_size=4096,physical_block_size=4096"
        if not os.path.isabs(file):
            file = os.path.join(paths.TOP, file)
        if not os.path.isfile(file):
            raise ValueError(f"{case.name}: no such disk file: {file}")
        if "," in file:
            raise ValueError(f"{case.name}: QEMU cannot take a disk path with a comma: {file}")
        vdev = "xvd" + LETTERS[i]
        if self.suite_mode:
            # A fresh copy per case: a guest never sees another's writes, the source stays as it is.
            os.makedirs(os.path.join(self.rig, "disks"), exist_ok=True)
            copy = os.path.join(self.rig, "disks", f"{case.name}-{vdev}.img")
            subprocess.check_call(["cp", "--sparse=always", file, copy])
            file = copy
        serial = f"j{n}d{i}"  # dom0 finds the disk by this serial (/sys/block/vdX/serial)
        with open(os.path.join(d, "disks"), "a") as f:
            f.write(serial + "\n")
        self.disk_args += ["-drive", f"file={file},if=none,id={serial},format=raw" + (",readonly=on" if ro else "")
                           + (",file.locking=off" if self.shared_disks else ""),
                           "-device", f"virtio-blk-pci,drive={serial},serial={serial}{blocks}"]
        return f"'phy:@DISK{i}@,{vdev},{'r' if ro else 'w'}'"

    def pack(self, work):
        """The jobs' cpio in front of dom0's initramfs. Not compressed: gunzip in dom0 (TCG) costs
        more than QEMU's copy; plain first: it ends on a 512-byte block, while after a gzip member
        the kernel rejects a plain archive ("invalid magic at start of compressed archive")."""
        if self.dom0_env:
            with open(os.path.join(self.root, "rig.env"), "w") as f:
                f.writelines(f"{k}={v}\n" for k, v in self.dom0_env.items())
        names = subprocess.run(["find", "."], cwd=self.root, capture_output=True, check=True).stdout
        names = b"\n".join(sorted(names.splitlines())) + b"\n"
        cpio = subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=self.root, input=names,
                              capture_output=True, check=True).stdout
        out = os.path.join(work, "dom0-initrd")
        with open(out, "wb") as f, open(os.path.join(self.rig, "dom0.cpio.gz"), "rb") as g:
            f.write(cpio)
            shutil.copyfileobj(g, f)
        return out

    def tcg_thread(self):
        """QEMU 7.2's multi-threaded TCG sometimes corrupts a guest vCPU's saved state when several
        vCPUs of one guest interrupt each other across Xen's two CPUs ("Triple fault" of a healthy
        guest: tools/xenrig/README.md, pitfall 17): a boot with a multi-vCPU guest is single-threaded."""
        return os.environ.get("QEMU_TCG_THREAD") or ("single" if self.max_vcpus > 1 else "multi")


def qemu_args(rig, stage, initrd):
    env = os.environ.get
    xen_cmd = (f"console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all "
               f"dom0_mem={env('DOM0_MEM', '384M')},max:{env('DOM0_MEM', '384M')} dom0_max_vcpus=1 console_to_ring "
               # smap=0: Debian's PV dom0 kernel dies at its first instruction when Xen enforces SMAP;
               # spec-ctrl=eager-fpu: with lazy FPU switching QEMU's emulated SVM loses a vCPU's SSE
               # registers now and then, and dom0's programs crash (tools/xenrig/README.md, pitfall 22)
               f"smap=0 spec-ctrl=eager-fpu {env('XEN_CMDLINE_EXTRA', '')}")
    dom0_cmd = "console=hvc0 earlyprintk=xen quiet"  # no commas: QEMU splits -initrd at them
    return (["-accel", f"tcg,thread={stage.tcg_thread()}", "-cpu", env("QEMU_CPU", "max,-smap,-avx,-avx2"),
             "-m", env("QEMU_MEM", "1024"), "-smp", env("QEMU_SMP", "2"),
             "-display", "none", "-vga", "none", "-monitor", "none", "-no-reboot"]
            + (stage.net_args or ["-nic", "none"]) + stage.disk_args + env("QEMU_EXTRA", "").split()
            + ["-kernel", os.path.join(rig, "xen"), "-append", xen_cmd,
               "-initrd", f"{os.path.join(rig, 'vmlinuz')} {dom0_cmd},{initrd}"])


def build_rig(rig, version=None):
    env = dict(os.environ, RIG_DIR=rig, XEN=paths.xen_version(version))
    return subprocess.call([os.path.join(paths.XENRIG, "build")], env=env) == 0


def boot(cases, rig, log_path, suite_mode, reader_kw, tick=None, setup=None):
    """One rig boot running `cases` in order; returns the RigReader with every job's record.
    setup(stage) stages the jobs instead of the plain stage.add of each case (twohost.py)."""
    with tempfile.TemporaryDirectory(prefix="xen-run.") as work:
        if suite_mode:
            shutil.rmtree(os.path.join(rig, "disks"), ignore_errors=True)
        stage = Stage(work, rig, suite_mode)
        if setup:
            setup(stage)
        else:
            for c in cases:
                stage.add(c)
        initrd = stage.pack(work)
        deadline = 60 + sum(c.timeout + 30 for c in cases)
        q = Qemu(qemu_args(rig, stage, initrd), work, deadline)
        reader = RigReader(cases, **reader_kw)
        reader.show(f"== QEMU TCG thread={stage.tcg_thread()} (up to {stage.max_vcpus} vCPUs per guest)")
        os.makedirs(os.path.dirname(os.path.abspath(log_path)), exist_ok=True)
        with open(log_path, "w") as log:
            q.start()
            reader.clock = q.elapsed
            try:
                for line in q.lines():
                    if line is None:
                        if tick:
                            tick()
                        continue
                    log.write(f"{q.elapsed():.2f} {line}\n")
                    reader.feed(line)
            finally:
                q.stop()
            reader.flush()
            rc = q.returncode()
            for m in q.messages():
                log.write(f"{q.elapsed():.2f} {m}\n")
            reader.qemu_rc = "deadline" if q.timed_out else str(rc)
        return reader


def replay(cases, log_path, reader_kw):
    """Judges a saved serial log (--log's format: "SECONDS line") instead of booting the rig."""
    t = [0.0]
    reader = RigReader(cases, clock=lambda: t[0], **reader_kw)
    with open(log_path, errors="replace") as f:
        for raw in f.read().split("\n"):
            m = re.match(r"^([0-9.]+) ?(.*)$", raw)
            if m:
                t[0] = float(m.group(1))
                raw = m.group(2)
            reader.feed(raw)
    reader.flush()
    return reader


def last_words(log_path, out):
    """A dead rig's cause is usually in its last lines; a Linux panic's backtrace would fill
    them, so what led up to dom0's kernel panic is shown as well."""
    try:
        lines = open(log_path, errors="replace").read().splitlines()
    except OSError:
        return
    panic = [i for i, l in enumerate(lines) if re.match(r"^[0-9.]+ \[ *[0-9.]+\] Kernel panic", l)]
    if panic:
        n = panic[-1]
        print("== the log before dom0's kernel panic:", file=out)
        for l in lines[max(0, n - 30):n + 1]:
            print("   " + l, file=out)
    print("== last lines of the log:", file=out)
    for l in lines[-20:]:
        print("   " + l, file=out)
