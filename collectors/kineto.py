"""PyTorch profiler (Kineto) traces: what the GPU did, and why it sat idle.

One trace file in (``.json`` or gzip-compressed, as bytes), one :class:`KinetoTrace` out; no
database. A trace is Chrome trace format: ``traceEvents`` holds complete (``"ph": "X"``)
events with ``ts`` and ``dur`` in microseconds (``displayTimeUnit`` only says how a viewer
shows them; ns-resolution traces carry fractional microseconds). GPU work has ``cat`` kernel,
gpu_memcpy or gpu_memset (Kernel, Memcpy, Memset in old traces) and ``args.stream``; the CUDA
or HIP call that enqueued it (``cat`` cuda_runtime / cuda_driver, or Runtime) carries the same
``args.correlation`` (the ``ac2g`` flow arrows draw that same link).

From that we keep what later rules need: per-kernel cost, copies and fills by kind with bytes
(pageable host-to-device copies included), synchronizations, the delay from the launch call to
the kernel's start, and two time breakdowns defined as Holistic Trace Analysis (HTA) defines
them, so the numbers can be checked against it:

* **temporal breakdown** of one rank: over the span from the first GPU event's start to the
  last one's end, *idle* is time covered by no GPU event, *compute* is the union of compute
  kernels, *non-compute* the rest (copies, fills, NCCL, synchronization events);
* **idle breakdown** per stream: each gap between consecutive GPU operations on a stream is
  *host wait* when the next operation's launch call began after the previous one ended (the
  CPU was late), else *kernel wait* when the gap is under 30 µs (back-to-back launch
  overhead), else *other* (waiting on an event, another stream, ...).

HTA's conventions that change the numbers are followed on purpose and named where they are
applied: timestamps of traces with fractional microseconds are rounded inwards to whole µs;
when a trace has two or more ``ProfilerStep#N`` annotations, the breakdowns leave out GPU work
launched from the last step on (it is usually cut short) and GPU work whose launch call is not
in the trace. Kernel statistics, copies, syncs and launch delays cover the whole file.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from efficiency.ingest.errors import InputError

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


# ------------------------------------------------------------------------------ reading


def read_trace_document(data: bytes) -> tuple[dict[str, Any], str]:
    """The trace's JSON object and the SHA-256 of its (decompressed) text.

    Hashing the decompressed text makes ``trace.json`` and ``trace.json.gz`` the same trace.
    A bare JSON array is Chrome's other trace layout: the list of events itself.
    """
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError("", f"not a readable gzip file: {exc}") from None
    digest = hashlib.sha256(data).hexdigest()
    try:
        doc = json.loads(data)
    except UnicodeDecodeError:
        raise InputError("", "not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise InputError("", f"not valid JSON: {exc.msg} (line {exc.lineno})") from None
    except RecursionError:
        raise InputError("", "JSON nested too deeply") from None
    if isinstance(doc, list):
        doc = {"traceEvents": doc}
    if not isinstance(doc, dict):
        raise InputError("", "a trace is a JSON object with a traceEvents list")
    if "traceEvents" not in doc:
        raise InputError("traceEvents", "missing: not a PyTorch profiler / Chrome trace")
    if not isinstance(doc["traceEvents"], list):
        raise InputError("traceEvents", "must be a list of events")
    return doc, digest


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _as_int(value: Any, default: int = -1) -> int:
    """An id from ``args`` (stream, correlation, device): ints, integral floats and decimal
    strings; anything else (``"0x0"`` from ROCm, null) is ``default``, as HTA reads it."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return default
    return default


def _shape(value: Any) -> tuple[int, ...] | None:
    if isinstance(value, list) and value and all(isinstance(v, int) for v in value):
        return tuple(value)
    return None


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


