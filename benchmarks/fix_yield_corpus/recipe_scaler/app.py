"""Scale central-kitchen recipes to the covers each outlet has booked.

Recipes live in a shared catalogue loaded once at startup. Every prep order
asks for a recipe at a given number of portions; we scale quantities, round
them to sensible kitchen units and total the ingredient cost.
"""

from __future__ import annotations

import copy
import math
from collections import defaultdict

UNIT_STEP = {"g": 5, "kg": 0.05, "ml": 10, "l": 0.05, "each": 1, "tsp": 0.25, "tbsp": 0.5}
UPSIZE = {"g": ("kg", 1000), "ml": ("l", 1000)}


class UnknownRecipe(KeyError):
    pass


def _round_to_step(qty: float, unit: str) -> float:
    step = UNIT_STEP.get(unit, 0.01)
    if unit == "each":
        return float(math.ceil(qty - 1e-9))
    return round(round(qty / step) * step, 3)


def _normalise(qty: float, unit: str) -> tuple[float, str]:
    if unit in UPSIZE:
        bigger, factor = UPSIZE[unit]
        if qty >= factor:
            return _round_to_step(qty / factor, bigger), bigger
    return _round_to_step(qty, unit), unit


def make_scaler(catalogue: dict[str, dict], prices: dict[str, float]):
    """Return a function that scales a recipe from ``catalogue`` to ``portions``."""

    def scale(name: str, portions: int) -> dict:
        if name not in catalogue:
            raise UnknownRecipe(name)
        if portions <= 0:
            raise ValueError("portions must be positive")
        recipe = copy.deepcopy(catalogue[name])
        factor = portions / recipe["yield"]
        lines = []
        cost = 0.0
        for ing in recipe["ingredients"]:
            raw = ing["qty"] * factor
            if ing.get("fixed"):
                raw = ing["qty"]
            qty, unit = _normalise(raw, ing["unit"])
            cost += raw * prices.get(ing["item"], 0.0)
            lines.append({"item": ing["item"], "qty": qty, "unit": unit})
        minutes = recipe["prep_minutes"] + recipe.get("minutes_per_10", 0) * portions / 10
        return {
            "recipe": name,
            "portions": portions,
            "station": recipe["station"],
            "lines": lines,
            "allergens": sorted(recipe.get("allergens", [])),
            "cost": round(cost, 2),
            "minutes": round(minutes),
        }

    return scale


def prep_sheet(orders: list[tuple[str, str, int]], scale) -> dict[str, list[dict]]:
    """Group scaled recipes by kitchen station. ``orders`` holds (outlet, recipe, portions)."""
    sheet: dict[str, list[dict]] = defaultdict(list)
    for outlet, name, portions in orders:
        scaled = scale(name, portions)
        scaled["outlet"] = outlet
        sheet[scaled["station"]].append(scaled)
    for jobs in sheet.values():
        jobs.sort(key=lambda j: (-j["minutes"], j["recipe"], j["outlet"]))
    return dict(sorted(sheet.items()))


def shopping_totals(sheet: dict[str, list[dict]]) -> dict[tuple[str, str], float]:
    totals: dict[tuple[str, str], float] = defaultdict(float)
    for jobs in sheet.values():
        for job in jobs:
            for line in job["lines"]:
                totals[(line["item"], line["unit"])] += line["qty"]
    return {k: round(v, 3) for k, v in sorted(totals.items())}
