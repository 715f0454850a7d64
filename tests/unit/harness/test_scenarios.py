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


def test_the_version_matrix_names_existing_cases():
    from pvhtest import matrix
    m = matrix.read()
    assert ("4.20", "domU") in m and ("4.20", "dom0") in m
    for (version, platform), names in m.items():
        have = {c.name for c in load(platform, version=version)}
        assert set(names) <= have, (version, platform, set(names) - have)
    # what the issue asks of make test on 4.20: the conformance guest as domU and dom0, the core guests
    assert {"conformance"} <= set(m[("4.20", "dom0")])
    assert {"hello", "xs-basic", "blk-two", "net-basic", "conf-1v"} <= set(m[("4.20", "domU")])
    assert any(c.num("vcpus", 1) > 1 for c in load("domU", version="4.20") if c.name in m[("4.20", "domU")])


@pytest.mark.parametrize("text,why", [
    ("4.20 qemu hello\n", "QEMU has no Xen version"),
    ("4.x domU hello\n", "bad Xen version"),
    ("4.20 domU\n", "need VERSION PLATFORM"),
    ("4.20 domU a\n4.20 domU b\n", "a second line"),
])
def test_bad_matrix_lines_are_refused(tmp_path, text, why):
    from pvhtest import matrix
    f = tmp_path / "m"
    f.write_text(text)
    with pytest.raises(ScenarioError, match=why):
        matrix.read(str(f))


def test_conformance_check_judges_against_the_known_failure_table(tmp_path):
    import subprocess
    tool = os.path.join(TOP, "tools", "conformance-check")
    log = tmp_path / "log"
    base = "hypervisor: Xen {v} (CPUID base 0x40000000)\nok 1 - entry.cr0\n{root}\nRESULT: {w} conformance: 2 tests\n"
    fail = "not ok 2 - acpi.root # failure: expected a valid XSDT, saw error -22"

    def run(v, root, w, config="dom0"):
        log.write_text(base.format(v=v, root=root, w=w))
        return subprocess.run([tool, config, str(log)], capture_output=True, text=True)

    p = run("4.17", fail, "FAIL")          # listed for 4.17's dom0: known
    assert p.returncode == 0 and "known failure on Xen 4.17" in p.stdout
    p = run("4.20", fail, "FAIL")          # not listed for 4.20: a new failure
    assert p.returncode == 1 and "NEW failure" in p.stdout
    p = run("4.17", fail, "FAIL", "domU")  # listed for dom0 only
    assert p.returncode == 1
    p = run("4.20", "ok 2 - acpi.root", "PASS")
    assert p.returncode == 0 and "fixed here" in p.stdout
    p = run("4.17", "ok 2 - acpi.root", "PASS")
    assert p.returncode == 0 and "fixed on Xen 4.17" in p.stdout
    log.write_text("hypervisor: Xen 4.17\nok 1 - entry.cr0\n")  # no RESULT: the guest never finished
    assert subprocess.run([tool, "dom0", str(log)], capture_output=True).returncode == 1
