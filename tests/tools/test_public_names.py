"""Every name include/pvhkit/ declares carries pvh_ (PVH_ for macros and constants)."""
import glob
import os
import re

TOP = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
# the names lwIP's and mbed TLS's own headers bring are theirs; only what our headers declare counts
DECL = [
    re.compile(r"^\s*#\s*define\s+(\w+)", re.M),                      # macros
    re.compile(r"\b(?:struct|enum|union)\s+(\w+)"),                    # tags
    re.compile(r"\btypedef\b[^;{]*\{[^}]*\}\s*(\w+)\s*;", re.S),      # typedef struct {...} X;
    re.compile(r"\btypedef\b[^;{]*?\b(\w+)\s*;", re.S),                # typedef ... X;
    re.compile(r"^[A-Za-z_][\w \t\*]*?\b(\w+)\s*\(", re.M),            # functions at file level
]
ENUM_BODY = re.compile(r"\benum\s+\w*\s*\{([^}]*)\}", re.S)


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def names(text):
    code = strip_comments(text)
    found = set()
    for rx in DECL:
        found.update(rx.findall(code))
    for body in ENUM_BODY.findall(code):
        found.update(re.findall(r"(\w+)\s*(?:=[^,]*)?(?:,|$)", body.strip()))
    return {n for n in found if n}


def bad_names(text):
    allowed = re.compile(r"^(pvh_|PVH_|PVHKIT_)")
    # the header guard and the C library's struct tags used in declarations are not ours
    outside = {"gnttab_copy", "shared_info", "hvm_start_info", "hvm_memmap_table_entry",
               "hvm_modlist_entry", "sockaddr", "sockaddr_in"}
    return sorted(n for n in names(text) if not allowed.match(n) and n not in outside)


def test_every_public_name_is_pvh():
    headers = glob.glob(os.path.join(TOP, "include", "pvhkit", "**", "*.h"), recursive=True)
    assert len(headers) >= 9
    bad = {os.path.relpath(h, TOP): bad_names(open(h, encoding="utf-8").read()) for h in headers}
    bad = {h: n for h, n in bad.items() if n}
    assert not bad, f"names without pvh_: {bad}"


def test_a_name_without_pvh_is_caught():
    """The check itself can fail: each kind of declaration it reads, unprefixed."""
    assert bad_names("int blk_read(void *d);\n") == ["blk_read"]
    assert bad_names("struct blk_info { int x; };\n") == ["blk_info"]
    assert bad_names("typedef struct pvh_blk_dev blk_dev_t;\n") == ["blk_dev_t"]
    assert bad_names("typedef struct {\n\tint opaque;\n} spinlock_t;\n") == ["spinlock_t"]
    assert bad_names("#define BLK_MAX 4\n") == ["BLK_MAX"]
    assert bad_names("enum pvh_blk_op { PVH_BLK_READ, BLK_WRITE };\n") == ["BLK_WRITE"]
    assert bad_names("/* blk_read() in a comment */\nint pvh_x(void);\n") == []
