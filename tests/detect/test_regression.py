"""The share regression detector on binomial series with known truth."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from efficiency.detect.regression import ShareRegressionDetector


def series(
    shares: list[float], n: int = 20_000, dispersion: float = 1.0, seed: int = 0, rows: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Counts of ``rows`` series with the given share per bucket. ``dispersion`` > 1 adds
    bucket-to-bucket noise beyond binomial (beta-binomial with that variance inflation)."""
    rng = np.random.default_rng(seed)
    p = np.tile(np.asarray(shares), (rows, 1))
    if dispersion > 1:
        # beta-binomial: variance n p (1-p) (1 + (n-1) rho) = dispersion x binomial
        rho = (dispersion - 1) / (n - 1)
        conc = (1 - rho) / rho
        p = rng.beta(p * conc, (1 - p) * conc)
    k = rng.binomial(n, p)
    return k.astype(float), np.full(p.shape, float(n))


def test_step_is_found_at_its_onset_with_its_size() -> None:
    k, n = series([0.02] * 20 + [0.024] * 12)
    (change,) = ShareRegressionDetector().fit(k, n).predict()
    assert change.kind == "regression"
    assert abs(change.onset - 20) <= 1
    assert change.relative == pytest.approx(0.2, abs=0.05)
    assert change.p_value < 1e-6 and change.samples_after > 0


def test_improvements_are_reported_too() -> None:
    k, n = series([0.10] * 16 + [0.07] * 16, seed=3)
    (change,) = ShareRegressionDetector().fit(k, n).predict()
    assert change.kind == "improvement" and change.relative < -0.2


def test_overdispersed_null_series_stay_quiet() -> None:
    """Hosts and load add noise beyond binomial; a plain two-proportion test would fire on
    most of these series, the dispersion-scaled one on (almost) none."""
    k, n = series([0.05] * 48, dispersion=8.0, seed=7, rows=2000)
    det = ShareRegressionDetector().fit(k, n)
    assert len(det.changes_) <= 2  # alpha = 1e-4 per series: 0.2 expected
    # what ignoring over-dispersion would do: a two-proportion test of the two halves
    half = k.shape[1] // 2
    k1, n1, k2, n2 = k[:, :half].sum(1), n[:, :half].sum(1), k[:, half:].sum(1), n[:, half:].sum(1)
    p = (k1 + k2) / (n1 + n2)
    z = (k2 / n2 - k1 / n1) / np.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    assert (np.abs(z) > 3.9).mean() > 0.1  # |z| > 3.9 is p < 1e-4


def test_a_spike_that_went_away_is_not_a_regression() -> None:
    k, n = series([0.02] * 20 + [0.03] * 10 + [0.02] * 4, seed=1)
    det = ShareRegressionDetector().fit(k, n)
    assert det.predict() == []
    assert any(c.went_away for c in det.changes_)


def test_minimum_effect_hides_tiny_but_certain_changes() -> None:
    k, n = series([0.300] * 16 + [0.306] * 16, n=5_000_000, seed=2)
    det = ShareRegressionDetector(min_relative=0.05).fit(k, n)
    assert det.changes_ and det.changes_[0].p_value < 1e-6  # real, and certain
    assert det.predict() == []  # but a 2% change of share is below the minimum effect
    assert ShareRegressionDetector(min_relative=0.01).fit(k, n).predict()


def test_empty_buckets_count_as_nothing() -> None:
    k, n = series([0.02] * 10 + [0.03] * 10, seed=4)
    k[0, 3:6], n[0, 3:6] = 0, 0
    (change,) = ShareRegressionDetector().fit(k, n).predict()
    assert abs(change.onset - 10) <= 1


def test_short_series_give_nothing_and_bad_input_is_refused() -> None:
    assert ShareRegressionDetector(min_segment=3).fit([[1, 2, 3]], [[10, 10, 10]]).predict() == []
    with pytest.raises(ValueError, match="0 <= k <= n"):
        ShareRegressionDetector().fit([[5.0]], [[4.0]])
    with pytest.raises(ValueError, match="same shape"):
        ShareRegressionDetector().fit([[1.0, 2.0]], [[4.0]])
    with pytest.raises(ValueError, match="alpha"):
        ShareRegressionDetector(alpha=0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 10_000)), min_size=1, max_size=40))
def test_any_counts_give_scores_in_the_unit_interval(pairs: list[tuple[int, int]]) -> None:
    n = np.array([[max(a, b) for a, b in pairs]], dtype=float)
    k = np.array([[min(a, b) for a, b in pairs]], dtype=float)
    det = ShareRegressionDetector(min_segment=2).fit(k, n)
    score = det.score()
    assert score.shape == (1,) and 0.0 <= score[0] <= 1.0
    for c in det.predict():
        assert 2 <= c.onset <= k.shape[1] - 2 and 0 <= c.p_value < det.alpha


def test_counts_must_be_finite() -> None:
    with pytest.raises(ValueError, match="finite"):
        ShareRegressionDetector().fit([[1.0, 2.0, np.nan]], [[10.0, 10.0, 10.0]])


def test_a_cheap_change_of_a_big_service_is_reported_by_its_cost() -> None:
    """+4% of a 2% function in a 1,000-core service (0.8 cores) with host-to-host
    over-dispersion: significant and, its cost known, judged by its cost alone (no relative
    floor hides it); a cost floor above 0.8 cores does."""
    k, n = series([0.02] * 100 + [0.0208] * 100, n=400_000, dispersion=3.0, seed=4)
    cores = np.full(k.shape, 1000.0)
    by_cost = ShareRegressionDetector(min_relative=0.05).fit(k, n, cores=cores)
    [change] = by_cost.predict()
    assert change.kind == "regression" and abs(change.onset - 100) <= 3
    assert by_cost.cost_cores(change) == pytest.approx(0.8, rel=0.25)
    assert ShareRegressionDetector(min_cores=1.0).fit(k, n, cores=cores).predict() == []
    unknown = ShareRegressionDetector(min_relative=0.05).fit(k, n)
    assert unknown.changes_[0].p_value < 1e-4 and unknown.predict() == []  # share floors


def test_a_certain_wobble_of_a_tiny_function_is_not_worth_reporting() -> None:
    """+1% of a function costing 0.01 cores (1% of a 1-core service), measured so densely that
    it is certain: 0.0001 cores is under the cost floor and under the share floors."""
    k, n = series([0.01] * 100 + [0.0101] * 100, n=50_000_000, seed=5)
    cores = np.full(k.shape, 1.0)
    det = ShareRegressionDetector(min_cores=0.5).fit(k, n, cores=cores)
    assert det.changes_[0].p_value < 1e-4
    assert det.cost_cores(det.changes_[0]) == pytest.approx(0.0001, rel=0.5)
    assert det.predict() == []


def test_unknown_cost_falls_back_to_the_share_floors() -> None:
    k, n = series([0.02] * 20 + [0.024] * 12)
    det = ShareRegressionDetector(min_cores=0.5).fit(k, n, cores=np.full(k.shape, np.nan))
    [change] = det.predict()  # +20%: large enough by share
    assert det.cost_cores(change) is None
    with pytest.raises(ValueError, match="cores"):
        ShareRegressionDetector().fit(k, n, cores=-np.ones(k.shape))
