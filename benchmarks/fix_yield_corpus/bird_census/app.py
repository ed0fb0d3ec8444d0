"""Tally point-count survey sheets against a regional watch list.

Volunteers submit point-count rows as ``site,date,species,count,flags`` lines.
The pipeline below is a chain of generators: parse -> clean -> screen -> tally,
so a season's worth of sheets can be streamed without holding it all in memory.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import NamedTuple


class Sighting(NamedTuple):
    site: str
    date: str
    species: str
    count: int
    flags: str


def parse_rows(lines: Iterable[str]) -> Iterator[Sighting]:
    """Yield sightings from raw sheet lines, skipping comments and blanks."""
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(",")
        if len(parts) != 5:
            continue
        site, date, species, count, flags = (p.strip() for p in parts)
        try:
            n = int(count)
        except ValueError:
            continue
        yield Sighting(site.upper(), date, species.upper(), n, flags)


def drop_unreliable(rows: Iterable[Sighting]) -> Iterator[Sighting]:
    """Drop heard-only-by-playback (P) and zero counts."""
    return (r for r in rows if r.count > 0 and "P" not in r.flags)


def on_watch_list(rows: Iterable[Sighting], watch_codes: Iterable[str]) -> Iterator[Sighting]:
    """Keep sightings of species whose four-letter code is on the watch list."""
    codes = [c.strip().upper() for c in watch_codes if c.strip()]
    for row in rows:
        if row.species in codes:
            yield row


def tally(rows: Iterable[Sighting]) -> dict[str, dict[str, int]]:
    """species -> site -> total individuals."""
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        out[r.species][r.site] += r.count
    return {sp: dict(sorted(sites.items())) for sp, sites in sorted(out.items())}


def season_report(lines: Iterable[str], watch_codes: Iterable[str]) -> dict[str, dict[str, int]]:
    """Full pipeline: parse, clean, screen against the watch list, tally."""
    return tally(on_watch_list(drop_unreliable(parse_rows(lines)), watch_codes))


def top_sites(report: dict[str, dict[str, int]], limit: int = 3) -> Iterator[tuple[str, int]]:
    """Sites ranked by watch-list individuals seen, ties broken by site code."""
    totals: Counter[str] = Counter()
    for sites in report.values():
        totals.update(sites)
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
    yield from ranked[:limit]
