"""Hot spots: where a service's CPU and GPU time goes, ranked by cost, each matched against
the playbooks. Pure: profile stacks and trace summaries in, records out; reading and writing
the store is :mod:`efficiency.stages.hotspots`.

Three kinds of hot spot, each identified by (service, runtime, frame):

* **CPU frames** (py-spy, perf): a function (its lines folded together), its self and
  inclusive share of the service's samples and its cost in cores (self share times the service's
  busy cores). The evidence names the heaviest line, the five heaviest stacks through the
  frame (a flame-graph excerpt), its heaviest caller, and the code a fix would edit (the frame
  itself when it is the service's code, else its heaviest caller in the service's code: a hot
  ``re._compile`` is fixed where ``re.match`` is called in a loop).
* **GPU operations** (Kineto traces): a kernel, copy or fill (summed over streams and launch
  shapes), its share of the GPU's busy time and its cost in GPU-hours.
* **GPU idle**: the GPU's idle time in HTA's temporal breakdown split by cause (host wait,
  kernel wait, other), its share of the GPU's span and its cost in idle GPU-hours. A
  DataLoader stall, a host sync in the loop or launch overhead show up here.

GPU hot spots carry the trace statistics (``playbooks.TRACE_STATS``) in ``evidence["trace"]``.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from hashlib import blake2b
from typing import Any

from efficiency.remediate.kernels import classify, fp32_simt
from efficiency.remediate.playbooks import (
    IDLE_HOTSPOTS,
    Condition,
    FrameRule,
    KernelRule,
    Playbook,
)

#: trace-level idle causes below this share of the GPU's span are not hot spots (unless a
#: playbook matches them)
MIN_IDLE_SHARE = 0.01
#: a kernel shorter than this (µs) finishes before an eager framework can launch the next
#: (PyTorch's per-op CPU overhead is of this order), so a stream of them is launch-bound
SHORT_KERNEL_US = 10.0
#: the flame-graph excerpt: this many heaviest stacks, this many frames either side
STACKS_IN_EVIDENCE = 5
#: application call sites kept in a frame hot spot's evidence (``call_sites``)
CALL_SITES_IN_EVIDENCE = 20
_FRAMES_ABOVE, _FRAMES_BELOW = 12, 6
_US_PER_HOUR = 3.6e9

#: a Python file that is not the service's own code: the standard library, installed packages
_LIBRARY_FILE = re.compile(
    r"(^|[/\\])(site-packages|dist-packages|lib(64)?[/\\]python\d+(\.\d+)?t?)[/\\]"
    r"|^<(frozen [^>]*|string|built-in)>$"
)
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


def _ordered(matches: dict[str, Any], playbooks: Sequence[Playbook]) -> dict[str, Any]:
    """The matches, the playbook expected to save the most first (then by id)."""
    fraction = {pb.id: pb.savings.fraction for pb in playbooks}

    def order(k: str) -> tuple[bool, float, str]:  # what the profile shows before nominees
        return "confirm" in matches[k], -fraction.get(k, 0.0), k

    return {k: matches[k] for k in sorted(matches, key=order)}


def with_trends(records: list[HotspotRecord], previous: dict[str, float] | None) -> None:
    """Set each record's trend: its share minus its share in the previous period (0 there
    when it did not appear); None when the previous period has no data at all."""
    for r in records:
        r.trend = None if previous is None else r.share_self - previous.get(r.id, 0.0)
        r.evidence["trend"] = r.trend


# ------------------------------------------------------------------------ CPU frames


@dataclass
class _Fn:
    """One function's totals over a profile."""

    runtime: str
    self_n: int = 0
    incl_n: int = 0
    lines: Counter[int] = field(default_factory=Counter)
    ids: dict[int, int | None] = field(default_factory=dict)


@dataclass
class _Context:
    """What the second pass learns about a candidate frame."""

    stacks: list[tuple[int, int]] = field(default_factory=list)  # heap of (samples, index)
    parents: Counter[tuple[str, str]] = field(default_factory=Counter)
    callers: Counter[tuple[str, str, int]] = field(default_factory=Counter)
    under: Counter[str] = field(default_factory=Counter)  # ancestor regex → samples
    callees: set[str] = field(default_factory=set)  # ``function (file)`` of direct callees


