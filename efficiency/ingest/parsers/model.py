"""What every profile parser returns: stacks of frames with sample counts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from hashlib import blake2b
from typing import Any, NamedTuple

RUNTIMES = ("python", "native", "kernel", "gpu-kernel")


class FrameKey(NamedTuple):
    """A frame's identity: ``function (file:line)`` and the runtime it ran in."""

    function: str
    file: str
    line: int
    runtime: str

    def label(self) -> str:
        if not self.file:
            return self.function
        return (
            f"{self.function} ({self.file}:{self.line})"
            if self.line
            else (f"{self.function} ({self.file})")
        )


_FRAME = re.compile(r"^(?P<func>.+?) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")
_PY_FILE = re.compile(r"\.(py|pyx|pyi|pyw)$|^<frozen ")


def classify_runtime(function: str, file: str) -> str:
    """Where a frame ran, from the conventions of the tools that write folded stacks:
    ``_[k]`` marks kernel frames (stackcollapse-perf), Python files mean the interpreter's
    own frames (py-spy), anything else is native code."""
    if function.endswith("_[k]") or file == "[kernel.kallsyms]":
        return "kernel"
    if _PY_FILE.search(file):
        return "python"
    return "native"


@lru_cache(maxsize=200_000)
def parse_frame(text: str) -> FrameKey:
    """Parse one folded-stack frame, e.g. ``busy (app.py:12)``, ``malloc (libc.so.6)``,
    ``do_syscall_64_[k]`` or a bare ``[unknown]``."""
    text = text.strip()
    m = _FRAME.match(text)
    if m is None:
        function, file, line = text, "", 0
    else:
        function, file = m["func"], m["file"]
        line = int(m["line"]) if m["line"] else 0
    runtime = classify_runtime(function, file)
    if runtime == "kernel" and function.endswith("_[k]"):
        function = function[:-4]
    return FrameKey(function or "[unknown]", file, line, runtime)


def _signed64(digest: bytes) -> int:
    return int.from_bytes(digest, "little", signed=True)


def frame_id(frame: FrameKey) -> int:
    """A frame's 64-bit content id: equal frames get equal ids in every process and database."""
    raw = "\0".join((frame.runtime, frame.function, frame.file, str(frame.line)))
    return _signed64(blake2b(raw.encode(), digest_size=8).digest())


def stack_id(packed_frame_ids: bytes) -> int:
    """A stack's 64-bit content id, from its root-to-leaf frame ids packed as int64s."""
    return _signed64(blake2b(packed_frame_ids, digest_size=8).digest())


@lru_cache(maxsize=200_000)
def _folded_frame(text: str) -> tuple[bytes, int, FrameKey]:
    key = parse_frame(text)
    fid = frame_id(key)
    return fid.to_bytes(8, "little", signed=True), fid, key


@dataclass
class ParsedProfile:
    """One profile window as parsed, already interned: frames and stacks by content id, and
    sample counts per stack. Parsers build it with :meth:`add_stack` or the faster
    :meth:`add_folded` (which skips re-parsing frame text it has seen before).

    Times are ``None`` when the format does not carry them (folded, speedscope); the caller
    supplies them.
    """

    frames: dict[int, FrameKey] = field(default_factory=dict)
    #: stack id -> frame ids, root to leaf
    stacks: dict[int, tuple[int, ...]] = field(default_factory=dict)
    #: stack id -> samples
    samples: dict[int, int] = field(default_factory=dict)
    start: datetime | None = None
    end: datetime | None = None
    rate_hz: float | None = None
    process: str = ""
    labels: dict[str, Any] = field(default_factory=dict)

    def _add_ids(self, packed: bytes, ids: tuple[int, ...], count: int) -> None:
        sid = stack_id(packed)
        if sid not in self.stacks:
            self.stacks[sid] = ids
        self.samples[sid] = self.samples.get(sid, 0) + count

    def add_stack(self, stack: Sequence[FrameKey], count: int) -> None:
        """Add ``count`` samples of one root-to-leaf stack."""
        if count <= 0 or not stack:
            return
        ids = tuple(frame_id(f) for f in stack)
        for fid, f in zip(ids, stack, strict=True):
            self.frames.setdefault(fid, f)
        self._add_ids(b"".join(i.to_bytes(8, "little", signed=True) for i in ids), ids, count)

    def add_folded(self, frames_text: Sequence[str], count: int) -> None:
        """Add ``count`` samples of a stack given as folded frame strings, root first."""
        if count <= 0 or not frames_text:
            return
        parts = [_folded_frame(t) for t in frames_text]
        ids = tuple(p[1] for p in parts)
        frames = self.frames
        for _, fid, key in parts:
            if fid not in frames:
                frames[fid] = key
        self._add_ids(b"".join(p[0] for p in parts), ids, count)

    @property
    def total_samples(self) -> int:
        return sum(self.samples.values())

    def top_self(self, n: int = 10) -> list[tuple[FrameKey, int]]:
        """The ``n`` frames with most samples as the leaf (self time), most first."""
        leaf: dict[int, int] = {}
        for sid, count in self.samples.items():
            fid = self.stacks[sid][-1]
            leaf[fid] = leaf.get(fid, 0) + count
        ranked = sorted(leaf.items(), key=lambda kv: (-kv[1], self.frames[kv[0]].label()))
        return [(self.frames[fid], c) for fid, c in ranked[:n]]

    def top_inclusive(self, n: int = 10) -> list[tuple[FrameKey, int]]:
        """The ``n`` frames present in most samples anywhere on the stack, most first."""
        incl: dict[int, int] = {}
        for sid, count in self.samples.items():
            for fid in set(self.stacks[sid]):
                incl[fid] = incl.get(fid, 0) + count
        ranked = sorted(incl.items(), key=lambda kv: (-kv[1], self.frames[kv[0]].label()))
        return [(self.frames[fid], c) for fid, c in ranked[:n]]
