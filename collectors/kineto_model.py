"""Kineto trace records: the kernels, copies, API calls, distributions and GPU time breakdowns
that :func:`collectors.kineto.parse_kineto` returns, and the event categories it reads."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np

#: gaps shorter than this (µs) between kernels on a stream are launch overhead ("kernel wait");
#: HTA's ``consecutive_kernel_delay`` default, applied to microsecond timestamps.
KERNEL_WAIT_THRESHOLD_US = 30.0

KERNEL_CATS = frozenset({"kernel", "Kernel"})
MEMCPY_CATS = frozenset({"gpu_memcpy", "Memcpy"})
MEMSET_CATS = frozenset({"gpu_memset", "Memset"})
#: GPU operations whose gaps the idle breakdown looks at (HTA adds MTIA's events)
GPU_OP_CATS = KERNEL_CATS | MEMCPY_CATS | MEMSET_CATS | {"mtia_ccp_events"}
DEVICE_SYNC_CATS = frozenset({"cuda_sync"})
RUNTIME_CATS = frozenset({"cuda_runtime", "cuda_driver", "Runtime", "Driver"})
CPU_OP_CATS = frozenset({"cpu_op", "Operator", "user_annotation"})
#: device-wide synchronizations that HTA counts as GPU events even without a stream
_DEVICE_WIDE_SYNCS = frozenset({"Event Sync", "Context Sync"})

_NCCL_KERNEL = re.compile(r"nccl.*Kernel")
_MEMCPY_NAME = re.compile(r"Memcpy (\w+)(?: \((.*)\))?")
#: names HTA does not count as compute: NCCL kernels, copies anywhere in the name, fills,
#: DMA, and synchronization events ("Stream Sync", "Context Sync")
_NOT_COMPUTE = re.compile(r"nccl.*Kernel|.*Memcpy|Memset|dma|.*Sync")
_STEP = re.compile(r"ProfilerStep\s*#\s*(\d+)")
_DATALOADER = "enumerate(DataLoader)"
#: Unix time in µs between 2000 and 2100: a trace whose ``ts`` is wall-clock time
_UNIX_US = (946_684_800e6, 4_102_444_800e6)


# ------------------------------------------------------------------------------ records


@dataclass(frozen=True)
class KernelStat:
    """One kind of GPU operation on one stream: a kernel with one launch shape, or a copy or
    fill of one direction and memory kind. Durations in µs."""

    device: int
    stream: int
    name: str
    #: compute | communication | memcpy | memset
    kind: str
    count: int
    total_us: float
    min_us: float
    max_us: float
    grid: tuple[int, ...] | None = None
    block: tuple[int, ...] | None = None
    #: mean of CUPTI's "est. achieved occupancy %" over the launches that report it
    occupancy_pct: float | None = None
    registers_per_thread: int | None = None
    shared_memory: int | None = None
    #: bytes moved or set (copies and fills, when the trace says; ROCm traces do not)
    bytes: int | None = None
    #: HtoD | DtoH | DtoD | HtoH | PtoP ... for copies
    copy_kind: str = ""
    #: "Pageable -> Device", "Device -> Pinned", ... as the trace names it
    memory: str = ""

    @property
    def mean_us(self) -> float:
        return self.total_us / self.count if self.count else 0.0

    @property
    def pageable(self) -> bool:
        return "Pageable" in self.memory


@dataclass(frozen=True)
class TransferStat:
    """Copies or fills of one kind over the whole trace."""

    kind: str
    copy_kind: str
    memory: str
    count: int
    bytes: int | None
    total_us: float


@dataclass(frozen=True)
class ApiStat:
    """A CUDA/HIP call made by the host (``source`` runtime) or a synchronization the GPU
    recorded (``source`` device), totalled over the trace."""

    source: str
    name: str
    #: sync | launch | memcpy | memset | alloc | free | other
    kind: str
    count: int
    total_us: float
    max_us: float
    #: the CPU operators that made the call, most frequent first (at most five)
    ops: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Distribution:
    count: int = 0
    mean: float | None = None
    p50: float | None = None
    p95: float | None = None
    max: float | None = None
    total: float = 0.0

    @classmethod
    def of(cls, values: Sequence[float]) -> Distribution:
        if not values:
            return cls()
        arr = np.asarray(values, dtype=float)
        p50, p95 = np.percentile(arr, [50, 95])
        return cls(len(arr), float(arr.mean()), float(p50), float(p95), float(arr.max()),
                   float(arr.sum()))  # fmt: skip


@dataclass(frozen=True)
class TemporalBreakdown:
    """HTA's temporal breakdown of one rank, in µs; ``span_us`` is its "kernel time"."""

    span_us: float
    idle_us: float
    compute_us: float
    non_compute_us: float

    def share(self, part: float) -> float:
        return part / self.span_us if self.span_us > 0 else 0.0

    @property
    def idle_share(self) -> float:
        return self.share(self.idle_us)

    @property
    def compute_share(self) -> float:
        return self.share(self.compute_us)

    @property
    def non_compute_share(self) -> float:
        return self.share(self.non_compute_us)


