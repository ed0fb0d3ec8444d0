"""Check uploaded dive-computer logs against the club's diving limits.

Each log is a list of (seconds, depth in metres) samples taken every ten
seconds.  The checker works out maximum and mean depth, how much gas the
diver should have used, the partial pressure of oxygen at depth and how fast
they came up, and flags anything outside the limits for their training
level.  Limits live in one nested table keyed by certification level.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

SURFACE_BAR = 1.013
GASES = {"air": 0.21, "ean32": 0.32, "ean36": 0.36}

# no-decompression limits, (depth m, minutes), square-profile tables per gas
NDL_TABLES = {
    "air": [
        [10, 219],
        [12, 147],
        [14, 98],
        [16, 72],
        [18, 56],
        [20, 45],
        [22, 37],
        [25, 29],
        [30, 20],
        [35, 14],
        [40, 9],
        [42, 8],
        [50, 5],
    ],
    "ean32": [
        [10, 300],
        [12, 210],
        [14, 140],
        [16, 98],
        [18, 75],
        [20, 60],
        [22, 49],
        [25, 39],
        [30, 27],
        [34, 20],
    ],
    "ean36": [
        [10, 300],
        [12, 290],
        [14, 190],
        [16, 130],
        [18, 96],
        [20, 75],
        [22, 60],
        [25, 45],
        [28, 35],
    ],
}

LIMITS = {
    "OW": {
        "max_depth": 18.0,
        "ppo2": {"working": 1.4, "contingency": 1.6},
        "ascent": {"max_rate": 9.0, "shallow_rate": 6.0, "shallow_from": 6.0},
        "gases": ["air"],
        "min_reserve_bar": 50,
        "safety_stop": [5.0, 180],
        "ndl": NDL_TABLES,
    },
    "AOW": {
        "max_depth": 30.0,
        "ppo2": {"working": 1.4, "contingency": 1.6},
        "ascent": {"max_rate": 9.0, "shallow_rate": 6.0, "shallow_from": 6.0},
        "gases": ["air", "ean32"],
        "min_reserve_bar": 50,
        "safety_stop": [5.0, 180],
        "ndl": NDL_TABLES,
    },
    "DL": {
        "max_depth": 50.0,
        "ppo2": {"working": 1.4, "contingency": 1.6},
        "ascent": {"max_rate": 10.0, "shallow_rate": 6.0, "shallow_from": 6.0},
        "gases": ["air", "ean32", "ean36"],
        "min_reserve_bar": 40,
        "safety_stop": [5.0, 180],
        "ndl": NDL_TABLES,
    },
}


@dataclass
class DiveLog:
    diver: str
    level: str
    gas: str
    cylinder_litres: float
    start_bar: float
    sac_lpm: float  # surface air consumption, litres per minute
    samples: list[tuple[int, float]]


@dataclass
class DiveReport:
    diver: str
    max_depth: float
    mean_depth: float
    minutes: float
    end_bar: float
    flags: list[str] = field(default_factory=list)


def ambient_bar(depth: float) -> float:
    return SURFACE_BAR + depth / 10.0


def ndl_minutes(table: list[list[int]], depth: float) -> int:
    """Table limit for the first listed depth at or below ``depth``; 0 past the table."""
    for row_depth, minutes in table:
        if depth <= row_depth:
            return minutes
    return 0


def check_dive(log: DiveLog, limits_table: dict = LIMITS) -> DiveReport:
    limits = copy.deepcopy(limits_table[log.level])
    flags: list[str] = []
    if log.gas not in limits["gases"]:
        flags.append(f"gas {log.gas} not permitted for {log.level}")
    fo2 = GASES[log.gas]

    litres_used = 0.0
    depth_time = 0.0
    max_depth = 0.0
    worst_ppo2 = 0.0
    fast_ascents = 0
    stop_seconds = 0
    prev_t, prev_d = log.samples[0]
    for t, d in log.samples[1:]:
        dt = t - prev_t
        avg = (d + prev_d) / 2
        litres_used += log.sac_lpm * ambient_bar(avg) * dt / 60.0
        depth_time += avg * dt
        max_depth = max(max_depth, d)
        worst_ppo2 = max(worst_ppo2, fo2 * ambient_bar(d))
        if d < prev_d and dt:
            rate = (prev_d - d) / dt * 60.0
            allowed = limits["ascent"]["max_rate"]
            if d < limits["ascent"]["shallow_from"]:
                allowed = limits["ascent"]["shallow_rate"]
            if rate > allowed + 0.05:
                fast_ascents += 1
        stop_depth, _ = limits["safety_stop"]
        if abs(d - stop_depth) <= 1.0 and max_depth > 10.0:
            stop_seconds += dt
        prev_t, prev_d = t, d

    duration = log.samples[-1][0] - log.samples[0][0]
    end_bar = log.start_bar - litres_used / log.cylinder_litres
    if max_depth > limits["max_depth"]:
        flags.append(f"depth {max_depth:.1f} m beyond {limits['max_depth']:.0f} m")
    if worst_ppo2 > limits["ppo2"]["contingency"]:
        flags.append(f"ppO2 {worst_ppo2:.2f} beyond contingency")
    elif worst_ppo2 > limits["ppo2"]["working"]:
        flags.append(f"ppO2 {worst_ppo2:.2f} beyond working limit")
    ndl = ndl_minutes(limits["ndl"][log.gas], max_depth)
    if duration / 60.0 > ndl and max_depth > 10.0:
        flags.append(f"square profile {duration / 60.0:.0f} min over NDL {ndl} min")
    if fast_ascents:
        flags.append(f"{fast_ascents} fast ascent interval(s)")
    if max_depth > 10.0 and stop_seconds < limits["safety_stop"][1]:
        flags.append(f"safety stop short ({stop_seconds} s)")
    if end_bar < limits["min_reserve_bar"]:
        flags.append(f"surfaced with {end_bar:.0f} bar")
    return DiveReport(
        log.diver,
        round(max_depth, 1),
        round(depth_time / duration, 1) if duration else 0.0,
        round(duration / 60.0, 1),
        round(end_bar, 1),
        flags,
    )


def check_logbook(logs: list[DiveLog]) -> dict[str, list[DiveReport]]:
    by_diver: dict[str, list[DiveReport]] = {}
    for log in logs:
        by_diver.setdefault(log.diver, []).append(check_dive(log))
    return by_diver
