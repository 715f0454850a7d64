"""Tests of tools/check-layers: a planted upward include fails, naming file, line and rule."""
import importlib.machinery
import importlib.util
import os
import subprocess
import sys

import pytest

TOP = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
CHECKER = os.path.join(TOP, "tools", "check-layers")

TABLE = """# design
<!-- layers:begin -->
| layer | folders | job | may include |
|---|---|---|---|
| base | `base/` | helpers | nothing |
| arch | `arch/x86/` | mechanism | `base/`, `<xen/>` |
| kernel | `kernel/` | policy | `arch/x86/`, `base/`, `<xen/>` |
| api | `include/pvhkit/` | public API | nothing |
| test api | `include/pvhkit/test/` | test-only headers | `include/pvhkit/`, `<xen/>` |
| apps | `apps/` | apps | `include/pvhkit/` |
| test images | `apps/conformance/` | tests | `include/pvhkit/`, `include/pvhkit/test/`, `<xen/>` |
<!-- layers:end -->
"""


def load_checker():
    loader = importlib.machinery.SourceFileLoader("check_layers", CHECKER)
    spec = importlib.util.spec_from_loader("check_layers", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def tree(tmp_path, files):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "DESIGN.md").write_text(TABLE)
    for path, text in files.items():
        p = tmp_path / path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return tmp_path


def run(root):
    return subprocess.run([sys.executable, CHECKER, "--root", str(root)],
                          capture_output=True, text=True)


CLEAN = {
    "base/string.h": "/* strings */\n",
    "arch/x86/cpu.h": '/* cpu */\n#include "base/string.h"\n#include <xen/xen.h>\n',
    "kernel/sched.c": '/* sched */\n#include "arch/x86/cpu.h"\n#include "sched.h"\n#include <stdint.h>\n',
    "kernel/sched.h": "/* sched */\n",
    "include/pvhkit/thread.h": "/* api */\n#include <stdint.h>\n",
    "apps/hello/main.c": "/* hello */\n#include <pvhkit/thread.h>\n#include <stdio.h>\n",
    "include/pvhkit/test/xen.h": "/* test api */\n#include <pvhkit/thread.h>\n#include <xen/xen.h>\n",
    "apps/conformance/main.c": "/* conf */\n#include <pvhkit/thread.h>\n#include <xen/xen.h>\n"
    "#include <pvhkit/test/xen.h>\n",
}


def planted(tmp_path, path, line, extra=None):
    """The checker's verdict on the clean tree with line appended to path (and extra files)."""
    files = dict(CLEAN, **(extra or {}))
    files[path] += line + "\n"
    return run(tree(tmp_path, files))


def test_clean_tree_passes(tmp_path):
    r = run(tree(tmp_path, CLEAN))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 upward includes" in r.stdout


def test_planted_upward_include_fails_with_file_line_and_rule(tmp_path):
    r = planted(tmp_path, "arch/x86/cpu.h", '#include "kernel/sched.h"')  # arch reaching up
    assert r.returncode == 1
    assert "arch/x86/cpu.h:4: includes kernel/sched.h (kernel/, layer 'kernel')" in r.stdout
    assert "layer 'arch' may include only arch/x86/, base/, <xen/>" in r.stdout
    assert "1 upward includes" in r.stdout


def test_app_reaching_into_kernel_fails(tmp_path):
    r = planted(tmp_path, "apps/hello/main.c", '#include "kernel/sched.h"')
    assert r.returncode == 1
    assert "apps/hello/main.c:4: includes kernel/sched.h" in r.stdout


def test_app_using_the_test_only_headers_fails(tmp_path):
    """include/pvhkit/test/ is its own layer inside include/pvhkit/: test images only."""
    files = dict(CLEAN)
    files["apps/hello/main.c"] += "#include <pvhkit/test/xen.h>\n"
    r = run(tree(tmp_path, files))
    assert r.returncode == 1
    assert ("apps/hello/main.c:4: includes include/pvhkit/test/xen.h (include/pvhkit/test/, "
            "layer 'test api')") in r.stdout


def test_public_header_reaching_into_the_test_headers_fails(tmp_path):
    files = dict(CLEAN)
    files["include/pvhkit/thread.h"] += '#include "test/xen.h"\n'
    r = run(tree(tmp_path, files))
    assert r.returncode == 1
    assert "include/pvhkit/thread.h:3: includes include/pvhkit/test/xen.h" in r.stdout


def test_xen_headers_only_where_the_table_allows(tmp_path):
    r = planted(tmp_path, "apps/hello/main.c", "#include <xen/xen.h>")
    assert r.returncode == 1
    assert "apps/hello/main.c:4: includes <xen/xen.h> (Xen's public headers)" in r.stdout


def test_longest_folder_wins(tmp_path):
    """apps/conformance/ is its own layer inside apps/: it may use Xen's headers, apps may not."""
    mod = load_checker()
    layers = mod.parse_table(TABLE)
    layer, folder = mod.owner(layers, "apps/conformance/main.c")
    assert (layer.name, folder) == ("test images", "apps/conformance/")
    assert mod.owner(layers, "apps/hello/main.c")[0].name == "apps"


def test_unowned_target_is_reported(tmp_path):
    r = planted(tmp_path, "kernel/sched.c", '#include "stray/x.h"',
                {"stray/x.h": "/* nobody's */\n"})
    assert r.returncode == 1
    assert "includes stray/x.h, which no layer owns" in r.stdout


def test_missing_table_is_a_usage_error(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "DESIGN.md").write_text("# no table\n")
    r = run(tmp_path)
    assert r.returncode == 2
    assert "no '<!-- layers:begin -->'" in r.stderr


@pytest.mark.parametrize("line", ['#include "kernel/sched.h"', '# include "kernel/sched.h"',
                                  '  #include"kernel/sched.h"'])
def test_include_spellings(tmp_path, line):
    r = planted(tmp_path, "base/string.h", line)
    assert r.returncode == 1, line
