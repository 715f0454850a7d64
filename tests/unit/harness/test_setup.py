"""tools/setup decides from dpkg's package database, never from a directory: the fresh-machine bug (a
Debian 12 with linux-libc-dev, whose files are in /usr/include/xen too, but no libxen-dev)."""
import os
import shutil
import subprocess

import pytest

from conftest import TOP


def fake_dpkg(tmp_path, installed):
    """A dpkg-query that knows only `installed`."""
    f = tmp_path / "dpkg-query"
    f.write_text("#!/bin/sh\n# fake: dpkg-query -W -f=... PACKAGE\neval p=\\${$#}\ncase \" %s \" in *\" $p \"*) "
                 "printf 'install ok installed' ;; *) exit 1 ;; esac\n" % " ".join(installed))
    f.chmod(0o755)
    return str(f)


BUILD_PKGS = ["gcc", "make", "binutils", "linux-libc-dev"]


def run_setup(tmp_path, installed, *groups):
    env = dict(os.environ, DPKG_QUERY=fake_dpkg(tmp_path, installed), SETUP_DRY_RUN="1")
    return subprocess.run([os.path.join(TOP, "tools", "setup"), *groups], capture_output=True, text=True, env=env)


def test_setup_sees_missing_libxen_dev(tmp_path):
    p = run_setup(tmp_path, BUILD_PKGS, "build")
    assert p.returncode == 3 and p.stdout.split() == ["tools/setup:", "missing:", "libxen-dev"], p.stdout
    p = run_setup(tmp_path, BUILD_PKGS + ["libxen-dev"], "build")
    assert p.returncode == 0 and p.stdout == ""


def test_setup_test_group_has_the_harness_needs(tmp_path):
    p = run_setup(tmp_path, [], "test")
    for pkg in ("python3", "python3-pytest", "qemu-system-x86", "libxen-dev"):
        assert pkg in p.stdout.split(), p.stdout


def test_make_asks_setup_even_when_usr_include_xen_exists(tmp_path):
    """The Makefile's first build step must ask tools/setup, whatever /usr/include holds (it used to
    skip setup when /usr/include/xen existed, which linux-libc-dev alone makes true)."""
    if not shutil.which("make"):
        pytest.skip("no make")
    env = dict(os.environ, DPKG_QUERY=fake_dpkg(tmp_path, BUILD_PKGS), SETUP_DRY_RUN="1")
    build = tmp_path / "b"
    p = subprocess.run(["make", "--no-print-directory", f"BUILD={build}", f"{build}/xen-include/xen"],
                       cwd=TOP, capture_output=True, text=True, env=env)
    assert p.returncode != 0 and "missing: libxen-dev" in p.stdout + p.stderr, p.stdout + p.stderr


@pytest.mark.skipif(not shutil.which("dpkg"), reason="no dpkg")
def test_the_header_the_build_checks_belongs_to_libxen_dev():
    """The Makefile checks /usr/include/xen/elfnote.h after setup: that file is libxen-dev's, while
    the directory is shared with linux-libc-dev (so it could never tell the two apart)."""
    if not os.path.exists("/usr/include/xen/elfnote.h"):
        pytest.skip("libxen-dev not installed here")
    owner = subprocess.run(["dpkg", "-S", "/usr/include/xen/elfnote.h"], capture_output=True, text=True).stdout
    assert owner.split(":")[0] == "libxen-dev"
    owners = subprocess.run(["dpkg", "-S", "/usr/include/xen"], capture_output=True, text=True).stdout
    assert "libxen-dev" in owners and "linux-libc-dev" in owners
