"""With no services file, an alert's peer label (``destination_service``, ``peer_service``,
...) that names another alerting service is a call edge: a cascade along it groups as along
a declared dependency, and only in the order a cascade produces."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from efficiency.correlate import AlertRecord, CorrelationRules, Correlator
from efficiency.correlate.peers import peer_of

T0 = datetime(2024, 5, 6, 14, 0, tzinfo=UTC)


def alert(fp: str, service: str, seconds: float, **labels: str) -> AlertRecord:
    return AlertRecord(
        fingerprint=fp,
        starts_at=T0 + timedelta(seconds=seconds),
        labels={"alertname": "Errors", "service": service, "region": "eu", **labels},
    )


def groups(alerts: list[AlertRecord]) -> list[set[str]]:
    correlator = Correlator()  # no topology
    correlator.add(alerts, T0 + timedelta(minutes=10))
    found = [set(inc.alerts) for inc in correlator.incidents.values() if inc.alerts]
    return sorted(found, key=lambda g: sorted(g))


def test_a_peer_label_links_a_caller_to_the_dependency_it_failed_from() -> None:
    db = [alert(f"db-{k}", "db", k) for k in range(6)]
    peer = {"destination_service": "db.shop.svc.cluster.local"}
    api = [alert(f"api-{k}", "api", 45 + k, **peer) for k in range(6)]
    plain = [alert(f"api-{k}", "api", 45 + k) for k in range(6)]
    assert groups(db + api) == [{a.fingerprint for a in db + api}]
    assert len(groups(db + plain)) == 2  # time and region alone join nothing


def test_a_peer_that_took_off_long_after_its_caller_explains_nothing() -> None:
    api = [alert(f"api-{k}", "api", k, peer_service="db") for k in range(6)]
    db = [alert(f"db-{k}", "db", 200 + k) for k in range(6)]
    assert len(groups(api + db)) == 2


def test_peer_of_reads_the_service_name_and_ignores_the_alerts_own() -> None:
    rules = CorrelationRules()
    assert peer_of(alert("a", "api", 0, destination_workload="ledger"), rules) == "ledger"
    assert peer_of(alert("b", "api", 0, upstream="api"), rules) == ""
    assert peer_of(alert("c", "api", 0, pod="api-1"), rules) == ""
