"""The held-out storm generator's ground truth, and the topology guard on the development
storms: given the call graph, the default correlator never groups worse than without it."""

from __future__ import annotations

from collections import defaultdict

import networkx as nx
import pytest

from benchmarks.storm import generate_storm
from benchmarks.storm_heldout import REGIONS, generate_heldout_storm
from benchmarks.storm_metrics import pairwise_scores
from benchmarks.storm_split import correlate


@pytest.mark.parametrize("n_alerts", [600, 5000])
def test_heldout_ground_truth_is_consistent(n_alerts: int) -> None:
    storm = generate_heldout_storm(101, n_alerts)
    assert len(storm.alerts) == len(storm.truth) == n_alerts
    assert 30 <= storm.topology.number_of_nodes() <= 60
    assert nx.is_directed_acyclic_graph(storm.topology)
    truth_of: dict[str, str] = {}
    services: dict[str, set[str]] = defaultdict(set)
    regions: dict[str, set[str]] = defaultdict(set)
    for alert, truth in zip(storm.alerts, storm.truth, strict=True):
        # one fingerprint never stands for two groups (a flapping repeat keeps both)
        assert truth_of.setdefault(alert.fingerprint, truth) == truth
        assert alert.labels["region"] in REGIONS and "host" not in alert.labels
        if alert.service:
            services[truth].add(alert.service)
        regions[truth].add(alert.labels["region"])
    assert len(storm.roots) >= (10 if n_alerts > 2000 else 4)
    for failure, root in storm.roots.items():
        assert services[failure] == set(storm.failure_services[failure])
        assert len(regions[failure]) == 1  # a failure stays in its region
        for service in services[failure] - {root}:
            assert root in nx.descendants(storm.topology, service)
    assert generate_heldout_storm(101, n_alerts).alerts == storm.alerts


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("stream", [False, True])
def test_topology_never_lowers_f1_on_the_development_storms(seed: int, stream: bool) -> None:
    storm = generate_storm(seed, n_alerts=600)
    without, _ = correlate(storm, topology=False, stream=stream)
    given, _ = correlate(storm, topology=True, stream=stream)
    f1_without = pairwise_scores(without, storm.truth)[2]
    f1_given = pairwise_scores(given, storm.truth)[2]
    assert f1_given >= f1_without
    assert f1_given >= 0.95  # and it helps: the cascades cross services
