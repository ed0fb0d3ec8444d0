"""Brewhouse batch sheets.

Each brew batch carries its recipe targets, the mash schedule, hop additions and the
gravity/temperature readings taken during fermentation.  ``BatchSheet`` renders the
plain-text batch sheet the cellar team prints and files, and ``render_cellar_book``
concatenates the sheets for every batch in a production week.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

RULE = "-" * 72
ABV_FACTOR = 131.25


class BatchError(ValueError):
    """A batch record that cannot be rendered."""


@dataclass(frozen=True)
class MashStep:
    name: str
    temp_c: float
    minutes: int


@dataclass(frozen=True)
class HopAddition:
    variety: str
    grams: float
    alpha_acid: float
    minute: int  # minutes before end of boil; 0 = whirlpool


@dataclass(frozen=True)
class Reading:
    day: int
    hour: int
    gravity: float
    temp_c: float
    note: str = ""


@dataclass
class Batch:
    batch_no: str
    style: str
    volume_l: float
    target_og: float
    target_fg: float
    mash: list[MashStep]
    hops: list[HopAddition]
    readings: list[Reading] = field(default_factory=list)


def estimate_ibu(hop: HopAddition, volume_l: float, og: float) -> float:
    """Tinseth bitterness estimate for one addition."""
    if hop.minute <= 0:
        return 0.0
    bigness = 1.65 * 0.000125 ** (og - 1.0)
    boil = (1 - 2.718281828 ** (-0.04 * hop.minute)) / 4.15
    mg_per_l = hop.alpha_acid / 100 * hop.grams * 1000 / volume_l
    return bigness * boil * mg_per_l


def abv(og: float, fg: float) -> float:
    return (og - fg) * ABV_FACTOR


def validate(batch: Batch) -> None:
    if batch.volume_l <= 0:
        raise BatchError(f"{batch.batch_no}: volume must be positive")
    if not 1.0 < batch.target_fg < batch.target_og < 1.2:
        raise BatchError(f"{batch.batch_no}: implausible gravity targets")
    if not batch.mash:
        raise BatchError(f"{batch.batch_no}: no mash schedule")


class BatchSheet:
    def __init__(self, width: int = 72) -> None:
        self.width = width
        self.text = ""

    def line(self, content: str = "") -> None:
        self.text += content[: self.width] + "\n"

    def heading(self, title: str) -> None:
        self.line(RULE[: self.width])
        self.line(title.upper().center(self.width))
        self.line(RULE[: self.width])

    def row(self, *cells: str, widths: tuple[int, ...]) -> None:
        self.line(" ".join(cell.ljust(w) for cell, w in zip(cells, widths, strict=True)).rstrip())

    def render_batch(self, batch: Batch) -> None:
        validate(batch)
        self.heading(f"Batch {batch.batch_no} - {batch.style}")
        self.line(f"Volume: {batch.volume_l:.1f} L")
        self.line(f"Target OG {batch.target_og:.3f}  FG {batch.target_fg:.3f}")
        self.line(f"Target ABV {abv(batch.target_og, batch.target_fg):.1f}%")
        self.line()
        self.line("Mash schedule")
        for step in batch.mash:
            self.row(step.name, f"{step.temp_c:.1f} C", f"{step.minutes} min", widths=(20, 10, 8))
        self.line()
        self.line("Hop additions")
        total_ibu = 0.0
        for hop in sorted(batch.hops, key=lambda h: -h.minute):
            ibu = estimate_ibu(hop, batch.volume_l, batch.target_og)
            total_ibu += ibu
            when = "whirlpool" if hop.minute <= 0 else f"{hop.minute} min"
            self.row(
                hop.variety,
                f"{hop.grams:.0f} g",
                f"{hop.alpha_acid:.1f}% AA",
                when,
                f"{ibu:.1f} IBU",
                widths=(18, 8, 9, 10, 10),
            )
        self.line(f"Estimated bitterness: {total_ibu:.0f} IBU")
        self.line()
        self.render_fermentation(batch)
        self.line()

    def render_fermentation(self, batch: Batch) -> None:
        self.line("Fermentation log")
        if not batch.readings:
            self.line("  (no readings)")
            return
        previous = None
        for r in sorted(batch.readings, key=lambda r: (r.day, r.hour)):
            apparent = abv(batch.target_og, r.gravity)
            drop = "" if previous is None else f"{(previous.gravity - r.gravity) * 1000:+.1f}"
            self.row(
                f"d{r.day:02d} {r.hour:02d}:00",
                f"SG {r.gravity:.3f}",
                f"{r.temp_c:.1f} C",
                f"{apparent:.1f}% ABV",
                drop,
                r.note,
                widths=(10, 9, 7, 11, 6, 24),
            )
            previous = r
        final = batch.readings[-1].gravity
        if final > batch.target_fg + 0.004:
            self.line(f"  ! finished high: {final:.3f} vs target {batch.target_fg:.3f}")


def render_cellar_book(batches: list[Batch], week: str) -> str:
    sheet = BatchSheet()
    sheet.heading(f"Cellar book - week {week}")
    rendered = 0
    for batch in batches:
        try:
            sheet.render_batch(batch)
            rendered += 1
        except BatchError as exc:
            log.warning("skipping batch: %s", exc)
            sheet.line(f"[batch skipped: {exc}]")
    sheet.line(f"{rendered} of {len(batches)} batches rendered")
    return sheet.text
