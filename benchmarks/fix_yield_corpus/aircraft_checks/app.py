"""Maintenance-due planner for a regional airline fleet.

Each aircraft type has a maintenance programme (reference data loaded once at start-up):
a list of scheduled tasks with hour / cycle / calendar intervals, the zones they open and
the labour they need.  The planner walks the fleet, works out which tasks fall due inside
the planning horizon and groups them into work packages per tail number.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

# (code, title, flight-hour interval, cycle interval, day interval, labour hours, zones)
_TASK_TABLE = [
    ("A-CHK", "A check", 600, 750, 90, 22.0, ("100", "200", "300")),
    ("B-CHK", "B check", 1800, 2200, 240, 64.0, ("100", "200", "300", "400")),
    ("ENG-BSI", "Engine borescope", 1200, 1500, 0, 6.5, ("410", "420")),
    ("ENG-OIL", "Engine oil sample", 250, 0, 30, 1.0, ("410", "420")),
    ("PROP-INSP", "Propeller inspection", 900, 0, 180, 4.0, ("410", "420")),
    ("LG-LUBE", "Landing gear lube", 400, 600, 45, 3.0, ("710", "720", "730")),
    ("LG-OVH", "Landing gear overhaul", 0, 20000, 3650, 120.0, ("710", "720", "730")),
    ("BRK-WEAR", "Brake wear check", 0, 300, 0, 1.5, ("720", "730")),
    ("TIRE-PRS", "Tyre pressure check", 0, 0, 3, 0.5, ("710", "720", "730")),
    ("FLT-CTRL", "Flight control cables", 1500, 0, 365, 8.0, ("200", "500", "600")),
    ("FUEL-FLT", "Fuel filter change", 1000, 0, 0, 2.0, ("540", "640")),
    ("HYD-FLT", "Hydraulic filter change", 1200, 0, 365, 2.5, ("190", "710")),
    ("PITOT", "Pitot-static test", 0, 0, 730, 3.0, ("100", "200")),
    ("ELT-BAT", "ELT battery", 0, 0, 1825, 0.8, ("300",)),
    ("O2-BOT", "Oxygen bottle hydrostatic", 0, 0, 1825, 2.0, ("200",)),
    ("CAB-EMER", "Cabin emergency equipment", 0, 0, 30, 1.2, ("200",)),
    ("APU-INSP", "APU inspection", 800, 0, 180, 3.5, ("310",)),
    ("WING-CORR", "Wing corrosion survey", 0, 0, 1095, 40.0, ("500", "600")),
    ("STRUC-SSI", "Structural significant items", 0, 12000, 2190, 90.0, ("100", "500", "600")),
    ("DEICE", "De-icing boots inspection", 500, 0, 120, 2.5, ("500", "600")),
]

_TYPES = {
    # type: (utilisation scale on intervals, maximum take-off weight kg, engine family)
    "ATR72": (1.0, 23000, "PW127"),
    "DHC8-400": (1.1, 29574, "PW150"),
    "E175": (1.25, 38790, "CF34"),
    "CRJ900": (1.2, 38330, "CF34"),
}


def _load_programmes() -> dict[str, dict]:
    programmes = {}
    for type_code, (scale, mtow, engine) in _TYPES.items():
        tasks = []
        for code, title, hours, cycles, days, labour, zones in _TASK_TABLE:
            tasks.append(
                {
                    "code": code,
                    "title": f"{title} ({type_code})",
                    "interval": {
                        "hours": int(hours * scale),
                        "cycles": int(cycles * scale),
                        "days": days,
                    },
                    "labour_h": labour * scale,
                    "zones": list(zones),
                    "skills": ["B1", "B2"] if labour > 5 else ["B1"],
                    "refs": {"amm": f"AMM-{type_code}-{code}", "rev": 14},
                }
            )
        programmes[type_code] = {
            "type": type_code,
            "mtow_kg": mtow,
            "engine": engine,
            "tasks": tasks,
        }
    return programmes


PROGRAMMES = _load_programmes()


def programme_for(type_code: str) -> dict:
    """Return the maintenance programme for an aircraft type."""
    return copy.deepcopy(PROGRAMMES[type_code])


@dataclass
class Aircraft:
    tail: str
    type_code: str
    hours: float
    cycles: int
    day: int  # today's date as a day number
    # task code -> (hours, cycles, day) at the last accomplishment
    last_done: dict[str, tuple[float, int, int]]


@dataclass
class WorkPackage:
    tail: str
    tasks: list[tuple[str, float]] = field(default_factory=list)  # (code, remaining fraction)
    labour_h: float = 0.0
    zones: set[str] = field(default_factory=set)
    overdue: list[str] = field(default_factory=list)


def _remaining_fraction(task: dict, ac: Aircraft) -> float:
    """Fraction of the tightest interval left before the task falls due (negative: overdue)."""
    interval = task["interval"]
    done_h, done_c, done_d = ac.last_done.get(task["code"], (0.0, 0, 0))
    worst = float("inf")
    if interval["hours"]:
        worst = min(worst, 1.0 - (ac.hours - done_h) / interval["hours"])
    if interval["cycles"]:
        worst = min(worst, 1.0 - (ac.cycles - done_c) / interval["cycles"])
    if interval["days"]:
        worst = min(worst, 1.0 - (ac.day - done_d) / interval["days"])
    return worst


def plan_aircraft(ac: Aircraft, horizon: float) -> WorkPackage | None:
    programme = programme_for(ac.type_code)
    package = WorkPackage(ac.tail)
    for task in programme["tasks"]:
        left = _remaining_fraction(task, ac)
        if left > horizon:
            continue
        package.tasks.append((task["code"], round(left, 4)))
        package.labour_h += task["labour_h"]
        package.zones.update(task["zones"])
        if left < 0:
            package.overdue.append(task["code"])
    if not package.tasks:
        return None
    package.tasks.sort(key=lambda item: (item[1], item[0]))
    return package


def plan_fleet(fleet: list[Aircraft], horizon: float = 0.1) -> list[WorkPackage]:
    """Work packages for every aircraft with something due, most urgent aircraft first."""
    packages = []
    for ac in fleet:
        package = plan_aircraft(ac, horizon)
        if package is not None:
            packages.append(package)
    packages.sort(key=lambda p: (-len(p.overdue), p.tasks[0][1], p.tail))
    if packages:
        log.info(
            "planned %d work packages, %d with overdue tasks",
            len(packages),
            sum(1 for p in packages if p.overdue),
        )
    return packages


def labour_by_type(fleet: list[Aircraft], packages: list[WorkPackage]) -> dict[str, float]:
    types = {ac.tail: ac.type_code for ac in fleet}
    totals: dict[str, float] = {}
    for package in packages:
        key = types[package.tail]
        totals[key] = totals.get(key, 0.0) + package.labour_h
    return {key: round(value, 2) for key, value in sorted(totals.items())}
