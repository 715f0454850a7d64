"""The one scenario format: a case written once, run on every platform (qemu, dom0, domU) and Xen version it names.

A scenario file holds one case per line, in shell words ("#" starts a comment line):

    NAME  ON  EXPECT  IMAGE  [options]

NAME    letters, digits, "_.-"; unique per platform (on the rig it is the Xen domain name)
ON      where it runs, comma-separated: qemu (QEMU's PVH loader), dom0 (Xen's PVH hardware
        domain, tools/xen-dom0-run), domU (a guest on the real-Xen rig, tools/xen-run); each may
        name Xen versions: domU@4.20, dom0@4.17+4.20 (default: every version)
EXPECT  pass | fail | crash | reboot | timeout | skip | exit:N   (verdict.py)
IMAGE   an app name (no dot: hello, picolibc/libc-test -> $BUILD/NAME.elf) or a path: absolute
        ($RIG_DIR/...), ./relative, or a file name with a dot (build/x.elf), from the repository root

Options (those a platform cannot do are refused, so a case never silently loses a check):
  --cmdline STR --memory MiB --vcpus N --timeout S --module FILE   every platform
  --grep ERE             a guest console line must match (repeatable, every platform)
  --host-check 'CMD ARGS' run on the host after the guest with its console log as the last
                         argument; must exit 0 (repeatable)
  --machine M --qemu ARGS                                            qemu (--qemu: dom0 too)
  --xen-cmdline STR                                                  dom0
  --maxvcpus N --disk FILE[,ro][,4k] --vif --dom0 SCRIPT --dom0-post SCRIPT --xl KEY=VALUE   domU
  --peer SCRIPT          domU, two hosts only (tools/run-tests --two-hosts): the second rig's dom0
                         script, which receives the domain the case's --dom0 script migrates to it
  --expect X             overrides EXPECT (useful with a platform suffix)
Any option may carry a platform suffix, OPTION@PLATFORM, to apply on that platform only:
"--expect@qemu skip", "--timeout@qemu 240". $TOP $BUILD $RIG_DIR $XENRIG may be used; relative
paths are from the repository root. A line without the ON column (the rig's older "NAME EXPECT
IMAGE ..." lists, e.g. a benchmark's) is read as a domU case, with a warning.
"""
import os
import re
import shlex
import sys
from dataclasses import dataclass, field

from . import paths, verdict

PLATFORMS = ("qemu", "dom0", "domU")
DEFAULT_TIMEOUT = {"qemu": 60, "dom0": 90, "domU": 60}
# option -> (takes a value, platforms, repeatable)
OPTIONS = {
    "--cmdline": (True, PLATFORMS, False),
    "--memory": (True, PLATFORMS, False),
    "--vcpus": (True, PLATFORMS, False),
    "--timeout": (True, PLATFORMS, False),
    "--module": (True, PLATFORMS, False),
    "--grep": (True, PLATFORMS, True),
    "--host-check": (True, PLATFORMS, True),
    "--expect": (True, PLATFORMS, False),
    "--machine": (True, ("qemu",), False),
    "--qemu": (True, ("qemu", "dom0"), False),
    "--xen-cmdline": (True, ("dom0",), False),
    "--maxvcpus": (True, ("domU",), False),
    "--disk": (True, ("domU",), True),
    "--vif": (False, ("domU",), True),
    "--dom0": (True, ("domU",), False),
    "--dom0-post": (True, ("domU",), True),
    "--xl": (True, ("domU",), True),
    "--peer": (True, ("domU",), False),
}
NUMERIC = ("--memory", "--vcpus", "--timeout", "--maxvcpus")
PATH_OPTS = ("--module", "--dom0", "--dom0-post", "--peer")
NAME_RE = re.compile(r"^[A-Za-z0-9_.-]+$")


class ScenarioError(Exception):
    """A scenario file or command line the harness cannot use (exit status E_USAGE)."""


@dataclass
class Case:
    name: str
    platform: str
    expect: str
    image: str
    opts: dict = field(default_factory=dict)   # single-valued options, without "--"
    greps: list = field(default_factory=list)
    host_checks: list = field(default_factory=list)
    disks: list = field(default_factory=list)
    vifs: int = 0
    posts: list = field(default_factory=list)
    xl: list = field(default_factory=list)
    where: str = ""                            # file:line, for messages
    group: str = "pvhkit"                      # "rig" for the rig's own self-test cases

    def get(self, key, default=None):
        return self.opts.get(key, default)

    def num(self, key, default):
        return int(self.opts.get(key, default))

    @property
    def timeout(self):
        return self.num("timeout", DEFAULT_TIMEOUT[self.platform])


def parse_on(word, where):
    """ON column -> {platform: set of Xen versions or None (all)}."""
    out = {}
    for item in word.split(","):
        plat, _, vers = item.partition("@")
        if plat not in PLATFORMS:
            raise ScenarioError(f"{where}: unknown platform '{plat}' (qemu, dom0, domU)")
        versions = set(vers.split("+")) if vers else None
        if versions and not all(paths.VERSION_RE.match(v) for v in versions):
            raise ScenarioError(f"{where}: bad Xen version in '{item}'")
        out[plat] = versions
    return out


def _expand(s, env):
    return re.sub(r"\$(\w+)|\$\{(\w+)\}", lambda m: env.get(m.group(1) or m.group(2), m.group(0)), s)


