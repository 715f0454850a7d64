"""The command lines: tools/qemu-run, tools/xen-dom0-run, tools/xen-run (one guest, or a suite in one rig boot) and tools/run-tests (the scenario files on one platform)."""
import os
import shutil
import subprocess
import sys
import tempfile
import time

from . import dom0, matrix, paths, qemu, report, rig, scenario, twohost
from .scenario import ScenarioError
from .suite import SELFTEST, SUITE_FILES, host_checks, run_domu, run_each, run_rig_boot, suite_code
from .verdict import EXIT_CODES, E_USAGE, RIG, judge

EXIT_TABLE = """exit status (tools/pvhtest/verdict.py; the same for every runner):
  0  passed (with an expectation: the run ended as expected)
  1  failed: RESULT: FAIL/ERROR, a non-zero exit status, a --grep or --host-check miss,
     no RESULT and no EXIT line; a suite: some case did not end as expected
  2  crashed: CRASH line, SCHEDOP_shutdown(crash), watchdog, triple fault, Xen panic, stopped
     without powering off; also a reboot (unless "reboot" is expected)
  3  timeout: still running at its timeout, killed
  4  skipped: RESULT: SKIP (unless "skip" is expected)
  5  the platform failed (QEMU, Xen, dom0, xl could not run it; a suite: the rig's self-test failed)
  6  a dom0 script (--dom0, --dom0-post) failed or hung; the guest did as expected
  64 usage error (bad option or scenario file)"""


class Usage(Exception):
    pass


def split_args(argv, tool_opts, tool_flags, case_flags=("--vif",)):
    """Separates this tool's own options from the case's (scenario options) and positionals."""
    mine, case_args, pos = {}, [], []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("-h", "--help"):
            raise Usage("help")
        if a in tool_flags:
            mine[a] = True
        elif a in tool_opts:
            if i + 1 >= len(argv):
                raise Usage(f"option {a} needs a value")
            mine.setdefault(a, []).append(argv[i + 1])
            i += 1
        elif a in case_flags:
            case_args.append(a)
        elif a.startswith("--"):
            if i + 1 >= len(argv):
                raise Usage(f"option {a} needs a value")
            case_args += [a, argv[i + 1]]
            i += 1
        elif a.startswith("-") and a != "-":
            raise Usage(f"unknown option {a}")
        else:
            pos.append(a)
        i += 1
    return mine, case_args, pos


def absolute_paths(case_args):
    """Paths on a command line are relative to the current directory (scenario files: the repository)."""
    out = list(case_args)
    for i, a in enumerate(out[:-1]):
        if a in ("--module", "--dom0", "--dom0-post", "--peer", "--disk") and not os.path.isabs(out[i + 1]):
            out[i + 1] = os.path.abspath(out[i + 1])
    return out


def one_case(platform, image, case_args, expect="pass", default_timeout=60):
    if "--timeout" not in case_args:
        case_args = case_args + ["--timeout", str(default_timeout)]
    env = paths.script_env(paths.rig_dir())
    return scenario.make_case("guest", platform, expect, os.path.abspath(image), absolute_paths(case_args),
                              env, "command line")


def usage_exit(tool, doc, e):
    if str(e) == "help":
        print(doc + "\n" + EXIT_TABLE)
        return 0
    print(f"{tool}: {e}\n(see {tool} --help)", file=sys.stderr)
    return E_USAGE


# ---------------------------------------------------------------- tools/qemu-run

QEMU_DOC = """usage: tools/qemu-run IMAGE [options] [EXPECT]
Boots a PVH image with QEMU's own PVH loader (software emulation), streams its console, judges it.
  --smp N | --vcpus N  vCPUs (default 1)
  --memory MiB         RAM (default 128)
  --cmdline STR        the guest command line
  --machine M          QEMU machine: q35 (default), pc, microvm (microvm,acpi=off ...)
  --timeout S          kill QEMU after S seconds (default 60)
  --module FILE        a boot module (QEMU -initrd: the start info's module 0)
  --grep ERE           a console line must match ERE (repeatable)
  --host-check 'CMD'   run CMD ARGS... CONSOLE_LOG on the host afterwards; must exit 0
  --log FILE           also write the console to FILE
  --qemu ARGS          extra QEMU arguments (word-split)
  --expect EXPECT      (or EXPECT as the last word) pass fail crash reboot timeout skip exit:N:
                       the exit status is 0 when the run ended so"""


