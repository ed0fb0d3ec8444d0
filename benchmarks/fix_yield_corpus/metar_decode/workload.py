"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import worst_airfields

STATIONS = ["KJFK", "KBOS", "KORD", "KDEN", "KSEA", "KSFO", "EGLL", "EHAM", "CYYZ", "KMSP"]
WEATHER = ["-RA", "RA", "+RA", "BR", "FG", "-SN", "VCSH", "+TSRA", "HZ", "-DZ", "FZFG"]
VISIBILITY = [
    "10SM",
    "10SM",
    "10SM",
    "7SM",
    "5SM",
    "3SM",
    "2SM",
    "1 1/2SM",
    "1SM",
    "1/2SM",
    "M1/4SM",
]


def _report(rng: random.Random, station: str, day: int, hour: int) -> str:
    parts = ["SPECI" if rng.random() < 0.08 else "METAR", station, f"{day:02d}{hour:02d}51Z"]
    if rng.random() < 0.3:
        parts.append("AUTO")
    speed = rng.randrange(0, 28)
    wind = "VRB" if speed < 4 else f"{rng.randrange(0, 36) * 10:03d}"
    gust = f"G{speed + rng.randrange(8, 20)}" if speed > 14 and rng.random() < 0.5 else ""
    parts.append(f"{wind}{speed:02d}{gust}KT")
    if wind != "VRB" and rng.random() < 0.15:
        parts.append("180V250")
    parts.extend(rng.choice(VISIBILITY).split())
    for _ in range(rng.randrange(0, 3)):
        parts.append(rng.choice(WEATHER))
    if rng.random() < 0.15:
        parts.append("CLR")
    else:
        height = rng.randrange(2, 40)
        for cover in rng.sample(["FEW", "SCT", "BKN", "OVC"], rng.randrange(1, 4)):
            parts.append(f"{cover}{height:03d}" + ("CB" if rng.random() < 0.05 else ""))
            height += rng.randrange(5, 60)
    temp = rng.randrange(-15, 32)
    dew = temp - rng.randrange(0, 12)
    fmt = lambda t: f"M{-t:02d}" if t < 0 else f"{t:02d}"  # noqa: E731
    parts.append(f"{fmt(temp)}/{fmt(dew)}")
    parts.append(f"A{rng.randrange(2930, 3060)}")
    if rng.random() < 0.6:
        parts += [
            "RMK",
            "AO2",
            f"SLP{rng.randrange(100, 300)}",
            f"T0{rng.randrange(100, 300)}0{rng.randrange(0, 200)}",
        ]
    return " ".join(parts)


def make_input() -> list[str]:
    rng = random.Random(11)
    reports = []
    for day in range(1, 4):
        for hour in range(24):
            for station in STATIONS:
                reports.append(_report(rng, station, day, hour))
    reports.append("METAR KXYZ 1251")
    reports.append("METAR")
    return reports


def run(data: list[str]) -> list[tuple[str, int, int]]:
    return worst_airfields(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    data = make_input()
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        run(data)


if __name__ == "__main__":
    main()
