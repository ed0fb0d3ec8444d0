from datetime import datetime

import pytest
from app import per_minute
from workload import make_input


def test_counts_per_minute():
    lines = ["2026-03-01 10:00:59 GET /", "2026-03-01 10:00:00 GET /a", "2026-03-01 10:01:00 x"]
    assert per_minute(lines) == {datetime(2026, 3, 1, 10, 0): 2, datetime(2026, 3, 1, 10, 1): 1}


def test_malformed_timestamp_raises():
    with pytest.raises(ValueError):
        per_minute(["2026-03-01T10:00:59 GET /"])


def test_fixed_input():
    counts = per_minute(make_input())
    assert sum(counts.values()) == 5000
    assert len(counts) == 584
    assert counts[datetime(2026, 3, 1, 0, 7)] == 9
