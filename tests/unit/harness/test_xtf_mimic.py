"""tests/xtf-mimic/run interpret: xtf-runner's rule (the console's LAST line must carry "Test result:" and a word) and its exit codes."""
import os
import subprocess

import pytest

from conftest import TOP

RUN = os.path.join(TOP, "tests", "xtf-mimic", "run")


@pytest.mark.parametrize("lines,code,word", [
    (["RESULT: PASS conformance: 1 tests", "EXIT: 0", "Test result: SUCCESS"], 0, "SUCCESS"),
    (["EXIT: 1", "Test result: FAILURE", ""], 5, "FAILURE"),      # blank lines after it do not count
    (["Test result: SKIP"], 3, "SKIP"),
    (["Test result: ERROR"], 4, "ERROR"),
    (["Test result: SUCCESS", "EXIT: 0"], 6, "CRASH"),            # not the last line: xtf-runner sees none
    (["RESULT: PASS conformance"], 6, "CRASH"),
    (["Test result: maybe"], 6, "CRASH"),
])
def test_last_line_rule(tmp_path, lines, code, word):
    log = tmp_path / "console.log"
    log.write_text("\n".join(lines) + "\n")
    p = subprocess.run([RUN, "interpret", str(log)], capture_output=True, text=True)
    assert p.returncode == code and p.stdout.startswith(f"xtf-mimic: {word}"), p.stdout


def test_usage():
    assert subprocess.run([RUN], capture_output=True).returncode == 64
