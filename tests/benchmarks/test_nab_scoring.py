"""NAB scoring on tiny files whose scores are worked out by hand (never the whole benchmark).

One file of 100 rows: probation is its first 15 rows, one window covers rows 40..49 (width
10). NAB's position weight is ``sigma(y) = 2 / (1 + e^(5y)) - 1`` and an in-window reward is
divided by ``sigma(-1)`` so that the left edge earns exactly ``tpWeight``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from benchmarks.nab import Profile, file_score, probation_rows, scaled_sigmoid, sweep

STANDARD = Profile("standard", tp=1.0, fp=0.11, fn=1.0)
LOW_FN = Profile("reward_low_FN_rate", tp=1.0, fp=0.11, fn=2.0)
WINDOW = [(40, 49)]
SIGMA_MINUS_1 = 2 / (1 + math.exp(-5)) - 1  # 0.98661...


def fire_at(*rows: int, n: int = 100) -> np.ndarray:
    scores = np.zeros(n)
    scores[list(rows)] = 1.0
    return scores


def test_probation_is_15_percent_capped_at_750_rows() -> None:
    assert probation_rows(100) == 15
    assert probation_rows(1127) == 169  # floor
    assert probation_rows(22695) == 750


def test_scaled_sigmoid_values() -> None:
    assert scaled_sigmoid(0.0) == pytest.approx(0.0)
    assert scaled_sigmoid(-1.0) == pytest.approx(0.986614, abs=1e-6)
    assert scaled_sigmoid(1.0) == pytest.approx(-0.986614, abs=1e-6)
    assert scaled_sigmoid(3.0) == -1.0  # from 3 on: exactly the full cost


def test_detection_at_the_left_edge_earns_the_full_reward() -> None:
    assert file_score(fire_at(40), WINDOW, STANDARD, 0.5) == pytest.approx(1.0)


def test_detection_at_the_right_edge_earns_almost_nothing() -> None:
    # position -(49 - 49 + 1) / 10 = -0.1
    expected = (2 / (1 + math.exp(-0.5)) - 1) / SIGMA_MINUS_1  # 0.24824
    assert file_score(fire_at(49), WINDOW, STANDARD, 0.5) == pytest.approx(expected)
    assert expected == pytest.approx(0.24824, abs=1e-5)


def test_only_the_earliest_detection_in_a_window_counts() -> None:
    # row 45: position -0.5 -> sigma(-0.5) / sigma(-1) = 0.85979
    expected = (2 / (1 + math.exp(-2.5)) - 1) / SIGMA_MINUS_1
    assert file_score(fire_at(45, 46, 49), WINDOW, STANDARD, 0.5) == pytest.approx(expected)


def test_false_positive_before_the_first_window_costs_fp_weight() -> None:
    # window missed (-1) and a false positive with no window before it (-0.11)
    assert file_score(fire_at(20), WINDOW, STANDARD, 0.5) == pytest.approx(-1.11)


def test_false_positive_after_a_window_is_weighted_by_its_distance() -> None:
    # row 58 is (58 - 49) / (10 - 1) = 1 window past the right edge: 0.11 * sigma(1)
    got = file_score(fire_at(40, 58), WINDOW, STANDARD, 0.5)
    assert got == pytest.approx(1.0 - 0.11 * SIGMA_MINUS_1)
    # just after the edge it is nearly free; 3 widths or more on, it costs the full 0.11
    assert file_score(fire_at(40, 50), WINDOW, STANDARD, 0.5) == pytest.approx(
        1.0 + 0.11 * (2 / (1 + math.exp(5 / 9)) - 1)
    )
    assert file_score(fire_at(40, 80), WINDOW, STANDARD, 0.5) == pytest.approx(1.0 - 0.11)


def test_a_missed_window_costs_fn_weight() -> None:
    assert file_score(np.zeros(100), WINDOW, STANDARD, 0.5) == pytest.approx(-1.0)
    assert file_score(np.zeros(100), WINDOW, LOW_FN, 0.5) == pytest.approx(-2.0)


def test_detections_in_the_probation_period_count_for_nothing() -> None:
    assert file_score(fire_at(3, 14, 40), WINDOW, STANDARD, 0.5) == pytest.approx(1.0)
    # row 15 is the first scored row
    assert file_score(fire_at(15, 40), WINDOW, STANDARD, 0.5) == pytest.approx(0.89)


def test_sweep_finds_the_best_single_threshold_and_normalizes() -> None:
    """Two files. Scores: file A fires 0.9 at its window's left edge and 0.8 on a false
    positive; file B fires 0.7 in its window. Candidates: nothing (-2), >= 0.9 (A hit: -1),
    >= 0.8 (plus an FP: -1.11), >= 0.7 (both hit: 1 - 0.11 + 1 = 1.89). Best: 0.7."""
    a = np.zeros(100)
    a[40], a[20] = 0.9, 0.8
    b = np.zeros(100)
    b[40] = 0.7
    result = sweep([a, b], [WINDOW, WINDOW], STANDARD)
    assert result.threshold == pytest.approx(0.7)
    assert result.raw == pytest.approx(1.89)
    assert (result.detected, result.windows, result.false_positives) == (2, 2, 1)
    assert result.null == -2.0 and result.perfect == 2.0
    assert result.normalized == pytest.approx(100 * (1.89 + 2) / 4)


def test_never_firing_scores_zero_and_firing_at_every_left_edge_scores_100() -> None:
    files = [WINDOW, [(30, 39), (60, 69)]]
    null = sweep([np.full(100, 0.5)] * 2, files, LOW_FN)
    assert null.normalized == pytest.approx(0.0)
    perfect = sweep([fire_at(40), fire_at(30, 60)], files, LOW_FN)
    assert perfect.normalized == pytest.approx(100.0)


def test_ties_are_one_threshold() -> None:
    """Rows with equal scores are detected together: no threshold splits them."""
    a = np.zeros(100)
    a[40] = a[20] = a[25] = 0.6  # the hit comes with two false positives, always
    result = sweep([a], [WINDOW], STANDARD)
    assert result.false_positives == 2
    assert result.raw == pytest.approx(1.0 - 2 * 0.11)
