"""Kiln firing controller: interpolate setpoints along a ramp/hold schedule."""

from __future__ import annotations

import logging
from bisect import bisect_right
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

AMBIENT_C = 20.0
MAX_SAFE_C = 1300.0


@dataclass(frozen=True)
class Segment:
    """Ramp at ``rate_c_per_h`` up (or down) to ``target_c``, then hold for ``hold_min``."""

    rate_c_per_h: float
    target_c: float
    hold_min: float = 0.0


@dataclass
class FiringSchedule:
    name: str
    segments: list[Segment]
    start_c: float = AMBIENT_C
    _knots: list[tuple[float, float]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        knots = [(0.0, self.start_c)]
        minute, temp = 0.0, self.start_c
        for seg in self.segments:
            if seg.target_c > MAX_SAFE_C:
                raise ValueError(f"{self.name}: target {seg.target_c} exceeds {MAX_SAFE_C}")
            if seg.rate_c_per_h <= 0:
                raise ValueError(f"{self.name}: rate must be positive")
            minute += abs(seg.target_c - temp) / seg.rate_c_per_h * 60.0
            temp = seg.target_c
            knots.append((minute, temp))
            if seg.hold_min:
                minute += seg.hold_min
                knots.append((minute, temp))
        self._knots = knots

    @property
    def duration_min(self) -> float:
        return self._knots[-1][0]

    def describe(self) -> str:
        parts = [f"{self.name} ({self.duration_min:.0f} min)"]
        for i, (minute, temp) in enumerate(self._knots):
            parts.append(f"  #{i:02d} t={minute:8.1f}min -> {temp:7.1f}C")
        return "\n".join(parts)

    def setpoint(self, minute: float) -> float:
        """Target chamber temperature ``minute`` minutes into the firing."""
        if minute <= 0:
            return self.start_c
        if minute >= self.duration_min:
            return self._knots[-1][1]
        idx = bisect_right(self._knots, (minute, float("inf"))) - 1
        (m0, t0), (m1, t1) = self._knots[idx], self._knots[idx + 1]
        logger.debug(f"setpoint lookup at {minute:.1f} in knot {idx} of {self.describe()}")
        if m1 == m0:
            return t1
        return t0 + (t1 - t0) * (minute - m0) / (m1 - m0)


@dataclass
class ControllerLog:
    samples: int = 0
    max_error_c: float = 0.0
    overshoots: list[float] = field(default_factory=list)


def track_firing(
    schedule: FiringSchedule, readings: list[tuple[float, float]], tolerance_c: float = 15.0
) -> ControllerLog:
    """Compare thermocouple readings ``(minute, temp_c)`` against the schedule."""
    log = ControllerLog()
    for minute, measured in readings:
        target = schedule.setpoint(minute)
        error = measured - target
        log.samples += 1
        log.max_error_c = max(log.max_error_c, abs(error))
        if error > tolerance_c:
            log.overshoots.append(minute)
    if len(log.overshoots) * 4 > log.samples:
        logger.warning(
            "%s: %d of %d samples overshot", schedule.name, len(log.overshoots), log.samples
        )
    return log
