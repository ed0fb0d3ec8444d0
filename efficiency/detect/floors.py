"""What makes a significant change worth reporting: multiple-testing control across the
series of one pass, and a floor on what the change costs.

A pass tests every (service, function) at once, hundreds to hundreds of thousands of series,
so a per-series false-alarm level alone lets the number of false alarms grow with the fleet.
``bh_cutoff`` is the Benjamini-Hochberg step-up rule: the p-value under which changes are
reported so that, among those reported, the expected share of false ones is at most ``q``
(and with no real change anywhere, the chance of any alarm in the pass is at most ``q``).

Significance says a change is real, not that it matters: with enough samples a 1% wobble of
a function that costs a hundredth of a core is certain. What matters is its cost, the change
of share times what the service burns: CPU cores for profile shares, GPUs for the GPU-time
shares of traces. ``CostFloor`` keeps a change whose cost reaches ``min_cores`` (or
``min_gpu_hours`` a day) whatever its relative size, and drops a cheaper one however certain.
Only where the cost is unknown (no sampling rate, no GPU time) does it fall back to floors on
the share itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

HOURS_PER_DAY = 24.0


def bh_cutoff(p_values: NDArray[np.float64], q: float) -> float:
    """The largest p-value the Benjamini-Hochberg procedure at level ``q`` rejects among
    ``p_values`` (NaN: not tested, not counted), or 0.0 when it rejects none."""
    p = np.sort(np.asarray(p_values, dtype=np.float64)[np.isfinite(p_values)])
    if p.size == 0:
        return 0.0
    ranks = np.arange(1, p.size + 1)
    passed = np.flatnonzero(p <= q * ranks / p.size)
    return float(p[passed[-1]]) if passed.size else 0.0


@dataclass(frozen=True)
class Cost:
    """What a change of share costs: ``cores`` (CPU cores, a rate) and ``gpu_hours`` (GPU
    hours a day); None where the service's size in that unit is unknown."""

    cores: float | None = None
    gpu_hours: float | None = None

    @property
    def known(self) -> bool:
        return self.cores is not None or self.gpu_hours is not None


def mean_after(size: NDArray[np.float64], onset: int) -> float | None:
    """The mean of ``size`` (one series' buckets) from ``onset`` on, ignoring NaN; None when
    no bucket there is known."""
    after = size[onset:]
    known = after[np.isfinite(after)]
    return float(known.mean()) if known.size else None


def change_cost(
    cores: NDArray[np.float64], gpus: NDArray[np.float64], onset: int, delta: float
) -> Cost:
    """The cost of a change of share ``delta`` at ``onset``, from the service's CPU cores and
    busy GPUs per bucket (one series' rows)."""
    c = mean_after(cores, onset)
    g = mean_after(gpus, onset)
    return Cost(
        cores=None if c is None else c * delta,
        gpu_hours=None if g is None else g * delta * HOURS_PER_DAY,
    )


@dataclass(frozen=True)
class CostFloor:
    """Large enough to report: the cost reaches ``min_cores`` or ``min_gpu_hours`` (a day)
    where it is known; where it is not, at least ``min_relative`` of the share and
    ``min_absolute`` share points. A floor of 0 lets every change of that unit through."""

    min_cores: float = 0.05
    min_gpu_hours: float = 1.0
    min_relative: float = 0.02
    min_absolute: float = 0.0002

    def passes(self, cost: Cost, relative: float, delta: float) -> bool:
        if cost.cores is not None and abs(cost.cores) >= self.min_cores:
            return True
        if cost.gpu_hours is not None and abs(cost.gpu_hours) >= self.min_gpu_hours:
            return True
        if cost.known:
            return False
        return abs(delta) >= self.min_absolute and abs(relative) >= self.min_relative

    def describe(self, cost: Cost) -> str:
        """Why a change did not pass, in its own units."""
        parts = []
        if cost.cores is not None:
            parts.append(f"{cost.cores:+.4g} cores (floor {self.min_cores:g})")
        if cost.gpu_hours is not None:
            parts.append(f"{cost.gpu_hours:+.4g} GPU-hours a day (floor {self.min_gpu_hours:g})")
        if not parts:
            return (
                f"cost unknown; under the share floors ({self.min_relative:g} relative, "
                f"{self.min_absolute:g} absolute)"
            )
        return "costs " + " and ".join(parts)
