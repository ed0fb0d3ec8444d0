"""The correlator on small hand-built storms: what groups, what stays apart, what opens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import networkx as nx

from efficiency.correlate import (
    AlertRecord,
    ChangeRecord,
    CorrelationRules,
    Correlator,
    DetectionRecord,
    Topology,
    learn_cooccurrence,
    rank_root_causes,
)

T0 = datetime(2024, 5, 6, 14, 0, tzinfo=UTC)


def topology() -> Topology:
    deps = nx.DiGraph()
    # web -> api -> db ; shop -> cache  (a depends on b)
    deps.add_edges_from([("web", "api"), ("api", "db"), ("shop", "cache")])
    return Topology(dependencies=deps)


def alert(
    fp: str, service: str, seconds: float, *, name: str = "HighLatency", **labels: str
) -> AlertRecord:
    severity = labels.pop("severity", "warning")
    return AlertRecord(
        fingerprint=fp,
        starts_at=T0 + timedelta(seconds=seconds),
        labels={"alertname": name, "service": service, **labels},
        severity=severity,
    )


def cascade(prefix: str, services: list[str], start: float, per: int = 4) -> list[AlertRecord]:
    """``per`` alerts per service, each service 30 s after the previous (root first)."""
    return [
        alert(f"{prefix}-{s}-{k}", s, start + 30 * i + k, host=f"{s}-h{k % 2}")
        for i, s in enumerate(services)
        for k in range(per)
    ]


def members(correlator: Correlator) -> list[set[str]]:
    return [set(inc.alerts) for inc in correlator.incidents.values() if inc.alerts]


def test_cascading_alerts_along_dependencies_group_together() -> None:
    correlator = Correlator(CorrelationRules(), topology())
    records = cascade("a", ["db", "api", "web"], 0)
    updates = correlator.add(records, T0 + timedelta(minutes=5))
    assert len(updates) == 1
    assert updates[0].action == "opened"
    assert set(updates[0].services) == {"db", "api", "web"}
    assert len(updates[0].alert_fingerprints) == 12


def test_two_independent_failures_in_the_same_minute_stay_apart() -> None:
    correlator = Correlator(CorrelationRules(), topology())
    records = cascade("a", ["db", "api", "web"], 0) + cascade("b", ["cache", "shop"], 10)
    # both failures share a cluster and region: weak evidence that must not merge them
    records = [
        AlertRecord(r.fingerprint, r.starts_at, labels={**r.labels, "cluster": "c1"})
        for r in records
    ]
    updates = correlator.add(records, T0 + timedelta(minutes=5))
    assert len(updates) == 2
    groups = sorted(members(correlator), key=len)
    assert all(fp.startswith("b-") for fp in groups[0])
    assert all(fp.startswith("a-") for fp in groups[1])


def test_open_incident_absorbs_matching_new_alerts() -> None:
    correlator = Correlator(CorrelationRules(), topology())
    first = correlator.add(cascade("a", ["db", "api"], 0), T0 + timedelta(minutes=2))
    later = correlator.add([alert("late-web", "web", 90)], T0 + timedelta(minutes=3))
    assert [u.action for u in later] == ["updated"]
    assert later[0].key == first[0].key
    assert "late-web" in later[0].alert_fingerprints


def test_resolved_incident_does_not_absorb_a_recurrence_which_links_to_it() -> None:
    correlator = Correlator(CorrelationRules(), topology())
    (opened,) = correlator.add(cascade("a", ["db", "api"], 0), T0 + timedelta(minutes=2))
    correlator.resolve(opened.key, T0 + timedelta(minutes=10))
    again = alert("a-db-0", "db", 15 * 60)  # the same alert fires again
    updates = correlator.add([again], T0 + timedelta(minutes=16))
    assert len(updates) == 1
    assert updates[0].action == "opened"
    assert updates[0].key != opened.key
    assert updates[0].previous_incident == opened.key
    assert correlator.incidents[opened.key].status == "resolved"
    assert "a-db-0" in correlator.incidents[opened.key].alerts


def test_recurrence_with_a_new_fingerprint_links_by_service_and_alert_name() -> None:
    correlator = Correlator(CorrelationRules(), topology())
    (opened,) = correlator.add(cascade("a", ["db"], 0), T0 + timedelta(minutes=2))
    correlator.resolve(opened.key, T0 + timedelta(minutes=10))
    (update,) = correlator.add([alert("new-db", "db", 20 * 60)], T0 + timedelta(minutes=21))
    assert update.previous_incident == opened.key


def test_group_by_labels_must_match() -> None:
    rules = CorrelationRules(group_by=("cluster",))
    correlator = Correlator(rules, topology())
    records = [alert(f"x{k}", "db", k, cluster="east" if k % 2 else "west") for k in range(6)]
    updates = correlator.add(records, T0 + timedelta(minutes=2))
    assert len(updates) == 2
    for update in updates:
        clusters = {
            correlator.incidents[update.key].alerts[fp].labels["cluster"]
            for fp in update.alert_fingerprints
        }
        assert len(clusters) == 1


def test_open_after_n_alerts_or_at_a_severity() -> None:
    rules = CorrelationRules(open_after_alerts=3, open_at_severity="critical")
    correlator = Correlator(rules, topology())
    assert correlator.add([alert("p1", "db", 0), alert("p2", "db", 5)], T0) == []
    (update,) = correlator.add([alert("p3", "db", 10)], T0 + timedelta(seconds=20))
    assert update.action == "opened"
    assert set(update.alert_fingerprints) == {"p1", "p2", "p3"}
    (severe,) = correlator.add([alert("s1", "shop", 0, severity="critical")], T0)
    assert severe.action == "opened"
    assert severe.severity == "critical"


def test_pending_group_is_forgotten_after_a_quiet_window() -> None:
    correlator = Correlator(CorrelationRules(open_after_alerts=2), topology())
    correlator.add([alert("lonely", "db", 0)], T0)
    correlator.add([], T0 + timedelta(minutes=30))
    assert correlator.incidents == {}


def test_root_cause_ranks_the_upstream_service_and_surfaces_deploy_and_regression() -> None:
    correlator = Correlator(CorrelationRules(), topology())
    deploy = ChangeRecord(id=7, service="db", at=T0 - timedelta(minutes=4), version="v2")
    decoy = ChangeRecord(id=8, service="shop", at=T0 - timedelta(minutes=3), version="v9")
    regression = DetectionRecord(
        id=3, kind="regression", service="db", onset_at=T0, function="query", p_value=0.001
    )
    records = [deploy, decoy, regression, *cascade("a", ["db", "api", "web"], 0, per=6)]
    (update,) = correlator.add(records, T0 + timedelta(minutes=5))
    services = [rc for rc in update.root_causes if rc.kind == "service"]
    assert services[0].name == "db"
    assert services[0].evidence["deploy"]["change_id"] == 7
    assert services[0].evidence["regression"]["function"] == "query"
    names = {rc.name for rc in update.root_causes}
    assert {"db@v2", "db:query"} <= names
    assert update.change_ids == (7,)
    assert update.detection_ids == (3,)


def test_root_cause_at_equal_onsets_the_walk_favours_the_deepest_alerting_service() -> None:
    alerts = [alert(f"{s}{k}", s, k, host="h") for s in ("web", "api", "db") for k in range(4)]
    ranked = [rc for rc in rank_root_causes(alerts, [], [], topology()) if rc.kind == "service"]
    assert [rc.name for rc in ranked] == ["db", "api", "web"]
    assert ranked[0].evidence["upstream"] == 1.0


def test_learn_cooccurrence_weights_services_that_fail_together() -> None:
    history = [["api", "db"], ["api", "db"], ["api", "db", "web"], ["web"], ["shop"]]
    graph = learn_cooccurrence(history, min_support=2)
    assert graph.has_edge("api", "db")
    assert graph["api"]["db"]["weight"] == 1.0
    assert not graph.has_edge("api", "web")  # seen together once only


def test_replay_in_another_order_gives_the_same_incidents() -> None:
    records = cascade("a", ["db", "api", "web"], 0) + cascade("b", ["cache", "shop"], 10)
    now = T0 + timedelta(minutes=5)
    forward = Correlator(CorrelationRules(), topology()).add(records, now)
    backward = Correlator(CorrelationRules(), topology()).add(records[::-1], now)
    assert [(u.key, u.alert_fingerprints) for u in forward] == [
        (u.key, u.alert_fingerprints) for u in backward
    ]


def test_a_severe_metric_anomaly_opens_an_incident_without_any_alert() -> None:
    correlator = Correlator()  # the defaults: open_on_anomaly_score = 0.9
    mild = DetectionRecord(1, "anomaly", "cart", T0, "cpu", score=0.85)
    assert not correlator.add([mild], T0)
    severe = DetectionRecord(2, "anomaly", "cart", T0 + timedelta(minutes=10), "cpu", score=0.95)
    opened = correlator.add([severe], T0 + timedelta(minutes=10))
    assert [u.action for u in opened] == ["opened"] and opened[0].services == ("cart",)
    off = Correlator(CorrelationRules(open_on_anomaly_score=None))
    assert not off.add([severe], T0 + timedelta(minutes=10))
