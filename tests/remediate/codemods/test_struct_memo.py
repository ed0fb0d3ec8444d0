"""struct-precompile's memo stage: struct.Struct(fmt) built per call from a format computed at
run time, the spellings it covers, same results before and after, refusals."""

from __future__ import annotations

import struct
import sys
import types
from unittest import mock

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load, same_results

STRUCT = codemod("struct-precompile")

TABLE = '''\
"""Frames."""

import struct

LAYOUTS = {1: (">", "Ihhh"), 2: ("<", "Ihhh")}


def read_sample(version, blob, offset):
    order, fields = LAYOUTS[version]
    layout = struct.Struct(order + fields)
    return layout.unpack_from(blob, offset), offset + layout.size
'''

TABLE_AFTER = '''\
"""Frames."""

import struct
import functools


@functools.lru_cache(maxsize=100)
def _struct_compiled(fmt):
    return struct.Struct(fmt)


def _struct_for(fmt, real=struct.Struct):
    if struct.Struct is real and (type(fmt) is str or type(fmt) is bytes):
        return _struct_compiled(fmt)
    return struct.Struct(fmt)


LAYOUTS = {1: (">", "Ihhh"), 2: ("<", "Ihhh")}


def read_sample(version, blob, offset):
    order, fields = LAYOUTS[version]
    layout = _struct_for(order + fields)
    return layout.unpack_from(blob, offset), offset + layout.size
'''


def test_a_struct_built_from_a_table_goes_through_the_memo() -> None:
    result = STRUCT.apply(TABLE, function="read_sample")
    assert result.source == TABLE_AFTER
    assert result.sites == 1
    assert result.summary.startswith("built struct.Struct once per format through _struct_for")
    blob = struct.pack(">Ihhh", 7, -1, 2, 3) + struct.pack("<Ihhh", 8, 4, -5, 6)
    calls = [(1, blob, 0), (2, blob, 10), (1, blob, 0), (3, blob, 0), (2, blob, 15), (1, b"", 0)]
    same_results(TABLE, result.source, "read_sample", *calls)


def test_without_a_named_function_only_calls_in_loops_are_rewritten() -> None:
    assert not STRUCT.apply(TABLE).changed
    source = (
        "import struct\n\ndef sizes(codes):\n"
        "    return [struct.Struct('<' + c).size for c in codes]\n"
    )
    result = STRUCT.apply(source)
    assert result.sites == 1 and "_struct_for('<' + c).size" in result.source
    same_results(source, result.source, "sizes", (["I", "hh", "I"],), (["?x"],), ([b"I"],))


# other spellings of the same thing: the format built by an f-string, a join, `%`, passed in
# as a parameter, through `from struct import Struct` or `import struct as ...`, annotated
SPELLINGS = {
    "f-string, inline method": (
        "import struct\n\ndef words(buf, n):\n"
        "    return struct.Struct(f'<{n}H').unpack(buf[: 2 * n])\n",
        "words",
        [(bytes(range(8)), 4), (b"\x01\x00", 1), (b"", 1), (b"ab", -1)],
    ),
    "join, imported name": (
        "from struct import Struct\n\ndef pack_row(codes, values):\n"
        "    row = Struct('>' + ''.join(codes))\n"
        "    return row.pack(*values), row.format\n",
        "pack_row",
        [(["I", "h"], (1, 2)), (["q"], (5,)), (["Z"], (1,)), (["h"], (70000,))],
    ),
    "parameter, module alias": (
        "import struct as st\n\ndef count(fmt, blob):\n"
        "    rec = st.Struct(fmt)\n"
        "    return sum(1 for _ in rec.iter_unpack(blob))\n",
        "count",
        [("<H", b"abcd"), (b"<H", b"ab"), ("<I", b"abc"), (3, b"")],
    ),
    "percent, annotated local, pack_into": (
        "import struct\n\ndef fill(n, value):\n"
        "    shape: struct.Struct = struct.Struct('<%dB' % n)\n"
        "    buf = bytearray(shape.size)\n"
        "    shape.pack_into(buf, 0, *([value] * n))\n"
        "    return bytes(buf)\n",
        "fill",
        [(3, 1), (0, 0), (2, 300)],
    ),
    "literal format in a function": (
        "import struct\n\ndef header(blob):\n    return struct.Struct('!HH').unpack_from(blob)\n",
        "header",
        [(b"\x00\x01\x00\x02",), (b"",)],
    ),
}