def qemu_run(argv):
    try:
        mine, case_args, pos = split_args(argv, ("--log", "--expect"), ())
        case_args = ["--vcpus" if a == "--smp" else a for a in case_args]
        if not pos or len(pos) > 2:
            raise Usage("one IMAGE (and optionally EXPECT)")
        expect = (mine.get("--expect") or [None])[-1] or (pos[1] if len(pos) > 1 else None)
        if not os.access(pos[0], os.R_OK):
            raise Usage(f"cannot read image {pos[0]}")
        case = one_case("qemu", pos[0], case_args, expect or "pass")
    except (Usage, ScenarioError) as e:
        return usage_exit("qemu-run", QEMU_DOC, e)
    if not shutil_which("qemu-system-x86_64"):
        print("qemu-run: qemu-system-x86_64 not found (run tools/setup test)", file=sys.stderr)
        return EXIT_CODES[RIG]
    log = (mine.get("--log") or [None])[-1]
    obs = qemu.run(case, log, echo=lambda l: print(l, flush=True))
    return finish_single("qemu-run", case, obs, expect)


def finish_single(tool, case, obs, expect):
    if case.host_checks:
        with tempfile.NamedTemporaryFile("w", prefix=f"{tool}.", suffix=".log") as f:
            f.writelines(l + "\n" for l in obs.lines)
            f.flush()
            host_checks(case, obs, f.name)
    v = judge(obs, expect, case.greps)
    print(f"{tool}: exit {v.code}: {v.detail}", file=sys.stderr, flush=True)
    return v.code


def shutil_which(name):
    return shutil.which(name)


# ---------------------------------------------------------------- tools/xen-dom0-run

DOM0_DOC = """usage: tools/xen-dom0-run IMAGE [options] [EXPECT]
Boots Xen in QEMU (TCG) with IMAGE as its PVH hardware domain (dom0): no Linux, no toolstack.
  --cmdline STR     the image's command line (Xen hands it over in the start info)
  --vcpus N         dom0's vCPUs (Xen dom0_max_vcpus; QEMU gets as many CPUs; default 1)
  --memory MiB      dom0's memory (Xen dom0_mem; default 64; QEMU gets 256 MiB more for Xen)
  --timeout S       QEMU is killed after S seconds (default 60; Xen itself boots in about 2 s)
  --module FILE     a boot module (dom0's start-info modlist); no blanks or commas in the path
  --grep ERE        a guest console line must match ERE (repeatable)
  --host-check 'CMD' run CMD ARGS... CONSOLE_LOG on the host afterwards; must exit 0
  --xen PATH|VER    the Xen to boot: an ELF or xen.gz, or a rig version (4.17: build/rig,
                    others build/rig-VER; default $XEN, else 4.17; $RIG_DIR/xen when RIG_DIR is set)
  --xen-cmdline STR extra Xen command-line options (e.g. "sched=null dom0_vcpus_pin")
  --qemu ARGS       extra QEMU arguments (word-split)
  --log FILE        the full serial log, timestamped (default $RIG_DIR/dom0-last.log)
  --verbose         show every Xen line, not only milestones and Xen's words about dom0
  --expect EXPECT   (or EXPECT as the last word) pass fail crash reboot timeout skip exit:N
env: RIG_DIR XEN QEMU_CPU (max,-smap,-rdtscp,-avx,-avx2) QEMU_MEM (dom0 memory + 256)
     QEMU_TCG_THREAD (single when --vcpus > 1, else multi)"""


class Clock:
    def __init__(self, tool):
        self.t0, self.tool = time.monotonic(), tool

    def say(self, text):
        print(f"{self.tool}: [{time.monotonic() - self.t0:6.2f}] {text}", flush=True)


