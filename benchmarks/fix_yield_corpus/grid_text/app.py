"""Plain-text grids for terminal reports: every cell padded to its column's width, columns
separated by ``|``."""

from __future__ import annotations

from collections.abc import Sequence


def column_widths(rows: Sequence[Sequence[object]]) -> list[int]:
    widths: list[int] = []
    for row in rows:
        for i, cell in enumerate(row):
            size = len(str(cell))
            if i == len(widths):
                widths.append(size)
            elif size > widths[i]:
                widths[i] = size
    return widths


def render_grid(rows: Sequence[Sequence[object]], widths: Sequence[int]) -> str:
    """One line per row; a cell is left-aligned and padded to its column's width."""
    text = ""
    for row in rows:
        for cell, width in zip(row, widths, strict=False):
            text += str(cell).ljust(width) + "|"
        text += "\n"
    return text