@pytest.mark.parametrize("case", sorted(SPELLINGS))
def test_spellings_go_through_the_memo_with_the_same_results(case: str) -> None:
    source, function, calls = SPELLINGS[case]
    result = STRUCT.apply(source, function=function)
    assert result.sites == 1, result.summary
    assert "_struct_for(" in result.source
    same_results(source, result.source, function, *calls, *calls)


def test_the_memo_builds_with_the_name_the_call_used() -> None:
    source, function, _ = SPELLINGS["join, imported name"]
    assert "    return Struct(fmt)\n" in STRUCT.apply(source, function=function).source
    source, function, _ = SPELLINGS["parameter, module alias"]
    assert "    return st.Struct(fmt)\n" in STRUCT.apply(source, function=function).source


class Folded(str):
    """A str subclass equal to any string of the same letters, whatever their case."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and self.lower() == other.lower()

    def __hash__(self) -> int:
        return hash(self.lower())


def test_only_exact_str_and_bytes_formats_are_memoised() -> None:
    """'<i' and '<I' are equal as Folded strings but unpack differently: a memo keyed on
    them would hand the second call the first call's Struct."""
    source = "import struct\n\ndef read(fmt, blob):\n    return struct.Struct(fmt).unpack(blob)\n"
    after = STRUCT.apply(source, function="read").source
    old, new = load(source)["read"], load(after)["read"]
    blob = b"\xff\xff\xff\xff"
    for fmt in (Folded("<i"), Folded("<I"), "<i", b"<i", "<I", b"<I"):
        assert old(fmt, blob) == new(fmt, blob), fmt
    assert new(Folded("<i"), blob) != new(Folded("<I"), blob)


def test_errors_are_the_same_at_every_call_and_never_cached() -> None:
    after = load(TABLE_AFTER)
    for fmt in ("<Q!", "<Q!", "é", bytearray(b"<i"), 1):
        with pytest.raises(Exception) as old:
            struct.Struct(fmt)
        with pytest.raises(Exception) as new:
            after["_struct_for"](fmt)
        assert type(old.value) is type(new.value) and str(old.value) == str(new.value)
    assert after["_struct_compiled"].cache_info().currsize == 0


def test_more_formats_than_the_memo_holds_give_the_same_results() -> None:
    source, function, _ = SPELLINGS["f-string, inline method"]
    after = STRUCT.apply(source, function=function).source
    calls = [(bytes(2 * n), n) for n in range(1, 240)]
    same_results(source, after, function, *calls, *reversed(calls))
    assert load(after)["_struct_compiled"].cache_info().maxsize == 100


def test_memo_and_literal_formats_in_one_file() -> None:
    source = (
        "import struct\n\ndef encode(rows, order):\n    out = []\n    for key, kind in rows:\n"
        "        out.append(struct.pack('<I', key))\n"
        "        out.append(struct.Struct(order + kind).pack(key))\n    return b''.join(out)\n"
    )
    result = STRUCT.apply(source)
    assert result.sites == 2
    assert "_STRUCT_ENCODE.pack(key)" in result.source
    assert "_struct_for(order + kind).pack(key)" in result.source
    same_results(source, result.source, "encode", ([(1, "H"), (2, "I")], ">"), ([(1, "x")], "<"))


def _fn(body: str, head: str = "import struct\n") -> str:
    return f"{head}\ndef f(fmt, blob):\n" + "".join(f"    {line}\n" for line in body.split("\n"))


