"""RFC 4180 CSV text for a spreadsheet download: cells quoted when they need it, CRLF line
ends."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def quote(cell: object) -> str:
    text = "" if cell is None else str(cell)
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def to_csv(rows: Iterable[Sequence[object]]) -> str:
    out = ""
    for row in rows:
        line = ",".join(quote(cell) for cell in row)
        out = "".join([out, line, "\r\n"])
    return out
