"""Crossword grid checking against a constructor's scored word list.

Word lists come in the usual ``WORD;SCORE`` text format.  A grid is given as
rows of letters with ``#`` for black squares and ``.`` for empty cells; the
checker finds every across and down entry, checks filled entries against the
list and reports the grid's weakest fill.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

log = logging.getLogger(__name__)

MIN_LENGTH = 3
DEFAULT_SCORE = 50


@dataclass(frozen=True)
class Slot:
    number: int
    direction: str  # "A" or "D"
    row: int
    col: int
    cells: tuple[tuple[int, int], ...]

    @property
    def label(self) -> str:
        return f"{self.number}{self.direction}"


@dataclass
class GridReport:
    slots: int
    filled: int
    unknown: list[str]
    weakest: list[tuple[str, str, int]]

    @property
    def ok(self) -> bool:
        return not self.unknown


class WordList:
    def __init__(self, text: str, min_score: int = 0) -> None:
        entries: dict[str, int] = {}
        for lineno, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            word, _, score = line.partition(";")
            word = re.sub(r"[^A-Za-z]", "", word).upper()
            if len(word) < MIN_LENGTH:
                continue
            try:
                value = int(score) if score else DEFAULT_SCORE
            except ValueError:
                raise ValueError(f"line {lineno}: bad score {score!r}") from None
            if value >= min_score:
                entries[word] = max(value, entries.get(word, 0))
        # best entries first, the order autofill tries them in
        self.words = sorted(entries, key=lambda w: (-entries[w], w))
        self._scores = entries

    def __len__(self) -> int:
        return len(self.words)

    def is_word(self, word: str) -> bool:
        return word in self.words

    def score(self, word: str) -> int:
        return self._scores[word]

    def matches(self, pattern: str, limit: int = 20) -> list[str]:
        """Words fitting a pattern such as ``C.O.S``, best first."""
        found = []
        for word in self.words:
            if len(word) == len(pattern) and all(
                p in (".", c) for p, c in zip(pattern, word, strict=True)
            ):
                found.append(word)
                if len(found) >= limit:
                    break
        return found


class Grid:
    def __init__(self, rows: list[str]) -> None:
        if not rows or len({len(r) for r in rows}) != 1:
            raise ValueError("grid rows must be non-empty and equal length")
        self.rows = [r.upper() for r in rows]
        self.height = len(rows)
        self.width = len(rows[0])
        self.slots = self._find_slots()

    def _open(self, r: int, c: int) -> bool:
        return 0 <= r < self.height and 0 <= c < self.width and self.rows[r][c] != "#"

    def _find_slots(self) -> list[Slot]:
        slots = []
        number = 0
        for r in range(self.height):
            for c in range(self.width):
                if not self._open(r, c):
                    continue
                starts_across = not self._open(r, c - 1) and self._open(r, c + 1)
                starts_down = not self._open(r - 1, c) and self._open(r + 1, c)
                if not (starts_across or starts_down):
                    continue
                number += 1
                for direction, dr, dc, starts in (
                    ("A", 0, 1, starts_across),
                    ("D", 1, 0, starts_down),
                ):
                    if not starts:
                        continue
                    cells = []
                    rr, cc = r, c
                    while self._open(rr, cc):
                        cells.append((rr, cc))
                        rr, cc = rr + dr, cc + dc
                    slots.append(Slot(number, direction, r, c, tuple(cells)))
        return slots

    def entry(self, slot: Slot) -> str:
        return "".join(self.rows[r][c] for r, c in slot.cells)


def check_grid(grid: Grid, words: WordList, weakest: int = 3) -> GridReport:
    unknown = []
    scored = []
    filled = 0
    for slot in grid.slots:
        entry = grid.entry(slot)
        if "." in entry:
            continue
        filled += 1
        if len(entry) < MIN_LENGTH:
            unknown.append(f"{slot.label} {entry} (too short)")
        elif not words.is_word(entry):
            unknown.append(f"{slot.label} {entry}")
        else:
            scored.append((slot.label, entry))
    ranked = sorted(
        ((label, entry, words.score(entry)) for label, entry in scored),
        key=lambda t: (t[2], t[0]),
    )
    log.debug("checked %dx%d grid: %d unknown", grid.height, grid.width, len(unknown))
    return GridReport(len(grid.slots), filled, unknown, ranked[:weakest])
