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

This module reads and parses; the records live in ``collectors.kineto_model`` and the analyses
(statistics, breakdowns) in ``collectors.kineto_analysis``. Their public names are importable
from here as before.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import zlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from collectors.kineto_analysis import (
    _add_api,
    _api_stats,
    _callers,
    _copy_kind,
    _kernel_stats,
    _KernelAcc,
    hta_breakdowns,
)
from collectors.kineto_model import (
    _DATALOADER,
    _NCCL_KERNEL,
    _STEP,
    _UNIX_US,
    CPU_OP_CATS,
    DEVICE_SYNC_CATS,
    GPU_OP_CATS,
    KERNEL_CATS,
    KERNEL_WAIT_THRESHOLD_US,
    MEMCPY_CATS,
    MEMSET_CATS,
    RUNTIME_CATS,
    ApiStat,
    Distribution,
    KernelStat,
    KinetoTrace,
    StreamIdle,
    TemporalBreakdown,
    TransferStat,
    _Activity,
    _number,
    is_compute_name,
)
from efficiency.ingest.errors import InputError

__all__ = [
    "CPU_OP_CATS", "DEVICE_SYNC_CATS", "GPU_OP_CATS", "KERNEL_CATS", "KERNEL_WAIT_THRESHOLD_US",
    "MEMCPY_CATS", "MEMSET_CATS", "RUNTIME_CATS", "ApiStat", "Distribution", "KernelStat",
    "KinetoTrace", "StreamIdle", "TemporalBreakdown", "TransferStat", "hta_breakdowns",
    "is_compute_name", "parse_kineto", "read_trace_document",
]  # fmt: skip

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


def _gpu_kind(cat: str, name: str) -> str:
    if cat in MEMCPY_CATS:
        return "memcpy"
    if cat in MEMSET_CATS:
        return "memset"
    return "communication" if _NCCL_KERNEL.match(name) else "compute"


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
