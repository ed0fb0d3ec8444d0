"""Daily irrigation schedule for farm plots, driven by per-crop agronomy profiles."""

from __future__ import annotations

import copy
import logging
import math
from dataclasses import dataclass

logger = logging.getLogger(__name__)

CROP_PROFILES: dict[str, dict] = {
    "default": {
        "water_mm": {"seedling": 4.0, "vegetative": 6.0, "flowering": 7.0, "ripening": 3.0},
        "soil_factor": {"clay": 0.8, "loam": 1.0, "sand": 1.3, "silt": 0.9},
        "window": {"start_hour": 5, "end_hour": 8},
        "skip_stages": ["harvested", "fallow"],
        "pests": [{"name": "aphid", "risk": "low"}, {"name": "mite", "risk": "low"}],
    },
    "tomato": {
        "water_mm": {"seedling": 5.0, "vegetative": 7.5, "flowering": 9.0, "ripening": 4.5},
        "soil_factor": {"clay": 0.75, "loam": 1.0, "sand": 1.4, "silt": 0.9},
        "window": {"start_hour": 4, "end_hour": 7},
        "skip_stages": ["harvested", "fallow"],
        "pests": [{"name": "whitefly", "risk": "high"}, {"name": "blight", "risk": "medium"}],
    },
    "maize": {
        "water_mm": {"seedling": 3.5, "vegetative": 6.5, "flowering": 8.0, "ripening": 2.5},
        "soil_factor": {"clay": 0.85, "loam": 1.0, "sand": 1.25, "silt": 0.95},
        "window": {"start_hour": 19, "end_hour": 23},
        "skip_stages": ["harvested", "fallow", "drydown"],
        "pests": [{"name": "borer", "risk": "medium"}, {"name": "armyworm", "risk": "high"}],
    },
    "lettuce": {
        "water_mm": {"seedling": 3.0, "vegetative": 4.5, "flowering": 4.5, "ripening": 3.5},
        "soil_factor": {"clay": 0.8, "loam": 1.0, "sand": 1.5, "silt": 0.9},
        "window": {"start_hour": 6, "end_hour": 8},
        "skip_stages": ["harvested", "fallow", "bolted"],
        "pests": [{"name": "slug", "risk": "high"}],
    },
}


@dataclass
class Plot:
    plot_id: str
    crop: str
    stage: str
    soil: str
    area_m2: float
    rain_mm: float = 0.0


@dataclass(frozen=True)
class Watering:
    plot_id: str
    start_hour: int
    litres: float
    minutes: int


def crop_profile(crop: str) -> dict:
    """Agronomy profile for ``crop``; unknown crops get the default profile."""
    profile = CROP_PROFILES.get(crop.lower(), CROP_PROFILES["default"])
    return copy.deepcopy(profile)


def needed_mm(profile: dict, stage: str, soil: str, rain_mm: float) -> float:
    water = profile["water_mm"]
    base = water.get(stage, water["vegetative"])
    return max(0.0, base * profile["soil_factor"].get(soil, 1.0) - rain_mm)


def schedule_plot(plot: Plot, flow_lpm: float) -> Watering | None:
    profile = crop_profile(plot.crop)
    if plot.stage in profile["skip_stages"]:
        return None
    mm = needed_mm(profile, plot.stage, plot.soil, plot.rain_mm)
    if mm <= 0.0:
        return None
    litres = round(mm * plot.area_m2, 1)  # 1 mm over 1 m2 is one litre
    window = profile["window"]
    span = (window["end_hour"] - window["start_hour"]) * 60
    minutes = min(math.ceil(litres / flow_lpm), span)
    return Watering(plot.plot_id, window["start_hour"], litres, minutes)


def build_schedule(plots: list[Plot], flow_lpm: float = 40.0) -> list[Watering]:
    """One watering per plot that needs water, ordered by start hour then plot."""
    out = []
    for plot in plots:
        item = schedule_plot(plot, flow_lpm)
        if item is not None:
            out.append(item)
    out.sort(key=lambda w: (w.start_hour, w.plot_id))
    logger.debug("scheduled %d of %d plots", len(out), len(plots))
    return out


def total_litres(schedule: list[Watering]) -> float:
    return round(sum(w.litres for w in schedule), 1)
