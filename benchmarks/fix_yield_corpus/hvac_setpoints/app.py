"""Building automation supervisor: compute per-zone heating/cooling setpoints for a day plan."""

from __future__ import annotations

import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)

OCCUPIED_HEAT_C = 21.0
OCCUPIED_COOL_C = 24.0
SETBACK_HEAT_C = 16.0
SETBACK_COOL_C = 29.0
DEADBAND_C = 1.5
SLOTS_PER_DAY = 96  # 15-minute slots


@dataclass(frozen=True)
class Zone:
    name: str
    floor: int
    occupied_from: int  # slot index
    occupied_to: int
    south_facing: bool
    recent_temps: tuple[float, ...]  # last readings, oldest first


@dataclass(frozen=True)
class Command:
    zone: str
    slot: int
    heat_c: float
    cool_c: float
    mode: str


def outdoor_reset(outdoor_c: float) -> float:
    """Shift heating setpoint down a little in mild weather (max 1.0 C)."""
    if outdoor_c >= 15.0:
        return -1.0
    if outdoor_c <= 0.0:
        return 0.0
    return round(-outdoor_c / 15.0, 2)


def preheat_slots(zone: Zone, outdoor_c: float) -> int:
    drift = zone.recent_temps[-1] - zone.recent_temps[0] if len(zone.recent_temps) > 1 else 0.0
    slots = 2 if outdoor_c > 5 else 4
    if drift < -0.5:
        slots += 1
    return slots


def zone_setpoints(zone: Zone, slot: int, outdoor_c: float) -> Command:
    start = zone.occupied_from - preheat_slots(zone, outdoor_c)
    occupied = start <= slot < zone.occupied_to
    if occupied:
        heat = OCCUPIED_HEAT_C + outdoor_reset(outdoor_c)
        cool = OCCUPIED_COOL_C + (0.5 if zone.south_facing and 48 <= slot < 68 else 0.0)
        mode = "occ" if slot >= zone.occupied_from else "preheat"
    else:
        heat, cool, mode = SETBACK_HEAT_C, SETBACK_COOL_C, "unocc"
    if cool - heat < DEADBAND_C:
        cool = heat + DEADBAND_C
    log.debug(
        f"zone={zone.name} floor={zone.floor} slot={slot} outdoor={outdoor_c:.1f} "
        f"recent={list(zone.recent_temps)} window={start}-{zone.occupied_to} "
        f"-> heat={heat:.2f} cool={cool:.2f} mode={mode}"
    )
    return Command(zone.name, slot, round(heat, 2), round(cool, 2), mode)


def day_plan(zones: list[Zone], outdoor_forecast: list[float]) -> list[Command]:
    if len(outdoor_forecast) != SLOTS_PER_DAY:
        raise ValueError(f"need {SLOTS_PER_DAY} forecast slots, got {len(outdoor_forecast)}")
    plan = []
    for zone in zones:
        for slot, outdoor in enumerate(outdoor_forecast):
            plan.append(zone_setpoints(zone, slot, outdoor))
    return plan


def compress(plan: list[Command]) -> dict[str, list[tuple[int, float, float, str]]]:
    """Keep only slots where a zone's command changes (what the BACnet writer sends)."""
    out: dict[str, list[tuple[int, float, float, str]]] = {}
    last: dict[str, tuple[float, float, str]] = {}
    for cmd in plan:
        key = (cmd.heat_c, cmd.cool_c, cmd.mode)
        if last.get(cmd.zone) != key:
            out.setdefault(cmd.zone, []).append((cmd.slot, *key))
            last[cmd.zone] = key
    return out
