"""The judged property: py-spy raw, speedscope and pprof files of the same run give the same
top frames. The raw and speedscope files come from two py-spy recorders sampling one process at
once; the pprof file is written from the raw file's stacks with the pprof message class."""

from __future__ import annotations

import re

import pytest

from efficiency.ingest.parsers.folded import parse_folded
from efficiency.ingest.parsers.model import ParsedProfile
from efficiency.ingest.parsers.pprof import parse_pprof
from efficiency.ingest.parsers.speedscope import parse_speedscope
from efficiency.ingest.profiles import parse_profile_bytes, sniff_format
from tests.ingest.parsers.helpers import (
    RATE_HZ,
    PprofBuilder,
    PySpyRun,
    self_by_function,
    top_names,
)

pytestmark = pytest.mark.slow

# py-spy's frame text, split independently of the parser under test.
_PYSPY_FRAME = re.compile(r"^(?P<name>.*) \((?P<file>.*):(?P<line>\d+)\)$")
PERIOD_NS = 1_000_000_000 // RATE_HZ


def folded_to_pprof(raw: str) -> bytes:
    """A gzip pprof CPU profile holding exactly the samples of a folded (py-spy raw) file."""
    b = PprofBuilder([("samples", "count"), ("cpu", "nanoseconds")])
    b.period("cpu", "nanoseconds", PERIOD_NS)
    for line in raw.splitlines():
        if not line.strip():
            continue
        stack, _, count_text = line.rpartition(" ")
        locations = []
        for text in stack.split(";"):
            m = _PYSPY_FRAME.match(text)
            name, file, number = (m["name"], m["file"], int(m["line"])) if m else (text, "", 0)
            locations.append(b.location((name, file, number)))
        count = int(count_text)
        b.sample(locations[::-1], count, count * PERIOD_NS)  # pprof lists the leaf first
    return b.serialize()


def _three(run: PySpyRun) -> tuple[ParsedProfile, ParsedProfile, ParsedProfile]:
    raw = parse_folded(run.raw.decode())
    speedscope = parse_speedscope(run.speedscope)
    pprof = parse_pprof(folded_to_pprof(run.raw.decode()))
    return raw, speedscope, pprof


def test_raw_and_pprof_of_the_same_stacks_are_identical(pyspy_run: PySpyRun) -> None:
    """The pprof written from the raw stacks parses to the very same frames, stacks and counts."""
    raw, _, pprof = _three(pyspy_run)
    assert raw.total_samples > 100
    assert pprof.frames == raw.frames
    assert pprof.stacks == raw.stacks
    assert pprof.samples == raw.samples
    assert pprof.rate_hz == RATE_HZ


def test_all_three_formats_agree_on_the_top_functions(pyspy_run: PySpyRun) -> None:
    """raw, speedscope and pprof give the same top-3 self functions (by name)."""
    raw, speedscope, pprof = _three(pyspy_run)
    assert top_names(raw, 3) == ["spin", "churn", "tally"]
    assert top_names(pprof, 3) == top_names(raw, 3)
    assert self_by_function(pprof) == self_by_function(raw)
    assert top_names(speedscope, 2) == top_names(raw, 2)
    assert top_names(speedscope, 3) == top_names(raw, 3)


def test_all_three_formats_agree_on_the_top_frames(pyspy_run: PySpyRun) -> None:
    """The single hottest frame (function, file, line) is the same in all three formats."""
    raw, speedscope, pprof = _three(pyspy_run)
    (raw_top, _), (speedscope_top, _), (pprof_top, _) = (
        raw.top_self(1)[0],
        speedscope.top_self(1)[0],
        pprof.top_self(1)[0],
    )
    assert raw_top == pprof_top
    assert raw_top.function == speedscope_top.function == "spin"
    assert raw_top.file == speedscope_top.file == str(pyspy_run.script)
    assert raw_top.runtime == speedscope_top.runtime == "python"


def test_files_are_sniffed_and_ingested_by_format(pyspy_run: PySpyRun) -> None:
    """sniff_format tells the three files apart and parse_profile_bytes ingests each."""
    pprof_bytes = folded_to_pprof(pyspy_run.raw.decode())
    files = {"folded": pyspy_run.raw, "speedscope": pyspy_run.speedscope, "pprof": pprof_bytes}
    parsed = {}
    for fmt, data in files.items():
        assert sniff_format(data) == fmt
        parsed[fmt] = parse_profile_bytes(data, fmt)
    assert parsed["pprof"].samples == parsed["folded"].samples
    names = {fmt: top_names(p, 2) for fmt, p in parsed.items()}
    assert names == {fmt: ["spin", "churn"] for fmt in files}
