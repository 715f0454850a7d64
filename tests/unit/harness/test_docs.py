"""The exit-code table is written once (verdict.EXIT_CODES): README.md and every runner's --help agree with it."""
import os
import re
import subprocess

import pytest

from conftest import TOP
from pvhtest.verdict import E_USAGE, EXIT_CODES


def readme_table():
    text = open(os.path.join(TOP, "README.md")).read()
    sec = text[text.index("### Exit status"):]
    return {int(m.group(1)): m.group(2) for m in re.finditer(r"^\| (\d+) \| `(\w+)` \|", sec, re.M)}


def test_readme_exit_table_matches_the_code():
    table = readme_table()
    for outcome, code in EXIT_CODES.items():
        if outcome == "reboot":
            continue  # counted with crashes
        assert table.get(code) == outcome, (outcome, code, table)
    assert table.get(E_USAGE) == "usage"


@pytest.mark.parametrize("tool", ["qemu-run", "xen-dom0-run", "xen-run", "run-tests"])
def test_help_shows_the_table(tool):
    p = subprocess.run([os.path.join(TOP, "tools", tool), "--help"], capture_output=True, text=True)
    assert p.returncode == 0
    for code in sorted(set(EXIT_CODES.values())) + [E_USAGE]:
        assert re.search(rf"^  {code} ", p.stdout, re.M), (tool, code)


@pytest.mark.parametrize("argv", [["--bogus"], [], ["a", "b", "c"]])
def test_usage_errors_exit_64(argv):
    for tool in ("qemu-run", "xen-dom0-run", "xen-run"):
        p = subprocess.run([os.path.join(TOP, "tools", tool)] + argv, capture_output=True, text=True)
        assert p.returncode == E_USAGE, (tool, argv, p.stderr)
