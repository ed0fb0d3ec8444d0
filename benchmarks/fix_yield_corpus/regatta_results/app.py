"""Score club handicap races from the race officer's finish sheets.

The finish sheet is typed up on the committee boat as plain text:

    RACE 3 2024-06-15 START 14:05:00
    CLASS ILCA 7
      184233 GBR 14:52:17
      187777 GBR DNF
    # comments are allowed anywhere
    RACE 4 ABANDONED wind over 25 kts

Elapsed times are corrected with the Portsmouth Yardstick (corrected =
elapsed * 1000 / PY) and each race is ranked across the whole handicap
fleet.  Boats that did not finish score one more than the number of starters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PY_NUMBERS = {
    "ILCA 7": 1100,
    "ILCA 6": 1148,
    "RS200": 1046,
    "RS400": 942,
    "MIRROR": 1385,
    "SOLO": 1139,
    "FIREBALL": 952,
    "GP14": 1130,
    "TOPPER": 1365,
    "MERLIN ROCKET": 980,
}
PENALTY_CODES = ("DNF", "DNS", "DSQ", "OCS", "RET")

LINE_FORMATS = [
    ("blank", r"\s*(?:#.*)?$"),
    ("abandoned", r"RACE\s+(\d+)\s+ABANDONED\b.*$"),
    ("race", r"RACE\s+(\d+)\s+(\d{4}-\d{2}-\d{2})\s+START\s+(\d{1,2}):(\d{2}):(\d{2})\s*$"),
    ("course", r"COURSE\s+([A-Z0-9-]+)\s*$"),
    ("wind", r"WIND\s+([NESW]{1,3})\s+(\d{1,2})(?:\s*KTS?)?\s*$"),
    ("class", r"CLASS\s+([A-Z0-9][A-Z0-9 ]*?)\s*$"),
    ("finish", r"\s*(\d{3,6})\s+([A-Z]{3})\s+(\d{1,2}):(\d{2}):(\d{2})\s*$"),
    ("penalty", r"\s*(\d{3,6})\s+([A-Z]{3})\s+(DNF|DNS|DSQ|OCS|RET)\s*$"),
]


@dataclass(frozen=True)
class Result:
    race: int
    place: int
    sail: str
    nation: str
    boat_class: str
    elapsed: int | None
    corrected: int | None
    code: str = ""


class SheetError(ValueError):
    pass


def classify(line: str) -> tuple[str, tuple[str, ...]]:
    for kind, pattern in LINE_FORMATS:
        m = re.match(pattern, line, re.IGNORECASE)
        if m:
            return kind, m.groups()
    raise SheetError(f"cannot read line: {line!r}")


def _seconds(h: str, m: str, s: str) -> int:
    return int(h) * 3600 + int(m) * 60 + int(s)


def parse_sheet(text: str) -> dict[int, list[tuple[str, str, str, int | None, str]]]:
    """race -> [(sail, nation, class, elapsed seconds or None, penalty code)]."""
    races: dict[int, list[tuple[str, str, str, int | None, str]]] = {}
    race = start = None
    boat_class = None
    for lineno, line in enumerate(text.splitlines(), start=1):
        kind, groups = classify(line)
        if kind in ("blank", "course", "wind"):
            continue  # course and wind are kept on the paper sheet only
        if kind == "abandoned":
            races.pop(int(groups[0]), None)
            race = boat_class = None
            continue
        if kind == "race":
            race, start = int(groups[0]), _seconds(*groups[2:])
            races.setdefault(race, [])
            boat_class = None
        elif kind == "class":
            boat_class = " ".join(groups[0].upper().split())
            if boat_class not in PY_NUMBERS:
                raise SheetError(f"line {lineno}: no yardstick for class {boat_class}")
        elif race is None or boat_class is None:
            raise SheetError(f"line {lineno}: finish before RACE/CLASS header")
        elif kind == "finish":
            elapsed = _seconds(*groups[2:]) - start
            if elapsed <= 0:
                elapsed += 24 * 3600  # finished after midnight
            races[race].append((groups[0], groups[1].upper(), boat_class, elapsed, ""))
        else:
            races[race].append((groups[0], groups[1].upper(), boat_class, None, groups[2].upper()))
    return races


def score_race(race: int, entries: list[tuple[str, str, str, int | None, str]]) -> list[Result]:
    finished = []
    for sail, nation, boat_class, elapsed, code in entries:  # noqa: B007
        if elapsed is not None:
            corrected = round(elapsed * 1000 / PY_NUMBERS[boat_class])
            finished.append((corrected, elapsed, sail, nation, boat_class))
    finished.sort()
    results = [
        Result(race, n, sail, nation, cls, el, corr)
        for n, (corr, el, sail, nation, cls) in enumerate(finished, start=1)
    ]
    dnf_place = len(entries) + 1
    for sail, nation, boat_class, elapsed, code in entries:
        if elapsed is None:
            results.append(Result(race, dnf_place, sail, nation, boat_class, None, None, code))
    return results


def score_sheet(text: str) -> list[Result]:
    return [
        r for race, entries in sorted(parse_sheet(text).items()) for r in score_race(race, entries)
    ]
