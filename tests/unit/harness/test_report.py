"""What people and CI systems read (tools/pvhtest/report.py): the progress line, the summary, the failure details, the JUnit file."""
import io
import xml.etree.ElementTree as ET

from pvhtest import report, scenario
from pvhtest.verdict import Observation, judge


class Tty(io.StringIO):
    def isatty(self):
        return True


def result(name, expect, **obs):
    c = scenario.make_case(name, "domU", expect, "hello", [], {"BUILD": "/b"}, "f:1", False)
    o = Observation(**obs)
    return report.Result(c, judge(o, expect), o, 1.5, "/b/test-xen/x.log", ["[dom0-test] said this"])


def test_progress_on_a_terminal_and_in_ci(monkeypatch):
    monkeypatch.setenv("TERM", "xterm")
    tty = Tty()
    p = report.Progress(3, "qemu", tty)
    p.start("hello")
    assert "\r\033[K[qemu 1/3] hello" in tty.getvalue() and "(3 left" in tty.getvalue()
    p.finish(result("hello", "pass", end="poweroff", status=0, lines=["EXIT: 0"]))
    assert tty.getvalue().endswith("as expected (pass)\n")
    plain = io.StringIO()
    p = report.Progress(3, "qemu", plain)
    p.start("hello")
    p.tick()
    assert plain.getvalue() == ""  # CI: no progress line, only one per finished case
    p.finish(result("hello", "pass", end="crash", lines=["RESULT: PASS", "CRASH: x"]))
    assert plain.getvalue().startswith("FAIL   1/3 domU hello")


def test_summary_and_failure_details():
    out = io.StringIO()
    rs = [result("good", "pass", end="poweroff", status=0, lines=["EXIT: 0"]),
          result("bad", "pass", end="crash", lines=["not ok 3 - thing", "CRASH: fatal exception"], rerun=True)]
    report.summary(rs, "domU", out)
    text = out.getvalue()
    assert "  ok   good " in text and "  FAIL bad " in text and "got crash" in text
    assert "(rerun: the dom0 job loop died in its first run)" in text
    assert "domU: 1 passed, 1 failed" in text
    assert "== why bad (domU) failed: CRASHED (crash: CRASH: fatal exception) (rerun: " in text
    assert "   | [dom0-test] said this" in text and "   not ok 3 - thing" in text
    assert "   | CRASH: fatal exception" in text


def test_junit(tmp_path):
    rs = [result("good", "pass", end="poweroff", status=0, lines=["EXIT: 0"]),
          result("skipped", "skip", end="poweroff", status=0, lines=["RESULT: SKIP", "EXIT: 0"]),
          result("bad", "pass", end="timeout", lines=["esc \x1b[0m here"])]
    path = report.junit(rs, "domU", str(tmp_path / "r.xml"))
    ts = ET.parse(path).getroot()
    assert (ts.get("tests"), ts.get("failures"), ts.get("skipped")) == ("3", "1", "1")
    bad = ts.find("testcase[@name='bad']/failure")
    assert bad.get("type") == "timeout" and "esc ?[0m here" in bad.text
    assert ts.find("testcase[@name='good']/failure") is None
