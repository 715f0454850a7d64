"""The one verdict (tools/pvhtest/verdict.py): every way a guest can end, with and without an expectation."""
import pytest

from pvhtest.verdict import EXIT_CODES, Observation, judge


def obs(end="poweroff", status=None, lines=(), **kw):
    return Observation(end=end, status=status, lines=list(lines), **kw)


# (what happened, expectation, outcome, met?, exit status)
CASES = [
    ("RESULT: PASS, exit 0", obs(status=0, lines=["RESULT: PASS x", "EXIT: 0"]), None, "pass", True, 0),
    ("no RESULT, EXIT: 0", obs(status=0, lines=["EXIT: 0"]), "pass", "pass", True, 0),
    ("EXIT line only, no platform status (QEMU-like)", obs(lines=["EXIT: 0"]), "pass", "pass", True, 0),
    ("RESULT: FAIL", obs(status=1, lines=["RESULT: FAIL x", "EXIT: 1"]), "pass", "fail", False, 1),
    ("RESULT: ERROR", obs(status=0, lines=["RESULT: ERROR x"]), None, "fail", False, 1),
    ("RESULT: PASS but exit status 3", obs(status=3, lines=["RESULT: PASS x", "EXIT: 3"]), "pass", "fail", False, 1),
    ("no RESULT and no EXIT, powered off", obs(status=0, lines=["Hello"]), "pass", "fail", False, 1),
    ("no RESULT and no EXIT, nothing at all", obs(status=None, lines=[]), None, "fail", False, 1),
    ("CRASH line", obs(end="crash", lines=["CRASH: fatal exception"]), "pass", "crash", False, 2),
    ("RESULT: PASS then a crash", obs(end="crash", lines=["RESULT: PASS x", "CRASH: panic"]), "pass", "crash", False, 2),
    ("RESULT: PASS, CRASH line, then a poweroff", obs(status=0, lines=["RESULT: PASS x", "CRASH: abort", "EXIT: 0"]),
     "pass", "crash", False, 2),
    ("RESULT: PASS then a triple fault (Xen: reboot)", obs(end="reboot", triple_fault=True, lines=["RESULT: PASS"]),
     "pass", "crash", False, 2),
    ("triple fault when a reboot is expected", obs(end="reboot", triple_fault=True), "reboot", "crash", False, 2),
    ("watchdog", obs(end="watchdog"), "pass", "crash", False, 2),
    ("Xen panicked", obs(end="panic", rig_detail="FATAL TRAP"), "pass", "crash", False, 2),
    ("destroyed, no shutdown reason", obs(end="gone", lines=["RESULT: PASS", "EXIT: 0"]), "pass", "crash", False, 2),
    ("crash expected", obs(end="crash", lines=["CRASH: abort"]), "crash", "crash", True, 0),
    ("reboot, unexpected", obs(end="reboot", lines=["REBOOT"]), "pass", "reboot", False, 2),
    ("reboot, expected", obs(end="reboot", lines=["REBOOT"]), "reboot", "reboot", True, 0),
    ("reboot, no expectation", obs(end="reboot"), None, "reboot", False, 2),
    ("timeout", obs(end="timeout", lines=["RESULT: PASS"]), "pass", "timeout", False, 3),
    ("timeout expected", obs(end="timeout"), "timeout", "timeout", True, 0),
    ("RESULT: SKIP, unexpected", obs(status=0, lines=["RESULT: SKIP x", "EXIT: 0"]), "pass", "skip", False, 4),
    ("RESULT: SKIP, no expectation", obs(status=0, lines=["RESULT: SKIP x", "EXIT: 0"]), None, "skip", False, 4),
    ("RESULT: SKIP, expected", obs(status=0, lines=["RESULT: SKIP x", "EXIT: 0"]), "skip", "skip", True, 0),
    ("exit:3, exit status 3", obs(status=3, lines=["EXIT: 3"]), "exit:3", "fail", True, 0),
    ("exit:3, exit status 3 from the EXIT line only", obs(lines=["EXIT: 3"]), "exit:3", "fail", True, 0),
    ("exit:3, exit status 2", obs(status=2, lines=["EXIT: 2"]), "exit:3", "fail", False, 1),
    ("exit:0, passed", obs(status=0, lines=["EXIT: 0"]), "exit:0", "pass", True, 0),
    ("exit:3 but it crashed", obs(end="crash", lines=["EXIT: 3", "CRASH: x"]), "exit:3", "crash", False, 2),
    ("exit:3 but it timed out", obs(end="timeout", lines=["EXIT: 3"]), "exit:3", "timeout", False, 3),
    ("passed where a crash was expected", obs(status=0, lines=["RESULT: PASS"]), "crash", "pass", False, 1),
    ("passed where a failure was expected", obs(status=0, lines=["EXIT: 0"]), "fail", "pass", False, 1),
    ("the platform failed", obs(end="rig", rig_detail="xl create failed"), "pass", "rig", False, 5),
    ("the platform failed, a crash expected", obs(end="rig"), "crash", "rig", False, 5),
    ("dom0 script failed, guest passed", obs(status=0, lines=["RESULT: PASS"], dom0_scripts={"dom0-test": "1"}),
     "pass", "dom0", False, 6),
    ("dom0 script hung, guest passed", obs(status=0, lines=["RESULT: PASS"], dom0_scripts={"dom0-post-1": "timeout"}),
     "pass", "dom0", False, 6),
    ("dom0 script failed and the guest crashed", obs(end="crash", dom0_scripts={"dom0-test": "1"}),
     "pass", "crash", False, 2),
    ("dom0 scripts passed", obs(status=0, lines=["EXIT: 0"], dom0_scripts={"dom0-test": "0", "dom0-post-1": "0"}),
     "pass", "pass", True, 0),
    ("host check failed", obs(status=0, lines=["EXIT: 0"], host_checks={"check-ram 32": (1, "too small")}),
     "pass", "fail", False, 1),
    ("host check failed on an expected crash", obs(end="crash", host_checks={"c": (1, "")}), "crash", "crash", False, 2),
]