class _KernelAcc:
    __slots__ = ("bytes", "count", "max", "min", "occ_n", "occ_sum", "regs", "smem", "total")

    def __init__(self) -> None:
        self.count, self.total, self.min, self.max = 0, 0.0, math.inf, 0.0
        self.occ_sum, self.occ_n = 0.0, 0
        self.bytes: int | None = None
        self.regs: int | None = None
        self.smem: int | None = None

    def add(self, dur: float, args: dict[str, Any]) -> None:
        self.count += 1
        self.total += dur
        self.min = min(self.min, dur)
        self.max = max(self.max, dur)
        occ = args.get("est. achieved occupancy %")
        if _number(occ):
            self.occ_sum += occ
            self.occ_n += 1
        if _number(args.get("bytes")):
            self.bytes = (self.bytes or 0) + int(args["bytes"])
        if isinstance(args.get("registers per thread"), int):
            self.regs = args["registers per thread"]
        if isinstance(args.get("shared memory"), int):
            self.smem = args["shared memory"]


def _api_kind(name: str) -> str:
    """What a runtime or driver call does, from its name (cudaStreamSynchronize → sync,
    cudaMallocAsync → alloc, hipExtModuleLaunchKernel → launch, ...)."""
    if "Synchronize" in name or "StreamWaitEvent" in name:
        return "sync"
    if "Launch" in name:
        return "launch"
    if "Memcpy" in name:
        return "memcpy"
    if "Memset" in name:
        return "memset"
    lower = name.lower()
    if "free" in lower:
        return "free"
    if "alloc" in lower:
        return "alloc"
    return "other"


def _gpu_kind(cat: str, name: str) -> str:
    if cat in MEMCPY_CATS:
        return "memcpy"
    if cat in MEMSET_CATS:
        return "memset"
    return "communication" if _NCCL_KERNEL.match(name) else "compute"


def is_compute_name(name: str) -> bool:
    """Whether HTA counts a GPU event of this name as compute (see ``_NOT_COMPUTE``)."""
    return _NOT_COMPUTE.match(name) is None


_FINITE = 1e300  # NaN and ±Infinity (which Python's JSON reader accepts) fail a < x < b


def _looks_complete(ev: dict[str, Any]) -> bool:
    """The fast path of ``_check_event`` for the usual, well-formed event."""
    ts, dur, args, cat = ev.get("ts"), ev.get("dur"), ev.get("args"), ev.get("cat")
    return (
        type(ts) in (int, float)
        and type(dur) in (int, float)
        and -_FINITE < ts < _FINITE
        and 0 <= dur < _FINITE
        and type(ev.get("name")) is str
        and (cat is None or type(cat) is str)
        and (args is None or type(args) is dict)
    )


def _id(value: Any) -> int:
    return value if type(value) is int else -1 if value is None else _as_int(value)


def _check_event(i: int, ev: Any) -> None:
    where = f"traceEvents[{i}]"
    if not isinstance(ev, dict):
        raise InputError(where, "not a JSON object")
    for key in ("ts", "dur"):
        if key not in ev:
            raise InputError(f"{where}.{key}", "missing from a complete ('X') event")
        if not _number(ev[key]):
            raise InputError(f"{where}.{key}", f"not a number: {ev[key]!r}")
    if ev["dur"] < 0:
        raise InputError(f"{where}.dur", f"negative duration {ev['dur']}")
    if not isinstance(ev.get("name"), str):
        raise InputError(f"{where}.name", "missing or not a string")
    if ev.get("cat") is not None and not isinstance(ev["cat"], str):
        raise InputError(f"{where}.cat", "not a string")
    if ev.get("args") is not None and not isinstance(ev["args"], dict):
        raise InputError(f"{where}.args", "not a JSON object")


# ------------------------------------------------------------------------------ parsing


