"""Trace statistics: what a service's GPU traces say as numbers (``playbooks.TRACE_STATS``),
computed over all of its traces in a period as sums of numerators over sums of denominators;
the trace rules of the playbooks compare them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from efficiency.remediate.hotspot_records import KernelRow, TraceData
from efficiency.remediate.kernels import classify, fp32_simt
from efficiency.remediate.playbooks import IDLE_HOTSPOTS

#: a kernel shorter than this (µs) finishes before an eager framework can launch the next
#: (PyTorch's per-op CPU overhead is of this order), so a stream of them is launch-bound
SHORT_KERNEL_US = 10.0
#: host synchronizations a scalar read makes (``.item()``, ``if t.any():``, boolean masks)
_SCALAR_OPS = re.compile(
    r"aten::(_local_scalar_dense|item|nonzero|nonzero_static|is_nonzero|masked_select|"
    r"_unique2?|unique_consecutive|unique_dim|equal|allclose|repeat_interleave)"
)
#: device memory allocation calls (not cudaHostAlloc / cudaMallocHost: pinned host memory)
_DEVICE_ALLOC = re.compile(r"(cuda|hip)(Malloc|Free)(Async)?|cuMem(Alloc|Free)(Async)?(_v2)?")
#: a device-to-host copy smaller than this reads values back (``.item()``, ``.tolist()``,
#: ``.cpu()`` of a scalar or small tensor): the host waits for it, so it is a sync
READBACK_MAX_BYTES = 1 << 20
#: NVIDIA GPUs with TF32 and bf16 tensor cores (Ampere and newer)
_TF32_GPU = re.compile(
    r"\b(A100|A800|A40|A30|A10G?|A16|A2|H100|H200|H800|H20|GH200|GB200|B100|B200|L4|L40S?|"
    r"L20|RTX A\d{4}|RTX [345]0\d0( Ti)?|RTX \d{4} Ada)\b",
    re.IGNORECASE,
)
#: ... and those with FP16 tensor cores only (Volta, Turing)
_FP16_TC_GPU = re.compile(
    r"\b(V100|T4|TITAN V|TITAN RTX|Quadro RTX|RTX 20[6-8]0( Ti| SUPER)?)\b", re.IGNORECASE
)


def idle_parts(t: TraceData) -> dict[str, float]:
    """The trace's GPU idle time (µs) split by cause in the proportions of the idle breakdown
    of its busiest stream (the one with the most GPU operations): on a single-stream trace
    exactly HTA's idle breakdown; with side streams, never more than the GPU was idle."""
    idle = t.idle_us or 0.0
    parts = dict.fromkeys(IDLE_HOTSPOTS, 0.0)
    if idle <= 0:
        return parts
    streams = [s for s in t.summary.get("idle_by_stream") or [] if isinstance(s, dict)]
    if not streams:
        parts["gpu idle: other"] = idle
        return parts
    busiest = max(streams, key=lambda s: (s.get("operations", 0), -s.get("stream", 0)))
    gaps = float(busiest.get("idle_us") or 0.0)
    if gaps <= 0:
        parts["gpu idle: other"] = idle
        return parts
    for name, part in zip(IDLE_HOTSPOTS, ("host_wait", "kernel_wait", "other"), strict=True):
        parts[name] = idle * float(busiest.get(f"{part}_us") or 0.0) / gaps
    return parts


def _ratio(num: float, den: float) -> float | None:
    return num / den if den > 0 else None


def _weighted_median(pairs: list[tuple[float, int]]) -> float | None:
    total = sum(n for _, n in pairs)
    if total == 0:
        return None
    seen = 0
    for value, n in sorted(pairs):
        seen += n
        if 2 * seen >= total:
            return value
    return None  # pragma: no cover - unreachable


def _dist(t: TraceData, name: str) -> tuple[int, float]:
    d = t.summary.get(name) or {}
    return int(d.get("count") or 0), float(d.get("total") or 0.0)


def device_names(traces: Sequence[TraceData]) -> set[str]:
    names = set()
    for t in traces:
        devices = t.summary.get("devices") or {}
        names |= {str(v) for v in devices.values() if v} if isinstance(devices, dict) else set()
        if not devices and t.device_name:
            names |= {n.strip() for n in t.device_name.split(",") if n.strip()}
    return names


