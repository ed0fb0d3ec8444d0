"""Chip-timing split processor for road races.

Timing mats along the course report chip reads (bib, mat, clock time).  The
processor turns them into per-runner splits, rejects duplicate and
out-of-order reads, and produces a results table with gun/chip times and pace.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mat:
    code: str
    name: str
    distance_km: float


@dataclass(frozen=True)
class ChipRead:
    bib: int
    mat: str
    clock: float  # seconds since gun


@dataclass
class Runner:
    bib: int
    name: str
    category: str
    splits: dict[str, float] = field(default_factory=dict)
    start: float | None = None


def format_duration(seconds: float) -> str:
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def format_pace(seconds: float, km: float) -> str:
    if km <= 0:
        return "--:--"
    per_km = seconds / km
    minutes, secs = divmod(round(per_km), 60)
    return f"{minutes}:{secs:02d}/km"


class RaceTimer:
    """Accumulate chip reads for one race and report results."""

    DEBOUNCE_S = 5.0

    def __init__(self, mats: list[Mat], runners: list[Runner]):
        self.mats = {m.code: m for m in mats}
        self.order = [m.code for m in mats]
        self.runners = {r.bib: r for r in runners}
        self.rejected = 0

    def _previous_mat(self, code: str) -> str | None:
        idx = self.order.index(code)
        return self.order[idx - 1] if idx > 0 else None

    def record(self, read: ChipRead) -> bool:
        runner = self.runners.get(read.bib)
        mat = self.mats.get(read.mat)
        if runner is None or mat is None:
            self.rejected += 1
            return False
        if mat.distance_km == 0:
            # start mat: keep the last crossing (runners may re-cross in the corral)
            runner.start = read.clock
            return True
        if read.mat in runner.splits:
            if read.clock - runner.splits[read.mat] > self.DEBOUNCE_S:
                self.rejected += 1
            return False
        prev = self._previous_mat(read.mat)
        prev_clock = runner.start if prev == self.order[0] else runner.splits.get(prev)
        if prev_clock is None or read.clock <= prev_clock:
            self.rejected += 1
            return False
        runner.splits[read.mat] = read.clock
        chip = read.clock - (runner.start or 0.0)
        log.debug(
            f"bib {runner.bib} ({runner.name}, {runner.category}) crossed {mat.name} "
            f"at {format_duration(read.clock)}: chip {format_duration(chip)}, "
            f"segment {format_duration(read.clock - prev_clock)}, "
            f"pace {format_pace(chip, mat.distance_km)}"
        )
        return True

    def record_all(self, reads: list[ChipRead]) -> int:
        accepted = 0
        for read in reads:
            if self.record(read):
                accepted += 1
        return accepted

    def results(self) -> list[dict]:
        finish = self.order[-1]
        distance = self.mats[finish].distance_km
        rows = []
        for runner in self.runners.values():
            if finish not in runner.splits:
                continue
            gun = runner.splits[finish]
            chip = gun - (runner.start or 0.0)
            rows.append(
                {
                    "bib": runner.bib,
                    "name": runner.name,
                    "category": runner.category,
                    "gun": format_duration(gun),
                    "chip": format_duration(chip),
                    "pace": format_pace(chip, distance),
                    "chip_s": chip,
                }
            )
        rows.sort(key=lambda r: (r["chip_s"], r["bib"]))
        place_in_cat: dict[str, int] = {}
        for place, row in enumerate(rows, 1):
            row["place"] = place
            place_in_cat[row["category"]] = place_in_cat.get(row["category"], 0) + 1
            row["cat_place"] = place_in_cat[row["category"]]
        return rows


def reset(runners: list[Runner]) -> None:
    for runner in runners:
        runner.splits.clear()
        runner.start = None
