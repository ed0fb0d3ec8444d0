"""The human lines of `efficiency canary` for its metric and GPU kernel checks."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:.4g}"


def check_lines(checks: Sequence[Any]) -> list[str]:
    """One line per check that is not ``ok``: failing, marginal, or too few points (so a
    missing metric is said, never silently passed); then how many checks passed."""
    out = []
    for c in checks:
        if c.status == "ok":
            continue
        if c.status == "insufficient":
            out.append(f"  insufficient: {c.metric} [{c.kind}] {c.points['canary']} canary / "
                       f"{c.points['control']} control points")  # fmt: skip
            continue
        effect = ("new" if c.effect is not None and math.isinf(c.effect)
                  else f"{c.effect:+.1%}" if c.effect is not None else "")  # fmt: skip
        cost = ""
        if c.cores is not None and c.dollars_per_month is not None:
            cost = f", {c.cores:+.3f} cores, ${c.dollars_per_month:,.2f}/month at 100%"
        elif c.gpu_busy_rel is not None:
            cost = f", {c.gpu_busy_rel:+.2%} of GPU busy time at 100%"
        medians = f"median {_num(c.control_median)} -> {_num(c.canary_median)} {c.unit}"
        out.append(f"  {c.status}: {c.metric} [{c.kind}] {medians} ({effect}), "
                   f"p={c.p_value:.2g}{cost}")  # fmt: skip
    ok = sum(c.status == "ok" for c in checks)
    if checks:
        out.append(f"metrics and kernels: {ok} of {len(checks)} checks ok")
    return out
