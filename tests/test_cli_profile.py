"""`efficiency profile` on real programs: the stored windows name their real hot functions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HOT = """
import time

def parse_records(n):
    return [str(i).split("0") for i in range(n)]

def checksum(n):
    total = 0
    for i in range(n):
        total = (total * 31 + i) % 1000003
    return total

end = time.time() + 20
while time.time() < end:
    checksum(300000)   # about three quarters of the time
    parse_records(30000)
"""

ALLOC = """
import time

def churn():
    keep = []
    for i in range(50000):
        keep.append(bytearray(1000 + (i * 37) % 30000))
        if len(keep) > 64:
            keep.clear()

end = time.time() + 20
while time.time() < end:
    churn()
"""

#: glibc malloc's entry points and internals, and what it calls into for memory
ALLOCATOR = {"malloc", "free", "_int_malloc", "_int_free", "sysmalloc", "malloc_consolidate",
             "brk", "sbrk", "__default_morecore", "mmap64", "munmap", "PyObject_Malloc",
             "_PyObject_Malloc", "PyMem_Malloc", "_PyMem_RawMalloc"}  # fmt: skip


def efficiency(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "efficiency", "--db", str(tmp_path / "e.db"), *args],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def hotspots(tmp_path: Path, service: str, by: str = "self") -> list[dict[str, object]]:
    out = efficiency(tmp_path, "hotspots", "list", "--service", service, "--by", by,
                     "--limit", "50", "--json")  # fmt: skip
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.mark.slow
def test_profile_a_command_stores_its_hot_functions(tmp_path: Path) -> None:
    script = tmp_path / "hot_app.py"
    script.write_text(HOT)
    run = efficiency(tmp_path, "profile", "--duration", "4", "--window", "2", "--",
                     sys.executable, str(script))  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "window(s)" in run.stdout and "of hot_app stored" in run.stdout
    rows = hotspots(tmp_path, "hot_app")
    top = str(rows[0]["frame"])
    assert top.startswith("checksum ("), rows[:3]
    assert float(rows[0]["share"]) > 0.4  # type: ignore[arg-type]
    assert any(
        str(r["frame"]).startswith("parse_records")
        for r in hotspots(tmp_path, "hot_app", "inclusive")
    )


@pytest.mark.slow
def test_native_profile_names_the_allocator_frames(tmp_path: Path) -> None:
    script = tmp_path / "alloc_app.py"
    script.write_text(ALLOC)
    run = efficiency(tmp_path, "profile", "--native", "--duration", "3", "--",
                     sys.executable, str(script))  # fmt: skip
    assert run.returncode == 0, run.stderr
    rows = hotspots(tmp_path, "alloc_app", "inclusive")
    functions = {str(r["frame"]).split(" (")[0]: float(r["share"]) for r in rows}  # type: ignore[arg-type]
    allocator = {f: s for f, s in functions.items() if f in ALLOCATOR}
    assert allocator, functions
    assert max(allocator.values()) > 0.1, allocator
    # a bare address here would mean symbolization failed where symbols exist
    assert not any(f.startswith("0x") and s > 0.1 for f, s in functions.items()), functions


def test_profile_needs_exactly_one_target(tmp_path: Path) -> None:
    out = efficiency(tmp_path, "profile", "--pid", "1", "--pattern", "x")
    assert out.returncode == 2 and "exactly one of" in out.stderr
    out = efficiency(
        tmp_path, "profile", "--pattern", "no-such-program-[0-9]{9}", "--duration", "1"
    )
    assert out.returncode == 2 and "no Python process matches" in out.stderr
    out = efficiency(tmp_path, "profile", "--pattern", "([unclosed", "--duration", "1")
    assert out.returncode == 2 and "not a regular expression" in out.stderr