def dom0_run(argv):
    try:
        mine, case_args, pos = split_args(argv, ("--log", "--expect", "--xen"), ("--verbose",))
        if not pos or len(pos) > 2:
            raise Usage("one IMAGE (and optionally EXPECT)")
        expect = (mine.get("--expect") or [None])[-1] or (pos[1] if len(pos) > 1 else None)
        if not os.access(pos[0], os.R_OK):
            raise Usage(f"cannot read image {pos[0]}")
        case = one_case("dom0", pos[0], case_args, expect or "pass")
    except (Usage, ScenarioError) as e:
        return usage_exit("xen-dom0-run", DOM0_DOC, e)
    if not shutil_which("qemu-system-x86_64"):
        print("xen-dom0-run: qemu-system-x86_64 not found (run tools/setup test)", file=sys.stderr)
        return EXIT_CODES[RIG]
    xen = (mine.get("--xen") or [None])[-1]
    log = (mine.get("--log") or [os.path.join(paths.rig_dir(xen if xen and paths.VERSION_RE.match(xen) else None),
                                              "dom0-last.log")])[-1]
    clock = Clock("xen-dom0-run")
    obs = dom0.run(case, log, xen=xen, echo=lambda l: print(l, flush=True), say=clock.say,
                   verbose="--verbose" in mine)
    clock.say(f"== done in {obs.seconds:.1f} s; full log: {log}")
    return finish_single("xen-dom0-run", case, obs, expect)


# ---------------------------------------------------------------- tools/xen-run

XEN_DOC = """usage: tools/xen-run IMAGE [options]                  run one guest on the rig
       tools/xen-run [--selftest] [--suite FILE]...   run scenario files' domU cases in ONE rig boot
Boots real Xen + a Linux dom0 inside QEMU (TCG) and runs PVH guests on it as domUs.
guest options (on the command line for IMAGE, or in a scenario file: tools/pvhtest/scenario.py):
  --vcpus N --maxvcpus N --memory MiB (64) --cmdline STR --timeout S (60)
  --disk FILE[,ro][,4k]  a host file as the guest's next disk (xvda, ...; 4k: 4 KiB sectors); a
                         single run writes FILE in place, a suite a fresh copy ($RIG_DIR/disks)
  --vif                  an interface on dom0's bridge xenbr0 (dom0 169.254.100.1/24, guest .2;
                         TCP echo on 169.254.100.1:5000), repeatable
  --module FILE          a boot module (xl "ramdisk")
  --dom0 SCRIPT          busybox sh script run in dom0 while the guest runs
  --dom0-post SCRIPT     busybox sh script run in dom0 after the guest is gone (repeatable)
                         (both get NAME DOMID as $1 $2, and NAME DOMID GUEST_IP DOM0_IP DISK0..
                         in the environment; both must exit 0; the guest's console ring log is
                         /var/log/xen/console/guest-$NAME.log)
  --xl KEY=VALUE         an extra xl config line (replaces a generated one with the same KEY)
  --grep ERE             a guest console line must match ERE (repeatable)
  --host-check 'CMD'     run CMD ARGS... CONSOLE_LOG on the host afterwards; must exit 0
run options:
  --verbose              show the full Xen/dom0 log and the guest's console
  --log FILE             full timestamped log (default $RIG_DIR/last.log)
  --selftest             first run the rig's own self-test guests (tools/xenrig/selftest/scenarios)
  --suite FILE           a scenario file (its domU cases); repeatable
  --xen VERSION          the rig of Xen VERSION (4.17: build/rig, others build/rig-VERSION); also $XEN;
                         $RIG_DIR, when set, wins
  --replay LOG           judge the suite from a saved log (--log's format) instead of booting
env: RIG_DIR XEN QEMU_CPU (max,-smap,-avx,-avx2) QEMU_MEM (1024) QEMU_SMP (2) DOM0_MEM (384M)
     QEMU_EXTRA XEN_CMDLINE_EXTRA QEMU_TCG_THREAD (multi; single when a guest has several vCPUs)"""


