"""A storm delivered as a stream (every 30 s of event time, Alertmanager's rhythm) groups as
the same storm delivered in one batch: later alerts of a service an open incident already
holds, however quietly, join it; a small later batch still knows the fleet runs per region."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import networkx as nx

from efficiency.correlate import AlertRecord, Correlator, DetectionRecord, Topology

T0 = datetime(2024, 5, 6, 14, 0, tzinfo=UTC)


def alert(fp: str, service: str, seconds: float, **labels: str) -> AlertRecord:
    return AlertRecord(
        fingerprint=fp,
        starts_at=T0 + timedelta(seconds=seconds),
        labels={"alertname": "Errors", "service": service, **labels},
    )


def deps(*edges: tuple[str, str]) -> Topology:
    graph = nx.DiGraph()
    graph.add_edges_from(edges)
    return Topology(dependencies=graph)


def stream(correlator: Correlator, alerts: list[AlertRecord]) -> None:
    """Every 30 s the alerts that started in it, as the benchmark and Alertmanager do."""
    tick = T0 + timedelta(seconds=30)
    pending = sorted(alerts, key=lambda a: a.starts_at)
    while pending:
        batch = [a for a in pending if a.starts_at < tick]
        pending = pending[len(batch) :]
        correlator.add(batch, tick)
        tick += timedelta(seconds=30)


def groups(correlator: Correlator) -> list[set[str]]:
    found = [set(inc.alerts) for inc in correlator.incidents.values() if inc.alerts]
    return sorted(found, key=lambda g: sorted(g))


def quiet_caller() -> list[AlertRecord]:
    """A loud database failing, and one quiet caller (under a fifth of the database's alerts)
    alerting about once a minute for eight minutes: its later alerts come more than a window
    after the database took off."""
    db = [alert(f"db-{k}", "db", k / 4) for k in range(60)]
    api = [alert(f"api-{k}", "api", 35 + 65 * k) for k in range(8)]
    return db + api


def test_a_quiet_callers_later_alerts_join_the_open_incident_as_in_one_batch() -> None:
    batch = Correlator(topology=deps(("api", "db")))
    batch.add(quiet_caller(), T0 + timedelta(minutes=10))
    streamed = Correlator(topology=deps(("api", "db")))
    stream(streamed, quiet_caller())
    assert len(groups(batch)) == 1
    assert groups(streamed) == groups(batch)


def test_a_new_session_of_a_service_after_a_quiet_gap_is_grouped_on_its_own() -> None:
    alerts = [*quiet_caller()[:60], alert("api-0", "api", 35)]
    alerts += [alert(f"api-late-{k}", "api", 1200 + k) for k in range(8)]
    streamed = Correlator(topology=deps(("api", "db")))
    stream(streamed, alerts)
    late = {f"api-late-{k}" for k in range(8)}
    assert late in groups(streamed)


def test_a_later_small_batch_keeps_calls_in_their_region() -> None:
    """An early batch showed a service alerting in two regions: the fleet runs a copy of each
    service per region, so a caller in one region never joins the other region's failing
    database, even when a later batch (long after) holds only those two."""
    first = [alert(f"cache-{r}", "cache", 0, region=r) for r in ("eu", "us")]
    db = [alert(f"db-{k}", "db", 600 + k, region="eu") for k in range(6)]
    api = [alert(f"api-{k}", "api", 640 + k, region="us") for k in range(6)]
    streamed = Correlator(topology=deps(("api", "db")))
    stream(streamed, first + db + api)
    assert {f"api-{k}" for k in range(6)} in groups(streamed)
    assert {f"db-{k}" for k in range(6)} in groups(streamed)


def test_an_incident_opened_by_a_detection_alone_does_not_pull_in_a_quiet_callee() -> None:
    """An anomaly of the api opens an incident with no alert (``open_on_anomaly_score``); a
    database the api calls then fires a few alerts, and the api itself many. The incident has
    no alerts to weigh a callee against, so it must not take the database's few alerts as the
    cause it explains: they stay apart from the api's, as they do without the detection."""
    anomaly = DetectionRecord(
        id=1, kind="anomaly", service="api", onset_at=T0 + timedelta(seconds=10), score=0.95
    )
    db = [alert(f"db-{k}", "db", 31 + k) for k in range(5)]
    api = [alert(f"api-{k}", "api", 60 + k / 2) for k in range(60)]
    grouped = []
    for detections in ([], [anomaly]):
        correlator = Correlator(topology=deps(("api", "db")))
        correlator.add(detections, T0 + timedelta(seconds=30))
        stream(correlator, db + api)
        grouped.append(groups(correlator))
    without, given = grouped
    assert {f"db-{k}" for k in range(5)} in without
    assert given == without
