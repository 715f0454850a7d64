"""Where things are: the repository, the build directory and the rig of a Xen version (RIG_DIR, XEN)."""
import os
import re

TOP = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
XENRIG = os.path.join(TOP, "tools", "xenrig")
DEFAULT_XEN = "4.17"  # the rig tools/xenrig/build makes by default (build/rig)
VERSION_RE = re.compile(r"^[0-9]+\.[0-9]+$")


def build_dir():
    b = os.environ.get("BUILD", "build")
    return b if os.path.isabs(b) else os.path.join(TOP, b)


def xen_version(explicit=None):
    """The Xen version asked for: --xen VERSION, else $XEN, else the default rig's."""
    return explicit or os.environ.get("XEN") or DEFAULT_XEN


def rig_dir(version=None):
    """$RIG_DIR when set (it wins, as it always did); else build/rig for 4.17, build/rig-<version> for others."""
    if os.environ.get("RIG_DIR") and not version:
        d = os.environ["RIG_DIR"]
        return d if os.path.isabs(d) else os.path.join(TOP, d)
    v = xen_version(version)
    return os.path.join(build_dir(), "rig" if v == DEFAULT_XEN else f"rig-{v}")


def script_env(rig):
    """The variables scenario lines and runner scripts may use."""
    env = dict(os.environ)
    env.update(TOP=TOP, XENRIG=XENRIG, BUILD=build_dir(), RIG_DIR=rig)
    return env


def results_dir():
    d = os.path.join(build_dir(), "results")
    os.makedirs(d, exist_ok=True)
    return d
