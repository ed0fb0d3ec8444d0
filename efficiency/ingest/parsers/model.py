"""What every profile parser returns: stacks of frames with sample counts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from hashlib import blake2b
from typing import Any, NamedTuple

from efficiency.ingest.errors import InputError

RUNTIMES = ("python", "native", "kernel", "gpu-kernel")
#: most samples one window may hold (a year of one core at 30 kHz): larger counts are a
#: corrupt or hostile file, and keep every sum far from the 64-bit limit of the columns
MAX_SAMPLES = 10**12


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


def make_frame(function: str, file: str = "", line: int = 0) -> FrameKey:
    """The one way every parser builds a frame: runtime from the naming conventions, the
    ``_[k]`` kernel marker stripped, and text that can be stored (no unpaired surrogates)."""
    for text in (function, file):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise InputError("frame", f"{text[:40]!r} is not valid Unicode text") from None
        if "\x00" in text:
            raise InputError("frame", f"{text[:40]!r} contains a NUL character")
    runtime = classify_runtime(function, file)
    if runtime == "kernel" and function.endswith("_[k]"):
        function = function[:-4]
    return FrameKey(function or "[unknown]", file, line, runtime)


@lru_cache(maxsize=200_000)
def parse_frame(text: str) -> FrameKey:
    """Parse one folded-stack frame, e.g. ``busy (app.py:12)``, ``malloc (libc.so.6)``,
    ``do_syscall_64_[k]`` or a bare ``[unknown]``."""
    text = text.strip()
    m = _FRAME.match(text)
    if m is None:
        return make_frame(text)
    return make_frame(m["func"], m["file"], int(m["line"]) if m["line"] else 0)


def _signed64(digest: bytes) -> int:
    return int.from_bytes(digest, "little", signed=True)


def frame_id(frame: FrameKey) -> int:
    """A frame's 64-bit content id: equal frames get equal ids in every process and database."""
    # length-prefixed fields: no choice of characters inside them can make two frames collide
    raw = "".join(
        f"{len(part)}:{part}" for part in (frame.runtime, frame.function, frame.file)
    ) + str(frame.line)
    return _signed64(blake2b(raw.encode("utf-8", "surrogatepass"), digest_size=8).digest())


def stack_id(packed_frame_ids: bytes) -> int:
    """A stack's 64-bit content id, from its root-to-leaf frame ids packed as int64s."""
    return _signed64(blake2b(packed_frame_ids, digest_size=8).digest())


@lru_cache(maxsize=200_000)
def _folded_frame(text: str) -> tuple[bytes, int, FrameKey]:
    key = parse_frame(text)
    fid = frame_id(key)
    return fid.to_bytes(8, "little", signed=True), fid, key


#: Folded stack text -> (stack id, frame ids, frames). The same stacks come back in every
#: window of a service, so a repeated line costs one dict lookup instead of splitting and
#: hashing ~25 frames. Bounded: cleared when full (about 1-2 KB an entry).
_STACK_CACHE_MAX = 100_000
_stack_cache: dict[str, tuple[int, tuple[int, ...], tuple[FrameKey, ...]]] = {}


def _folded_stack(text: str) -> tuple[int, tuple[int, ...], tuple[FrameKey, ...]]:
    """Intern a stack's text on a cache miss (only valid stacks are ever cached)."""
    names = text.split(";")
    if any(not name.strip() for name in names):
        raise InputError("frame", "a stack has an empty frame name (';;' or a ';' at an end)")
    parts = [_folded_frame(t) for t in names]
    packed = b"".join([p[0] for p in parts])
    entry = (stack_id(packed), tuple([p[1] for p in parts]), tuple([p[2] for p in parts]))
    if len(_stack_cache) >= _STACK_CACHE_MAX:
        _stack_cache.clear()
    _stack_cache[text] = entry
    return entry


def clear_caches() -> None:
    """Forget every memoized frame and stack (tests and benchmarks start cold with this)."""
    parse_frame.cache_clear()
    _folded_frame.cache_clear()
    _stack_cache.clear()


