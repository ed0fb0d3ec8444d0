"""Typeset a session tune book as ABC notation.

Tunes come from the session's shared spreadsheet: a title, rhythm, key and a
list of bars, each bar a list of note tokens ("A", "B2", "c/2", "z", ...).
The writer lays them out the way players expect: header fields, one line per
four bars, repeat marks around each part, and a comment on any bar whose
length does not fit the metre so whoever typed it in can fix it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

METERS = {
    "reel": "4/4",
    "hornpipe": "4/4",
    "jig": "6/8",
    "slip jig": "9/8",
    "polka": "2/4",
    "waltz": "3/4",
}
TEMPOS = {"reel": 112, "hornpipe": 88, "jig": 116, "slip jig": 120, "polka": 132, "waltz": 96}
UNIT = Fraction(1, 8)
BARS_PER_LINE = 4


@dataclass(frozen=True)
class Tune:
    title: str
    rhythm: str
    key: str
    composer: str
    bars: tuple[tuple[str, ...], ...]
    parts: int = 2


TICKS = 12  # ticks per L: unit, enough for halves, thirds and quarters


def token_length(token: str) -> int:
    """Length of one note token in ticks (TICKS per L:1/8 unit)."""
    i = 0
    while i < len(token) and (token[i].isalpha() or token[i] in "^_=,'"):
        i += 1
    suffix = token[i:]
    if not suffix:
        return TICKS
    if suffix.startswith("/"):
        return TICKS // int(suffix[1:] or 2)
    if "/" in suffix:
        num, den = suffix.split("/")
        return TICKS * int(num) // int(den or 2)
    return TICKS * int(suffix)


def bar_units(rhythm: str) -> Fraction:
    """How many L: units fill one bar of this rhythm."""
    num, den = METERS[rhythm].split("/")
    return Fraction(int(num), int(den)) / UNIT


class TuneBookWriter:
    """Accumulates the whole book as one ABC document."""

    def __init__(self, book_title: str, source: str) -> None:
        self.book_title = book_title
        self.source = source
        self.text = ""
        self.warnings = 0

    def write_header(self) -> None:
        self.text += f"%abc-2.1\n%%title {self.book_title}\n"
        self.text += f"%%source {self.source}\n\n"

    def write_tune(self, index: int, tune: Tune) -> None:
        self.text += f"X:{index}\n"
        self.text += f"T:{tune.title}\n"
        if tune.composer:
            self.text += f"C:{tune.composer}\n"
        self.text += f"R:{tune.rhythm}\n"
        self.text += f"M:{METERS[tune.rhythm]}\n"
        self.text += "L:1/8\n"
        self.text += f"Q:1/4={TEMPOS[tune.rhythm]}\n"
        self.text += f"K:{tune.key}\n"
        self.write_body(tune)
        self.text += "\n"

    def write_body(self, tune: Tune) -> None:
        expected = int(bar_units(tune.rhythm) * TICKS)
        per_part = max(1, len(tune.bars) // tune.parts)
        line_start = True
        for n, bar in enumerate(tune.bars):
            in_part = n % per_part
            if in_part == 0:
                self.text += "|:" if line_start else " |:"
            elif not line_start:
                self.text += " "
            self.text += " ".join(bar)
            line_start = False
            length = sum(token_length(t) for t in bar)
            last_of_part = in_part == per_part - 1 or n == len(tune.bars) - 1
            self.text += " :|" if last_of_part else " |"
            if length != expected:
                self.warnings += 1
                got = Fraction(length, TICKS)
                self.text += f" % bar {n + 1}: {got} of {Fraction(expected, TICKS)} units\n"
                line_start = True
            elif last_of_part or in_part % BARS_PER_LINE == BARS_PER_LINE - 1:
                self.text += "\n"
                line_start = True


def render_book(book_title: str, source: str, tunes: list[Tune]) -> tuple[str, int]:
    """Return the ABC text for the book and the number of bars flagged."""
    writer = TuneBookWriter(book_title, source)
    writer.write_header()
    ordered = sorted(tunes, key=lambda t: (t.rhythm, t.title.lower()))
    for index, tune in enumerate(ordered, start=1):
        writer.write_tune(index, tune)
    return writer.text, writer.warnings
