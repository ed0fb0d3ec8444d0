"""Benjamini-Hochberg across a pass's series, the cost floor, and onsets refined to the
windows' resolution."""

from __future__ import annotations

import numpy as np

from efficiency.detect.floors import Cost, CostFloor, bh_cutoff
from efficiency.detect.onset import onset_posterior, refine_onset


def test_benjamini_hochberg_steps_up_and_ignores_untested_series() -> None:
    p = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])
    # q = 0.05 over 10: p(k) <= 0.005 k holds up to k = 2 (0.008 <= 0.010), not at k = 3
    assert bh_cutoff(p, 0.05) == 0.008
    assert bh_cutoff(np.array([0.02, np.nan, np.nan]), 0.05) == 0.02  # one series tested
    assert bh_cutoff(np.array([0.5, 0.9]), 0.05) == 0.0
    assert bh_cutoff(np.array([]), 0.05) == 0.0


def test_the_cost_decides_where_it_is_known_and_the_share_floors_where_not() -> None:
    floor = CostFloor(min_cores=0.05, min_gpu_hours=1.0, min_relative=0.02, min_absolute=0.0002)
    assert floor.passes(Cost(cores=1.0), relative=0.05, delta=0.001)  # 5% of 2% of 1,000
    assert not floor.passes(Cost(cores=0.0001), relative=0.5, delta=0.05)  # big, but cheap
    assert floor.passes(Cost(gpu_hours=-2.0), relative=-0.01, delta=-0.01)  # an improvement
    assert not floor.passes(Cost(gpu_hours=0.5), relative=0.3, delta=0.1)
    assert floor.passes(Cost(), relative=0.042, delta=0.00084)  # unknown: share floors
    assert not floor.passes(Cost(), relative=0.01, delta=0.01)
    assert "cores (floor 0.05)" in floor.describe(Cost(cores=0.001))


def test_an_onset_is_refined_to_the_window_where_the_share_moved() -> None:
    rng = np.random.default_rng(1)
    n = np.full(200, 1_000_000.0)
    k = rng.binomial(1_000_000, np.where(np.arange(200) >= 137, 0.022, 0.02)).astype(float)
    assert refine_onset(k, n, 130, 150) == 137
    assert refine_onset(k, n, 190, 250) is not None  # clipped to the series
    assert refine_onset(k[:1], n[:1], 0, 5) is None


def test_an_onset_in_a_gap_between_windows_is_the_first_window_after_it() -> None:
    """A window a minute long every ten minutes: every split in the gap is the same split."""
    n = np.where(np.arange(240) % 10 == 0, 50_000.0, 0.0)
    k = np.where(np.arange(240) >= 120, 0.03, 0.02) * n
    assert refine_onset(k, n, 110, 130) == 120


def _fleet_share(seed: int, onset: int = 150) -> tuple[np.ndarray, np.ndarray]:
    """One service's 2% function, +5% from ``onset``, per minute over 8 hosts whose own
    share wobbles by 8% a window (log-normal): about 2 standard errors of a window's share."""
    rng = np.random.default_rng(seed)
    samples = rng.integers(16, 48, 8) * 3000
    p = 0.02 * np.where(np.arange(200)[:, None] >= onset, 1.05, 1.0)
    k = rng.binomial(samples, p * np.exp(rng.normal(0.0, 0.08, (200, 8)))).sum(axis=1)
    return k.astype(float), np.full(200, float(samples.sum()))


def test_the_posterior_of_an_over_dispersed_share_spreads_over_the_windows_near_it() -> None:
    k, n = _fleet_share(3)
    posterior = onset_posterior(k, n, 140, 160)
    assert posterior is not None and abs(posterior.sum() - 1) < 1e-9
    assert not posterior[:140].any() and not posterior[161:].any()
    assert posterior.max() < 0.9  # windows vary more than sampling: no certainty of a window
    # the same share measured without the wobble pins the window
    exact = np.where(np.arange(200) >= 150, 0.021, 0.02) * n
    sharp = onset_posterior(exact, n, 140, 160)
    assert sharp is not None and sharp[150] > 0.999
    assert onset_posterior(k[:1], n[:1], 0, 5) is None


def test_the_onset_most_likely_within_tolerance_is_near_the_change_more_often() -> None:
    """Over 300 over-dispersed fleets the window with the most posterior mass within 3
    windows is within 3 of the change at least as often as the single most likely one, and
    a sharp change at the edge of the scanned range stays at the edge."""
    near = {0: 0, 3: 0}
    for seed in range(300):
        k, n = _fleet_share(1000 + seed)
        for tolerance in near:
            onset = refine_onset(k, n, 140, 160, tolerance)
            near[tolerance] += onset is not None and abs(onset - 150) <= 3
    assert near[3] >= near[0] >= 0.85 * 300
    exact = np.where(np.arange(200) >= 150, 0.021, 0.02) * n
    assert refine_onset(exact, n, 150, 170, 3) == 150
    assert refine_onset(exact, n, 130, 150, 3) == 150
