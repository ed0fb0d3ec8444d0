"""Helpers shared by the parser tests: the hot script py-spy samples, ways to look at a parsed
profile (stacks as frame tuples, self samples per function name), and a pprof writer.
"""

from __future__ import annotations

import gzip
import subprocess
import sys
import textwrap
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from efficiency.ingest.parsers.model import FrameKey, ParsedProfile
from efficiency.ingest.parsers.pprof import profile_message_class

PY_SPY = Path(sys.executable).parent / "py-spy"
SECONDS = 3
RATE_HZ = 100

# spin ~60% of the time, churn ~30%, tally ~10%: three clearly separated self-time ranks.
HOT_SCRIPT = textwrap.dedent(
    """
    import time


    def spin(d):
        end = time.perf_counter() + d
        x = 1
        while time.perf_counter() < end:
            for _ in range(2000):
                x = (x * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        return x


    def churn(d):
        end = time.perf_counter() + d
        keep = None
        while time.perf_counter() < end:
            for i in range(200):
                keep = [i] * (16 + i % 64)
        return keep


    def tally(d):
        end = time.perf_counter() + d
        total = 0
        i = 0
        while time.perf_counter() < end:
            i += 1
            total += ("efficiency %d " % i).upper().count("E")
        return total


    def main():
        first = True
        while True:
            spin(0.06)
            churn(0.03)
            tally(0.01)
            if first:
                print("ready", flush=True)
                first = False


    if __name__ == "__main__":
        main()
    """
)


@dataclass(frozen=True)
class PySpyRun:
    """The files two concurrent py-spy recorders wrote while sampling one process."""

    script: Path
    raw: bytes
    speedscope: bytes


def stacks_of(profile: ParsedProfile) -> dict[tuple[FrameKey, ...], int]:
    """A parsed profile as ``{root-to-leaf frames: samples}``."""
    frames = profile.frames
    return {tuple(frames[f] for f in profile.stacks[sid]): n for sid, n in profile.samples.items()}


def self_by_function(profile: ParsedProfile) -> Counter[str]:
    """Self samples per function name (a function's lines are separate frames)."""
    out: Counter[str] = Counter()
    frames = profile.frames
    for sid, count in profile.samples.items():
        out[frames[profile.stacks[sid][-1]].function] += count
    return out


def top_names(profile: ParsedProfile, n: int) -> list[str]:
    """The ``n`` function names with most self samples, most first (ties by name)."""
    ranked = sorted(self_by_function(profile).items(), key=lambda kv: (-kv[1], kv[0]))
    return [name for name, _ in ranked[:n]]


def record(pid: int, fmt: str, out: Path) -> subprocess.Popen[bytes]:
    """Start ``py-spy record`` on a running process, writing ``fmt`` to ``out``."""
    cmd = [
        str(PY_SPY),
        "record",
        "--pid",
        str(pid),
        "--format",
        fmt,
        "-o",
        str(out),
        "-r",
        str(RATE_HZ),
        "-d",
        str(SECONDS),
        "--nonblocking",
        "--full-filenames",
    ]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


class PprofBuilder:
    """Writes ``perftools.profiles.Profile`` messages with the parser's own message class,
    interning strings, functions and locations the way pprof writers do."""

    def __init__(self, sample_types: list[tuple[str, str]]) -> None:
        self.message = profile_message_class()()
        self._strings: dict[str, int] = {}
        self.string("")
        for kind, unit in sample_types:
            self.message.sample_type.add(type=self.string(kind), unit=self.string(unit))
        self._functions: dict[tuple[str, str], int] = {}
        self._locations: dict[tuple[tuple[str, str, int], ...], int] = {}

    def string(self, text: str) -> int:
        if text not in self._strings:
            self._strings[text] = len(self.message.string_table)
            self.message.string_table.append(text)
        return self._strings[text]

    def function(self, name: str, file: str) -> int:
        key = (name, file)
        if key not in self._functions:
            fid = len(self._functions) + 1
            self.message.function.add(id=fid, name=self.string(name), filename=self.string(file))
            self._functions[key] = fid
        return self._functions[key]

    def location(self, *lines: tuple[str, str, int]) -> int:
        """A location whose ``lines`` are ``(function, file, line)``, innermost first."""
        if lines not in self._locations:
            lid = len(self.message.location) + 1
            loc = self.message.location.add(id=lid, address=0x1000 + lid)
            for name, file, line in lines:
                loc.line.add(function_id=self.function(name, file), line=line)
            self._locations[lines] = lid
        return self._locations[lines]

    def sample(self, location_ids_leaf_first: list[int], *values: int) -> None:
        self.message.sample.add(location_id=location_ids_leaf_first, value=list(values))

    def period(self, kind: str, unit: str, period: int) -> None:
        self.message.period_type.type = self.string(kind)
        self.message.period_type.unit = self.string(unit)
        self.message.period = period

    def serialize(self, compress: bool = True) -> bytes:
        raw = self.message.SerializeToString()
        return gzip.compress(raw) if compress else raw
