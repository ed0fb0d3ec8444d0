"""The demo scraper's series, from scrapes with given times and counts: per instance (service
and version, what a canary compares) and per service across a deploy (what rca judges)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from efficiency.demo.fleet import Registry
from efficiency.demo.measure import Scrape, Scraper

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
BOUNDS = (0.01, 0.02, math.inf)


def scrape(second: int, version: str, requests: float, fast: float, errors: float = 0) -> Scrape:
    """checkout ``version`` at T0 + ``second``: ``requests`` so far, ``fast`` of them under
    10 ms and the rest under 20 ms."""
    buckets = ((0.01, fast), (0.02, requests), (math.inf, requests))
    at = T0 + timedelta(seconds=second)
    return Scrape(at, "checkout", version, f"127.0.0.1:{version}", buckets, requests, errors)


def test_points_per_instance_and_per_service_through_a_deploy(tmp_path: Path) -> None:
    scraper = Scraper(Registry(tmp_path / "targets.json"))
    # v1 from 0 to 10 s, 10 requests a second, all fast; v2 from 10 s, 10 a second, all slow,
    # one in ten an error
    scraper.scrapes += [scrape(s, "1", 10.0 * s, 10.0 * s) for s in range(11)]
    scraper.scrapes += [scrape(s, "2", 10.0 * (s - 10), 0, s - 10) for s in range(10, 21)]
    points = scraper.points(T0, T0 + timedelta(seconds=20))
    series: dict[tuple[str, tuple[tuple[str, str], ...]], dict[int, float]] = {}
    for p in points:
        key = (p.name, tuple(sorted(p.labels.items())))
        series.setdefault(key, {})[round((p.timestamp - T0).total_seconds())] = p.value
    v1 = (("service", "checkout"), ("version", "1"))
    v2 = (("service", "checkout"), ("version", "2"))
    both = (("service", "checkout"),)
    p90 = "http_request_duration_seconds_p90"
    assert series[(p90, v1)][5] == pytest.approx(0.009)
    assert series[(p90, v2)][20] == pytest.approx(0.019)
    assert series[("http_requests_per_second", v1)][8] == pytest.approx(10.0)
    assert series[("http_request_error_ratio", v2)][20] == pytest.approx(0.1)
    # the service's series runs on through the deploy, from 1 s to 20 s
    assert sorted(series[(p90, both)]) == list(range(1, 21))
    assert series[(p90, both)][5] == pytest.approx(0.009)
    assert series[(p90, both)][20] == pytest.approx(0.019)
