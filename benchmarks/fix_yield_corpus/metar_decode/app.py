"""Decode routine aviation weather reports (METAR/SPECI) and roll them up per airfield."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

CEILING_COVERS = ("BKN", "OVC", "VV")


@dataclass
class Observation:
    station: str
    day: int
    time_utc: str
    wind_dir: int | None = None  # None means variable
    wind_kt: int = 0
    gust_kt: int | None = None
    visibility_sm: float = 10.0
    ceiling_ft: int | None = None
    layers: list[tuple[str, int]] = field(default_factory=list)
    weather: list[str] = field(default_factory=list)
    temp_c: int | None = None
    dewpoint_c: int | None = None
    altimeter_inhg: float | None = None
    special: bool = False

    @property
    def category(self) -> str:
        ceiling = self.ceiling_ft if self.ceiling_ft is not None else 99_999
        vis = self.visibility_sm
        if ceiling < 500 or vis < 1:
            return "LIFR"
        if ceiling < 1000 or vis < 3:
            return "IFR"
        if ceiling <= 3000 or vis <= 5:
            return "MVFR"
        return "VFR"


def _temp(text: str) -> int:
    return -int(text[1:]) if text.startswith("M") else int(text)


def decode(report: str) -> Observation:
    """Decode the body of one report; everything after RMK is ignored."""
    tokens = report.split()
    special = False
    if tokens and tokens[0] in ("METAR", "SPECI"):
        special = tokens.pop(0) == "SPECI"
    if len(tokens) < 2:
        raise ValueError(f"truncated report: {report!r}")
    station, stamp = tokens[0], tokens[1]
    if not re.fullmatch(r"[A-Z][A-Z0-9]{3}", station):
        raise ValueError(f"bad station id {station!r}")
    m = re.fullmatch(r"(\d{2})(\d{4})Z", stamp)
    if not m:
        raise ValueError(f"bad timestamp {stamp!r}")
    obs = Observation(station, int(m.group(1)), m.group(2), special=special)

    whole_miles = 0
    for tok in tokens[2:]:
        if tok == "RMK":
            break
        if tok in ("AUTO", "COR", "NOSIG", "CAVOK"):
            continue
        if m := re.fullmatch(r"(\d{3}|VRB)(\d{2,3})(?:G(\d{2,3}))?KT", tok):
            obs.wind_dir = None if m.group(1) == "VRB" else int(m.group(1))
            obs.wind_kt = int(m.group(2))
            obs.gust_kt = int(m.group(3)) if m.group(3) else None
        elif re.fullmatch(r"\d{3}V\d{3}", tok):
            continue  # variable wind sector, not tracked
        elif re.fullmatch(r"[1-9]", tok):
            whole_miles = int(tok)  # first half of e.g. "1 1/2SM"
        elif m := re.fullmatch(r"(M)?(\d+)(?:/(\d+))?SM", tok):
            if m.group(3):
                vis = whole_miles + Fraction(int(m.group(2)), int(m.group(3)))
            else:
                vis = int(m.group(2))
            if m.group(1):
                vis = vis / 2  # "less than" the reported value: take the midpoint
            obs.visibility_sm = float(vis)
            whole_miles = 0
        elif m := re.fullmatch(r"(FEW|SCT|BKN|OVC|VV)(\d{3})(?:CB|TCU)?", tok):
            cover, height = m.group(1), int(m.group(2)) * 100
            obs.layers.append((cover, height))
            if cover in CEILING_COVERS and (obs.ceiling_ft is None or height < obs.ceiling_ft):
                obs.ceiling_ft = height
        elif tok in ("CLR", "SKC", "NSC"):
            obs.layers.clear()
        elif m := re.fullmatch(r"(M?\d{2})/(M?\d{2})?", tok):
            obs.temp_c = _temp(m.group(1))
            obs.dewpoint_c = _temp(m.group(2)) if m.group(2) else None
        elif m := re.fullmatch(r"A(\d{4})", tok):
            obs.altimeter_inhg = int(m.group(1)) / 100
        elif re.fullmatch(
            r"[-+]?(?:VC)?(?:MI|BC|DR|BL|SH|TS|FZ|DZ|RA|SN|SG|PL|GR|GS|BR|FG|HZ|FU)+", tok
        ):
            obs.weather.append(tok)
        # anything else (runway visual range, trends) is skipped
    return obs


@dataclass
class AirfieldSummary:
    station: str
    reports: int = 0
    specials: int = 0
    peak_gust_kt: int = 0
    lowest_ceiling_ft: int | None = None
    lowest_visibility_sm: float = 10.0
    categories: dict[str, int] = field(default_factory=dict)
    weather_hours: int = 0
    min_spread_c: int | None = None

    def add(self, obs: Observation) -> None:
        self.reports += 1
        self.specials += obs.special
        self.peak_gust_kt = max(self.peak_gust_kt, obs.gust_kt or obs.wind_kt)
        if obs.ceiling_ft is not None and (
            self.lowest_ceiling_ft is None or obs.ceiling_ft < self.lowest_ceiling_ft
        ):
            self.lowest_ceiling_ft = obs.ceiling_ft
        self.lowest_visibility_sm = min(self.lowest_visibility_sm, obs.visibility_sm)
        cat = obs.category
        self.categories[cat] = self.categories.get(cat, 0) + 1
        if obs.weather and not obs.special:
            self.weather_hours += 1
        if obs.temp_c is not None and obs.dewpoint_c is not None:
            spread = obs.temp_c - obs.dewpoint_c
            if self.min_spread_c is None or spread < self.min_spread_c:
                self.min_spread_c = spread


def summarise(reports: list[str]) -> dict[str, AirfieldSummary]:
    out: dict[str, AirfieldSummary] = {}
    rejected: dict[str, int] = defaultdict(int)
    for raw in reports:
        try:
            obs = decode(raw)
        except ValueError:
            rejected[raw.split(" ", 1)[0]] += 1
            continue
        summary = out.get(obs.station)
        if summary is None:
            summary = out[obs.station] = AirfieldSummary(obs.station)
        summary.add(obs)
    return out


def worst_airfields(reports: list[str], limit: int = 5) -> list[tuple[str, int, int]]:
    """Airfields ranked by hours below VFR, then by peak gust."""
    ranked = []
    for s in summarise(reports).values():
        below = s.reports - s.categories.get("VFR", 0)
        ranked.append((s.station, below, s.peak_gust_kt))
    ranked.sort(key=lambda r: (-r[1], -r[2], r[0]))
    return ranked[:limit]