def xen_run(argv):
    try:
        mine, case_args, pos = split_args(argv, ("--log", "--suite", "--replay", "--xen"), ("--verbose", "--selftest"))
        suites = mine.get("--suite", [])
        selftest = "--selftest" in mine
        version = (mine.get("--xen") or [None])[-1]
        if version and not paths.VERSION_RE.match(version):
            raise Usage(f"--xen takes a version such as 4.17, not '{version}'")
        if suites or selftest:
            if pos or case_args:
                raise Usage("IMAGE and guest options go in scenario files in suite mode")
        elif len(pos) != 1:
            raise Usage("one IMAGE (use --suite for several)")
        if mine.get("--replay") and not (suites or selftest):
            raise Usage("--replay goes with --suite")
    except Usage as e:
        return usage_exit("xen-run", XEN_DOC, e)
    rigd = paths.rig_dir(version)
    log = (mine.get("--log") or [os.path.join(rigd, "last.log")])[-1]
    verbose = "--verbose" in mine
    replay_log = (mine.get("--replay") or [None])[-1]
    try:
        if suites or selftest:
            env = paths.script_env(rigd)
            cases = []
            if selftest:
                cases += scenario.load([SELFTEST], "domU", version, env, check_files=not replay_log, group="rig")
            cases += scenario.load(suites, "domU", version, env, check_files=not replay_log)
            if not cases:
                raise ScenarioError("no domU cases in " + " ".join(suites))
            names = [c.name for c in cases]
            dup = {n for n in names if names.count(n) > 1}
            if dup:
                raise ScenarioError(f"two cases named {', '.join(sorted(dup))} in one rig boot (names are Xen domain names)")
        else:
            if not os.access(pos[0], os.R_OK):
                raise Usage(f"cannot read image {pos[0]}")
            cases = [one_case("domU", pos[0], case_args)]
    except (Usage, ScenarioError) as e:
        return usage_exit("xen-run", XEN_DOC, e)
    if not replay_log and not shutil_which("qemu-system-x86_64"):
        print("xen-run: qemu-system-x86_64 not found (run tools/setup rig)", file=sys.stderr)
        return EXIT_CODES[RIG]
    if not replay_log and not rig.build_rig(rigd, version):
        print("xen-run: PLATFORM FAILURE: tools/xenrig/build failed", file=sys.stderr)
        return EXIT_CODES[RIG]
    if not (suites or selftest):
        return xen_single(cases[0], rigd, log, verbose)
    results, done = run_rig_boot(cases, rigd, log, verbose, replay_log, label="xen-run")
    report.summary(results, "xen-run")
    report.junit(results, "xen-run" if not replay_log else "xen-run-replay")
    return suite_code(results, done)


def xen_single(case, rigd, log, verbose):
    clock = Clock("xen-run")

    def show(text):
        clock.say(text)

    kw = dict(show=show, verbose=verbose, show_guest=True)
    try:
        reader = rig.boot([case], rigd, log, False, kw)
    except (ValueError, subprocess.CalledProcessError) as e:
        print(f"xen-run: {e}", file=sys.stderr)
        return E_USAGE
    if not reader.done:
        clock.say(f"!! the rig did not finish its jobs (QEMU status {reader.qemu_rc})")
        if not verbose:
            rig.last_words(log, sys.stdout)
    obs = reader.jobs[1].observation()
    clock.say(f"== QEMU exited; full log: {log}")
    return finish_single("xen-run", case, obs, None)


# ---------------------------------------------------------------- tools/run-tests

RUN_DOC = """usage: tools/run-tests --on qemu|dom0|domU [options] [SCENARIO_FILE...]
Runs every case of the scenario files (default: """ + " ".join(SUITE_FILES) + """) that
applies to the platform: a progress line per case, the summary, why each failure failed, and
build/results/<platform>.xml (JUnit). domU cases run on the rig, the self-test first: one boot for
the single-vCPU cases, one more (single-threaded TCG) for the cases with several vCPUs.
  --on PLATFORM       qemu, dom0 or domU
  --xen VERSION       Xen version for dom0/domU (4.17: build/rig; others build/rig-VERSION; or $XEN)
  --only NAME[,NAME]  only these cases
  --matrix            only the cases tests/matrix names for this platform and Xen version (what
                      `make test` runs on a version besides the default); domU: all in ONE rig boot,
                      without the rig's self-test
  --two-hosts         (domU) two rigs on one network, each case's domain migrated from the first to
                      the second (tools/pvhtest/twohost.py; the cases with --peer, e.g.
                      tests/xen/scenarios-2host); logs $RIG_DIR/last-2host.log.a and .b
  --verbose           every console line as it comes
  --log FILE          (domU) the first rig boot's log (default $RIG_DIR/last.log; the second: FILE.smp)
  --list              list the cases that would run
  --images            print the images the cases boot (for make) and exit"""


