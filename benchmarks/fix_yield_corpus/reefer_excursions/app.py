"""Temperature-excursion monitoring for refrigerated containers (reefers) in transit."""

from __future__ import annotations

import logging
import math
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime

log = logging.getLogger("reefer.excursions")

GAS_CONSTANT = 8.314462618e-3  # kJ/(mol*K)
ACTIVATION_ENERGY = 83.144  # kJ/mol, the USP default for mean kinetic temperature


@dataclass(frozen=True)
class Reading:
    container: str
    ts: int  # unix seconds
    supply_c: float
    return_c: float
    setpoint_c: float
    door_open: bool = False
    power_ok: bool = True


@dataclass
class Excursion:
    container: str
    start: int
    end: int
    peak_c: float
    kind: str  # "high" | "low"

    @property
    def minutes(self) -> float:
        return (self.end - self.start) / 60


@dataclass
class ContainerReport:
    container: str
    readings: int = 0
    power_gaps: int = 0
    door_events: int = 0
    excursions: list[Excursion] = field(default_factory=list)
    mkt_c: float | None = None

    @property
    def compromised(self) -> bool:
        return any(e.minutes >= 30 for e in self.excursions)


def _iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def mean_kinetic_temperature(temps_c: list[float]) -> float:
    if not temps_c:
        raise ValueError("no temperatures")
    ratio = ACTIVATION_ENERGY / GAS_CONSTANT
    total = sum(math.exp(-ratio / (t + 273.15)) for t in temps_c)
    return ratio / -math.log(total / len(temps_c)) - 273.15


class ExcursionMonitor:
    def __init__(
        self, tolerance_c: float = 2.0, smoothing: int = 5, min_minutes: float = 10.0
    ) -> None:
        self.tolerance_c = tolerance_c
        self.smoothing = smoothing
        self.min_minutes = min_minutes

    def _close(self, report: ContainerReport, open_exc: Excursion | None) -> None:
        if open_exc is not None and open_exc.minutes >= self.min_minutes:
            report.excursions.append(open_exc)
            log.debug(
                "%s: %s excursion %s for %.0f min, peak %.1fC",
                open_exc.container,
                open_exc.kind,
                _iso(open_exc.start),
                open_exc.minutes,
                open_exc.peak_c,
            )

    def analyse(self, container: str, readings: list[Reading]) -> ContainerReport:
        report = ContainerReport(container)
        window: deque[float] = deque(maxlen=self.smoothing)
        temps: list[float] = []
        open_exc: Excursion | None = None
        last_ts = None
        for r in sorted(readings, key=lambda r: r.ts):
            report.readings += 1
            if not r.power_ok or (last_ts is not None and r.ts - last_ts > 900):
                report.power_gaps += 1
                window.clear()
            last_ts = r.ts
            if r.door_open:
                report.door_events += 1
                continue  # door-open readings are ambient air, not cargo
            window.append(r.supply_c)
            temps.append(r.supply_c)
            smoothed = sum(window) / len(window)
            deviation = smoothed - r.setpoint_c
            log.debug(
                f"{container} {_iso(r.ts)} supply={r.supply_c:.2f} return={r.return_c:.2f} "
                f"set={r.setpoint_c:.1f} smoothed={smoothed:.3f} dev={deviation:+.3f} "
                f"window=[{', '.join(f'{t:.2f}' for t in window)}]"
            )
            kind = (
                "high"
                if deviation > self.tolerance_c
                else "low"
                if deviation < -self.tolerance_c
                else None
            )
            if open_exc is not None and kind != open_exc.kind:
                self._close(report, open_exc)
                open_exc = None
            if kind is None:
                continue
            if open_exc is None:
                open_exc = Excursion(container, r.ts, r.ts, smoothed, kind)
            else:
                open_exc.end = r.ts
                open_exc.peak_c = (
                    max(open_exc.peak_c, smoothed)
                    if kind == "high"
                    else min(open_exc.peak_c, smoothed)
                )
        self._close(report, open_exc)
        if temps:
            report.mkt_c = round(mean_kinetic_temperature(temps), 2)
        return report


def voyage_report(
    readings: list[Reading], monitor: ExcursionMonitor | None = None
) -> list[ContainerReport]:
    monitor = monitor or ExcursionMonitor()
    by_container: dict[str, list[Reading]] = {}
    for r in readings:
        by_container.setdefault(r.container, []).append(r)
    reports = [monitor.analyse(cid, rows) for cid, rows in sorted(by_container.items())]
    flagged = sum(rep.compromised for rep in reports)
    if flagged:
        log.debug("%d of %d containers have excursions of 30 min or more", flagged, len(reports))
    return reports