@dataclass
class ParsedProfile:
    """One profile window as parsed, already interned: stacks by content id with their frame
    ids and frames, and sample counts per stack. Parsers build it with :meth:`add_stack` or
    the faster :meth:`add_folded` (which skips re-parsing stack text it has seen before).

    Times are ``None`` when the format does not carry them (folded, speedscope); the caller
    supplies them.
    """

    #: stack id -> frame ids, root to leaf
    stacks: dict[int, tuple[int, ...]] = field(default_factory=dict)
    #: stack id -> the frames themselves, root to leaf
    stack_frames: dict[int, tuple[FrameKey, ...]] = field(default_factory=dict)
    #: stack id -> samples
    samples: dict[int, int] = field(default_factory=dict)
    start: datetime | None = None
    end: datetime | None = None
    rate_hz: float | None = None
    process: str = ""
    labels: dict[str, Any] = field(default_factory=dict)
    _total: int = field(default=0, repr=False, compare=False)

    def _count(self, count: int) -> None:
        """Keep the window's sample total within :data:`MAX_SAMPLES`."""
        self._total += count
        if count > MAX_SAMPLES or self._total > MAX_SAMPLES:
            raise InputError("count", "more than 10^12 samples in one window")

    def add_stack(self, stack: Sequence[FrameKey], count: int) -> None:
        """Add ``count`` samples of one root-to-leaf stack."""
        if count <= 0 or not stack:
            return
        self._count(count)
        ids = tuple([frame_id(f) for f in stack])
        sid = stack_id(b"".join([i.to_bytes(8, "little", signed=True) for i in ids]))
        if sid not in self.stacks:
            self.stacks[sid] = ids
            self.stack_frames[sid] = tuple(stack)
        self.samples[sid] = self.samples.get(sid, 0) + count

    def add_folded(self, stack_text: str, count: int) -> None:
        """Add ``count`` samples of a stack given as folded text (``a;b;c``, root first)."""
        if count <= 0 or not stack_text:
            return
        self._count(count)
        sid, ids, keys = _stack_cache.get(stack_text) or _folded_stack(stack_text)
        if sid not in self.stacks:
            self.stacks[sid] = ids
            self.stack_frames[sid] = keys
        self.samples[sid] = self.samples.get(sid, 0) + count

    def frames_of(self, stack_ids: Iterable[int]) -> dict[int, FrameKey]:
        """Frame id -> frame for every frame on the given stacks."""
        out: dict[int, FrameKey] = {}
        for sid in stack_ids:
            out.update(zip(self.stacks[sid], self.stack_frames[sid], strict=True))
        return out

    @property
    def frames(self) -> dict[int, FrameKey]:
        """Frame id -> frame for every frame of the profile."""
        return self.frames_of(self.stacks)

    @property
    def total_samples(self) -> int:
        return sum(self.samples.values())

    def top_self(self, n: int = 10) -> list[tuple[FrameKey, int]]:
        """The ``n`` frames with most samples as the leaf (self time), most first."""
        leaf: dict[int, int] = {}
        for sid, count in self.samples.items():
            fid = self.stacks[sid][-1]
            leaf[fid] = leaf.get(fid, 0) + count
        frames = self.frames
        ranked = sorted(leaf.items(), key=lambda kv: (-kv[1], frames[kv[0]].label()))
        return [(frames[fid], c) for fid, c in ranked[:n]]

    def top_inclusive(self, n: int = 10) -> list[tuple[FrameKey, int]]:
        """The ``n`` frames present in most samples anywhere on the stack, most first."""
        incl: dict[int, int] = {}
        for sid, count in self.samples.items():
            for fid in set(self.stacks[sid]):
                incl[fid] = incl.get(fid, 0) + count
        frames = self.frames
        ranked = sorted(incl.items(), key=lambda kv: (-kv[1], frames[kv[0]].label()))
        return [(frames[fid], c) for fid, c in ranked[:n]]
