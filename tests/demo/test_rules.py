"""The demo's alert rules: Prometheus' quantile arithmetic, the evaluator's pending / firing /
resolved states over scrapes with given times, Alertmanager's fingerprint and webhook body
(checked against the real Alertmanager), and what makes the story incomplete."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from efficiency.demo.fleet import Registry
from efficiency.demo.incident import running_alertmanager
from efficiency.demo.measure import Scrape, Scraper, histogram_quantile
from efficiency.demo.rules import (
    FOR_S,
    KEEP_FIRING_S,
    Firing,
    LatencyRule,
    RuleEvaluator,
    baseline_rules,
    fingerprint,
    rules_yaml,
    webhook_body,
)
from efficiency.demo.story import DemoResult
from tests.servers import require_binary

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
BOUNDS = (0.01, 0.02, 0.04, math.inf)


def test_histogram_quantile_interpolates_as_prometheus_does() -> None:
    # 100 observations: 50 below 10 ms, 40 in (10, 20], 10 in (20, 40]
    buckets = [(0.01, 50.0), (0.02, 90.0), (0.04, 100.0), (math.inf, 100.0)]
    assert histogram_quantile(0.5, buckets) == pytest.approx(0.01)
    assert histogram_quantile(0.9, buckets) == pytest.approx(0.02)
    assert histogram_quantile(0.95, buckets) == pytest.approx(0.03)
    assert histogram_quantile(0.25, buckets) == pytest.approx(0.005)  # first bucket from 0
    # a rank in the +Inf bucket answers the highest finite bound
    assert histogram_quantile(0.99, [(0.01, 50.0), (math.inf, 100.0)]) == 0.01
    assert histogram_quantile(0.9, [(0.01, 0.0), (math.inf, 0.0)]) is None


def _scraper(tmp_path: Path, latencies: list[float]) -> Scraper:
    """Scrapes of one checkout instance, one a second from T0, each second's requests taking
    the given latency: cumulative counters as the service would expose them."""
    scraper = Scraper(Registry(tmp_path / "targets.json"))
    counts = [0.0] * len(BOUNDS)
    for i, latency in enumerate([0.0, *latencies]):
        if i:
            for b, upper in enumerate(BOUNDS):
                counts[b] += 10 if latency <= upper else 0
        buckets = tuple(zip(BOUNDS, counts, strict=True))
        at = T0 + timedelta(seconds=i)
        scraper.scrapes.append(Scrape(at, "checkout", "1", "a:1", buckets, 10.0 * i, 0.0))
    return scraper


def test_thresholds_come_from_the_baseline(tmp_path: Path) -> None:
    scraper = _scraper(tmp_path, [0.005] * 12)
    (rule,) = baseline_rules(scraper, T0, T0 + timedelta(seconds=12), {"checkout": "warning"})
    # p90 of the baseline: rank 9 of 10 in the (0, 10 ms] bucket = 9 ms; 1.5 x = 13.5 ms
    assert rule.baseline_p90 == pytest.approx(0.009)
    assert rule.threshold == pytest.approx(0.0135)
    assert 'service="checkout"' in rule.expr and rule.expr.endswith("> 0.013500")
    text = rules_yaml([rule])
    assert "alert: CheckoutLatencyHigh" in text and "keep_firing_for: 60s" in text


def test_a_rule_is_pending_then_firing_then_resolved(tmp_path: Path) -> None:
    # 10 s fast, 10 s slow, then fast for longer than keep_firing_for
    scraper = _scraper(tmp_path, [0.005] * 10 + [0.03] * 10 + [0.005] * 80)
    rule = LatencyRule("checkout", "warning", threshold=0.015, baseline_p90=0.009)
    sent: list[list[dict[str, object]]] = []
    evaluator = RuleEvaluator(scraper, [rule], lambda alerts: sent.append(
        [a.webhook() for a in alerts]))  # fmt: skip
    for second in range(1, 101):
        evaluator(T0 + timedelta(seconds=second))
    assert len(sent) == 2, sent
    (fired,), (resolved,) = sent
    assert fired["status"] == "firing" and fired["endsAt"] == "0001-01-01T00:00:00Z"
    # the 5 s window ending at 11 s holds one slow second of five: its p90 (30 ms) is above;
    # pending from 11 s, firing FOR_S later
    starts = datetime.fromisoformat(str(fired["startsAt"]))
    assert starts == T0 + timedelta(seconds=11 + FOR_S)
    # last above at 24 s (the window 20..24 s holds the last slow second), resolved once
    # KEEP_FIRING_S have passed since
    assert resolved["status"] == "resolved" and resolved["startsAt"] == fired["startsAt"]
    ends = datetime.fromisoformat(str(resolved["endsAt"]))
    assert ends == T0 + timedelta(seconds=24 + KEEP_FIRING_S + 1)


def test_webhook_body_has_alertmanagers_fields() -> None:
    rule = LatencyRule("storefront", "critical", threshold=0.05, baseline_p90=0.02)
    body = webhook_body([Firing(rule, T0)])
    assert set(body) == {"version", "groupKey", "truncatedAlerts", "status", "receiver",
                         "groupLabels", "commonLabels", "commonAnnotations", "externalURL",
                         "alerts"}  # fmt: skip
    (alert,) = body["alerts"]
    assert set(alert) == {"status", "labels", "annotations", "startsAt", "endsAt",
                          "generatorURL", "fingerprint"}  # fmt: skip
    assert (
        body["commonLabels"]
        == alert["labels"]
        == {"alertname": "StorefrontLatencyHigh", "service": "storefront", "severity": "critical"}
    )


def test_fingerprint_matches_the_real_alertmanager(tmp_path: Path) -> None:
    binary = require_binary("prometheus-alertmanager", "prometheus-alertmanager")
    rule = LatencyRule("checkout", "warning", threshold=0.05, baseline_p90=0.02)
    with running_alertmanager(binary, tmp_path / "am", "http://127.0.0.1:9/none", "t") as am:
        httpx.post(f"{am}/api/v2/alerts", json=[Firing(rule, T0).api()]).raise_for_status()
        deadline = time.monotonic() + 10
        listed: list[dict[str, object]] = []
        while not listed and time.monotonic() < deadline:
            listed = httpx.get(f"{am}/api/v2/alerts").json()
    assert [a["fingerprint"] for a in listed] == [fingerprint(rule.labels)]


def test_the_story_is_incomplete_without_an_incident_or_with_two_pages() -> None:
    from efficiency.demo.incident import IncidentResult

    no_deploy = DemoResult(db_url="sqlite://", windows=1, profiles=[])
    assert no_deploy.missing() == []
    result = DemoResult(db_url="sqlite://", windows=1, profiles=[], change_id=1,
                        alerts_defined={"A", "B"}, alerts_fired={"A"},
                        detections=[{"kind": "regression"}])  # fmt: skip
    assert result.missing() == ["alert B", "an incident"]
    incident = {"suspected_changes": [{"id": 1}], "root_causes": [{"kind": "function"}]}
    result.alerts_fired = {"A", "B"}
    result.incident = IncidentResult("via", incident, pages=[{}, {}])
    assert result.missing() == ["exactly one page (got 2)"]
    result.incident.pages = [{}]
    assert result.missing() == []
