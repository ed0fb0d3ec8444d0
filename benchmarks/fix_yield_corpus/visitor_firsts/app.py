"""Page-view digest: the visitors of a day in the order they first showed up, for the
"new today" panel, and how many views were read to find them."""

from __future__ import annotations

from collections.abc import Iterable


def first_visitors(views: Iterable[str]) -> tuple[list[str], int]:
    """``visitor|path|ms`` lines to the distinct visitors (lower-cased, first-seen order) and
    the number of lines read."""
    visitors: list[str] = []
    read = 0
    skipped = 0
    for view in views:
        read += 1
        visitor = view.split("|", 1)[0].strip().lower()
        if not visitor:
            skipped += 1
            continue
        if visitor in visitors:
            continue
        visitors.append(visitor)
    return visitors, read - skipped
