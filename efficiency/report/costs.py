"""What a core or a GPU costs: dollars and energy, from the ``[costs]`` configuration.

A saving is measured in *average* resources over time (0.5 cores saved = half a core busy
less, around the clock); the cost model turns it into dollars and kilowatt-hours per month,
counting the data centre's overhead (PUE) on the energy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from efficiency.config import CostsConfig

#: hours in an average month (365.25 * 24 / 12)
HOURS_PER_MONTH = 730.5


@dataclass(frozen=True)
class CostModel:
    dollars_per_core_hour: float = 0.04
    dollars_per_gpu_hour: float = 2.5
    watts_per_core: float = 10.0
    watts_per_gpu: float = 400.0
    pue: float = 1.2

    @classmethod
    def from_config(cls, cfg: CostsConfig) -> CostModel:
        return cls(cfg.dollars_per_core_hour, cfg.dollars_per_gpu_hour, cfg.watts_per_core,
                   cfg.watts_per_gpu, cfg.pue)  # fmt: skip

    def monthly(self, cores: float = 0.0, gpus: float = 0.0) -> dict[str, Any]:
        """``cores`` and ``gpus`` saved on average → per month: core-hours, GPU-hours,
        dollars and kWh (facility energy, PUE included)."""
        core_hours = cores * HOURS_PER_MONTH
        gpu_hours = gpus * HOURS_PER_MONTH
        dollars = core_hours * self.dollars_per_core_hour + gpu_hours * self.dollars_per_gpu_hour
        kwh = (core_hours * self.watts_per_core + gpu_hours * self.watts_per_gpu) * self.pue
        return {
            "cores": round(cores, 4),
            "gpus": round(gpus, 4),
            "core_hours_per_month": round(core_hours, 2),
            "gpu_hours_per_month": round(gpu_hours, 2),
            "dollars_per_month": round(dollars, 2),
            "kwh_per_month": round(kwh / 1000, 2),
        }
