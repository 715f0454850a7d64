"""Results for people and machines: a live progress line per case, the summary table, the failure details and one JUnit XML file per run."""
import os
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from . import paths


@dataclass
class Result:
    case: object          # scenario.Case
    verdict: object       # verdict.Verdict
    obs: object           # verdict.Observation
    seconds: float = 0.0
    log: str = ""         # where its console (or the run's log) is kept
    dom0_lines: list = field(default_factory=list)  # what dom0 said about it (rig)


class Progress:
    """On a terminal, one line rewritten in place: the running case, its time, how many are left.
    Otherwise (CI) plain lines only: one per finished case."""

    def __init__(self, total, label, out=sys.stdout):
        self.total, self.label, self.out = total, label, out
        self.done = 0
        self.tty = out.isatty() and os.environ.get("TERM") != "dumb"
        self.current = None
        self.t_case = self.t0 = time.monotonic()
        self.shown = False

    def start(self, name):
        self.current, self.t_case = name, time.monotonic()
        self.tick()

    def tick(self):
        if not self.tty or self.current is None:
            return
        left = self.total - self.done
        s = (f"\r\033[K[{self.label} {self.done + 1}/{self.total}] {self.current}  "
             f"{time.monotonic() - self.t_case:5.1f} s  ({left} left, {time.monotonic() - self.t0:.0f} s so far)")
        self.out.write(s)
        self.out.flush()
        self.shown = True

    def clear(self):
        if self.tty and self.shown:
            self.out.write("\r\033[K")
            self.shown = False

    def say(self, text):
        """A line of its own (trouble, milestones), the progress line redrawn under it."""
        self.clear()
        print(text, file=self.out, flush=True)
        self.tick()

    def finish(self, result):
        self.done += 1
        self.current = None
        self.clear()
        v = result.verdict
        mark = "ok  " if v.ok else "FAIL"
        print(f"{mark} {self.done:3}/{self.total} {result.case.platform:4} {result.case.name:24} "
              f"{result.seconds:6.1f} s  {v.detail}", file=self.out, flush=True)


def summary(results, label, out=sys.stdout):
    """The table, the closing count, then why each failed case failed (at the end of a long CI log)."""
    print(f"== {label}: summary", file=out)
    for r in results:
        v = r.verdict
        rerun = "  (rerun: the dom0 job loop died in its first run)" if r.obs.rerun else ""
        print(f"  {'ok  ' if v.ok else 'FAIL'} {r.case.name:24} {r.case.platform:4} expect {r.case.expect:8} "
              f"got {v.got or v.outcome:8} {r.seconds:6.1f} s{rerun}", file=out)
    bad = [r for r in results if not r.verdict.ok]
    print(f"{label}: {len(results) - len(bad)} passed, {len(bad)} failed", file=out)
    for r in bad:
        failure_detail(r, out)
    out.flush()


def failure_detail(r, out=sys.stdout):
    print(f"== why {r.case.name} ({r.case.platform}) failed: {r.verdict.detail}", file=out)
    print(f"   case: {r.case.where}; console log: {os.path.relpath(r.log, paths.TOP) if r.log else '-'}", file=out)
    if r.dom0_lines:
        what = "Xen's lines about dom0" if r.case.platform == "dom0" else "dom0's lines (its scripts, xl, the rig)"
        print(f"   -- {what}:", file=out)
        for line in r.dom0_lines[-15:]:
            print(f"   | {line}", file=out)
    for check, (rc, text) in r.obs.host_checks.items():
        if rc != 0:
            print(f"   -- host check {check} exited {rc}:", file=out)
            for line in text.splitlines()[-10:]:
                print(f"   | {line}", file=out)
    if not r.obs.lines:
        print("   (no guest output)", file=out)
        return
    for line in [l for l in r.obs.lines if l.startswith("not ok ")][:20]:
        print(f"   {line}", file=out)
    print("   -- its last console lines:", file=out)
    for line in r.obs.lines[-25:]:
        print(f"   | {line}", file=out)


def _clean(text):
    """XML 1.0 has no place for most control characters (a guest's escape sequences)."""
    return "".join(c if c in "\t\n" or ord(c) >= 0x20 else "?" for c in text)


def junit(results, suite_name, path=None):
    """Writes build/results/<suite_name>.xml (JUnit: one testcase per case; skips as skipped)."""
    path = path or os.path.join(paths.results_dir(), f"{suite_name}.xml")
    failures = sum(1 for r in results if not r.verdict.ok)
    ts = ET.Element("testsuite", name=suite_name, tests=str(len(results)), failures=str(failures),
                    errors="0", skipped=str(sum(1 for r in results if r.verdict.ok and r.verdict.outcome == "skip")),
                    time=f"{sum(r.seconds for r in results):.2f}")
    for r in results:
        tc = ET.SubElement(ts, "testcase", classname=f"{suite_name}.{r.case.platform}", name=r.case.name,
                           time=f"{r.seconds:.2f}")
        if not r.verdict.ok:
            f = ET.SubElement(tc, "failure", type=r.verdict.outcome, message=_clean(r.verdict.detail))
            f.text = _clean("\n".join(r.dom0_lines[-15:] + ["--"] + r.obs.lines[-25:]))
        elif r.verdict.outcome == "skip":
            ET.SubElement(tc, "skipped", message=_clean(r.verdict.detail))
        so = ET.SubElement(tc, "system-out")
        so.text = _clean("\n".join(r.obs.lines[-200:]))
    ET.ElementTree(ts).write(path, encoding="utf-8", xml_declaration=True)
    return path
