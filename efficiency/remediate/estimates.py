"""Estimated savings, calibrated against what verification measured.

A playbook's ``savings.fraction`` is an assumption: the share of the hot spot's cost its fix
should recover. ``propose --verify`` times the service's benchmark before and after the change
(:mod:`efficiency.remediate.verify`), and a speedup ``s`` means the benchmarked code lost
``1 - 1/s`` of its time. Read as a fraction of the same cost the estimate priced (the
benchmark times the hot spot's code: the assumption every comparison here makes, and says),
each verified proposal gives one ratio ``measured / assumed`` for its playbook.

:func:`calibrations` takes the median of those ratios per playbook, over the stored proposals
whose benchmark ran at least three ABAB rounds (so it has an interval) and whose tests passed
after the change. Proposals whose interval covers 1.0 count too, with their point speedup: leaving
them out would keep only the lucky measurements. A playbook with fewer than
:data:`MIN_VERIFIED` such proposals is not calibrated. A slowdown counts as no saving (ratio 0).

:func:`estimate` applies the factor to a new estimate (the fraction capped at 1) and keeps the
raw one beside it; :func:`measured_saving` turns a verification record into the saving it
implies, only when its interval excludes 1.0 — never a saving the benchmark did not see.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from efficiency.remediate.playbooks import Playbook
from efficiency.remediate.verify import measured
from efficiency.report.costs import CostModel
from efficiency.store.proposal_queries import verification_records
from efficiency.store.remediation import Hotspot

#: verified proposals a playbook needs before its estimates are calibrated
MIN_VERIFIED = 3


@dataclass(frozen=True)
class Calibration:
    """A playbook's measured / assumed ratio: the median over ``proposals`` verified ones."""

    playbook: str
    factor: float
    proposals: int

    def as_dict(self) -> dict[str, Any]:
        return {"factor": round(self.factor, 3), "proposals": self.proposals}


def measured_fraction(verification: dict[str, Any]) -> float | None:
    """The share of the benchmarked time the change saved (``1 - 1/speedup``, 0 for a
    slowdown) when the record can calibrate: a benchmark with an interval, tests not failing
    after the change; else None."""
    speedup = verification.get("speedup")
    if not isinstance(speedup, int | float) or speedup <= 0 or "speedup_low" not in verification:
        return None
    if verification.get("tests_after") == "fail":
        return None
    return max(0.0, 1.0 - 1.0 / float(speedup))


def calibrations(session: Session) -> dict[str, Calibration]:
    """Per playbook with at least :data:`MIN_VERIFIED` usable verified proposals, the median
    of measured / assumed fraction (module docstring)."""
    ratios: dict[str, list[float]] = {}
    for playbook, record in verification_records(session):
        got = measured_fraction(record)
        cost = record.get("estimated_cost") or {}
        raw = (cost.get("raw") or cost).get("fraction")
        if got is None or not isinstance(raw, int | float) or raw <= 0:
            continue
        ratios.setdefault(playbook, []).append(got / float(raw))
    return {
        pb: Calibration(pb, statistics.median(values), len(values))
        for pb, values in ratios.items()
        if len(values) >= MIN_VERIFIED
    }


def estimate(
    hotspot: Hotspot, playbook: Playbook, costs: CostModel, calibration: Calibration | None = None
) -> dict[str, Any]:
    """The saving if the fix recovers the playbook's fraction of the hot spot's cost, in
    average cores / GPUs and per month; with a ``calibration``, that fraction times its factor
    (at most 1), the uncalibrated estimate kept under ``raw``.

    The cost priced (``priced_cores``) is the share the playbook matched on: a rule on the
    inclusive share (the function and what it calls) or on the matching sampled lines prices
    that share of the service's busy cores; a rule on the self share, the frame's own cost."""
    raw = playbook.savings.fraction
    cores = hotspot.cost_cores or 0.0
    matched = hotspot.evidence.get("matches", {}).get(playbook.id, {})
    busy = hotspot.evidence.get("cores")
    if matched.get("share") in ("inclusive", "lines") and busy:
        share = matched.get("actual", hotspot.share_inclusive) or 0.0
        cores = float(busy) * float(share)
    hours = max((hotspot.period_end - hotspot.period_start).total_seconds() / 3600, 1e-9)
    gpus = (hotspot.cost_gpu_hours or 0.0) / hours
    fraction = raw if calibration is None else min(1.0, raw * calibration.factor)
    out = {
        "fraction": fraction,
        **costs.monthly(cores=cores * fraction, gpus=gpus * fraction),
        "priced_cores": round(cores, 4),
        "priced_gpus": round(gpus, 4),
        "raw": {"fraction": raw, **costs.monthly(cores=cores * raw, gpus=gpus * raw)},
        "calibration": calibration.as_dict() if calibration is not None else None,
    }
    return out


def measured_saving(verification: dict[str, Any]) -> dict[str, Any] | None:
    """What a verification measured, as the saving it implies: ``speedup``, the ``fraction``
    of the benchmarked time saved and the ``cores`` that is of the cost the estimate priced.
    None unless the benchmark's interval excludes 1.0 (:func:`verify.measured`)."""
    if not measured(verification):
        return None
    fraction = measured_fraction(verification)
    if fraction is None:
        return None
    priced = (verification.get("estimated_cost") or {}).get("priced_cores")
    return {
        "speedup": verification["speedup"],
        "speedup_low": verification.get("speedup_low"),
        "speedup_high": verification.get("speedup_high"),
        "fraction": round(fraction, 4),
        "cores": round(fraction * priced, 4) if isinstance(priced, int | float) else None,
    }