def _aggregate(profile: ProfileSet) -> tuple[dict[tuple[str, str], _Fn], int]:
    fns: dict[tuple[str, str], _Fn] = {}
    total = 0
    for frames, n in profile.stacks:
        if not frames or n <= 0:
            continue
        total += n
        seen: set[tuple[str, str]] = set()
        for f in frames:
            if f.key in seen:
                continue
            seen.add(f.key)
            fn = fns.get(f.key)
            if fn is None:
                fn = fns[f.key] = _Fn(f.runtime)
            fn.incl_n += n
            fn.lines[f.line] += n
            fn.ids.setdefault(f.line, f.id)
        fns[frames[-1].key].self_n += n
    return fns, total


def _prematch(rule: FrameRule, key: tuple[str, str], fn: _Fn, total: int,
              cores: float | None) -> bool:  # fmt: skip
    """The rule's conditions that need no stacks: names, runtime, share, cores."""
    share = (fn.self_n if rule.share == "self" else fn.incl_n) / total
    if share < rule.min_share:
        return False
    if rule.min_cores is not None and (cores is None or share * cores < rule.min_cores):
        return False
    if rule.runtimes is not None and fn.runtime not in rule.runtimes:
        return False
    if not re.search(rule.function, key[0]):
        return False
    return rule.file is None or re.search(rule.file, key[1]) is not None


def _context(
    profile: ProfileSet, wanted: set[tuple[str, str]], ancestors: set[str]
) -> dict[tuple[str, str], _Context]:
    """One pass over the stacks for the candidate frames: heaviest stacks, immediate
    callers, nearest application callers, and samples under each ancestor pattern."""
    out = {k: _Context() for k in wanted}
    compiled = {a: re.compile(a) for a in ancestors}
    for index, (frames, n) in enumerate(profile.stacks):
        if not frames or n <= 0:
            continue
        last: dict[tuple[str, str], int] = {}
        for pos, f in enumerate(frames):
            if f.key in out:
                last[f.key] = pos
        if not last:
            continue
        app_above, app_seen = [], -1
        for pos, f in enumerate(frames):
            app_above.append(app_seen)
            if f.is_application:
                app_seen = pos
        first_match = {a: next((i for i, f in enumerate(frames) if rx.search(f.function)),
                               len(frames)) for a, rx in compiled.items()}  # fmt: skip
        for key, pos in last.items():
            ctx = out[key]
            if len(ctx.stacks) < STACKS_IN_EVIDENCE:
                heapq.heappush(ctx.stacks, (n, -index))
            else:
                heapq.heappushpop(ctx.stacks, (n, -index))
            if pos > 0:
                ctx.parents[frames[pos - 1].key] += n
            if pos + 1 < len(frames):
                below = frames[pos + 1]
                ctx.callees.add(frame_name(below.function, below.file))
            caller = app_above[pos]
            if caller >= 0:
                c = frames[caller]
                ctx.callers[(c.function, c.file, c.line)] += n
            for a, first in first_match.items():
                if first < pos:
                    ctx.under[a] += n
    return out


def _excerpt(frames: Sequence[FrameRef], key: tuple[str, str]) -> list[str]:
    """The stack around the frame: a dozen callers above it, a few callees below."""
    pos = max(i for i, f in enumerate(frames) if f.key == key)
    lo, hi = max(0, pos - _FRAMES_ABOVE), min(len(frames), pos + 1 + _FRAMES_BELOW)
    out = [f.label() for f in frames[lo:hi]]
    if lo > 0:
        out.insert(0, f"… {lo} frames")
    if hi < len(frames):
        out.append(f"… {len(frames) - hi} frames")
    return out


