"""Splitting strong components: only where several failures started, and in cascade order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import networkx as nx
import pytest

from efficiency.correlate import AlertRecord, CorrelationRules, Correlator, Topology
from efficiency.correlate.graph import alert_buckets, evidence_graph, robust_onset
from efficiency.correlate.grouping import _strong_subgraph, plausible_roots

T0 = datetime(2024, 5, 6, 14, 0, tzinfo=UTC)

# db <- api1..3 <- web1..3 (one failure at db); cache <- shop (another); edge calls web1 and
# shop, so two alerts of edge link both failures into one strong component
TREE = {"db": 0, "api1": 1, "api2": 1, "api3": 1, "web1": 2, "web2": 2, "web3": 2}
OTHER = {"cache": 0, "shop": 1}


def alert(fp: str, service: str, seconds: float) -> AlertRecord:
    labels = {"alertname": "HighLatency", "service": service, "host": f"{service}-h"}
    return AlertRecord(fp, T0 + timedelta(seconds=seconds), labels=labels)


def topology() -> Topology:
    deps = nx.DiGraph()
    deps.add_edges_from([("api1", "db"), ("api2", "db"), ("api3", "db")])
    deps.add_edges_from([("web1", "api1"), ("web2", "api2"), ("web3", "api3")])
    deps.add_edges_from([("shop", "cache"), ("edge", "web1"), ("edge", "shop")])
    return Topology(dependencies=deps)


def two_failures(per: int = 10) -> list[AlertRecord]:
    """``per`` alerts per service, each tier 40 s after the one it depends on, and a
    two-alert bridge on ``edge`` after both failures reached its dependencies."""
    records = [
        alert(f"{s}-{k}", s, 40 * tier + 2 * k)
        for s, tier in {**TREE, **OTHER}.items()
        for k in range(per)
    ]
    return records + [alert(f"edge-{k}", "edge", 150 + k) for k in range(2)]


def services_of(correlator: Correlator) -> list[set[str]]:
    return sorted(
        ({a.service for a in inc.alerts.values()} for inc in correlator.incidents.values()),
        key=len,
    )


def test_a_large_cascade_stays_whole_beside_an_unrelated_failure() -> None:
    # the call graph joins the tree's tiers (each took off right after what it calls) and
    # never pulls it apart; the two-alert bridge on edge, which calls both web1 (took off at
    # 80 s) and shop (40 s), joins the nearer cause in time, web1
    correlator = Correlator(CorrelationRules(), topology())
    correlator.add(two_failures(), T0 + timedelta(minutes=5))
    assert services_of(correlator) == [{"cache", "shop"}, set(TREE) | {"edge"}]


def test_plausible_roots_are_the_well_supported_buckets_nothing_preceded() -> None:
    rules = CorrelationRules()
    graph = evidence_graph(alert_buckets(two_failures(), rules), topology(), rules)
    strong = _strong_subgraph(graph, list(graph), rules.strong_edge)
    (component,) = [c for c in nx.connected_components(strong) if len(c) > 1]
    roots = plausible_roots(component, strong, graph, rules)
    # the two-alert bridge precedes nothing and has too few alerts to start a failure
    assert {graph.nodes[n]["node"].services for n in roots} == {
        frozenset({"db"}),
        frozenset({"cache"}),
    }


def test_one_root_means_no_split() -> None:
    records = [a for a in two_failures() if a.service in TREE]
    correlator = Correlator(CorrelationRules(split_min_nodes=2), topology())
    correlator.add(records, T0 + timedelta(minutes=5))
    assert services_of(correlator) == [set(TREE)]


def test_a_stray_early_alert_does_not_reverse_the_cascade_order() -> None:
    # a background alert of api four minutes early folds into api's bucket; its onset is still
    # the burst's, so api reads as db's caller and the cascade stays one incident
    records = [alert(f"{s}-{k}", s, 40 * TREE[s] + k) for s in ("db", "api1") for k in range(20)]
    records.append(alert("api1-stray", "api1", -240))
    correlator = Correlator(CorrelationRules(), topology())
    correlator.add(records, T0 + timedelta(minutes=5))
    assert services_of(correlator) == [{"db", "api1"}]


def test_a_dependency_alerting_long_before_its_caller_is_not_its_cause() -> None:
    # api1 has fired now and then for nine minutes (a background condition), web1 fails in a
    # burst: more than a window apart in onset, the dependency edge is no cascade evidence
    records = [alert(f"api1-{k}", "api1", -540 + 120 * k) for k in range(6)]
    records += [alert(f"web1-{k}", "web1", k) for k in range(20)]
    correlator = Correlator(CorrelationRules(), topology())
    correlator.add(records, T0 + timedelta(minutes=5))
    assert services_of(correlator) == [{"api1"}, {"web1"}]


def test_robust_onset_skips_stray_early_starts() -> None:
    starts = [T0 - timedelta(minutes=4)] + [T0 + timedelta(seconds=s) for s in range(19)]
    assert robust_onset(starts, 0.1) == T0 + timedelta(seconds=0)
    assert robust_onset(starts, 0.0) == starts[0]


@pytest.mark.parametrize(
    "field, value", [("onset_quantile", 1.5), ("root_support", -0.1), ("resolution", 0.0)]
)
def test_rules_reject_out_of_range_split_settings(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=field):
        CorrelationRules(**{field: value})
