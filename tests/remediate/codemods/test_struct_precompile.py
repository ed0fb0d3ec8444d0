"""struct-precompile: exact rewrites, same results before and after, refusals."""

from __future__ import annotations

import struct

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import same_results

STRUCT = codemod("struct-precompile")

SOURCE = '''\
"""Records."""

import struct
from io import BytesIO


def encode(rows):
    out = BytesIO()
    for key, size in rows:
        out.write(struct.pack("<IH", key, size))  # header
    return out.getvalue(), struct.calcsize("<IH")


def decode(blob):
    width = struct.calcsize("<IH")
    buf = bytearray(width)
    rows = [struct.unpack("<IH", blob[i : i + width]) for i in range(0, len(blob), width)]
    struct.pack_into(b"<IH", buf, 0, *rows[0])
    first = struct.unpack_from("<IH", blob, offset=0)
    return rows, bytes(buf), first, list(struct.iter_unpack("<IH", blob))
'''

AFTER = '''\
"""Records."""

import struct
from io import BytesIO

_STRUCT_ENCODE = struct.Struct("<IH")
_STRUCT_DECODE = struct.Struct(b"<IH")


def encode(rows):
    out = BytesIO()
    for key, size in rows:
        out.write(_STRUCT_ENCODE.pack(key, size))  # header
    return out.getvalue(), _STRUCT_ENCODE.size


def decode(blob):
    width = _STRUCT_ENCODE.size
    buf = bytearray(width)
    rows = [_STRUCT_ENCODE.unpack(blob[i : i + width]) for i in range(0, len(blob), width)]
    _STRUCT_DECODE.pack_into(buf, 0, *rows[0])
    first = _STRUCT_ENCODE.unpack_from(blob, offset=0)
    return rows, bytes(buf), first, list(_STRUCT_ENCODE.iter_unpack(blob))
'''


def test_constant_formats_become_module_level_structs() -> None:
    result = STRUCT.apply(SOURCE)
    assert result.source == AFTER
    assert result.sites == 7
    assert result.summary.startswith('compiled struct formats "<IH" as _STRUCT_ENCODE')


def test_same_results_before_and_after() -> None:
    after = STRUCT.apply(SOURCE).source
    rows = [(1, 2), (70000, 65535)]
    same_results(SOURCE, after, "encode", (rows,), ([(-1, 0)],), ([(1, 70000)],))
    blob = b"".join(struct.pack("<IH", k, s) for k, s in rows)
    same_results(SOURCE, after, "decode", (blob,), (blob[:5],), (b"",))


def test_only_the_named_function_is_rewritten() -> None:
    result = STRUCT.apply(SOURCE, function="decode")
    assert result.sites == 5
    assert 'struct.pack("<IH", key, size)' in result.source


REFUSED = {
    "format from a variable": "import struct\n\ndef f(fmt, x):\n    return struct.pack(fmt, x)\n",
    "bad format": "import struct\n\ndef f(x):\n    return struct.pack('<Q!', x)\n",
    "keyword format": "import struct\n\ndef f(b):\n    return struct.unpack(format='<I')\n",
    "bare name rebound": (
        "from struct import pack\npack = len\n\ndef f(x):\n    return pack('<I', x)\n"
    ),
    "bare name taken struct": (
        "from struct import pack\nstruct = None\n\ndef f(x):\n    return pack('<I', x)\n"
    ),
    "struct rebound": (
        "import struct\nstruct = __import__('struct')\n\n"
        "def f(x):\n    return struct.pack('<I', x)\n"
    ),
    "struct shadowed": "import struct\n\ndef f(struct, x):\n    return struct.pack('<I', x)\n",
    "runs once at module level": "import struct\nSIZE = struct.calcsize('<I')\n",
    "imported in a function": "def f(x):\n    import struct\n    return struct.pack('<I', x)\n",
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_leave_the_text_byte_identical(case: str) -> None:
    result = STRUCT.apply(REFUSED[case])
    assert result.source == REFUSED[case]
    assert not result.changed and result.sites == 0


def test_refusals_say_why() -> None:
    assert "struct rejects the format" in STRUCT.apply(REFUSED["bad format"]).summary
    assert "not a literal" in STRUCT.apply(REFUSED["format from a variable"]).summary


FROM_IMPORT = """\
from struct import pack, unpack_from as read
from zlib import crc32


def encode(rows):
    return b"".join(pack("<IH", k, v) for k, v in rows)


def decode(blob):
    return [read("<IH", blob, at) for at in range(0, len(blob), 6)], crc32(blob)
"""

FROM_IMPORT_AFTER = """\
from zlib import crc32
import struct

_STRUCT_ENCODE = struct.Struct("<IH")


def encode(rows):
    return b"".join(_STRUCT_ENCODE.pack(k, v) for k, v in rows)


def decode(blob):
    return [_STRUCT_ENCODE.unpack_from(blob, at) for at in range(0, len(blob), 6)], crc32(blob)
"""


def test_functions_imported_from_struct_are_compiled_too() -> None:
    result = STRUCT.apply(FROM_IMPORT)
    assert result.source == FROM_IMPORT_AFTER
    assert result.sites == 2
    rows = [(1, 2), (2**32 - 1, 0)]
    same_results(FROM_IMPORT, result.source, "encode", (rows,), ([],), ([(-1, 0)],))
    blob = b"".join(struct.pack("<IH", k, v) for k, v in rows)
    same_results(FROM_IMPORT, result.source, "decode", (blob,), (blob[:5],))


def test_a_from_import_still_used_elsewhere_is_kept() -> None:
    source = (
        "import struct\nfrom struct import pack\n\nHEADER = pack('<H', 1)\n\n"
        "def f(x):\n    return pack('<H', x) + HEADER\n"
    )
    result = STRUCT.apply(source)
    assert result.sites == 1
    assert "from struct import pack\n" in result.source
    assert "_STRUCT_F.pack(x)" in result.source and "import struct\n" in result.source
    same_results(source, result.source, "f", (3,), (-1,))


NAMED_FORMAT = """\
import struct

HEADER = "!BBH"


def frame(kind, payload):
    return struct.pack(HEADER, 2, kind, len(payload)) + payload


def header(blob):
    return struct.unpack_from(HEADER, blob)
"""


def test_a_format_named_by_a_module_constant_is_compiled_after_it() -> None:
    result = STRUCT.apply(NAMED_FORMAT)
    assert result.sites == 2
    assert 'HEADER = "!BBH"\n\n_STRUCT_FRAME = struct.Struct(HEADER)\n' in result.source
    same_results(NAMED_FORMAT, result.source, "frame", (7, b"abc"), (300, b""), (1, "x"))
    same_results(NAMED_FORMAT, result.source, "header", (b"\x02\x07\x00\x03",), (b"",))


def test_a_rebound_format_name_is_left_alone() -> None:
    source = NAMED_FORMAT.replace('HEADER = "!BBH"\n', 'HEADER = "!BBH"\nHEADER = "<I"\n')
    result = STRUCT.apply(source)
    assert not result.changed and "not a literal" in result.summary