def parse_kineto(
    data: bytes, *, kernel_wait_threshold_us: float = KERNEL_WAIT_THRESHOLD_US
) -> KinetoTrace:
    """Parse one Kineto trace (JSON or gzip-compressed JSON bytes); see the module docstring."""
    doc, digest = read_trace_document(data)
    events: list[Any] = doc["traceEvents"]
    seen = _Collector()
    for i, ev in enumerate(events):
        seen.add(i, ev)
    meta = {k: v for k, v in doc.items() if k != "traceEvents"}
    temporal, idle, scope = hta_breakdowns(seen.activity, seen.fractional, kernel_wait_threshold_us)
    delay, after_return, call = seen.launch_delays()
    traced = math.isfinite(seen.t_min)
    return KinetoTrace(
        sha256=digest,
        rank=_rank(meta),
        world_size=_world_size(meta),
        devices=_device_names(meta, seen.devices),
        start=_wall_clock(meta, seen.t_min) if traced else None,
        duration_us=float(seen.t_max - seen.t_min) if traced else 0.0,
        kernels=_kernel_stats(seen.kernels, seen.kernel_kinds),
        api=seen.api_stats(),
        launch_delay=delay,
        launch_after_return=after_return,
        launch_call=call,
        temporal=temporal,
        idle=idle,
        steps=Distribution.of(list(seen.steps.values())),
        dataloader=Distribution.of(seen.dataloader),
        scope=scope,
        events=len(events),
        warnings=[] if seen.kernels else ["no GPU activity in the trace (a CPU-only profile)"],
    )


class _Collector:
    """One pass over the events: what each kind of complete event contributes."""

    def __init__(self) -> None:
        self.kernels: dict[tuple[Any, ...], _KernelAcc] = defaultdict(_KernelAcc)
        self.kernel_kinds: dict[tuple[Any, ...], tuple[str, str, str]] = {}
        self.devices: set[int] = set()
        #: correlation id → (start, duration) of the runtime call
        self.runtime_by_corr: dict[int, tuple[float, float]] = {}
        #: (correlation id, start) of each kernel
        self.launched: list[tuple[int, float]] = []
        #: (source, name) → [count, total, max, calling operators]
        self.api: dict[tuple[str, str], list[Any]] = {}
        #: per host thread: operators (ts, end, name) and API calls (ts, key)
        self.thread_ops: dict[tuple[str, str], list[tuple[float, float, str]]] = defaultdict(list)
        self.thread_calls: dict[tuple[str, str], list[tuple[float, tuple[str, str]]]] = defaultdict(
            list
        )
        self.steps: dict[str, float] = {}
        self.dataloader: list[float] = []
        self.activity = _Activity()
        self.fractional = False
        self.t_min, self.t_max = math.inf, -math.inf

    def add(self, i: int, ev: Any) -> None:
        if not isinstance(ev, dict):
            raise InputError(f"traceEvents[{i}]", "not a JSON object")
        ts = ev.get("ts")
        if type(ts) is not int:
            self.fractional = True  # HTA rounds a trace whose timestamps are not all integers
        if ev.get("ph") != "X":
            return
        if not _looks_complete(ev):
            _check_event(i, ev)  # raises, naming what is wrong
        cat = ev.get("cat") or ""
        if cat == "Trace":
            return
        args = ev.get("args") or {}
        self.t_min = min(self.t_min, ts)
        self.t_max = max(self.t_max, ts + ev["dur"])
        stream, corr = _id(args.get("stream")), _id(args.get("correlation"))
        device = -1
        if cat in GPU_OP_CATS or cat in DEVICE_SYNC_CATS:
            device = _as_int(args.get("device"), _as_int(ev.get("pid")))
        if cat and (stream != -1 or corr != -1 or "ProfilerStep" in ev["name"]):
            self.activity.add(ev, stream, corr, device)
        if cat in GPU_OP_CATS:
            self._gpu_op(ev, cat, args, device, stream, corr)
        elif cat in DEVICE_SYNC_CATS:
            _add_api(self.api, ("device", ev["name"]), ev["dur"])
        elif cat in RUNTIME_CATS:
            if corr != -1:
                self.runtime_by_corr[corr] = (ts, ev["dur"])
            key = ("runtime", ev["name"])
            _add_api(self.api, key, ev["dur"])
            self.thread_calls[_thread(ev)].append((ts, key))
        elif cat in CPU_OP_CATS:
            self._cpu_op(ev, cat)

    def _gpu_op(
        self, ev: dict[str, Any], cat: str, args: dict[str, Any], device: int, stream: int,
        corr: int,
    ) -> None:  # fmt: skip
        name = ev["name"]
        self.devices.add(device)
        kind = _gpu_kind(cat, name)
        key = (device, stream, name, _shape(args.get("grid")), _shape(args.get("block")))
        self.kernels[key].add(ev["dur"], args)
        if key not in self.kernel_kinds:
            self.kernel_kinds[key] = (kind, *_copy_kind(kind, name, args))
        if kind in ("compute", "communication") and corr != -1:
            self.launched.append((corr, ev["ts"]))

    def _cpu_op(self, ev: dict[str, Any], cat: str) -> None:
        name, dur = ev["name"], ev["dur"]
        if cat != "user_annotation":
            self.thread_ops[_thread(ev)].append((ev["ts"], ev["ts"] + dur, name))
        if _STEP.fullmatch(name):
            # new traces have each step both as an operator and as an annotation
            self.steps[name] = max(self.steps.get(name, 0.0), dur)
        elif name.startswith(_DATALOADER):
            self.dataloader.append(dur)

    def launch_delays(self) -> tuple[Distribution, Distribution, Distribution]:
        """Kernel start - launch call start; kernel start - launch call end (HTA's "launch
        delay", at least 0); and the launch call's own duration."""
        delays, after_return, calls = [], [], []
        for corr, ts in self.launched:
            rt = self.runtime_by_corr.get(corr)
            if rt is not None:
                delays.append(ts - rt[0])
                after_return.append(max(0.0, ts - rt[0] - rt[1]))
                calls.append(rt[1])
        return Distribution.of(delays), Distribution.of(after_return), Distribution.of(calls)

    def api_stats(self) -> list[ApiStat]:
        for thread, calls in self.thread_calls.items():
            for key, op in _callers(self.thread_ops.get(thread, []), calls):
                self.api[key][3][op] += 1
        return _api_stats(self.api)