@pytest.mark.parametrize("what,o,expect,outcome,ok,code", CASES, ids=[c[0] for c in CASES])
def test_verdict(what, o, expect, outcome, ok, code):
    v = judge(o, expect)
    assert (v.outcome, v.ok, v.code) == (outcome, ok, code), v.detail


def test_grep_checked_whatever_is_expected():
    o = obs(end="crash", lines=["CRASH: abort"])
    assert judge(o, "crash", ["^CRASH: abort$"]).ok
    v = judge(o, "crash", ["^\\*\\*\\* #PF"])
    assert not v.ok and v.code == 2 and v.missing == ["^\\*\\*\\* #PF"]
    v = judge(obs(status=3, lines=["EXIT: 3"]), "exit:3", ["^nope$"])
    assert not v.ok and v.code == 1


def test_grep_miss_fails_a_passing_guest():
    v = judge(obs(status=0, lines=["RESULT: PASS", "EXIT: 0"]), "pass", ["^Hello"])
    assert (v.outcome, v.ok, v.code) == ("fail", False, 1)
    assert "no console line matches: ^Hello" in v.detail


def test_no_crashed_guest_passes_whatever_it_printed():
    """The worst bug a harness can have: whatever a crashed guest printed, no expectation but
    'crash' accepts it, and no plain run exits 0."""
    said = [["RESULT: PASS x", "EXIT: 0"], ["EXIT: 0"], ["RESULT: SKIP"], []]
    crashes = [dict(end="crash"), dict(end="watchdog"), dict(end="panic"), dict(end="gone"),
               dict(end="reboot", triple_fault=True), dict(end="poweroff", status=0, extra=["CRASH: x"])]
    for lines in said:
        for c in crashes:
            o = Observation(lines=lines + c.get("extra", []), **{k: v for k, v in c.items() if k != "extra"})
            for expect in (None, "pass", "skip", "fail", "reboot", "timeout", "exit:0"):
                v = judge(o, expect)
                assert not v.ok and v.code != 0, (lines, c, expect, v)
            assert judge(o, "crash").outcome == "crash"


def test_exit_codes_are_distinct_per_kind():
    kinds = {k: c for k, c in EXIT_CODES.items() if k != "reboot"}
    assert len(set(kinds.values())) == len(kinds)
    assert EXIT_CODES["pass"] == 0 and EXIT_CODES["reboot"] == EXIT_CODES["crash"]
