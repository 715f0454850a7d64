"""How the rig's serial log is read (tools/pvhtest/rig.py), over saved logs: glued lines, reruns, and each way a job ends."""
import os
import subprocess

import pytest

from conftest import FIXTURES, TOP
from pvhtest import rig, scenario
from pvhtest.suite import job_result

XR = os.path.join(FIXTURES, "xen-run")


def replay(suite, log):
    cases = scenario.load([os.path.join(XR, suite)], "domU", check_files=False)
    reader = rig.replay(cases, os.path.join(XR, log), {})
    return reader, {j.case.name: job_result(j, os.environ["BUILD"], log) for j in reader.jobs.values()}


def test_glued_split_rerun_and_a_failure():
    reader, r = replay("suite", "serial.log")
    assert reader.done
    # "[con] ok 2 - second(d1) RESULT: PASS glued": the Xen line is taken out, dom0's completed
    assert "ok 2 - second" in r["glued"].obs.lines and "RESULT: PASS glued" in r["glued"].obs.lines
    assert r["glued"].verdict.ok
    # "@@rig 02 go(XEN) ...", then "ne reason 0": the event is put back together
    assert reader.jobs[2].reason == "0" and r["split-event"].verdict.ok
    # the job loop died in "rerun": only its second run counts, and it says so
    rr = r["rerun"]
    assert rr.obs.rerun and rr.verdict.ok and "RESULT: FAIL before the job loop died" not in rr.obs.lines
    assert "rerun" in rr.verdict.detail
    bad = r["bad"]
    assert (bad.verdict.outcome, bad.verdict.ok) == ("fail", False)
    assert bad.dom0_lines == ["[dom0-test] the dom0 side of bad"]


KINDS = {  # job -> (outcome, as expected?)
    "passes": ("pass", True),
    "crashes": ("crash", False),
    "times-out": ("timeout", False),
    "skips": ("skip", False),              # an unexpected skip is a failure
    "dom0-fails": ("dom0", False),         # the guest passed, its dom0 script did not
    "reboots": ("reboot", True),
    "exits-4": ("fail", True),             # exit:4 met (reason 132)
    "pass-crash": ("crash", False),        # RESULT: PASS, then a panic: a crash
    "silent": ("fail", False),             # powered off without RESULT or EXIT
    "stalled": ("pass", True),             # dom0's console copy stalled; the verdict came by port 0xE9
    "triple": ("crash", False),            # Xen turns a triple fault into reason 1: still a crash
    "create-fails": ("rig", False),
    "never-ends": ("rig", False),          # the rig died during it
}


@pytest.mark.parametrize("name", KINDS)
def test_each_way_a_job_ends(name):
    reader, r = replay("kinds", "kinds.log")
    v = r[name].verdict
    assert (v.outcome, v.ok) == KINDS[name], v.detail


def test_dead_rig_is_a_platform_failure():
    reader, r = replay("kinds", "kinds.log")
    assert not reader.done and reader.qemu_rc == "124"
    assert r["dom0-fails"].verdict.code == 6 and r["dom0-fails"].dom0_lines == ["[dom0-test] expected 1024 lines, saw 3"]


def test_guest_lines_go_to_their_domain():
    """A port-0xE9 line "(dN) ..." belongs to domain N's job, even when another job is current."""
    cases = [scenario.make_case(n, "domU", "pass", "hello", [], {"BUILD": "/b"}, "t", False) for n in ("a", "b")]
    reader = rig.RigReader(cases)
    for line in ["@@rig 01 start a", "@@rig 01 created domid 7", "@@rig 01 gone reason 0",
                 "@@rig 01 end", "@@rig 02 start b", "@@rig 02 created domid 8", "(d8) mine", "[con] also mine",
                 "(d7) a late line of the first guest"]:
        reader.feed(line)
    assert reader.jobs[2].lines == ["mine", "also mine"]
    assert reader.jobs[1].lines == ["a late line of the first guest"]


def run_xen_run(*args):
    p = subprocess.run([os.path.join(TOP, "tools", "xen-run"), *args], capture_output=True, text=True, cwd=TOP)
    return p.returncode, p.stdout + p.stderr


def test_xen_run_replay_exit_status_and_report():
    rc, out = run_xen_run("--suite", os.path.join(XR, "suite"), "--replay", os.path.join(XR, "serial.log"))
    assert rc == 1, out  # a case failed
    assert "xen-run: 3 passed, 1 failed" in out
    assert "== why bad (domU) failed: FAILED (RESULT: FAIL, exit status 1); expected pass" in out
    assert "   | [dom0-test] the dom0 side of bad" in out and "   not ok 1 - this one fails" in out
    assert "(rerun: the dom0 job loop died in its first run)" in out
    assert os.path.isfile(os.path.join(os.environ["BUILD"], "results", "xen-run-replay.xml"))


def test_xen_run_replay_dead_rig():
    rc, out = run_xen_run("--suite", os.path.join(XR, "kinds"), "--replay", os.path.join(XR, "kinds.log"))
    assert rc == 5, out
    assert "PLATFORM FAILURE" in out and "!! the rig did not finish its jobs (QEMU status 124)" in out