def _thread(ev: dict[str, Any]) -> tuple[str, str]:
    # old traces write a thread id as text in one place and as a number in another
    return str(ev.get("pid")), str(ev.get("tid"))


def _copy_kind(kind: str, name: str, args: dict[str, Any]) -> tuple[str, str]:
    """(direction, memory) of a copy from its name, "Memcpy HtoD (Pageable -> Device)";
    fills are ("", "Device")."""
    if kind == "memset":
        found = re.search(r"\((.*)\)", name)
        return "", found.group(1) if found else ""
    if kind != "memcpy":
        return "", ""
    m = _MEMCPY_NAME.match(name)
    direction = m.group(1) if m else ""
    if not direction and isinstance(args.get("kind"), str):
        direction = args["kind"]
    return direction, (m.group(2) or "") if m else ""


def _callers(
    ops: list[tuple[float, float, str]], calls: list[tuple[float, tuple[str, str]]]
) -> Iterable[tuple[tuple[str, str], str]]:
    """(call, innermost enclosing operator) for the calls made inside an operator: one sweep
    over the thread's timeline keeping the stack of operators open at each instant."""
    timeline = sorted(
        [(t0, 0, -t1, name) for t0, t1, name in ops] + [(t, 1, 0.0, key) for t, key in calls],
        key=lambda e: e[:3],
    )
    stack: list[tuple[float, str]] = []
    for t, is_call, neg_end, item in timeline:
        while stack and stack[-1][0] < t:
            stack.pop()
        if is_call:
            if stack:
                yield item, stack[-1][1]
        else:
            stack.append((-neg_end, item))


def _add_api(api: dict[tuple[str, str], list[Any]], key: tuple[str, str], dur: float) -> None:
    entry = api.get(key)
    if entry is None:
        entry = api[key] = [0, 0.0, 0.0, Counter()]
    entry[0] += 1
    entry[1] += dur
    entry[2] = max(entry[2], dur)


