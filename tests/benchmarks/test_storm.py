"""The storm generator's ground truth and the storm metrics on hand-computed cases."""

from __future__ import annotations

from collections import defaultdict

import networkx as nx
import pytest

from benchmarks.storm import baseline_groups, generate_storm
from benchmarks.storm_metrics import (
    compression,
    loss_breakdown,
    pairwise_scores,
    root_cause_hits,
)


def test_storm_ground_truth_is_consistent() -> None:
    storm = generate_storm(seed=3)
    assert len(storm.alerts) == len(storm.truth) == 5000
    assert storm.topology.number_of_nodes() == 20
    truth_of: dict[str, str] = {}
    services_of: dict[str, set[str]] = defaultdict(set)
    for alert, truth in zip(storm.alerts, storm.truth, strict=True):
        # a flapping repeat keeps its fingerprint and its group
        assert truth_of.setdefault(alert.fingerprint, truth) == truth
        services_of[truth].add(alert.service)
    assert len(storm.roots) >= 3
    hit: set[str] = set()
    for failure, root in storm.roots.items():
        assert services_of[failure] == set(storm.failure_services[failure])
        assert root in storm.failure_services[failure]
        assert not hit & services_of[failure]  # a service belongs to one failure
        hit |= services_of[failure]
        for service in services_of[failure] - {root}:
            # every non-root service depends (transitively) on the root
            assert root in nx.descendants(storm.topology, service)
    assert generate_storm(seed=3).alerts == storm.alerts  # deterministic per seed


def test_pairwise_scores_on_a_hand_computed_case() -> None:
    truth = ["a", "a", "a", "b", "b"]
    predicted = ["x", "x", "y", "y", "y"]
    # true pairs: 3 (a) + 1 (b) = 4; predicted pairs: 1 (x) + 3 (y) = 4;
    # both: the x pair (a,a) and the y pair of the two b's -> 2
    precision, recall, f1 = pairwise_scores(predicted, truth)
    assert precision == pytest.approx(0.5)
    assert recall == pytest.approx(0.5)
    assert f1 == pytest.approx(0.5)
    assert pairwise_scores(truth, truth) == (1.0, 1.0, 1.0)
    singles = pairwise_scores(["1", "2", "3"], ["a", "a", "a"])
    assert singles == (1.0, 0.0, 0.0)


def test_compression_and_baseline_grouping() -> None:
    assert compression(["x", "x", "x", "y"]) == pytest.approx(0.5)
    storm = generate_storm(seed=1, n_alerts=400)
    groups, top = baseline_groups(storm.alerts)
    assert len(groups) == 400
    for alert, group in zip(storm.alerts, groups, strict=True):
        assert top[group] == alert.service


def test_root_cause_hits_uses_the_incident_holding_most_of_a_failure() -> None:
    truth = ["f1", "f1", "f1", "f2", "noise"]
    predicted = ["i1", "i1", "i2", "i2", "i2"]
    roots = {"f1": "db", "f2": "cache"}
    assert root_cause_hits(predicted, truth, roots, {"i1": "db", "i2": "api"}) == (1, 2)
    assert root_cause_hits(predicted, truth, roots, {"i1": "db", "i2": "cache"}) == (2, 2)


def test_loss_breakdown_splits_the_pairwise_errors_by_cause() -> None:
    truth = ["f1", "f1", "f1", "f2", "n1", "n1", "n2"]
    predicted = ["i1", "i1", "i2", "i2", "i2", "i3", "i3"]
    # i2 holds f1, f2, n1: one pair of two failures, two pairs of a failure with noise;
    # i3 holds n1 and n2: one noise pair. f1 loses 2 of its 3 pairs, n1 its one pair
    assert loss_breakdown(predicted, truth, ["f1", "f2"]) == {
        "merged_failures": 1,
        "noise_joined": 3,
        "split_failures": 2,
        "split_noise": 1,
    }
    precision, recall, _ = pairwise_scores(predicted, truth)
    false_pairs, true_pairs = 1 + 3, 3 + 1  # predicted pairs 1 + 3 + 1 = 5, 1 correct
    assert precision == pytest.approx(1 - false_pairs / 5)
    assert recall == pytest.approx(1 - 3 / true_pairs)
