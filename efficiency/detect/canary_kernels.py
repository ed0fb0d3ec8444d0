"""Canary check on GPU kernel time: which kernel got slower on the canary's GPUs.

Pure: per-kernel rows of the PyTorch profiler (Kineto) traces of both sides in, one
:class:`~efficiency.detect.canary_metrics.MetricCheck` per kernel out. Each trace (one rank
of one host over a few steps) is one replicate: per kernel name, its mean time per launch
in that trace (summed over streams and launch shapes). Per-launch times within a trace are
not independent replicates (and are not stored), so a side needs ``min_points`` traces.

The test is the series checks' one-sided Mann-Whitney U (is the canary's kernel slower),
Holm-corrected over the kernels tested. Only kernels that hold at least
``kernel_min_share`` of either side's GPU busy time and appear on both sides are tested:
that keeps the correction's family small and leaves out kernels nobody would pay for. The
projected cost is the extra share of GPU busy time at 100% rollout: the rise of the
kernel's time per launch times its share of the control's GPU time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from efficiency.detect.canary_stats import MetricCheck, MetricRules, compare, decide

COLUMNS = ("side", "trace_id", "name", "kind", "count", "total_us", "gpu_time_us")


def check_kernels(kernels: pd.DataFrame, rules: MetricRules) -> list[MetricCheck]:
    """``kernels``: one row per (trace, kernel name, stream ...) with the columns of
    :data:`COLUMNS`; ``side`` is canary or control (other rows are ignored) and
    ``gpu_time_us`` the trace's whole GPU busy time."""
    k = kernels[kernels["side"].isin(["canary", "control"]) & (kernels["count"] > 0)]
    if k.empty:
        return []
    per = k.groupby(["side", "trace_id", "name"]).agg(
        count=("count", "sum"), total=("total_us", "sum"), kind=("kind", "first")
    )
    per["mean"] = per["total"] / per["count"]
    busy = k.groupby(["side", "trace_id"])["gpu_time_us"].first().groupby(level="side").sum()
    spent = per.groupby(level=["side", "name"])["total"].sum()
    share = spent / busy.reindex(spent.index.get_level_values("side")).to_numpy()
    checks = []
    for name in sorted(set(per.index.get_level_values("name"))):
        sides = {s: float(share.get((s, name), 0.0)) for s in ("canary", "control")}
        present = all((s, name) in share.index for s in sides)
        if not present or max(sides.values()) < rules.kernel_min_share:
            continue
        rows = per.xs(name, level="name")
        check = compare(str(name), "gpu_kernel", "us per launch", rows["mean"], rules)
        check.detail = {"kind": str(rows["kind"].iloc[0]), "control_gpu_share": sides["control"],
                        "canary_gpu_share": sides["canary"]}  # fmt: skip
        if check.effect is not None and math.isfinite(check.effect):
            check.gpu_busy_rel = round(check.effect * sides["control"], 6)
        checks.append(check)
    return decide(checks, rules)


def host_side(
    host: str,
    canary: Mapping[str, Sequence[str]],
    control: Mapping[str, Sequence[str]],
    hosts: Mapping[str, set[str]],
) -> str | None:
    """The side of a trace (or an unlabelled series) from ``host``. Traces carry no labels, so
    a ``host=`` selector picks them directly; any other selector (``version=v2``) picks the
    hosts whose profile windows (or, for traces, metric series) it selected over the window
    (``hosts`` per side). A host seen on both sides (redeployed inside the window) is on
    neither."""
    if set(canary) == {"host"} and set(control) == {"host"}:
        c, k = host in canary["host"], host in control["host"]
    else:
        c, k = host in hosts.get("canary", set()), host in hosts.get("control", set())
    return "canary" if c and not k else "control" if k and not c else None
