"""How :mod:`benchmarks.sap_hana` scores a method's detections against SAP's labels (see
that module's docstring): hits within ``MARGIN_BUILDS`` builds, false alarms, precision,
recall and change-index error; and the development split the CLI defaults were tuned on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from benchmarks.sap_hana import Series

MARGIN_BUILDS = 5


def dev_split(data: list[Series]) -> set[str]:
    """The development split the CLI defaults were tuned on: every other Regression series and
    every other non-regression series, in name order (3 + 10 series); the rest is test."""
    regressions = [s.name for s in data if s.label is not None]
    others = [s.name for s in data if s.label is None]
    return set(regressions[0::2]) | set(others[0::2])


@dataclass
class Outcome:
    """One method on one series."""

    series: Series
    detections: list[int]
    seconds: float
    hit: int | None = None  #: the detection that found the regression
    false_alarms: int = 0
    error_points: int | None = None
    error_builds: int | None = None
    notes: list[str] = field(default_factory=list)


def judge(series: Series, detections: list[int], seconds: float) -> Outcome:
    out = Outcome(series, sorted(detections), seconds)
    if series.label is None:
        out.false_alarms = len(detections)
        return out
    label_build = series.builds[series.label]
    near = [d for d in detections if abs(series.builds[d] - label_build) <= MARGIN_BUILDS]
    if near:
        best = min(near, key=lambda d: abs(d - series.label))  # type: ignore[operator]
        out.hit = best
        out.error_points = abs(best - series.label)
        out.error_builds = int(abs(series.builds[best] - label_build))
    out.false_alarms = len(detections) - (1 if near else 0)
    return out


@dataclass
class Summary:
    name: str
    detections: int
    hits: int
    regressions: int
    precision: float
    recall: float
    error_points: float
    error_builds: float
    stable_alarms: int
    stable_series_alarmed: int
    stable_series: int
    other_alarms: int
    seconds: float


def summarise(name: str, outcomes: list[Outcome]) -> Summary:
    detections = sum(len(o.detections) for o in outcomes)
    hits = sum(o.hit is not None for o in outcomes)
    regressions = sum(o.series.label is not None for o in outcomes)
    found = [o for o in outcomes if o.hit is not None]
    stable = [o for o in outcomes if o.series.kind == "Stable"]
    other = [o for o in outcomes if o.series.kind not in ("Stable", "Regression")]
    return Summary(
        name=name,
        detections=detections,
        hits=hits,
        regressions=regressions,
        precision=hits / detections if detections else 1.0,
        recall=hits / regressions if regressions else 1.0,
        error_points=float(np.mean([o.error_points for o in found])) if found else float("nan"),
        error_builds=float(np.mean([o.error_builds for o in found])) if found else float("nan"),
        stable_alarms=sum(o.false_alarms for o in stable),
        stable_series_alarmed=sum(o.false_alarms > 0 for o in stable),
        stable_series=len(stable),
        other_alarms=sum(o.false_alarms for o in other),
        seconds=sum(o.seconds for o in outcomes),
    )
