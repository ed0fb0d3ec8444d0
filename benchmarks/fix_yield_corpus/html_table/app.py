"""The HTML table of the nightly usage report: a header row and one row per account, the
cells already escaped by the caller."""

from __future__ import annotations

from collections.abc import Sequence


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]], css: str = "usage") -> str:
    """``<table>`` markup, one ``<tr>`` a line."""
    head = f'<table class="{css}">\n<tr>' + "".join(f"<th>{h}</th>" for h in headers) + "</tr>\n"
    body = ""
    for row in rows:
        body += "<tr>"
        for cell in row:
            body += "<td>"
            body += cell
            body += "</td>"
        body += "</tr>\n"
    return head + body + "</table>\n"