def trace_stats(traces: Sequence[TraceData]) -> dict[str, float | int | None]:
    """The statistics of ``playbooks.TRACE_STATS`` over a service's traces in a period."""
    span = sum(t.span_us or 0.0 for t in traces)
    busy = sum(t.gpu_time_us for t in traces)
    duration = sum(t.duration_us for t in traces)
    idle = sum(t.idle_us or 0.0 for t in traces)
    parts: dict[str, float] = defaultdict(float)
    for t in traces:
        for name, us in idle_parts(t).items():
            parts[name] += us
    step_n = step_us = dl_n = dl_us = 0.0
    steps = 0
    for t in traces:
        n, us = _dist(t, "steps_us")
        steps += max(n, 1)
        if n:
            step_n, step_us = step_n + n, step_us + us
            dn, dus = _dist(t, "dataloader_us")
            dl_n, dl_us = dl_n + dn, dl_us + dus
    all_dl_n = all_dl_us = 0.0
    for t in traces:
        dn, dus = _dist(t, "dataloader_us")
        all_dl_n, all_dl_us = all_dl_n + dn, all_dl_us + dus
    rows = [k for t in traces for k in t.kernels]
    launched = [k for k in rows if k.kind in ("compute", "communication") and k.count > 0]
    launches = sum(k.count for k in launched)
    h2d = [k for k in rows if k.kind == "memcpy" and k.copy_kind == "HtoD"]
    pageable = [k for k in h2d if "Pageable" in k.memory]
    calls = [a for t in traces for a in t.api if a.source == "runtime"]
    syncs = [a for a in calls if a.kind == "sync" and "Synchronize" in a.name]
    allocs = [a for a in calls if _DEVICE_ALLOC.fullmatch(a.name)]
    lc_n = sum(_dist(t, "launch_call_us")[0] for t in traces)
    lc_us = sum(_dist(t, "launch_call_us")[1] for t in traces)
    devices = device_names(traces)
    return {
        "trace.count": len(traces),
        "steps.count": steps,
        "steps.mean_us": _ratio(step_us, step_n),
        "gpu.span_us": span,
        "gpu.busy_us": busy,
        "idle.share": _ratio(idle, span),
        "idle.host_wait_share": _ratio(parts["gpu idle: host wait"], span),
        "idle.kernel_wait_share": _ratio(parts["gpu idle: kernel wait"], span),
        "idle.other_share": _ratio(parts["gpu idle: other"], span),
        "compute.share": _ratio(sum(t.compute_us or 0.0 for t in traces), span),
        "non_compute.share": _ratio(sum(t.non_compute_us or 0.0 for t in traces), span),
        "dataloader.step_share": _ratio(dl_us, step_us) if dl_n else None,
        "dataloader.mean_us": _ratio(all_dl_us, all_dl_n),
        "kernels.launches": launches,
        "kernels.launches_per_step": launches / steps if steps else None,
        "kernels.median_duration_us": _weighted_median(
            [(k.total_us / k.count, k.count) for k in launched]
        ),
        "kernels.short_share": _ratio(
            sum(k.count for k in launched if k.total_us / k.count < SHORT_KERNEL_US), launches
        ),
        "launch.call_mean_us": _ratio(lc_us, lc_n),
        "memcpy.h2d_share": _ratio(sum(k.total_us for k in h2d), busy),
        "memcpy.pageable_h2d_share": _ratio(sum(k.total_us for k in pageable), busy),
        "memcpy.pageable_h2d_fraction": _ratio(
            sum(k.total_us for k in pageable), sum(k.total_us for k in h2d)
        ),
        "memcpy.pageable_share": _ratio(
            sum(k.total_us for k in rows if k.kind == "memcpy" and "Pageable" in k.memory), busy
        ),
        "memcpy.pageable_h2d_bytes": sum(k.bytes or 0 for k in pageable),
        "sync.per_step": sum(a.count for a in syncs) / steps if steps else None,
        "sync.scalar_per_step": (
            max(
                sum(n for a in syncs for op, n in a.ops.items() if _SCALAR_OPS.fullmatch(op)),
                sum(k.count for k in rows if _readback(k)),
            )
            / steps
            if steps
            else None
        ),
        "sync.time_share": _ratio(sum(a.total_us for a in syncs), duration),
        "alloc.calls_per_step": sum(a.count for a in allocs) / steps if steps else None,
        "alloc.time_share": _ratio(sum(a.total_us for a in allocs), duration),
        "gemm.fp32_share": _ratio(_fp32_simt_us(launched), busy),
        "device.tensor_cores": (
            int(all(_TF32_GPU.search(d) or _FP16_TC_GPU.search(d) for d in devices))
            if devices
            else None
        ),
        "device.tf32": int(all(_TF32_GPU.search(d) for d in devices)) if devices else None,
    }


def _fp32_simt_us(kernels: Sequence[KernelRow]) -> float:
    """GPU time of FP32 GEMMs on the SIMT cores, and of FP32 SIMT convolutions unless a TF32
    convolution ran too (cuDNN was allowed TF32 and picked FP32 for those shapes)."""
    classes = [(k, classify(k.name)) for k in kernels]
    tf32_conv = any(c.op == "conv" and c.precision == "tf32" for _, c in classes)
    return sum(
        k.total_us for k, c in classes
        if fp32_simt(k.name) and (c.op == "gemm" or not tf32_conv)
    )  # fmt: skip


def _readback(k: KernelRow) -> bool:
    """A small device-to-host copy: the host reads values back and waits for them."""
    if k.kind != "memcpy" or k.copy_kind != "DtoH" or k.count <= 0:
        return False
    return k.bytes is not None and k.bytes / k.count < READBACK_MAX_BYTES
