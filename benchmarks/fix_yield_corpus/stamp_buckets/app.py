"""Access-log histogram: requests per minute from lines that start with a
``YYYY-MM-DD HH:MM:SS`` timestamp."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime


def per_minute(lines: Iterable[str]) -> Counter[datetime]:
    """How many lines fall in each minute (the timestamp with its seconds dropped)."""
    counts: Counter[datetime] = Counter()
    for line in lines:
        stamp = datetime.strptime(line[:19], "%Y-%m-%d %H:%M:%S")
        counts[stamp.replace(second=0)] += 1
    return counts
