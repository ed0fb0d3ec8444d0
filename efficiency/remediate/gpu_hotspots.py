"""GPU hot spots (Kineto traces): operations ranked by GPU time and the GPU's idle time split
by cause, each matched against the playbooks' kernel and trace rules.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from efficiency.remediate.hotspot_records import (
    HotspotRecord,
    TraceData,
    hotspot_key,
    ordered_matches,
)
from efficiency.remediate.kernels import classify
from efficiency.remediate.playbooks import IDLE_HOTSPOTS, Condition, KernelRule, Playbook
from efficiency.remediate.trace_stats import device_names, idle_parts, trace_stats

#: trace-level idle causes below this share of the GPU's span are not hot spots (unless a
#: playbook matches them)
MIN_IDLE_SHARE = 0.01
_US_PER_HOUR = 3.6e9


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
        for name, us in idle_parts(t).items():
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
    device = ", ".join(sorted(device_names(traces)))
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
            matches = ordered_matches(matches, playbooks)
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
            matches = ordered_matches(matches, playbooks)
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
