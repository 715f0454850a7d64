"""QEMU's exit status as the platform's word on how the guest ended (tools/pvhtest/qemu.py), and QEMU itself failing."""
import shutil

import pytest

from pvhtest import qemu, scenario
from pvhtest.verdict import Observation, judge


@pytest.mark.parametrize("rc,timed_out,lines,end,status", [
    ((0 << 1) | 1, False, ["EXIT: 0"], "poweroff", 0),
    ((7 << 1) | 1, False, ["EXIT: 7"], "poweroff", 7),
    ((0x7F << 1) | 1, False, [], "crash", None),           # kernel/shutdown.c DEBUG_EXIT_CRASH
    (1, False, ["REBOOT"], "reboot", None),
    (0, False, ["RESULT: PASS"], "gone", None),             # QEMU ended with no exit status (triple fault)
    (-15, True, ["RESULT: PASS"], "timeout", None),
])
def test_qemu_end(rc, timed_out, lines, end, status):
    assert qemu.end_of(rc, timed_out, lines)[:2] == (end, status)


def test_qemu_triple_fault_after_pass_is_a_crash():
    end, status, why = qemu.end_of(0, False, ["RESULT: PASS"])
    v = judge(Observation(end=end, status=status, lines=["RESULT: PASS", "EXIT: 0"], rig_detail=why), "pass")
    assert (v.outcome, v.ok, v.code) == ("crash", False, 2)


@pytest.mark.skipif(not shutil.which("qemu-system-x86_64"), reason="no QEMU")
def test_qemu_that_cannot_start_is_a_platform_failure(tmp_path):
    img = tmp_path / "x.elf"
    img.write_bytes(b"\x7fELF")
    c = scenario.make_case("q", "qemu", "pass", str(img), ["--qemu", "-no-such-option", "--timeout", "20"],
                           {"BUILD": str(tmp_path)}, "t")
    v = judge(qemu.run(c))
    assert (v.outcome, v.code) == ("rig", 5), v.detail