def image_path(word, env):
    p = _expand(word, env)
    # app names have no dot: "build/conformance.elf", "./kernel" and "/abs/..." are paths
    if os.path.isabs(p) or p.startswith("./") or "." in os.path.basename(p):
        return os.path.normpath(os.path.join(paths.TOP, p))
    return os.path.join(env["BUILD"], p + ".elf")


def make_case(name, platform, expect, image, args, env, where, check_files=True):
    """A Case for one platform from the words after NAME (options already shell-split)."""
    if not NAME_RE.match(name):
        raise ScenarioError(f"{where}: bad case name '{name}'")
    c = Case(name=name, platform=platform, expect=expect, image=image_path(image, env) if image else "",
             where=where)
    i = 0
    while i < len(args):
        opt, _, only = args[i].partition("@")
        if opt not in OPTIONS:
            raise ScenarioError(f"{where}: {name}: unknown option '{args[i]}'")
        takes, plats, _ = OPTIONS[opt]
        if only and only not in PLATFORMS:
            raise ScenarioError(f"{where}: {name}: unknown platform in '{args[i]}'")
        value = None
        if takes:
            if i + 1 >= len(args):
                raise ScenarioError(f"{where}: {name}: option {opt} needs a value")
            value = _expand(args[i + 1], env)
            i += 1
        i += 1
        if only and only != platform:
            continue
        if platform not in plats:
            raise ScenarioError(f"{where}: {name}: {opt} does not apply on {platform} "
                                f"(only {', '.join(plats)}; use {opt}@PLATFORM)")
        key = opt[2:]
        if opt in NUMERIC and not re.match(r"^[0-9]+$", value or ""):
            raise ScenarioError(f"{where}: {name}: {opt} takes a number, got '{value}'")
        if opt in PATH_OPTS:
            value = value if os.path.isabs(value) else os.path.join(paths.TOP, value)
        if opt == "--grep":
            try:
                re.compile(value)
            except re.error as e:
                raise ScenarioError(f"{where}: {name}: bad --grep '{value}': {e}")
            c.greps.append(value)
        elif opt == "--host-check":
            c.host_checks.append(value)
        elif opt == "--disk":
            c.disks.append(value)
        elif opt == "--vif":
            c.vifs += 1
        elif opt == "--dom0-post":
            c.posts.append(value)
        elif opt == "--xl":
            if "=" not in value:
                raise ScenarioError(f"{where}: {name}: --xl wants KEY=VALUE, got '{value}'")
            c.xl.append(value)
        elif opt == "--expect":
            c.expect = value
        else:
            c.opts[key] = value
    if not verdict.valid_expectation(c.expect):
        raise ScenarioError(f"{where}: {name}: bad expectation '{c.expect}' "
                            "(pass fail crash reboot timeout skip exit:N)")
    if '"' in c.get("cmdline", "") and platform == "domU":
        raise ScenarioError(f"{where}: {name}: a domU command line may not contain '\"'")
    if check_files:
        check_files_of(c)
    return c


def check_files_of(c):
    """The files a case needs exist (images and rig files are built: checked only before a run)."""
    for f in [c.get("module"), c.get("dom0"), c.get("peer")] + c.posts:
        if f and not os.path.isfile(f):
            raise ScenarioError(f"{c.where}: {c.name}: no such file: {f}")
    if c.image and not os.path.isfile(c.image):
        raise ScenarioError(f"{c.where}: {c.name}: no such image: {c.image} (make builds it)")


def load(files, platform, version=None, env=None, check_files=True, group="pvhkit"):
    """The cases of `files` that run on `platform` (and Xen `version`), in file order."""
    env = env or paths.script_env(paths.rig_dir())
    cases, seen, warned = [], set(), set()
    for f in files:
        try:
            text = open(f).read()
        except OSError as e:
            raise ScenarioError(f"cannot read scenario file {f}: {e.strerror}")
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            where = f"{os.path.relpath(f, paths.TOP)}:{n}"
            try:
                words = shlex.split(line, comments=False)
            except ValueError as e:
                raise ScenarioError(f"{where}: cannot parse: {e}")
            if len(words) >= 3 and verdict.valid_expectation(words[1]):
                # the rig's old 3-column line (NAME EXPECT IMAGE ...): a domU case; said once per file
                if f not in warned:
                    warned.add(f)
                    print(f"{where}: warning: no ON column (NAME ON EXPECT IMAGE): read as domU", file=sys.stderr)
                words = words[:1] + ["domU"] + words[1:]
            if len(words) < 4:
                raise ScenarioError(f"{where}: need NAME ON EXPECT IMAGE: {line}")
            name, on, expect, image = words[:4]
            where_on = parse_on(on, where)
            if platform not in where_on:
                continue
            versions = where_on[platform]
            if versions and platform != "qemu" and paths.xen_version(version) not in versions:
                continue
            if name in seen:
                raise ScenarioError(f"{where}: two cases named '{name}' for {platform}")
            seen.add(name)
            c = make_case(name, platform, expect, image, words[4:], env, where, check_files)
            c.group = group
            cases.append(c)
    return cases


def images(files, platforms):
    """Every image the cases of `files` boot on `platforms` (for make to build them first)."""
    env = paths.script_env(paths.rig_dir())
    out = []
    for p in platforms:
        for c in load(files, p, env=env, check_files=False):
            if c.image.startswith(env["BUILD"] + "/") and c.image not in out:
                out.append(c.image)
    return out
