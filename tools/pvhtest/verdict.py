"""The one verdict of the harness: how a guest's run ended, judged against what its case expects, and the one exit-code table.

Every runner (QEMU, Xen's PVH dom0, the rig's domUs) fills in an Observation: how the platform
saw the guest end (its `end`, an exit status when the platform reports one) and the guest's own
console lines; `judge` turns it into an Outcome, and `exit_code` into the status the tools exit
with. Nothing else in the package decides whether a guest passed.
"""
import re
from dataclasses import dataclass, field

# Outcomes, in the words the summaries and the scenario files use.
PASS, FAIL, CRASH, REBOOT, TIMEOUT, SKIP, DOM0, RIG = "pass", "fail", "crash", "reboot", "timeout", "skip", "dom0", "rig"

# THE exit-code table (README.md "Exit status" repeats it; tests/unit/harness checks both agree).
EXIT_CODES = {
    PASS: 0,     # as expected; without an expectation: RESULT: PASS, or no RESULT line and EXIT: 0
    FAIL: 1,     # RESULT: FAIL/ERROR, a non-zero exit status, a --grep/--host-check miss, no RESULT nor EXIT,
                 # or (with an expectation) any other outcome that is not the expected one and has no code below
    CRASH: 2,    # a crash: CRASH line, SCHEDOP_shutdown(crash), watchdog, triple fault, Xen panic, or it stopped
                 # without powering off (destroyed, vanished, QEMU ended with no exit status)
    REBOOT: 2,   # SCHEDOP_shutdown(reboot): counted with crashes unless the case expects "reboot"
    TIMEOUT: 3,  # still running at its timeout: killed/destroyed
    SKIP: 4,     # RESULT: SKIP
    RIG: 5,      # the platform failed: QEMU/Xen/dom0/xl could not run the guest (not the guest's fault)
    DOM0: 6,     # the guest did as expected but a dom0 script (--dom0, --dom0-post) failed or hung
}
E_USAGE = 64     # bad command line or scenario file
# A whole suite: 0 every case as expected, FAIL (1) some case not, RIG (5) the platform failed
# (including the rig's self-test), E_USAGE.

EXPECTATIONS = (PASS, FAIL, CRASH, REBOOT, TIMEOUT, SKIP)
_EXPECT_RE = re.compile(r"^(pass|fail|crash|reboot|timeout|skip|exit:[0-9]+)$")


def valid_expectation(word):
    return bool(_EXPECT_RE.match(word or ""))


# How the platform saw the guest end.
ENDS = (
    "poweroff",  # SCHEDOP_shutdown(poweroff) / QEMU isa-debug-exit with an exit status
    "crash",     # SCHEDOP_shutdown(crash), Xen's "Dom0 crashed", QEMU debug-exit crash code
    "watchdog",  # Xen's watchdog shut it down
    "reboot",    # SCHEDOP_shutdown(reboot)
    "panic",     # Xen itself panicked (PVH dom0)
    "timeout",   # still running at the deadline
    "gone",      # ended with no reason: destroyed, or QEMU stopped without an exit status
    "rig",       # the platform failed before the guest could end (see Observation.rig_detail)
)


@dataclass
class Observation:
    """What one run of one guest showed: filled in by a runner, read only by judge()."""
    end: str = "rig"
    status: int = None           # exit status the platform reports (Xen reason 128+N, QEMU debug-exit)
    triple_fault: bool = False   # Xen logged a triple fault for it (Xen turns it into a reboot)
    rig_detail: str = ""         # why the platform failed / extra words about the end
    lines: list = field(default_factory=list)       # the guest's console lines, in order
    dom0_scripts: dict = field(default_factory=dict)  # script name -> "0", "1", "timeout", "unknown"
    host_checks: dict = field(default_factory=dict)   # --host-check command -> (rc, output)
    rerun: bool = False          # the rig's job loop died in its first run: this is the rerun
    platform_lines: list = field(default_factory=list)  # what the platform said about it (dom0: Xen's lines)
    seconds: float = 0.0

    def console(self):
        """(RESULT word, EXIT status, first CRASH line, REBOOT seen) from the guest's own lines."""
        result = exit_line = crash = None
        reboot = False
        for line in self.lines:
            if line.startswith("RESULT: "):
                result = (line[8:].split() or [""])[0]
            elif line.startswith("EXIT: "):
                m = re.match(r"^EXIT: (-?[0-9]+)\s*$", line)
                if m:
                    exit_line = int(m.group(1))
            elif line.startswith("CRASH: ") and crash is None:
                crash = line
            elif line == "REBOOT":
                reboot = True
        return result, exit_line, crash, reboot