REFUSED = {
    "returned": (_fn("return struct.Struct(fmt)"), "returned"),
    "stored on an object": (_fn("blob.layout = struct.Struct(fmt)"), "kept"),
    "passed to a call": (_fn("return id(struct.Struct(fmt))"), "passed to a call"),
    "aliased": (_fn("s = struct.Struct(fmt)\nt = s\nreturn t.unpack(blob)"), "used other than"),
    "listed": (_fn("s = struct.Struct(fmt)\nreturn [s]"), "used other than"),
    "compared": (_fn("s = struct.Struct(fmt)\nreturn s is blob"), "used other than"),
    "re-initialised": (
        _fn("s = struct.Struct(fmt)\ns.__init__('<h')\nreturn s.size"),
        "__init__ is used",
    ),
    "bound method taken": (
        _fn("s = struct.Struct(fmt)\nread = s.unpack\nreturn read(blob)"),
        "unpack is used",
    ),
    "bound twice": (
        _fn("s = struct.Struct(fmt)\ns = struct.Struct('<' + fmt)\nreturn s.size"),
        "not a local bound only here",
    ),
    "locals()": (_fn("s = struct.Struct(fmt)\nprint(locals())\nreturn s.size"), "locals()"),
    "deleted": (_fn("s = struct.Struct(fmt)\nn = s.size\ndel s\nreturn n"), "used other than"),
    "keyword format": (_fn("return struct.Struct(format=fmt).size"), "one positional format"),
    "struct rebound": (
        _fn("return struct.Struct(fmt).size", "import struct\nstruct = struct\n"),
        "nothing to rewrite",
    ),
    "imported in the function": (
        _fn("import struct\nreturn struct.Struct(fmt).size", ""),
        "not bound once",
    ),
    "str rebound": (
        _fn("return struct.Struct(fmt).size", "import struct\nstr = bytes\n"),
        "the module binds str",
    ),
    "functools taken": (
        _fn("return struct.Struct(fmt).size", "import struct\nfunctools = 1\n"),
        "functools is bound",
    ),
    "code runs before the imports end": (
        _fn("return struct.Struct(fmt).size", "print(1)\nimport struct\n"),
        "code before",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_leave_the_text_byte_identical_and_say_why(case: str) -> None:
    source, why = REFUSED[case]
    result = STRUCT.apply(source, function="f")
    assert result.source == source
    assert not result.changed and result.sites == 0
    assert why in result.summary, result.summary


def test_a_struct_from_another_module_is_left_alone() -> None:
    source = _fn("return Struct(fmt).size", "from construct import Struct\n")
    assert not STRUCT.apply(source, function="f").changed


# `str` rebound at module level in ways the scope analysis does not see: the memo's
# `type(fmt) is str` would then let in a str subclass whose equality folds case
HIDDEN_REBINDINGS = {
    "star import": "from struct_memo_compat import *\n",
    "match capture": "match _Folded:\n    case str:\n        pass\n",
    "walrus in a comprehension": "[(str := _Folded) for _ in (0,)]\n",
    "exec": "exec('str = _Folded')\n",
    "globals()": "globals()['str'] = _Folded\n",
}


@pytest.mark.parametrize("case", sorted(HIDDEN_REBINDINGS))
def test_a_builtin_rebound_out_of_the_scopes_sight_keeps_the_results(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    compat = types.ModuleType("struct_memo_compat")
    compat.str = Folded  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "struct_memo_compat", compat)
    source = (
        "import struct\n\n\nclass _Folded(str):\n"
        "    def __eq__(self, other):\n"
        "        return isinstance(other, str) and self.lower() == other.lower()\n\n"
        "    def __hash__(self):\n        return hash(self.lower())\n\n\n"
        f"{HIDDEN_REBINDINGS[case]}\n\n"
        "def read(fmt, blob):\n    return struct.Struct(str(fmt)).unpack(blob)\n"
    )
    result = STRUCT.apply(source, function="read")
    blob = b"\xff\xff\xff\xff"
    same_results(source, result.source, "read", ("<i", blob), ("<I", blob), ("<i", blob))


@pytest.mark.parametrize(
    ("head", "patched"),
    [("import struct\n", "struct.Struct"), ("from struct import Struct\n", "Struct")],
)
def test_a_struct_built_while_the_class_is_patched_is_not_kept_after(
    head: str, patched: str
) -> None:
    """A test that patches struct.Struct (or the module's own Struct) gets its fake at every
    call, as before, and the calls after the patch get real Structs again."""
    source = f"{head}\n\ndef size(fmt):\n    return {patched}(fmt).size\n"
    after = STRUCT.apply(source, function="size").source
    assert "_struct_for(fmt)" in after
    for text in (source, after):
        namespace = load(text)
        size = namespace["size"]
        assert size("<i") == 4
        fake = mock.MagicMock()
        fake.return_value.size = 99
        if patched == "Struct":
            patch = mock.patch.dict(namespace, {"Struct": fake})
        else:
            patch = mock.patch.object(struct, "Struct", fake)
        with patch:
            assert (size("<i"), size("<i")) == (99, 99)
        assert fake.call_count == 2
        assert size("<i") == 4, text
