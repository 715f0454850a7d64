"""Two rigs on one network segment: a domain migrated from one Xen host to another (tools/run-tests --two-hosts).

Both rigs boot at once, each a Xen-in-QEMU machine (rig.py) with a virtio NIC; the two QEMUs are
joined by a UDP socket netdev (a two-port Ethernet segment) and each dom0 bridges its NIC into
xenbr0, so the guest, dom0 A (169.254.100.1) and dom0 B (169.254.100.3) share one segment, as the
hosts of a Xen pool do. Each case runs as job N on both hosts: on A an ordinary job (its --dom0
script starts the traffic and runs `xl migrate` to B through `nc B 8002`), on B a receiving job
(its --peer script runs `xl migrate-receive` behind `nc -l -p 8002`, then the checks that need the
domain's own xenstore; the case's --dom0-post scripts run there too, after the guest is gone).
A disk is one file both QEMUs open (a fresh copy per case): the shared storage a migration needs.
The case is judged once, from both halves: the guest's console lines of both hosts in order, how
it ended on B (on A when it never got there), and every dom0 script of both hosts.
"""
import dataclasses
import os
import re
import shutil
import socket
import subprocess
import threading

from . import paths, report, rig
from .report import Result
from .suite import host_checks, suite_code, write_console
from .verdict import EXIT_CODES, RIG, judge

DOM0_IPS = {"a": "169.254.100.1", "b": "169.254.100.3"}
MACS = {"a": "52:54:00:00:01:0a", "b": "52:54:00:00:01:0b"}


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def shared_disks(case, rigd):
    """The case with each disk a fresh copy both rigs open (flags such as ,ro kept)."""
    specs = []
    os.makedirs(os.path.join(rigd, "disks-2host"), exist_ok=True)
    for i, spec in enumerate(case.disks):
        m = re.match(r"^(.*?)((?:,(?:ro|4k))*)$", spec)
        src = m.group(1) if os.path.isabs(m.group(1)) else os.path.join(paths.TOP, m.group(1))
        copy = os.path.join(rigd, "disks-2host", f"{case.name}-xvd{rig.LETTERS[i]}.img")
        subprocess.check_call(["cp", "--sparse=always", src, copy])
        specs.append(copy + m.group(2))
    return dataclasses.replace(case, disks=specs)


def stager(host, cases, ports):
    """How host "a" (the source) or "b" (the target) stages its jobs, NIC and dom0 settings."""
    other = "b" if host == "a" else "a"

    def setup(stage):
        stage.shared_disks = True
        stage.net_args = ["-netdev", f"socket,id=uplink,udp=127.0.0.1:{ports[other]},localaddr=127.0.0.1:{ports[host]}",
                          "-device", f"virtio-net-pci,netdev=uplink,mac={MACS[host]}"]
        stage.dom0_env = {"DOM0_IP": DOM0_IPS[host], "PEER_IP": DOM0_IPS[other], "RIG_UPLINK": MACS[host]}
        for c in cases:
            if host == "a":
                stage.add(c, posts=[])  # the posts run where the guest ends: on B
            else:
                stage.add_receiver(c)
    return setup


def merged(ja, jb):
    """One Observation of a case from its two jobs: source A, target B."""
    a, b = ja.observation(), jb.observation()
    last = b if b.lines or b.end in ("poweroff", "crash", "watchdog", "reboot") else a
    scripts = {f"{h}:{s}": rc for h, o in (("A", a), ("B", b)) for s, rc in o.dom0_scripts.items()}
    return dataclasses.replace(last, lines=a.lines + b.lines, dom0_scripts=scripts,
                               triple_fault=a.triple_fault or b.triple_fault, rerun=a.rerun or b.rerun,
                               seconds=max(a.seconds, b.seconds))


def run(cases, rigd, version, log, verbose):
    """Runs `cases` migrating from host A to host B; returns (results, suite exit code)."""
    if not rig.build_rig(rigd, version):
        print("run-tests: PLATFORM FAILURE: tools/xenrig/build failed")
        return [], EXIT_CODES[RIG]
    missing = [c.name for c in cases if not c.get("peer") or not c.get("dom0")]
    if missing:
        print(f"run-tests: --two-hosts needs --dom0 and --peer in every case: {', '.join(missing)}")
        return [], EXIT_CODES[RIG]
    shutil.rmtree(os.path.join(rigd, "disks-2host"), ignore_errors=True)
    cases = [shared_disks(c, rigd) for c in cases]
    ports = {"a": free_udp_port(), "b": free_udp_port()}
    log = log or os.path.join(rigd, "last-2host.log")
    progress = report.Progress(len(cases), "2host")
    readers = {}

    def boot(host):
        show = (lambda t: progress.say(f"{host.upper()}: {t}")) if verbose else (
            lambda t: progress.say(f"{host.upper()}: {t}") if t.startswith("!!") else None)
        readers[host] = rig.boot(cases, rigd, f"{log}.{host}", False, dict(show=show, verbose=verbose),
                                 tick=progress.tick if host == "a" else None, setup=stager(host, cases, ports))

    progress.say(f"== two rig boots, A -> B: {len(cases)} migrations; logs {os.path.relpath(log, paths.TOP)}.a, .b")
    threads = [threading.Thread(target=boot, args=(h,)) for h in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return judge_all(cases, readers, log, progress)


def judge_all(cases, readers, log, progress):
    base = os.path.basename(os.path.normpath(os.path.dirname(log)))
    console_dir = os.path.join(paths.build_dir(), "test-xen-2host" + (base[3:] if base.startswith("rig-") else ""))
    results = []
    for n, case in enumerate(cases, 1):
        ja, jb = readers["a"].jobs[n], readers["b"].jobs[n]
        obs = merged(ja, jb)
        console_log = os.path.join(console_dir, f"{case.name}.log")
        write_console(console_log, obs.lines)
        host_checks(case, obs, console_log)
        v = judge(obs, case.expect, case.greps)
        dom0_lines = [f"A: {l}" for l in ja.dom0_lines] + [f"B: {l}" for l in jb.dom0_lines]
        r = Result(case, v, obs, obs.seconds, console_log, dom0_lines)
        results.append(r)
        progress.start(case.name)
        progress.finish(r)
    done = all(r.done for r in readers.values())
    if not done:
        progress.say("!! a rig did not finish its jobs (QEMU status A "
                     f"{readers['a'].qemu_rc}, B {readers['b'].qemu_rc})")
    return results, suite_code(results, done)
