"""tools/setup decides from dpkg's package database, never from a directory: the fresh-machine bug (a
Debian 12 with linux-libc-dev, whose files are in /usr/include/xen too, but no libxen-dev). Xen's
headers themselves are fetched by the build now (tools/xen-headers), not installed."""
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
KEYRING = "debian-archive-keyring"


def run_setup(tmp_path, installed, *groups):
    env = dict(os.environ, DPKG_QUERY=fake_dpkg(tmp_path, installed), SETUP_DRY_RUN="1")
    return subprocess.run([os.path.join(TOP, "tools", "setup"), *groups], capture_output=True, text=True, env=env)


def test_setup_sees_missing_keyring(tmp_path):
    """The build fetches libxen-dev from the archive: without the keyring apt cannot check it."""
    p = run_setup(tmp_path, BUILD_PKGS, "build")
    assert p.returncode == 3 and p.stdout.split() == ["tools/setup:", "missing:", KEYRING], p.stdout
    p = run_setup(tmp_path, BUILD_PKGS + [KEYRING], "build")
    assert p.returncode == 0 and p.stdout == ""


def test_setup_test_group_has_the_harness_needs(tmp_path):
    p = run_setup(tmp_path, [], "test")
    for pkg in ("python3", "python3-pytest", "qemu-system-x86", KEYRING):
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
    assert p.returncode != 0 and "missing: " + KEYRING in p.stdout + p.stderr, p.stdout + p.stderr


def test_xen_headers_are_pinned():
    """The fetched .deb is pinned by version and sha256, like the libc sources."""
    text = open(os.path.join(TOP, "tools", "xen-headers", "fetch-xen-headers")).read()
    assert "VERSION=4.20." in text and "SHA256=" in text and "sha256sum -c" in text
