"""How Xen's serial console is read when pvhkit is its PVH dom0 (tools/pvhtest/dom0.py), over saved logs."""
import os

import pytest

from conftest import FIXTURES
from pvhtest import dom0
from pvhtest.verdict import Observation, judge


def read(name, timed_out=False, qemu_rc=0):
    o = Observation()
    r = dom0.XenReader(o)
    for raw in open(os.path.join(FIXTURES, "xen-dom0-run", name)).read().splitlines():
        r.feed(raw.split(" ", 1)[1] if " " in raw else "")
    r.finish(timed_out, qemu_rc)
    return o


# log -> (end, status, outcome with expectation None, code)
LOGS = {
    "halted.log": ("poweroff", 0, "pass", 0),
    "exit3.log": ("poweroff", 3, "fail", 1),
    "skip.log": ("poweroff", 0, "skip", 4),
    "crashed.log": ("crash", None, "crash", 2),
    "pass-crash.log": ("reboot", None, "crash", 2),   # RESULT: PASS, then a triple fault
    "reboot.log": ("reboot", None, "reboot", 2),
    "panic.log": ("panic", None, "crash", 2),
    "silent.log": ("poweroff", 0, "fail", 1),
}


@pytest.mark.parametrize("name", LOGS)
def test_dom0_ends(name):
    o = read(name)
    v = judge(o)
    assert (o.end, o.status, v.outcome, v.code) == LOGS[name], v.detail


def test_dom0_guest_lines():
    o = read("exit3.log")
    assert o.lines[0] == "pvhkit 0.1 (fault): started through the PVH entry"
    assert "EXIT: 3" in o.lines and not any(l.startswith("(XEN)") for l in o.lines)
    assert judge(o, "exit:3").ok and not judge(o, "exit:2").ok


def test_dom0_panic_says_why():
    o = read("panic.log")
    assert o.rig_detail.startswith("FATAL TRAP: vector = 13") and "Xen PANICKED: FATAL TRAP" in judge(o).detail


def test_dom0_timeout_and_platform_failure():
    assert judge(read("stuck.log", timed_out=True)).code == 3
    o = read("stuck.log", timed_out=False, qemu_rc=1)
    v = judge(o)
    assert (o.end, v.outcome, v.code) == ("rig", "rig", 5)
    assert "(d0) " not in " ".join(o.lines) and "still waiting" in o.lines