def _frame_evidence(
    service: str, key: tuple[str, str], fn: _Fn, ctx: _Context, profile: ProfileSet, total: int
) -> dict[str, Any]:
    function, file = key
    line = max(fn.lines, key=lambda ln: (fn.lines[ln], -ln))
    share_self = fn.self_n / total
    caller = None
    if ctx.callers:
        (cf, cfile, cline), cn = max(ctx.callers.items(), key=lambda kv: (kv[1], kv[0]))
        caller = {"function": cf, "file": cfile, "line": cline, "share": cn / fn.incl_n}
    parent = None
    if ctx.parents:
        (pf, pfile), pn = max(ctx.parents.items(), key=lambda kv: (kv[1], kv[0]))
        parent = {"function": pf, "file": pfile, "share": pn / fn.incl_n}
    own = FrameRef(function, file, line, fn.runtime).is_application
    target = {"function": function, "file": file, "line": line} if own or caller is None else caller
    stacks = [
        {
            "frames": _excerpt(profile.stacks[-neg][0], key),
            "samples": n,
            "share": n / total,
        }
        for n, neg in sorted(ctx.stacks, reverse=True)
    ]
    return {
        "service": service,
        "frame": frame_name(function, file),
        "runtime": fn.runtime,
        # where a code change goes (see the module docstring)
        "function": target["function"],
        "file": target["file"],
        "line": target["line"] or None,
        "target_is_frame": bool(own or caller is None),
        "hot_function": function,
        "hot_file": file,
        "hot_line": line or None,
        "share_self": share_self,
        "share_inclusive": fn.incl_n / total,
        "samples": fn.self_n,
        "samples_inclusive": fn.incl_n,
        "samples_total": total,
        "windows": profile.windows,
        "cores": profile.cores,
        "cost_cores": share_self * profile.cores if profile.cores is not None else None,
        "caller": caller,
        "parent": parent,
        "stacks": stacks,
        # every sampled line of the frame, and every application call site under which it
        # ran: where `efficiency remediate` looks for a fix, heaviest first
        "lines": [[ln, n] for ln, n in sorted(fn.lines.items()) if ln],
        "call_sites": [
            {"function": cf, "file": cfile, "line": cline, "samples": cn}
            for (cf, cfile, cline), cn in sorted(
                ctx.callers.items(), key=lambda kv: (-kv[1], kv[0])
            )[:CALL_SITES_IN_EVIDENCE]
        ],
    }


def _rule_holds(rule: FrameRule, ev: dict[str, Any], ctx: _Context) -> bool:
    """The conditions that need the stacks: caller and ancestor."""
    if rule.caller is not None:
        caller = ev["caller"]
        label = frame_name(caller["function"], caller["file"]) if caller else ""
        if not caller or not re.search(rule.caller, label):
            return False
    if rule.callee is not None and not any(re.search(rule.callee, c) for c in ctx.callees):
        return False
    if rule.confirm == "source" and not ev.get("target_is_frame"):
        return False  # nominees are the service's own functions, where the source can tell
    if rule.ancestor is not None:
        return ctx.under[rule.ancestor] * 2 >= ev["samples_inclusive"]
    return True


def frame_hotspots(
    service: str, profile: ProfileSet, playbooks: Sequence[Playbook] = (), limit: int = 20
) -> list[HotspotRecord]:
    """The ``limit`` functions with the largest self share, plus every function a playbook
    matches, heaviest first."""
    fns, total = _aggregate(profile)
    if total == 0:
        return []
    top = sorted((k for k in fns if fns[k].self_n > 0), key=lambda k: (-fns[k].self_n, k))
    candidates = set(top[:limit])
    pending: dict[tuple[str, str], list[tuple[Playbook, int, FrameRule]]] = defaultdict(list)
    for pb in playbooks:
        for i, rule in enumerate(pb.match.frames):
            for key, fn in fns.items():
                if _prematch(rule, key, fn, total, profile.cores):
                    pending[key].append((pb, i, rule))
    ancestors = {rule.ancestor for rules in pending.values() for _, _, rule in rules
                 if rule.ancestor}  # fmt: skip
    contexts = _context(profile, candidates | set(pending), ancestors)
    out = []
    for key in sorted(candidates | set(pending), key=lambda k: (-fns[k].self_n, k)):
        fn, ctx = fns[key], contexts[key]
        ev = _frame_evidence(service, key, fn, ctx, profile, total)
        matches: dict[str, Any] = {}
        for pb, i, rule in pending.get(key, []):
            if pb.id not in matches and _rule_holds(rule, ev, ctx):
                matches[pb.id] = {
                    "rule": f"match.frames[{i}]",
                    "share": rule.share,
                    "min_share": rule.min_share,
                    "actual": ev[f"share_{rule.share}"],
                }
                if rule.confirm:
                    matches[pb.id]["confirm"] = rule.confirm
        if key not in candidates and all("confirm" in m for m in matches.values()):
            continue  # beyond the limit, only what the profile itself shows is kept
        ev["matches"] = matches = _ordered(matches, playbooks)
        line = ev["hot_line"] or 0
        out.append(
            HotspotRecord(
                service=service,
                runtime=fn.runtime,
                frame=ev["frame"],
                share_self=ev["share_self"],
                share_inclusive=ev["share_inclusive"],
                cost_cores=ev["cost_cores"],
                frame_id=fn.ids.get(line),
                playbooks=list(matches),
                evidence=ev,
            )
        )
    return out