@dataclass(frozen=True)
class StreamIdle:
    """HTA's idle-time breakdown of one stream, in µs (the sum of the gaps between its
    consecutive GPU operations)."""

    device: int
    stream: int
    operations: int
    idle_us: float
    host_wait_us: float
    kernel_wait_us: float
    other_us: float


@dataclass
class KinetoTrace:
    """Everything kept from one trace file; ``summary()`` is its JSON form."""

    sha256: str
    rank: int
    world_size: int | None
    #: device id → name, from ``deviceProperties`` (ids of devices that ran something)
    devices: dict[int, str]
    #: wall-clock start, when the trace says (``baseTimeNanoseconds`` or Unix-time ``ts``)
    start: datetime | None
    duration_us: float
    kernels: list[KernelStat]
    api: list[ApiStat]
    launch_delay: Distribution
    launch_after_return: Distribution
    launch_call: Distribution
    temporal: TemporalBreakdown | None
    idle: list[StreamIdle]
    steps: Distribution
    dataloader: Distribution
    scope: dict[str, Any]
    events: int
    warnings: list[str] = field(default_factory=list)

    @property
    def end(self) -> datetime | None:
        return None if self.start is None else self.start + timedelta(microseconds=self.duration_us)

    @property
    def device_name(self) -> str:
        return ", ".join(sorted(set(self.devices.values())))

    @property
    def kernel_launches(self) -> int:
        """Kernels run (copies and fills not counted)."""
        return sum(k.count for k in self.kernels if k.kind in ("compute", "communication"))

    @property
    def gpu_time_us(self) -> float:
        """Summed duration of every GPU operation: kernels, copies and fills."""
        return sum(k.total_us for k in self.kernels)

    def transfers(self) -> list[TransferStat]:
        """Copies and fills by kind, direction and memory, largest total time first."""
        groups: dict[tuple[str, str, str], list[KernelStat]] = defaultdict(list)
        for k in self.kernels:
            if k.kind in ("memcpy", "memset"):
                groups[(k.kind, k.copy_kind, k.memory)].append(k)
        out = []
        for (kind, copy_kind, memory), ks in groups.items():
            sizes = [k.bytes for k in ks if k.bytes is not None]
            out.append(
                TransferStat(kind, copy_kind, memory, count=sum(k.count for k in ks),
                             bytes=sum(sizes) if sizes else None,
                             total_us=sum(k.total_us for k in ks))
            )  # fmt: skip
        return sorted(out, key=lambda t: -t.total_us)

    def summary(self) -> dict[str, Any]:
        """JSON-ready: the breakdowns, delays, transfers and syncs (kernels are rows apart)."""
        t = self.temporal
        span = t.span_us if t else 0.0
        return {
            "rank": self.rank,
            "world_size": self.world_size,
            "devices": {str(k): v for k, v in sorted(self.devices.items())},
            "duration_us": self.duration_us,
            "events": self.events,
            "kernels": self.kernel_launches,
            "gpu_time_us": self.gpu_time_us,
            "temporal": None if t is None else _temporal_json(t),
            "idle_by_stream": [_idle_json(s, span) for s in self.idle],
            "launch_delay_us": asdict(self.launch_delay),
            "launch_after_return_us": asdict(self.launch_after_return),
            "launch_call_us": asdict(self.launch_call),
            "transfers": [asdict(x) for x in self.transfers()],
            "syncs": [asdict(a) for a in self.api if a.kind == "sync"],
            "steps_us": asdict(self.steps),
            "dataloader_us": asdict(self.dataloader),
            "scope": self.scope,
            "warnings": self.warnings,
        }


def _temporal_json(t: TemporalBreakdown) -> dict[str, float]:
    return {
        **asdict(t),
        "idle_share": t.idle_share,
        "compute_share": t.compute_share,
        "non_compute_share": t.non_compute_share,
    }


def _idle_json(s: StreamIdle, span_us: float) -> dict[str, Any]:
    """A stream's idle breakdown, with each part also as a share of the rank's span."""
    out: dict[str, Any] = asdict(s)
    for part in ("idle", "host_wait", "kernel_wait", "other"):
        out[f"{part}_share"] = getattr(s, f"{part}_us") / span_us if span_us else 0.0
    return out


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@dataclass
class _Activity:
    """Every event the HTA breakdowns may look at, as parallel arrays (file order)."""

    ts: list[float] = field(default_factory=list)
    dur: list[float] = field(default_factory=list)
    stream: list[int] = field(default_factory=list)
    corr: list[int] = field(default_factory=list)
    device: list[int] = field(default_factory=list)
    name: list[str] = field(default_factory=list)
    cat: list[str] = field(default_factory=list)

    def add(self, ev: dict[str, Any], stream: int, corr: int, device: int) -> None:
        self.ts.append(ev["ts"])
        self.dur.append(ev["dur"])
        self.stream.append(stream)
        self.corr.append(corr)
        self.device.append(device)
        self.name.append(ev["name"])
        self.cat.append(ev.get("cat") or "")


def is_compute_name(name: str) -> bool:
    """Whether HTA counts a GPU event of this name as compute (see ``_NOT_COMPUTE``)."""
    return _NOT_COMPUTE.match(name) is None