def run_tests(argv):
    try:
        mine, rest, files = split_args(argv, ("--on", "--xen", "--only", "--log"),
                                       ("--verbose", "--list", "--images", "--matrix", "--two-hosts"))
        if rest:
            raise Usage(f"unknown option {rest[0]}")
        on = (mine.get("--on") or [None])[-1]
        if on not in scenario.PLATFORMS:
            raise Usage("--on qemu|dom0|domU")
        version = (mine.get("--xen") or [None])[-1]
        files = [f if os.path.isabs(f) else os.path.join(paths.TOP, f) for f in (files or SUITE_FILES)]
        if "--images" in mine:
            print(" ".join(os.path.relpath(i, os.getcwd()) for i in scenario.images(files, [on])))
            return 0
        rigd = paths.rig_dir(version)
        env = paths.script_env(rigd)
        cases = scenario.load(files, on, version, env, check_files=False)
        only = set(",".join(mine.get("--only", [])).split(",")) - {""}
        if "--matrix" in mine:
            if on == "qemu":
                raise Usage("--matrix: QEMU has no Xen version (tests/matrix names dom0 and domU cases)")
            listed = set(matrix.cases_for(version, on))
            unknown = listed - {c.name for c in cases}
            if unknown:
                raise Usage(f"tests/matrix names no {on} case {', '.join(sorted(unknown))} for Xen "
                            f"{paths.xen_version(version)}")
            only = (only & listed) if only else listed
            if not only:
                print(f"run-tests: tests/matrix names no {on} case for Xen {paths.xen_version(version)}")
                return 0
        if only:
            unknown = only - {c.name for c in cases}
            if unknown:
                raise Usage(f"no {on} case named {', '.join(sorted(unknown))}")
            cases = [c for c in cases if c.name in only]
        if ("--two-hosts" in mine) != any(c.get("peer") for c in cases) and cases:
            raise Usage("--two-hosts runs the cases with --peer (tests/xen/scenarios-2host), and only those")
        if "--list" not in mine:
            for c in cases:
                scenario.check_files_of(c)
    except (Usage, ScenarioError) as e:
        return usage_exit("run-tests", RUN_DOC, e)
    if "--list" in mine:
        for c in cases:
            print(f"{c.name:24} {c.platform:4} {c.expect:8} {c.where}")
        return 0
    if not shutil_which("qemu-system-x86_64"):
        print("run-tests: qemu-system-x86_64 not found (run tools/setup test)")
        return EXIT_CODES[RIG]
    verbose = "--verbose" in mine
    t0 = time.monotonic()
    # per Xen version (--xen or $XEN): build/results/domU.xml for the default, domU-4.20.xml ...
    xv = paths.xen_version(version)
    label = on if on == "qemu" or xv == paths.DEFAULT_XEN else f"{on}-{xv}"
    if "--two-hosts" in mine:
        label = "2host" + ("" if xv == paths.DEFAULT_XEN else f"-{xv}")
        results, code = twohost.run(cases, rigd, version, (mine.get("--log") or [None])[-1], verbose)
    elif on == "domU":
        results, code = run_domu(cases, rigd, version, (mine.get("--log") or [None])[-1], verbose, only,
                                 one_boot="--matrix" in mine)
    else:
        results = run_each(cases, on, version, verbose, label)
        code = None
    report.summary(results, label)
    path = report.junit(results, label)
    print(f"{label}: {len(results)} cases in {time.monotonic() - t0:.0f} s; JUnit: {os.path.relpath(path, paths.TOP)}")
    return code if code is not None else suite_code(results, True)

