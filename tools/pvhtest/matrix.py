"""The Xen version matrix: which scenario cases `make test` runs on the versions besides the default (tests/matrix)."""
import os
import re

from . import paths
from .scenario import ScenarioError

MATRIX_FILE = os.path.join(paths.TOP, "tests", "matrix")
PLATFORMS = ("dom0", "domU")


def read(path=MATRIX_FILE):
    """{(version, platform): [case names]} from a matrix file, in file order."""
    out = {}
    try:
        text = open(path).read()
    except OSError as e:
        raise ScenarioError(f"cannot read the matrix file {path}: {e.strerror}")
    for n, line in enumerate(text.splitlines(), 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        where = f"{os.path.relpath(path, paths.TOP)}:{n}"
        if len(words) != 3:
            raise ScenarioError(f"{where}: need VERSION PLATFORM CASE[,CASE...]: {line}")
        version, platform, names = words
        if not paths.VERSION_RE.match(version):
            raise ScenarioError(f"{where}: bad Xen version '{version}'")
        if platform not in PLATFORMS:
            raise ScenarioError(f"{where}: platform '{platform}' (dom0 or domU: QEMU has no Xen version)")
        if (version, platform) in out:
            raise ScenarioError(f"{where}: a second line for {version} {platform}")
        cases = [c for c in names.split(",") if c]
        bad = [c for c in cases if not re.match(r"^[A-Za-z0-9_.-]+$", c)]
        if bad or not cases:
            raise ScenarioError(f"{where}: bad case list '{names}'")
        out[(version, platform)] = cases
    return out


def versions(path=MATRIX_FILE):
    """The extra versions the matrix names, in file order."""
    seen = []
    for v, _ in read(path):
        if v not in seen:
            seen.append(v)
    return seen


def cases_for(version, platform, path=MATRIX_FILE):
    """The case names `make test` runs on (version, platform); [] when the matrix names none."""
    return read(path).get((paths.xen_version(version), platform), [])
