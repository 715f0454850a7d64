"""The two-host migration runner (tools/pvhtest/twohost.py): how each rig is staged and how a case's two halves make one verdict."""
import os
import subprocess

from conftest import TOP
from pvhtest import paths, rig, scenario, twohost

SCRIPT = os.path.join(TOP, "tests", "xen", "peer-receive")


def case(name="mv", extra=()):
    args = ["--vif", "--dom0", "tests/xen/net-suspend", "--peer", "tests/xen/peer-receive",
            "--dom0-post", "tests/xen/peer-receive", "--grep", "^RESULT: PASS"] + list(extra)
    return scenario.make_case(name, "domU", "pass", SCRIPT, args, paths.script_env(paths.rig_dir()), "test",
                              check_files=False)


def staged(tmp_path, host, cases):
    os.makedirs(tmp_path / "rig", exist_ok=True)
    stage = rig.Stage(str(tmp_path / host), str(tmp_path / "rig"), False)
    twohost.stager(host, cases, {"a": 5001, "b": 5002})(stage)
    return stage


def test_the_source_runs_the_guest_the_target_receives_it(tmp_path):
    c = case()
    a, b = staged(tmp_path, "a", [c]), staged(tmp_path, "b", [c])
    ja, jb = os.path.join(a.root, "jobs", "01"), os.path.join(b.root, "jobs", "01")
    assert os.path.exists(os.path.join(ja, "xl.cfg")) and not os.path.exists(os.path.join(ja, "receive"))
    assert not os.path.exists(os.path.join(ja, "dom0-post-1"))  # the posts run where the guest ends
    assert os.path.exists(os.path.join(jb, "receive")) and not os.path.exists(os.path.join(jb, "xl.cfg"))
    assert open(os.path.join(jb, "dom0-test")).read() == open(SCRIPT).read()
    assert os.path.exists(os.path.join(jb, "dom0-post-1")) and os.path.exists(os.path.join(jb, "kernel"))
    assert (a.dom0_env["DOM0_IP"], a.dom0_env["PEER_IP"]) == (b.dom0_env["PEER_IP"], b.dom0_env["DOM0_IP"])
    # each QEMU sends to the other's port from its own: one segment
    assert "udp=127.0.0.1:5002,localaddr=127.0.0.1:5001" in " ".join(a.net_args)
    assert "udp=127.0.0.1:5001,localaddr=127.0.0.1:5002" in " ".join(b.net_args)
    args = rig.qemu_args(str(tmp_path / "rig"), a, "initrd")
    assert "-nic" not in args and "virtio-net-pci,netdev=uplink,mac=" + twohost.MACS["a"] in args
    (tmp_path / "rig" / "dom0.cpio.gz").write_bytes(b"")  # (what pack puts the jobs in front of)
    a.pack(str(tmp_path / "a"))
    assert "DOM0_IP=169.254.100.1\n" in open(os.path.join(a.root, "rig.env")).read()


def test_a_shared_disk_is_one_copy_opened_without_locks(tmp_path, monkeypatch):
    img = tmp_path / "d.img"
    img.write_bytes(b"\0" * 4096)
    c = twohost.shared_disks(case(extra=["--disk", f"{img},ro"]), str(tmp_path / "rig"))
    assert c.disks[0].endswith("/disks-2host/mv-xvda.img,ro") and os.path.isfile(c.disks[0][:-3])
    a, b = staged(tmp_path, "a", [c]), staged(tmp_path, "b", [c])
    assert a.disk_args == b.disk_args and "file.locking=off" in a.disk_args[1]


def job(c, n, reason=None, lines=(), scripts=None):
    j = rig.Job(n, c)
    j.ended, j.reason, j.lines, j.dom0 = True, reason, list(lines), dict(scripts or {"dom0-test": "0"})
    return j


def test_one_verdict_from_both_hosts():
    c = case()
    a = job(c, 1, None, ["booted on A"])
    b = job(c, 1, "128", ["resumed on B", "RESULT: PASS moved"])  # poweroff, exit status 0
    obs = twohost.merged(a, b)
    assert obs.lines == ["booted on A", "resumed on B", "RESULT: PASS moved"]
    assert obs.end == "poweroff" and obs.dom0_scripts == {"A:dom0-test": "0", "B:dom0-test": "0"}
    assert rig_verdict(obs, c).ok
    # the guest never reached B: judged by how it ended on A
    a2 = job(c, 1, "128", ["RESULT: PASS stayed"])
    b2 = job(c, 1, None, [], {"dom0-test": "1"})
    v = rig_verdict(twohost.merged(a2, b2), c)
    assert v.outcome == "dom0" and not v.ok and "B:dom0-test=1" in v.detail
    # a failed receiver fails the case even when the guest passed
    b3 = job(c, 1, "128", ["RESULT: PASS moved"], {"dom0-test": "1"})
    assert not rig_verdict(twohost.merged(a, b3), c).ok


def rig_verdict(obs, c):
    from pvhtest.verdict import judge
    return judge(obs, c.expect, c.greps)


def test_peer_cases_need_two_hosts():
    r = subprocess.run([os.path.join(TOP, "tools", "run-tests"), "--on", "domU", "--list",
                        os.path.join(TOP, "tests", "xen", "scenarios-2host")], capture_output=True, text=True)
    assert r.returncode == 64 and "--two-hosts" in r.stderr
    r = subprocess.run([os.path.join(TOP, "tools", "run-tests"), "--on", "domU", "--two-hosts", "--list",
                        os.path.join(TOP, "tests", "xen", "scenarios-2host")], capture_output=True, text=True)
    assert r.returncode == 0 and "net-2host" in r.stdout and "blk-2host" in r.stdout
