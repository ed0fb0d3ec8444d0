"""Vent and shade controller for a multi-zone greenhouse.

Each zone reports temperature, humidity and light readings every minute. The
controller smooths those readings and decides how far to open the roof vents
and whether to pull the shade screens.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

logger = logging.getLogger("greenhouse.vents")

VENT_STEPS = (0, 10, 25, 50, 75, 100)


@dataclass(frozen=True)
class Reading:
    zone: str
    minute: int
    temp_c: float
    humidity: float
    lux: float


@dataclass
class ZoneState:
    name: str
    target_c: float
    smoothed_c: float | None = None
    smoothed_rh: float | None = None
    vent_pct: int = 0
    shade: bool = False
    history: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Decision:
    zone: str
    minute: int
    vent_pct: int
    shade: bool


class VentController:
    def __init__(self, targets: dict[str, float], alpha: float = 0.3, shade_lux: float = 60000.0):
        self.alpha = alpha
        self.shade_lux = shade_lux
        self.zones = {name: ZoneState(name, target) for name, target in targets.items()}

    def _smooth(self, previous: float | None, value: float) -> float:
        if previous is None:
            return value
        return previous + self.alpha * (value - previous)

    def _summary(self, state: ZoneState) -> str:
        recent = state.history[-30:]
        if recent:
            lo, hi = min(recent), max(recent)
            avg = sum(recent) / len(recent)
        else:
            lo = hi = avg = 0.0
        trend = ", ".join(f"{v:.2f}" for v in recent[-10:])
        return (
            f"zone={state.name} target={state.target_c:.1f} vent={state.vent_pct}% "
            f"shade={'on' if state.shade else 'off'} 30m[min={lo:.2f} max={hi:.2f} "
            f"avg={avg:.2f}] last=[{trend}]"
        )

    @staticmethod
    def _vent_for(error: float, humidity: float) -> int:
        # error > 0 means too warm
        wanted = error * 20.0
        if humidity > 85.0:
            wanted += 15.0
        for step in VENT_STEPS:
            if wanted <= step:
                return step
        return VENT_STEPS[-1]

    def step(self, reading: Reading) -> Decision:
        state = self.zones.get(reading.zone)
        if state is None:
            raise KeyError(f"unknown zone {reading.zone!r}")
        state.smoothed_c = self._smooth(state.smoothed_c, reading.temp_c)
        state.smoothed_rh = self._smooth(state.smoothed_rh, reading.humidity)
        state.history.append(state.smoothed_c)
        if len(state.history) > 240:
            del state.history[:-240]

        error = state.smoothed_c - state.target_c
        state.vent_pct = self._vent_for(error, state.smoothed_rh)
        state.shade = reading.lux >= self.shade_lux and error > 0
        logger.debug(f"minute {reading.minute}: {self._summary(state)}")
        return Decision(reading.zone, reading.minute, state.vent_pct, state.shade)

    def run(self, readings: list[Reading]) -> list[Decision]:
        decisions = [self.step(r) for r in readings]
        opened = sum(1 for d in decisions if d.vent_pct > 0)
        logger.info("processed %d readings, vents open in %d", len(decisions), opened)
        return decisions


def vent_changes(decisions: list[Decision]) -> dict[str, int]:
    """Count how many times each zone's vent position changed."""
    last: dict[str, int] = {}
    changes: dict[str, int] = {}
    for d in decisions:
        if d.zone in last and last[d.zone] != d.vent_pct:
            changes[d.zone] = changes.get(d.zone, 0) + 1
        last[d.zone] = d.vent_pct
        changes.setdefault(d.zone, 0)
    return changes
