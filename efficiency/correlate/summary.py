"""An incident's description from its members, for incidents a person changed by hand (a
merge, a split): severity, services, title and ranked root causes, computed as the correlator
computes them for the incidents it builds. Pure: records in, a summary out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from efficiency.correlate.records import (
    AlertRecord,
    ChangeRecord,
    DetectionRecord,
    RootCause,
    Topology,
    severity_rank,
)
from efficiency.correlate.rootcause import RankingWeights, rank_root_causes


@dataclass(frozen=True)
class Summary:
    severity: str
    services: tuple[str, ...]
    title: str
    root_causes: tuple[RootCause, ...]


def summarize(
    alerts: Sequence[AlertRecord],
    detections: Sequence[DetectionRecord],
    changes: Sequence[ChangeRecord],
    topology: Topology | None = None,
    weights: RankingWeights | None = None,
) -> Summary:
    """Severity is the highest member alert's (warning without alerts); root causes are
    :func:`~efficiency.correlate.rootcause.rank_root_causes` over the members and the
    suspected ``changes``; the title reads like the correlator's."""
    topology = topology or Topology()
    names = {a.service for a in alerts} | {d.service for d in detections}
    services = tuple(sorted(n for n in names if n))
    levels = [a.level for a in alerts] or ["warning"]
    severity = max(levels, key=severity_rank)
    causes = tuple(
        rank_root_causes(list(alerts), list(detections), list(changes), topology,
                         weights or RankingWeights())
    )  # fmt: skip
    fingerprints = {a.fingerprint for a in alerts}
    n, m = len(fingerprints), len(services)
    title = f"{n} alert{'s' * (n != 1)} on {m} service{'s' * (m != 1)}"
    names = sorted({a.alertname for a in alerts if a.alertname})
    if names:
        title += f" ({', '.join(names[:3])})"
    top = causes[0].name if causes else ", ".join(services)
    title += f"; likely cause: {top}" if top else ""
    return Summary(severity, services, title, causes)
