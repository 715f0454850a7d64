"""The one scenario format (tools/pvhtest/scenario.py): the repository's files parse on every platform, with no fewer cases than the old runners had, and bad lines are refused."""
import os

import pytest

from conftest import TOP
from pvhtest import paths, scenario, suite as cli
from pvhtest.scenario import ScenarioError

FILES = [os.path.join(TOP, f) for f in cli.SUITE_FILES]
ENV = {"BUILD": "/b", "RIG_DIR": "/r", "TOP": TOP, "XENRIG": paths.XENRIG}


def load(platform, files=FILES, version=None):
    return scenario.load(files, platform, version, ENV, check_files=False)


def test_case_counts_at_least_the_old_runners():
    # before: tests/qemu/run booted 31, tests/dom0/run 7, the rig 49 + 2 self-test guests
    assert len(load("qemu")) >= 31
    assert len(load("dom0")) >= 7
    assert len(load("domU")) + len(scenario.load([cli.SELFTEST], "domU", None, ENV, False)) >= 51


def test_a_case_written_once_runs_everywhere_it_applies():
    names = {p: {c.name for c in load(p)} for p in scenario.PLATFORMS}
    assert "exit-3" in names["qemu"] and "exit-3" in names["dom0"] and "exit-3" in names["domU"]
    q = next(c for c in load("qemu") if c.name == "hello-picolibc")
    u = next(c for c in load("domU") if c.name == "hello-picolibc")
    assert "^modules: none$" in q.greps and "^modules: none$" not in u.greps   # --grep@qemu
    assert u.timeout == 30 and q.timeout == 60                                   # --timeout@domU


def test_images_and_paths():
    c = next(c for c in load("domU") if c.name == "libc-newlib")
    assert c.image == "/b/libc-test.elf" and c.get("module") == os.path.join(TOP, "tests/xen/libc-module.txt")
    rig = scenario.load([cli.SELFTEST], "domU", None, ENV, False)
    assert rig[0].image == "/r/selftest-kernel"
    env = dict(ENV, BUILD=os.path.join(TOP, "build"))
    assert scenario.image_path("build/conformance.elf", env) == os.path.join(TOP, "build", "conformance.elf")
    assert scenario.image_path("picolibc/hello", env) == os.path.join(TOP, "build", "picolibc", "hello.elf")
    assert scenario.image_path("./tools/x", env) == os.path.join(TOP, "tools", "x")


def write(tmp_path, text):
    f = tmp_path / "s"
    f.write_text(text)
    return [str(f)]


@pytest.mark.parametrize("line,why", [
    ("a qemu pass hello --disk x.img", "does not apply on qemu"),
    ("a domU pass hello --machine pc", "does not apply on domU"),
    ("a qemu maybe hello", "bad expectation"),
    ("a kvm pass hello", "unknown platform"),
    ("a qemu pass hello --bogus 1", "unknown option"),
    ("a qemu pass hello --timeout soon", "takes a number"),
    ("a qemu pass hello --grep '(['", "bad --grep"),
    ("a qemu pass", "need NAME ON EXPECT IMAGE"),
    ("a/b qemu pass hello", "bad case name"),
    ("a domU pass hello --dom0 no/such/script", "no such file"),
    ("a domU@4.x pass hello", "bad Xen version"),
    ("a qemu pass hello\na qemu pass hello", "two cases named"),
])
def test_bad_lines_are_refused(tmp_path, line, why):
    with pytest.raises(ScenarioError, match=why.replace("(", "\\(")):
        scenario.load(write(tmp_path, line + "\n"), "qemu" if "domU" not in line else "domU", "4.20", ENV, "no such file" in why)


def test_versions_and_platform_suffixes(tmp_path):
    f = write(tmp_path, "new domU@4.20 pass hello\nall domU,dom0 pass hello --expect@dom0 skip --vcpus@domU 2\n")
    assert [c.name for c in scenario.load(f, "domU", "4.17", ENV, False)] == ["all"]
    assert [c.name for c in scenario.load(f, "domU", "4.20", ENV, False)] == ["new", "all"]
    d = scenario.load(f, "dom0", None, ENV, False)[0]
    u = scenario.load(f, "domU", None, ENV, False)[0]
    assert (d.expect, d.num("vcpus", 1)) == ("skip", 1) and (u.expect, u.num("vcpus", 1)) == ("pass", 2)


def test_rig_dir_per_xen_version(monkeypatch):
    monkeypatch.setenv("BUILD", "/b")
    assert paths.rig_dir() == "/b/rig" and paths.rig_dir("4.17") == "/b/rig"
    assert paths.rig_dir("4.20") == "/b/rig-4.20"
    monkeypatch.setenv("XEN", "4.20")
    assert paths.rig_dir() == "/b/rig-4.20"
    monkeypatch.setenv("RIG_DIR", "/elsewhere")
    assert paths.rig_dir() == "/elsewhere"


def test_old_rig_lines_are_read_as_domu(tmp_path, capsys):
    """tools/xen-run --suite files written before the ON column (NAME EXPECT IMAGE ...) still run, with a warning."""
    f = write(tmp_path, "old pass $BUILD/hello.elf --timeout 30\nnew domU exit:3 fault\n")
    cases = scenario.load(f, "domU", None, ENV, False)
    assert [(c.name, c.expect, c.image, c.timeout) for c in cases] == [
        ("old", "pass", "/b/hello.elf", 30), ("new", "exit:3", "/b/fault.elf", 60)]
    assert "no ON column" in capsys.readouterr().err
    assert scenario.load(f, "qemu", None, ENV, False) == []
