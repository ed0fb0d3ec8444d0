"""Analyses over parsed Kineto events: per-kernel and per-API statistics, and HTA's temporal
and per-stream idle breakdowns (``hta_breakdowns``). Busy time is a union of intervals over the
trace window, so idle, compute and non-compute always add up to the span, each within it."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from collectors.kineto_model import (
    _DEVICE_WIDE_SYNCS,
    _MEMCPY_NAME,
    GPU_OP_CATS,
    ApiStat,
    KernelStat,
    StreamIdle,
    TemporalBreakdown,
    _Activity,
    _number,
    is_compute_name,
)


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