def frame_shares(service: str, profile: ProfileSet) -> dict[str, float] | None:
    """Every function's self share by hot-spot id (for trends); None without samples."""
    fns, total = _aggregate(profile)
    if total == 0:
        return None
    return {
        hotspot_key(service, fn.runtime, frame_name(*key)): fn.self_n / total
        for key, fn in fns.items()
    }


# ------------------------------------------------------------------------ GPU traces


def _idle_parts(t: TraceData) -> dict[str, float]:
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


def _device_names(traces: Sequence[TraceData]) -> set[str]:
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
        for name, us in _idle_parts(t).items():
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
    devices = _device_names(traces)
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


def _conditions(conds: Sequence[Condition], stats: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The conditions with their actual values when all hold, else None."""
    out = []
    for c in conds:
        actual = stats.get(c.stat)
        if not c.holds(actual):
            return None
        out.append({"stat": c.stat, "op": c.op, "value": c.value, "actual": actual})
    return out


def _kernel_match(
    rule: KernelRule, op: dict[str, Any], stats: dict[str, Any]
) -> dict[str, Any] | None:
    if rule.kind is not None and op["kind"] not in rule.kind:
        return None
    if op["share_self"] < rule.min_share or not re.search(rule.name, op["frame"]):
        return None
    if not _class_holds(rule, op):
        return None
    if rule.min_gpu_hours is not None and op["cost_gpu_hours"] < rule.min_gpu_hours:
        return None
    conds = _conditions(rule.when, stats)
    if conds is None:
        return None
    return {"min_share": rule.min_share, "actual": op["share_self"], "conditions": conds}


def _class_holds(rule: KernelRule, op: dict[str, Any]) -> bool:
    """The rule's op class, precision, tensor-core and copy conditions hold for the operation."""
    c = classify(op["frame"])
    if rule.op is not None and c.op not in rule.op:
        return False
    if rule.precision is not None and c.precision not in rule.precision:
        return False
    if rule.tensor_core is not None and c.tensor_core is not rule.tensor_core:
        return False
    if rule.memory is not None and c.memory not in rule.memory:
        return False
    if rule.direction is not None and c.direction not in rule.direction:
        return False
    if rule.min_mean_bytes is not None:
        mean = op["bytes"] / op["launches"] if op["bytes"] and op["launches"] else 0.0
        if mean < rule.min_mean_bytes:
            return False
    return True


def _operations(traces: Sequence[TraceData], busy: float) -> list[dict[str, Any]]:
    """GPU operations by name over all traces, largest GPU time first."""
    acc: dict[str, dict[str, Any]] = {}
    for i, t in enumerate(traces):
        for k in t.kernels:
            op = acc.get(k.name)
            if op is None:
                op = acc[k.name] = {
                    "frame": k.name, "kind": k.kind, "copy_kind": k.copy_kind,
                    "memory": k.memory, "launches": 0, "total_us": 0.0, "bytes": None,
                    "traces": set(),
                }  # fmt: skip
            op["launches"] += k.count
            op["total_us"] += k.total_us
            op["traces"].add(i)
            if k.bytes is not None:
                op["bytes"] = (op["bytes"] or 0) + k.bytes
    out = []
    for op in acc.values():
        us = op["total_us"]
        op["traces"] = len(op["traces"])
        op["mean_us"] = us / op["launches"] if op["launches"] else None
        op["share_self"] = us / busy if busy > 0 else 0.0
        op["cost_gpu_hours"] = us / _US_PER_HOUR
        op["bandwidth_gbps"] = op["bytes"] / us / 1e3 if op["bytes"] and us > 0 else None
        out.append(op)
    return sorted(out, key=lambda o: (-o["total_us"], o["frame"]))


def _gpu_record(service: str, runtime: str, body: dict[str, Any], stats: dict[str, Any],
                device: str, matches: dict[str, Any]) -> HotspotRecord:  # fmt: skip
    ev = {"service": service, "runtime": runtime, **body, "device": device, "trace": stats,
          "matches": matches}  # fmt: skip
    return HotspotRecord(
        service=service,
        runtime=runtime,
        frame=body["frame"],
        share_self=body["share_self"],
        share_inclusive=body["share_self"],
        cost_gpu_hours=body["cost_gpu_hours"],
        playbooks=list(matches),
        evidence=ev,
    )


def _idle_bodies(traces: Sequence[TraceData], span: float) -> list[dict[str, Any]]:
    totals: dict[str, float] = defaultdict(float)
    for t in traces:
        for name, us in _idle_parts(t).items():
            totals[name] += us
    return [
        {
            "frame": name,
            "kind": "idle",
            "total_us": totals[name],
            "share_self": totals[name] / span if span > 0 else 0.0,
            "cost_gpu_hours": totals[name] / _US_PER_HOUR,
            "traces": len(traces),
        }
        for name in IDLE_HOTSPOTS
    ]


def gpu_hotspots(
    service: str, traces: Sequence[TraceData], playbooks: Sequence[Playbook] = (),
    limit: int = 20,
) -> list[HotspotRecord]:  # fmt: skip
    """The ``limit`` GPU operations with the most GPU time, the GPU idle causes over
    :data:`MIN_IDLE_SHARE` of the span, and every one of either a playbook matches."""
    if not traces:
        return []
    stats = trace_stats(traces)
    device = ", ".join(sorted(_device_names(traces)))
    busy, span = float(stats["gpu.busy_us"] or 0), float(stats["gpu.span_us"] or 0)
    out = []
    for rank, op in enumerate(_operations(traces, busy)):
        matches: dict[str, Any] = {}
        for pb in playbooks:
            for i, rule in enumerate(pb.match.kernels):
                found = _kernel_match(rule, op, stats)
                if found is not None and pb.id not in matches:
                    matches[pb.id] = {"rule": f"match.kernels[{i}]", **found}
        if rank < limit or matches:
            matches = _ordered(matches, playbooks)
            out.append(_gpu_record(service, "gpu-kernel", op, stats, device, matches))
    for body in _idle_bodies(traces, span):
        matches = {}
        for pb in playbooks:
            rule = pb.match.trace
            if rule is not None and rule.hotspot == body["frame"]:
                conds = _conditions(rule.when, stats)
                if conds is not None:
                    matches[pb.id] = {"rule": "match.trace", "conditions": conds}
        if (body["share_self"] >= MIN_IDLE_SHARE and body["total_us"] > 0) or matches:
            matches = _ordered(matches, playbooks)
            out.append(_gpu_record(service, "gpu", body, stats, device, matches))
    return sorted(out, key=lambda r: (-(r.cost_gpu_hours or 0.0), r.frame))


def gpu_shares(service: str, traces: Sequence[TraceData]) -> dict[str, float] | None:
    """Every GPU operation's and idle cause's share by hot-spot id (for trends); None
    without traces."""
    if not traces:
        return None
    stats = trace_stats(traces)
    busy, span = float(stats["gpu.busy_us"] or 0), float(stats["gpu.span_us"] or 0)
    out = {hotspot_key(service, "gpu-kernel", op["frame"]): op["share_self"]
           for op in _operations(traces, busy)}  # fmt: skip
    for body in _idle_bodies(traces, span):
        out[hotspot_key(service, "gpu", body["frame"])] = body["share_self"]
    return out
