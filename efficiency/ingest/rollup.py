"""Per-minute counts of events (log lines, spans) as metric points, the shape the store and
``efficiency rca`` already judge.

Two rules keep the counts honest:

- a minute is stamped at its **end**, when an exporter could first have reported it: stamped
  at its start, a minute that began before ``T`` would show a problem's first seconds
  before ``T``;
- a file holds a stretch of time cut at arbitrary seconds, so the **first and last minute of
  each stretch** (a run of minutes with events and no empty minute between) count only when
  the events cover at least :data:`EDGE_COVER_SECONDS` of them; a minute cut to its last ten
  seconds would read as a collapse of every count.

Within the minutes a service was observed (it had at least one event), every one of its count
series gets a point, zero when nothing of that kind happened: a template that appears, or an
operation that vanishes, is then a move from or to zero rather than a gap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from efficiency.ingest.metrics import PointIn

MINUTE = timedelta(minutes=1)
#: seconds of an edge minute the events must span for it to count
EDGE_COVER_SECONDS = 30.0


def minute_of(ts: datetime) -> datetime:
    return ts.replace(second=0, microsecond=0)


def whole_minutes(stamps: Iterable[datetime]) -> set[datetime]:
    """The minutes that count (see the module): every minute with events, less the edges of
    each stretch that the events cover for less than :data:`EDGE_COVER_SECONDS`."""
    first: dict[datetime, datetime] = {}
    last: dict[datetime, datetime] = {}
    for ts in stamps:
        m = minute_of(ts)
        if m not in first or ts < first[m]:
            first[m] = ts
        if m not in last or ts > last[m]:
            last[m] = ts
    kept = set()
    for m in first:
        starts = m - MINUTE not in first
        ends = m + MINUTE not in first
        begin = first[m] if starts else m
        end = last[m] if ends else m + MINUTE
        if (end - begin).total_seconds() >= EDGE_COVER_SECONDS or not (starts or ends):
            kept.add(m)
    return kept


Key = tuple[str, tuple[tuple[str, str], ...]]  # (series name, sorted labels)


@dataclass
class MinuteCounts:
    """Counts per series and minute, and the minutes each service was observed in."""

    counts: dict[Key, dict[datetime, float]] = field(default_factory=lambda: defaultdict(dict))
    sums: dict[Key, dict[datetime, list[float]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    observed: dict[str, set[datetime]] = field(default_factory=lambda: defaultdict(set))
    owner: dict[Key, str] = field(default_factory=dict)

    def add(self, service: str, name: str, labels: Mapping[str, str], minute: datetime) -> None:
        key = (name, tuple(sorted(labels.items())))
        per = self.counts[key]
        per[minute] = per.get(minute, 0.0) + 1.0
        self.owner[key] = service

    def declare(self, service: str, name: str, labels: Mapping[str, str]) -> None:
        """A count series of ``service`` that exists even if it never counted anything."""
        key = (name, tuple(sorted(labels.items())))
        self.counts.setdefault(key, {})
        self.owner[key] = service

    def value(self, name: str, labels: Mapping[str, str], minute: datetime, x: float) -> None:
        """A measured value (a latency) of the minute, aggregated by :meth:`points`."""
        self.sums[(name, tuple(sorted(labels.items())))][minute].append(x)

    def points(self, minutes: set[datetime], quantiles: Mapping[str, float]) -> list[PointIn]:
        """Every count series zero-filled over its service's observed minutes; every value
        series as its per-minute mean (``<name>_mean``) and each ``quantiles`` entry
        (``<name>_<suffix>``), all within ``minutes``."""
        out: list[PointIn] = []
        for (name, labels), per in self.counts.items():
            seen = self.observed.get(self.owner[(name, labels)], set()) & minutes
            for m in sorted(seen):
                out.append(_point(name, labels, m, per.get(m, 0.0)))
        for (name, labels), per_minute in self.sums.items():
            for m, values in sorted(per_minute.items()):
                if m not in minutes:
                    continue
                ordered = sorted(values)
                out.append(_point(f"{name}_mean", labels, m, sum(ordered) / len(ordered)))
                for suffix, q in quantiles.items():
                    out.append(_point(f"{name}_{suffix}", labels, m, _quantile(ordered, q)))
        return out


def _quantile(ordered: list[float], q: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default)."""
    pos = q * (len(ordered) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def _point(name: str, labels: tuple[tuple[str, str], ...], minute: datetime, v: float) -> PointIn:
    # built from records already validated: no second validation of every point
    return PointIn.model_construct(
        name=name, labels=dict(labels), timestamp=minute + MINUTE, value=float(v)
    )