def _kernel_stats(
    kernels: dict[tuple[Any, ...], _KernelAcc], keys: dict[tuple[Any, ...], tuple[str, str, str]]
) -> list[KernelStat]:
    out = []
    for key, a in kernels.items():
        device, stream, name, grid, block = key
        kind, copy_kind, memory = keys[key]
        out.append(
            KernelStat(
                device=device, stream=stream, name=name, kind=kind, count=a.count,
                total_us=a.total, min_us=a.min, max_us=a.max, grid=grid, block=block,
                occupancy_pct=a.occ_sum / a.occ_n if a.occ_n else None,
                registers_per_thread=a.regs, shared_memory=a.smem,
                bytes=a.bytes,
                copy_kind=copy_kind, memory=memory,
            )
        )  # fmt: skip
    return sorted(out, key=lambda k: (-k.total_us, k.name, k.stream))


def _api_stats(api: dict[tuple[str, str], list[Any]]) -> list[ApiStat]:
    out = [
        ApiStat(source, name, _api_kind(name) if source == "runtime" else "sync", n, total, top,
                dict(ops.most_common(5)))
        for (source, name), (n, total, top, ops) in api.items()
    ]  # fmt: skip
    return sorted(out, key=lambda a: (-a.total_us, a.source, a.name))


def _rank(meta: dict[str, Any]) -> int:
    info = meta.get("distributedInfo")
    return _as_int(info.get("rank"), 0) if isinstance(info, dict) else 0


def _world_size(meta: dict[str, Any]) -> int | None:
    info = meta.get("distributedInfo")
    size = _as_int(info.get("world_size")) if isinstance(info, dict) else -1
    return size if size > 0 else None


def _device_names(meta: dict[str, Any], seen: Iterable[int]) -> dict[int, str]:
    props = meta.get("deviceProperties")
    names: dict[int, str] = {}
    if isinstance(props, list):
        for pos, p in enumerate(props):
            if isinstance(p, dict) and isinstance(p.get("name"), str):
                names[_as_int(p.get("id"), pos)] = p["name"]
    return {d: names.get(d, "") for d in seen}


def _wall_clock(meta: dict[str, Any], ts_us: float) -> datetime | None:
    """The wall-clock time of trace time ``ts_us``: newer Kineto writes ``ts`` relative to
    ``baseTimeNanoseconds``; older traces write Unix time in µs; others cannot say."""
    base = meta.get("baseTimeNanoseconds")
    if _number(base):
        seconds = base / 1e9 + ts_us / 1e6
    elif _UNIX_US[0] <= ts_us <= _UNIX_US[1]:
        seconds = ts_us / 1e6
    else:
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


# ------------------------------------------------------------------- HTA's breakdowns


def hta_breakdowns(
    act: _Activity, fractional: bool, threshold_us: float
) -> tuple[TemporalBreakdown | None, list[StreamIdle], dict[str, Any]]:
    """The temporal breakdown and the per-stream idle breakdown, with HTA's selection rules."""
    ts = np.asarray(act.ts, dtype=np.float64)
    end = ts + np.asarray(act.dur, dtype=np.float64)
    if fractional:
        # HTA rounds start up and end down to whole µs so ns-resolution events do not overlap
        ts, end = np.ceil(ts), np.floor(end)
        # a sub-µs event can round to end < start: it then covers nothing (a negative length
        # would push busy time below zero and idle above the span)
        end = np.maximum(end, ts)
    stream = np.asarray(act.stream, dtype=np.int64)
    corr = np.asarray(act.corr, dtype=np.int64)
    # what HTA takes for GPU events: a stream and a correlation id, or a device-wide sync
    on_gpu = ((stream >= 0) & (corr >= 0)) | _flags(act.name, _DEVICE_WIDE_SYNCS.__contains__)
    scope: dict[str, Any] = {"rounded_to_us": fractional, "kernel_wait_threshold_us": threshold_us}
    keep = _before_last_step(act.name, ts, corr, on_gpu, stream, scope)
    launch_ts = _launch_times(ts, corr, on_gpu, keep)

    gpu = keep & (stream != -1)
    scope["gpu_events"] = int(gpu.sum())
    temporal = None
    if gpu.any():
        compute = gpu & _flags(act.name, is_compute_name)
        span, busy = _union(ts[gpu], end[gpu])
        _, computing = _union(ts[compute], end[compute])
        temporal = TemporalBreakdown(span, span - busy, computing, busy - computing)
    ops = gpu & _flags(act.cat, GPU_OP_CATS.__contains__)
    device = np.asarray(act.device, dtype=np.int64)
    idle = []
    for d, s in sorted(set(zip(device[ops].tolist(), stream[ops].tolist(), strict=True))):
        sel = ops & (device == d) & (stream == s)
        idle.append(_stream_idle(d, s, ts[sel], end[sel], launch_ts[sel], threshold_us))
    return temporal, idle, scope


