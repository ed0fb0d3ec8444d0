"""TCPDBench's F1 and covering, checked on cases small enough to compute by hand."""

from __future__ import annotations

import pytest

from benchmarks.cp_metrics import (
    cover_single,
    covering,
    f1_score,
    precision_recall,
    segments,
    true_positives,
)


def test_a_prediction_matches_at_most_one_true_point() -> None:
    assert true_positives({1, 10, 20, 23}, {3, 8, 20}) == {1, 10, 20}
    assert true_positives({1, 10, 20, 23}, {1, 3, 5, 8, 20}) == {1, 10, 20}
    assert true_positives({10, 12}, {11}) == {10}  # 11 is used up by 10
    assert true_positives(set(), {1, 2}) == set()
    assert true_positives({1, 2}, set()) == set()


def test_margin_is_inclusive() -> None:
    assert true_positives({10}, {15}, margin=5) == {10}
    assert true_positives({10}, {16}, margin=5) == set()


def test_precision_against_the_union_recall_averaged_over_annotators() -> None:
    annotations = {"a": [10, 20], "b": [10]}
    # predictions {0, 11, 50}; union {0, 10, 20}: 0 and 10 found -> precision 2/3
    # recall: a finds {0, 10} of {0, 10, 20} = 2/3, b finds both of {0, 10} = 1 -> 5/6
    p, r = precision_recall(annotations, [11, 50])
    assert p == pytest.approx(2 / 3)
    assert r == pytest.approx(5 / 6)
    assert f1_score(annotations, [11, 50]) == pytest.approx(20 / 27)


def test_index_zero_always_counts() -> None:
    assert f1_score({"a": [], "b": []}, []) == 1.0
    # one spurious point: precision 1/2, recall 1 -> F1 2/3
    assert f1_score({"a": []}, [40]) == pytest.approx(2 / 3)


def test_segments_ignore_zero_and_points_outside() -> None:
    assert segments([0, 3, 3, 12], 10) == [range(0, 3), range(3, 10)]
    assert segments([], 4) == [range(0, 4)]


def test_cover_by_hand() -> None:
    # truth [0,5) [5,10); one predicted segment overlaps each by half
    assert cover_single([5], [], 10) == pytest.approx(0.5)
    # predicted [0,3) [3,10): J([0,5),[0,3)) = 3/5, J([5,10),[3,10)) = 5/7
    assert cover_single([5], [3], 10) == pytest.approx((5 * 0.6 + 5 * 5 / 7) / 10)
    assert cover_single([5], [5], 10) == 1.0


def test_covering_averages_annotators() -> None:
    assert covering({"a": [5], "b": []}, [], 10) == pytest.approx(0.75)
    with pytest.raises(ValueError):
        covering({}, [], 10)
