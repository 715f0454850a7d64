"""Running cases: one boot per case on QEMU and as dom0, a rig boot for many domUs; each case's console log, host checks, verdict and result."""
import os
import shlex
import subprocess
import sys
import threading

from . import dom0, paths, qemu, report, rig, scenario
from .report import Result
from .verdict import EXIT_CODES, FAIL, RIG, judge

SUITE_FILES = ["tests/qemu/scenarios", "tests/dom0/scenarios", "tests/xen/scenarios", "tests/xen/scenarios-smp"]


SELFTEST = os.path.join(paths.XENRIG, "selftest", "scenarios")


def host_checks(case, obs, console_log):
    """Runs the case's --host-check commands with the console log as their last argument."""
    for check in case.host_checks:
        cmd = shlex.split(check)
        if not os.path.isabs(cmd[0]):
            cmd[0] = os.path.join(paths.TOP, cmd[0])
        try:
            p = subprocess.run(cmd + [console_log], cwd=paths.TOP, capture_output=True, text=True, timeout=120,
                               env=paths.script_env(paths.rig_dir()))
            obs.host_checks[check] = (p.returncode, p.stdout + p.stderr)
        except (OSError, subprocess.TimeoutExpired) as e:
            obs.host_checks[check] = (127, str(e))


def write_console(path, lines):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.writelines(line + "\n" for line in lines)


def suite_code(results, rig_done):
    """0 all as expected; 5 the platform failed (a rig self-test case, or the rig died); else 1."""
    if not rig_done or any(not r.verdict.ok and (r.case.group == "rig" or r.verdict.outcome == RIG and r.case.platform != "domU")
                           for r in results):
        print("PLATFORM FAILURE: the platform (or the rig's self-test) failed; the pvhkit results above do not count")
        return EXIT_CODES[RIG]
    return 0 if all(r.verdict.ok for r in results) else EXIT_CODES[FAIL]


def run_rig_boot(cases, rigd, log, verbose, replay_log=None, label="domU", progress=None):
    """Runs `cases` in one rig boot (or judges a saved log); returns (results, whether dom0 finished)."""
    progress = progress or report.Progress(len(cases), label)
    # build/test-xen for the default rig, build/test-xen-4.20 for build/rig-4.20: versions apart
    base = os.path.basename(os.path.normpath(rigd))
    console_dir = os.path.join(paths.build_dir(), "test-xen" + (base[3:] if base.startswith("rig-") else ""))
    results = []

    def on_start(job):
        progress.start(job.case.name)

    def on_end(job):
        r = job_result(job, console_dir, log)
        results.append(r)
        progress.finish(r)

    kw = dict(show=progress.say if verbose else trouble(progress), on_start=on_start, on_end=on_end, verbose=verbose)
    if replay_log:
        reader = rig.replay(cases, replay_log, kw)
    else:
        try:
            reader = rig.boot(cases, rigd, log, True, kw, tick=progress.tick)
        except (ValueError, subprocess.CalledProcessError) as e:
            progress.say(f"xen-run: cannot stage the jobs: {e}")
            reader = rig.RigReader(cases)
    # jobs that never ended (the rig died) are judged too, in job order
    seen = {id(r.case) for r in results}
    for n, job in reader.jobs.items():
        if id(job.case) not in seen:
            results.append(job_result(job, console_dir, log))
    results.sort(key=lambda r: cases.index(r.case))
    if not reader.done:
        progress.say(f"!! the rig did not finish its jobs (QEMU status {reader.qemu_rc})")
        if not replay_log and not verbose:
            rig.last_words(log, sys.stdout)
    return results, reader.done


def trouble(progress):
    """Without --verbose only trouble ("!!") is shown between the per-case lines."""
    return lambda text: progress.say(text) if text.startswith("!!") else None


def job_result(job, console_dir, log):
    obs = job.observation()
    console_log = os.path.join(console_dir, f"{job.case.name}.log")
    write_console(console_log, obs.lines)
    host_checks(job.case, obs, console_log)
    v = judge(obs, job.case.expect, job.case.greps)
    return Result(job.case, v, obs, obs.seconds, console_log, list(job.dom0_lines))


def run_each(cases, on, version, verbose, label):
    """qemu and dom0: one boot per case, in turn."""
    progress = report.Progress(len(cases), label)
    out_dir = os.path.join(paths.build_dir(), f"test-{label}")
    os.makedirs(out_dir, exist_ok=True)
    results = []
    for c in cases:
        progress.start(c.name)
        console_log = os.path.join(out_dir, f"{c.name}.log")
        echo = (lambda l: progress.say(f"  | {l}")) if verbose else None
        if on == "qemu":
            obs = run_ticking(lambda: qemu.run(c, console_log, echo=echo), progress)
        else:
            serial = os.path.join(out_dir, f"{c.name}.serial.log")
            obs = run_ticking(lambda: dom0.run(c, serial, xen=version, echo=echo), progress)
            write_console(console_log, obs.lines)
        host_checks(c, obs, console_log)
        v = judge(obs, c.expect, c.greps)
        r = Result(c, v, obs, obs.seconds, console_log, list(obs.platform_lines))
        results.append(r)
        progress.finish(r)
    return results


def run_ticking(fn, progress):
    """Runs fn while the progress line's clock moves (on a terminal)."""
    if not progress.tty:
        return fn()
    box = {}
    t = threading.Thread(target=lambda: box.setdefault("obs", fn()), daemon=True)
    t.start()
    while t.is_alive():
        t.join(0.5)
        progress.tick()
    return box["obs"]


def run_domu(cases, rigd, version, log, verbose, only, one_boot=False):
    """The rig's self-test and the single-vCPU cases in one boot; the multi-vCPU cases in a second
    one on single-threaded TCG (tools/xenrig/README.md, pitfall 17). one_boot: every case in one
    boot (single-threaded TCG when any has several vCPUs: one rig boot costs more than the
    single-vCPU guests lose), as the version matrix of `make test` runs them."""
    if not rig.build_rig(rigd, version):
        print("run-tests: PLATFORM FAILURE: tools/xenrig/build failed")
        return [], EXIT_CODES[RIG]
    env = paths.script_env(rigd)
    selftest = [] if only else scenario.load([SELFTEST], "domU", version, env, group="rig")
    log = log or os.path.join(rigd, "last.log")
    one = selftest + [c for c in cases if one_boot or c.num("vcpus", 1) == 1]
    smp = [c for c in cases if not one_boot and c.num("vcpus", 1) > 1]
    progress = report.Progress(len(one) + len(smp), "domU")
    results, code = [], 0
    for boot_cases, boot_log, what in ((one, log, "guests" if one_boot else "single-vCPU guests"), (smp, log + ".smp", "multi-vCPU guests")):
        if not boot_cases:
            continue
        progress.say(f"== rig boot: {len(boot_cases)} {what}; log {os.path.relpath(boot_log, paths.TOP)}")
        rs, done = run_rig_boot(boot_cases, rigd, boot_log, verbose, progress=progress)
        results += rs
        c = suite_code(rs, done)
        if c == EXIT_CODES[RIG]:
            return results, c  # a second boot would only fail the same way
        code = code or c
    return results, code