def _flags(values: Sequence[str], test: Callable[[str], bool]) -> np.ndarray:
    return np.fromiter((bool(test(v)) for v in values), bool, len(values))


def _before_last_step(
    names: Sequence[str], ts: np.ndarray, corr: np.ndarray, on_gpu: np.ndarray,
    stream: np.ndarray, scope: dict[str, Any],
) -> np.ndarray:  # fmt: skip
    """Which events the breakdowns use. With two or more ``ProfilerStep#N`` names, HTA keeps
    host events that start before the last step does and GPU events whose correlation id one
    of those has; otherwise everything."""
    step_names = {nm for nm in names if "ProfilerStep" in nm}
    is_step = _flags(names, step_names.__contains__) & ~on_gpu
    scope["last_step_excluded"] = len(step_names) >= 2 and bool(is_step.any())
    if not scope["last_step_excluded"]:
        return np.ones(len(names), dtype=bool)
    host_kept = ~on_gpu & (ts < ts[is_step].max())
    launched = np.isin(corr, corr[host_kept])
    scope["excluded_gpu_events"] = int((on_gpu & ~launched & (stream != -1)).sum())
    return host_kept | (on_gpu & launched)


def _launch_times(
    ts: np.ndarray, corr: np.ndarray, on_gpu: np.ndarray, keep: np.ndarray
) -> np.ndarray:
    """For each GPU event, the start of its launch call (the last host event in the file with
    its correlation id); NaN when the trace has none."""
    launch_ts = np.full(ts.size, np.nan)
    by_corr = {int(corr[r]): r for r in np.flatnonzero(~on_gpu & (corr != -1) & keep)}
    for r in np.flatnonzero(on_gpu):
        h = by_corr.get(int(corr[r]))
        if h is not None:
            launch_ts[r] = ts[h]
    return launch_ts


def _union(ts: np.ndarray, end: np.ndarray) -> tuple[float, float]:
    """(span, covered): span from the first start to the end of the last merged interval,
    and the total length of the union of the intervals, merged as HTA merges them."""
    if ts.size == 0:
        return 0.0, 0.0
    order = np.argsort(ts, kind="stable")
    ts, end = ts[order], end[order]
    reach = np.maximum.accumulate(end)
    starts_group = np.empty(ts.size, dtype=bool)
    starts_group[0] = True
    starts_group[1:] = ts[1:] > reach[:-1]
    group = np.cumsum(starts_group) - 1
    first = ts[starts_group]
    last = np.full(first.size, -np.inf)
    np.maximum.at(last, group, end)
    return float(last[-1] - first[0]), float((last - first).sum())


def _stream_idle(
    device: int, stream: int, ts: np.ndarray, end: np.ndarray, launch: np.ndarray, threshold: float
) -> StreamIdle:
    order = np.argsort(ts, kind="stable")
    ts, end, launch = ts[order], end[order], launch[order]
    # operations on one stream run in order; should some overlap (clock skew, rounding), a gap
    # is measured from the latest end so far and is never negative
    reach = np.maximum.accumulate(end)
    gap = np.maximum(ts[1:] - reach[:-1], 0.0)
    with np.errstate(invalid="ignore"):
        host = launch[1:] > reach[:-1]  # the launch call began after the previous op ended
    kernel = ~host & (gap < threshold)
    other = ~host & ~kernel
    return StreamIdle(
        device=device, stream=stream, operations=int(ts.size), idle_us=float(gap.sum()),
        host_wait_us=float(gap[host].sum()), kernel_wait_us=float(gap[kernel].sum()),
        other_us=float(gap[other].sum()),
    )  # fmt: skip
