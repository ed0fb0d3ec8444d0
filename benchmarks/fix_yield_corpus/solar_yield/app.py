"""Estimate first-year energy yield for rooftop PV proposals.

Each proposal names a climate region and a module model. Yield is computed
from the region's typical-day irradiance and ambient temperature profile for
each month, with a cell-temperature derate, inverter clipping and fixed
system losses.
"""

from __future__ import annotations

import copy
import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
NOCT_REFERENCE_IRRADIANCE = 800.0
NOCT_REFERENCE_AMBIENT = 20.0


class ProposalError(ValueError):
    pass


@dataclass(frozen=True)
class ModuleSpec:
    model: str
    watts_peak: float
    temp_coefficient: float  # fraction per degree C, negative
    noct: float


@dataclass
class ClimateProfile:
    region: str
    irradiance: list[list[float]]  # [month][hour] W/m2 on the plane of array
    ambient: list[list[float]]  # [month][hour] degrees C
    soiling: dict[int, float] = field(default_factory=dict)  # month -> loss fraction


@dataclass(frozen=True)
class Proposal:
    ref: str
    region: str
    module: str
    module_count: int
    inverter_kw: float
    tilt_factor: float = 1.0
    system_losses: float = 0.14


@dataclass
class YieldEstimate:
    ref: str
    monthly_kwh: list[float]
    clipped_kwh: float

    @property
    def annual_kwh(self) -> float:
        return sum(self.monthly_kwh)


def cell_temperature(ambient: float, irradiance: float, noct: float) -> float:
    return ambient + (noct - NOCT_REFERENCE_AMBIENT) * irradiance / NOCT_REFERENCE_IRRADIANCE


class YieldModel:
    def __init__(self, climates: Mapping[str, ClimateProfile], modules: Iterable[ModuleSpec]):
        self.climates = dict(climates)
        self.modules = {m.model: m for m in modules}
        for profile in self.climates.values():
            if len(profile.irradiance) != 12 or len(profile.ambient) != 12:
                raise ValueError(f"climate {profile.region} must have 12 months")

    def _check(self, proposal: Proposal) -> None:
        if proposal.region not in self.climates:
            raise ProposalError(f"{proposal.ref}: unknown region {proposal.region}")
        if proposal.module not in self.modules:
            raise ProposalError(f"{proposal.ref}: unknown module {proposal.module}")
        if proposal.module_count <= 0 or proposal.inverter_kw <= 0:
            raise ProposalError(f"{proposal.ref}: array and inverter must be positive")
        if not 0 <= proposal.system_losses < 1:
            raise ProposalError(f"{proposal.ref}: losses must be a fraction")

    def estimate(self, proposal: Proposal) -> YieldEstimate:
        self._check(proposal)
        climate = copy.deepcopy(self.climates[proposal.region])
        module = self.modules[proposal.module]
        array_kw = module.watts_peak * proposal.module_count / 1000
        derate = (1 - proposal.system_losses) * proposal.tilt_factor
        monthly = []
        clipped = 0.0
        for month in range(12):
            soiling = 1 - climate.soiling.get(month, 0.0)
            day_kwh = 0.0
            for hour in range(24):
                g = climate.irradiance[month][hour]
                if g <= 0:
                    continue
                t_cell = cell_temperature(climate.ambient[month][hour], g, module.noct)
                temp_factor = 1 + module.temp_coefficient * (t_cell - 25.0)
                dc_kw = array_kw * g / 1000 * temp_factor * soiling
                ac_kw = dc_kw * derate
                if ac_kw > proposal.inverter_kw:
                    clipped += (ac_kw - proposal.inverter_kw) * DAYS_IN_MONTH[month]
                    ac_kw = proposal.inverter_kw
                day_kwh += ac_kw
            monthly.append(round(day_kwh * DAYS_IN_MONTH[month], 2))
        return YieldEstimate(proposal.ref, monthly, round(clipped, 2))

    def estimate_all(self, proposals: Sequence[Proposal]) -> tuple[list[YieldEstimate], list[str]]:
        estimates, errors = [], []
        for proposal in proposals:
            try:
                estimates.append(self.estimate(proposal))
            except ProposalError as exc:
                log.warning("skipping proposal: %s", exc)
                errors.append(str(exc))
        return estimates, errors


def synthetic_profile(region: str, latitude: float, mean_temp: float) -> ClimateProfile:
    """A clear-sky-ish profile used when no measured TMY data is available."""
    irradiance, ambient = [], []
    for month in range(12):
        season = math.cos(2 * math.pi * (month - 5.5) / 12)
        day_length = 12 + 4 * season * latitude / 60
        peak = 950 * (0.55 + 0.45 * season) * math.cos(math.radians(latitude) * 0.6)
        sunrise = 12 - day_length / 2
        row_g, row_t = [], []
        for hour in range(24):
            x = (hour + 0.5 - sunrise) / day_length
            row_g.append(round(max(0.0, peak * math.sin(math.pi * x)) if 0 < x < 1 else 0.0, 1))
            row_t.append(round(mean_temp + 8 * season + 5 * math.sin(math.pi * (hour - 8) / 12), 1))
        irradiance.append(row_g)
        ambient.append(row_t)
    return ClimateProfile(region, irradiance, ambient, {6: 0.03, 7: 0.04})


def specific_yield(estimate: YieldEstimate, array_kwp: float) -> float:
    if array_kwp <= 0:
        raise ValueError("array size must be positive")
    return round(estimate.annual_kwh / array_kwp, 1)
