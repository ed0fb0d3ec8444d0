"""One service in several regions or clusters: each location is a deployment of its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import networkx as nx

from efficiency.correlate import AlertRecord, CorrelationRules, Correlator, Topology

T0 = datetime(2024, 5, 6, 14, 0, tzinfo=UTC)


def alert(service: str, k: int, seconds: float, **place: str) -> AlertRecord:
    labels = {"alertname": "Errors", "service": service, "pod": f"{service}-{k}", **place}
    fp = f"{service}-{k}-" + "-".join(sorted(place.values()))
    return AlertRecord(fp, T0 + timedelta(seconds=seconds), labels=labels)


def burst(service: str, n: int, at: float, **place: str) -> list[AlertRecord]:
    return [alert(service, k, at + 2 * k, **place) for k in range(n)]


def groups(correlator: Correlator) -> list[set[tuple[str, str]]]:
    """Each incident as its (service, location) pairs, smallest first."""
    found = [
        {
            (a.labels["service"], a.labels.get("region", a.labels.get("cluster", "")))
            for a in inc.alerts.values()
        }
        for inc in correlator.incidents.values()
        if inc.alerts
    ]
    return sorted(found, key=lambda g: (len(g), sorted(g)))


def calls(*edges: tuple[str, str]) -> Topology:
    deps = nx.DiGraph()
    deps.add_edges_from(edges)
    return Topology(dependencies=deps)


def test_one_service_failing_in_two_regions_at_once_is_two_incidents() -> None:
    records = burst("orders-db", 6, 0, region="eu") + burst("orders-db", 6, 5, region="us")
    correlator = Correlator(CorrelationRules())
    correlator.add(records, T0 + timedelta(minutes=5))
    assert groups(correlator) == [{("orders-db", "eu")}, {("orders-db", "us")}]


def test_a_caller_joins_its_dependency_in_its_own_region_not_a_louder_one_elsewhere() -> None:
    # the us database fails first and louder; the eu one fails, then its eu caller: the
    # caller is the cascade of the eu database, the us failure stays apart
    records = burst("orders-db", 12, 0, region="us")
    records += burst("orders-db", 5, 20, region="eu") + burst("api", 10, 50, region="eu")
    correlator = Correlator(CorrelationRules(), calls(("api", "orders-db")))
    correlator.add(records, T0 + timedelta(minutes=5))
    assert groups(correlator) == [
        {("orders-db", "us")},
        {("api", "eu"), ("orders-db", "eu")},
    ]


def test_a_dependency_deployed_only_in_another_cluster_still_explains_its_caller() -> None:
    # the database runs only in cluster b: a caller in cluster a calls across, and its
    # failure is the database's cascade
    records = burst("orders-db", 8, 0, cluster="b") + burst("api", 8, 40, cluster="a")
    correlator = Correlator(CorrelationRules(), calls(("api", "orders-db")))
    correlator.add(records, T0 + timedelta(minutes=5))
    assert groups(correlator) == [{("api", "a"), ("orders-db", "b")}]


def test_a_replicated_fleet_keeps_each_call_in_its_own_region() -> None:
    # every service runs in each region (the storm shows api in two of them), so the us api
    # failing after the eu database is not its cascade, though the database alerted only in eu
    records = burst("orders-db", 8, 0, region="eu") + burst("api", 8, 40, region="eu")
    records += burst("api", 8, 60, region="us")
    correlator = Correlator(CorrelationRules(), calls(("api", "orders-db")))
    correlator.add(records, T0 + timedelta(minutes=5))
    assert groups(correlator) == [{("api", "us")}, {("api", "eu"), ("orders-db", "eu")}]


def test_a_quiet_root_already_explaining_a_caller_explains_a_loud_one_too() -> None:
    # the database fires 4 alerts: a fifth of the quiet caller's 15, not of the loud one's 60;
    # once the quiet caller joined it, the failure holds enough to explain the loud one
    records = burst("orders-db", 4, 0, region="eu") + burst("billing", 15, 20, region="eu")
    records += burst("reports", 60, 40, region="eu")
    deps = calls(("billing", "orders-db"), ("reports", "orders-db"))
    correlator = Correlator(CorrelationRules(), deps)
    correlator.add(records, T0 + timedelta(minutes=5))
    assert groups(correlator) == [{("billing", "eu"), ("orders-db", "eu"), ("reports", "eu")}]
