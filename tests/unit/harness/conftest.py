"""pytest set-up for the harness's own tests: tools/pvhtest importable, the build directory a scratch one."""
import os
import sys

import pytest

TOP = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tools"))
FIXTURES = os.path.join(TOP, "tests", "unit", "fixtures")


@pytest.fixture(autouse=True)
def scratch_build(tmp_path, monkeypatch):
    """Runs write console logs and JUnit files under $BUILD: never into the real build tree."""
    monkeypatch.setenv("BUILD", str(tmp_path / "build"))
    monkeypatch.delenv("RIG_DIR", raising=False)
    monkeypatch.delenv("XEN", raising=False)
    return tmp_path / "build"
