"""The records hot spots are computed from and into: profile stacks (:class:`FrameRef`,
:class:`ProfileSet`), trace summaries (:class:`TraceData` with its :class:`KernelRow` and
:class:`ApiRow`), and the :class:`HotspotRecord` the matchers return; plus the few helpers
both the CPU and the GPU matchers share (ids, busy cores, trends, match order).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from hashlib import blake2b
from typing import Any

from efficiency.remediate.playbooks import Playbook

#: a Python file that is not the service's own code: the standard library, installed packages
_LIBRARY_FILE = re.compile(
    r"(^|[/\\])(site-packages|dist-packages|lib(64)?[/\\]python\d+(\.\d+)?t?)[/\\]"
    r"|^<(frozen [^>]*|string|built-in)>$"
)


def hotspot_key(service: str, runtime: str, frame: str) -> str:
    """A hot spot's stable short id: a hash of service, runtime and frame."""
    return blake2b(f"{service}\0{runtime}\0{frame}".encode(), digest_size=8).hexdigest()


def frame_name(function: str, file: str) -> str:
    """A function as hot spots and detections name it: ``function (file)``, lines folded."""
    return f"{function} ({file})" if file else function


# ------------------------------------------------------------------------------ records


@dataclass(frozen=True)
class FrameRef:
    """One frame of a stack as the store keeps it."""

    function: str
    file: str = ""
    line: int = 0
    runtime: str = "python"
    id: int | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.function, self.file)

    def label(self) -> str:
        if not self.file:
            return self.function
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{self.function} ({where})"

    @property
    def is_application(self) -> bool:
        """The service's own Python code (not the standard library or a package)."""
        return self.runtime == "python" and not _LIBRARY_FILE.search(self.file)


@dataclass
class ProfileSet:
    """A service's CPU profile over a period: stacks (root to leaf) with sample counts, and
    the cores it kept busy (None when a window's sampling rate is unknown)."""

    stacks: list[tuple[tuple[FrameRef, ...], int]]
    cores: float | None = None
    windows: int = 0


@dataclass(frozen=True)
class KernelRow:
    """One GPU operation of one trace (a ``gpu_kernels`` row)."""

    name: str
    kind: str
    count: int
    total_us: float
    copy_kind: str = ""
    memory: str = ""
    bytes: int | None = None


@dataclass(frozen=True)
class ApiRow:
    """One CUDA/HIP call name of one trace (a ``gpu_api_calls`` row)."""

    source: str
    name: str
    kind: str
    count: int
    total_us: float
    ops: dict[str, int] = field(default_factory=dict)


@dataclass
class TraceData:
    """One stored trace: its breakdown columns, its summary JSON, its kernels and calls."""

    duration_us: float
    gpu_time_us: float
    span_us: float | None = None
    idle_us: float | None = None
    compute_us: float | None = None
    non_compute_us: float | None = None
    device_name: str = ""
    summary: dict[str, Any] = field(default_factory=dict)
    kernels: list[KernelRow] = field(default_factory=list)
    api: list[ApiRow] = field(default_factory=list)


@dataclass
class HotspotRecord:
    """A hot spot as computed, before it is stored."""

    service: str
    runtime: str
    frame: str
    share_self: float
    share_inclusive: float
    cost_cores: float | None = None
    cost_gpu_hours: float | None = None
    frame_id: int | None = None
    trend: float | None = None
    playbooks: list[str] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return hotspot_key(self.service, self.runtime, self.frame)


def busy_cores(windows: Iterable[tuple[datetime, datetime, int, float | None]]) -> float | None:
    """Average cores busy over ``(start, end, samples, rate_hz)`` windows: CPU-seconds sampled
    over the wall time covered. Unknown when a window lacks its sampling rate."""
    rows = list(windows)
    if not rows or any(rate is None or rate <= 0 for *_, rate in rows):
        return None
    cpu_seconds = sum(n / rate for _, _, n, rate in rows)  # type: ignore[operator]
    wall = (max(r[1] for r in rows) - min(r[0] for r in rows)).total_seconds()
    return cpu_seconds / wall if wall > 0 else None


def ordered_matches(matches: dict[str, Any], playbooks: Sequence[Playbook]) -> dict[str, Any]:
    """The matches, the playbook expected to save the most first (then by id)."""
    fraction = {pb.id: pb.savings.fraction for pb in playbooks}

    def order(k: str) -> tuple[float, str]:
        return -fraction.get(k, 0.0), k

    return {k: matches[k] for k in sorted(matches, key=order)}


def with_trends(records: list[HotspotRecord], previous: dict[str, float] | None) -> None:
    """Set each record's trend: its share minus its share in the previous period (0 there
    when it did not appear); None when the previous period has no data at all."""
    for r in records:
        r.trend = None if previous is None else r.share_self - previous.get(r.id, 0.0)
        r.evidence["trend"] = r.trend