@dataclass
class Verdict:
    outcome: str       # what happened (PASS ... RIG), before the expectation
    ok: bool           # met the expectation (and dom0's scripts and host checks passed)
    code: int          # the exit status for this run (EXIT_CODES)
    detail: str        # one line for people
    missing: list = field(default_factory=list)  # --grep patterns no line matched
    got: str = ""      # the outcome as a summary shows it: exit:N for a non-zero exit status


def missing_greps(lines, greps):
    """The patterns (Python re, ERE-compatible as written in the scenario files) no line matches."""
    out = []
    for pat in greps:
        rx = re.compile(pat)
        if not any(rx.search(line) for line in lines):
            out.append(pat)
    return out


def _outcome(obs, missing, failed_checks):
    """The outcome of a run, whatever was expected, and why."""
    result, exit_line, crash, _ = obs.console()
    end = obs.end
    if end == "rig":
        return RIG, "PLATFORM FAILURE: " + (obs.rig_detail or "the guest never finished")
    if end == "timeout":
        return TIMEOUT, "TIMED OUT" + (f" ({obs.rig_detail})" if obs.rig_detail else "")
    # A crash wins over everything the guest said before it (RESULT: PASS then a fault is a crash).
    if end == "panic":
        return CRASH, "Xen PANICKED: " + (obs.rig_detail or "see the log")
    if obs.triple_fault:
        return CRASH, "CRASHED (triple fault)"
    if end in ("crash", "watchdog") or crash:
        return CRASH, f"CRASHED ({end}" + (f": {crash}" if crash else "") + ")"
    if end == "reboot":
        return REBOOT, "REBOOTED (SCHEDOP_shutdown(reboot))"
    if end != "poweroff":
        return CRASH, "CRASHED: stopped without powering off (" + (obs.rig_detail or end) + ")"
    status = obs.status if obs.status is not None else exit_line
    said = f"RESULT: {result or 'none'}, exit status {'?' if status is None else status}"
    if result in ("FAIL", "ERROR"):
        return FAIL, f"FAILED ({said})"
    if result is None and exit_line is None:
        return FAIL, f"FAILED: powered off without a RESULT or EXIT line (exit status {'?' if status is None else status})"
    if status is not None and status != 0:
        return FAIL, f"exit status {status} (RESULT: {result or 'none'})"
    if missing:
        return FAIL, f"FAILED: no console line matches: {' | '.join(missing)}"
    if failed_checks:
        return FAIL, f"FAILED: host check failed: {' | '.join(failed_checks)}"
    if result == "SKIP":
        return SKIP, f"SKIPPED ({said})"
    return PASS, f"passed ({said})"


def judge(obs, expect=None, greps=()):
    """The verdict of one run. expect: None (a plain run: the outcome decides), or a scenario's
    expectation (pass fail crash reboot timeout skip exit:N); greps must match whatever is expected."""
    missing = missing_greps(obs.lines, greps)
    failed_checks = [c for c, (rc, _) in obs.host_checks.items() if rc != 0]
    outcome, detail = _outcome(obs, missing, failed_checks)
    dom0_bad = {s: rc for s, rc in obs.dom0_scripts.items() if rc != "0"}
    if expect is None:
        ok = outcome == PASS
    elif expect.startswith("exit:"):
        _, exit_line, _, _ = obs.console()
        status = obs.status if obs.status is not None else exit_line
        ok = (outcome in (PASS, FAIL, SKIP) and obs.end == "poweroff" and status == int(expect[5:])
              and not missing and not failed_checks)
    else:
        ok = outcome == expect and not missing and not failed_checks
    if missing and outcome != FAIL:
        detail += "; no console line matches: " + " | ".join(missing)
    if failed_checks and outcome != FAIL:
        detail += "; host check failed: " + " | ".join(failed_checks)
    if obs.rerun:
        detail += " (rerun: the dom0 job loop died in its first run)"
    if expect is not None:
        detail += f", as expected ({expect})" if ok else f"; expected {expect}"
    if dom0_bad:
        detail += "; but a dom0 script FAILED (" + " ".join(f"{s}={rc}" for s, rc in dom0_bad.items()) + ")"
    result, exit_line, _, _ = obs.console()
    status = obs.status if obs.status is not None else exit_line
    said_fail = result in ("FAIL", "ERROR")
    got = f"exit:{status}" if outcome == FAIL and obs.end == "poweroff" and status and not said_fail else outcome
    if ok and dom0_bad:
        return Verdict(DOM0, False, EXIT_CODES[DOM0], detail, missing, DOM0)
    if ok:
        return Verdict(outcome, True, 0, detail, missing, got)
    code = EXIT_CODES[outcome]
    if code == 0:  # it passed, but something else was expected
        code = EXIT_CODES[FAIL]
    return Verdict(outcome, False, code, detail, missing, got)
