"""CSV export of the billing ledger for finance: RFC 4180 quoting, CRLF line ends, one
header line."""

from __future__ import annotations

from collections.abc import Sequence


def to_csv(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """The CSV text; a field with a comma, quote or line break is quoted, quotes doubled."""
    text = ""
    for row in [header, *rows]:
        for i, field in enumerate(row):
            if i:
                text += ","
            if '"' in field or "," in field or "\n" in field:
                text += '"' + field.replace('"', '""') + '"'
            else:
                text += field
        text += "\r\n"
    return text
