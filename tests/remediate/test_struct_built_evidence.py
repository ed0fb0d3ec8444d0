"""python-struct-built-per-call's evidence: struct's Struct-building frames (native) and,
without them, the application's lines that build a Struct; struct's module functions and a
busy line that builds nothing do not match."""

from __future__ import annotations

from pathlib import Path

from efficiency.remediate.hotspots import frame_hotspots
from efficiency.remediate.playbooks import load_playbooks
from efficiency.remediate.source import RepoSource
from tests.remediate.test_hotspots import profile

APP = """import struct

LAYOUTS = {1: (">", "Ihhh")}


def read_sample(version, blob, offset):
    order, fields = LAYOUTS[version]
    layout = struct.Struct(order + fields)
    return layout.unpack_from(blob, offset), offset + layout.size


def label(name, count):
    text = f"{name}: {count}"
    return text.upper()
"""

SO = "_struct.cpython-311-x86_64-linux-gnu.so"
BOOK = "python-struct-built-per-call"


def test_struct_building_frames_and_lines_match(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP)
    stacks = profile(
        f"main (/srv/app/app.py:20);read_sample (/srv/app/app.py:8);s_new ({SO}) 100\n"
        f"main (/srv/app/app.py:20);read_sample (/srv/app/app.py:8);"
        f"Struct___init___impl ({SO});prepare_s ({SO}) 200\n"
        "main (/srv/app/app.py:20);read_sample (/srv/app/app.py:9) 200\n"
        "main (/srv/app/app.py:20);label (/srv/app/app.py:13) 500\n"
    )
    found = {r.frame.split(" (")[0]: r for r in frame_hotspots(
        "app", stacks, load_playbooks(), source=RepoSource(tmp_path))}  # fmt: skip
    assert BOOK in found["read_sample"].playbooks
    assert BOOK in found["prepare_s"].playbooks
    assert BOOK in found["s_new"].playbooks
    assert found["label"].playbooks == []
    # without the repository only struct's own frames are evidence
    bare = {r.frame.split(" (")[0]: r for r in frame_hotspots("app", stacks, load_playbooks())}
    assert BOOK not in bare["read_sample"].playbooks
    assert BOOK in bare["prepare_s"].playbooks


def test_module_functions_are_the_format_playbooks() -> None:
    stacks = profile(
        f"main (/srv/app/app.py:20);encode (/srv/app/app.py:8);pack ({SO});"
        f"cache_struct_converter ({SO}) 300\n"
        "main (/srv/app/app.py:20);encode (/srv/app/app.py:9) 200\n"
    )
    found = {r.frame.split(" (")[0]: r for r in frame_hotspots("app", stacks, load_playbooks())}
    assert "python-struct-format" in found["cache_struct_converter"].playbooks
    assert all(BOOK not in r.playbooks for r in found.values())


SCAN = """import struct

HEADER = "<HH"


def scan(body, fmt):
    out = []
    for off in range(0, len(body), 8):
        t, alt = struct.unpack(
            "<Ii", body[off : off + 8]
        )
        out.append(t + alt)
    head = struct.unpack(HEADER, body[:4])
    tail = struct.unpack(fmt, body[-4:])
    return out, head, tail
"""


def test_a_constant_format_at_a_sampled_line_is_the_format_playbooks(tmp_path: Path) -> None:
    """A record loop whose struct cache lookups are too thin a slice to match by struct's own
    frames still shows its constant-format call at the sampled line; a format the function is
    passed does not."""
    (tmp_path / "app.py").write_text(SCAN)
    stacks = profile(
        "main (/srv/app/app.py:30);scan (/srv/app/app.py:10) 300\n"
        "main (/srv/app/app.py:30);scan (/srv/app/app.py:13) 100\n"
        "main (/srv/app/app.py:30);other (/srv/app/app.py:40) 600\n"
    )
    found = {r.frame.split(" (")[0]: r for r in frame_hotspots(
        "app", stacks, load_playbooks(), source=RepoSource(tmp_path))}  # fmt: skip
    assert "python-struct-format" in found["scan"].playbooks
    passed = SCAN.replace('"<Ii", body', "fmt, body").replace("HEADER, body", "fmt, body")
    (tmp_path / "app.py").write_text(passed)
    found = {r.frame.split(" (")[0]: r for r in frame_hotspots(
        "app", stacks, load_playbooks(), source=RepoSource(tmp_path))}  # fmt: skip
    assert "python-struct-format" not in found["scan"].playbooks
