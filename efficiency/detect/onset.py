"""Onsets at the profiles' own resolution.

Detection runs on buckets (ten minutes by default) so that hosts profiled at different
moments are pooled and three days of history stay a small matrix. A change found there has
its onset at a bucket boundary, up to a bucket away from the true moment, when the profile
windows (a minute each from the agent) say more precisely when it happened: what the deploy
that caused it is matched against. ``refine_onset`` reads the function's samples per window,
only within a bucket either side of the coarse onset, as one change of a binomial proportion
with over-dispersion (hosts and load vary more than sampling alone): every split gets its
profile quasi-likelihood, which gives a posterior over where the change happened, and the
onset is the window most likely to be within ``tolerance`` windows of the true one (with a
small preference for the one closer in expectation). With the noise of a real fleet that
posterior is often spread over several windows with a narrow chance peak a few windows away,
which the single most likely split would pick.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.special import xlogy

from efficiency.detect.functions import FunctionFinding


def _log_likelihood(k: NDArray[np.float64], n: NDArray[np.float64]) -> NDArray[np.float64]:
    """The binomial log-likelihood of ``k`` of ``n`` at its own proportion (up to a constant)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(n > 0, k / np.where(n > 0, n, 1.0), 0.0)
    return xlogy(k, p) + xlogy(n - k, 1.0 - p)


def _dispersion(k: NDArray[np.float64], n: NDArray[np.float64], split: int) -> float:
    """The windows' variance over the binomial one (Pearson's statistic over its degrees of
    freedom) around one level before ``split`` and another from it on; at least 1."""
    seen = n > 0
    level = np.empty_like(n)
    for part in (slice(0, split), slice(split, None)):
        total = n[part].sum()
        level[part] = k[part].sum() / total if total > 0 else 0.0
    var = n * level * (1.0 - level)
    use = seen & (var > 0)
    if use.sum() <= 2:
        return 1.0
    pearson = float(np.sum((k[use] - n[use] * level[use]) ** 2 / var[use]))
    return max(pearson / (use.sum() - 2), 1.0)


def onset_posterior(
    k: NDArray[np.float64], n: NDArray[np.float64], lo: int, hi: int
) -> NDArray[np.float64] | None:
    """The posterior probability, per window, that the share ``k / n`` changed level there,
    for one change somewhere in ``[lo, hi]`` (uniform prior over the splits): each split's
    profile binomial log-likelihood, scaled down by the series' over-dispersion around its
    best split (a quasi-likelihood). A split inside a gap between windows counts for the
    first window after it, with the new level. None when no split in that range has data on
    both sides."""
    lo, hi = max(lo, 1), min(hi, len(n) - 1)
    if lo > hi:
        return None
    ck, cn = np.cumsum(k), np.cumsum(n)
    splits = np.arange(lo, hi + 1)
    k1, n1 = ck[splits - 1], cn[splits - 1]
    k2, n2 = ck[-1] - k1, cn[-1] - n1
    valid = (n1 > 0) & (n2 > 0)
    if not valid.any():
        return None
    ll = np.where(valid, _log_likelihood(k1, n1) + _log_likelihood(k2, n2), -np.inf)
    best = int(splits[np.argmax(ll)])
    weight = np.exp((ll - ll.max()) / _dispersion(k, n, best))
    # the first window with data at or after each split
    data = np.flatnonzero(n > 0)
    first = data[np.searchsorted(data, splits[valid])]
    posterior = np.zeros(len(n))
    np.add.at(posterior, first, weight[valid])
    return posterior / posterior.sum()


#: what a window of expected onset error is worth in probability of being within tolerance:
#: among onsets about as likely to be within it, the one closer in expectation (without it,
#: a change at the edge of the scanned range is placed ``tolerance`` windows inside it, all
#: its mass still in reach). Chosen on simulated over-dispersed fleets, not the benchmark.
CLOSENESS = 0.05


def refine_onset(
    k: NDArray[np.float64], n: NDArray[np.float64], lo: int, hi: int, tolerance: int = 3
) -> int | None:
    """The window, in ``[lo, hi]`` (or the first with data after it), most likely to be within
    ``tolerance`` windows of the change under ``onset_posterior``, less ``CLOSENESS`` times its
    expected distance from it in windows (0: the most likely window). None when no split in
    that range has data on both sides."""
    posterior = onset_posterior(k, n, lo, hi)
    if posterior is None:
        return None
    at = np.flatnonzero(posterior > 0)  # the onset is a window the change can be at
    mass = posterior[at]
    apart = np.abs(at[:, None] - at[None, :])
    score = (apart <= max(tolerance, 0)) @ mass - CLOSENESS * (apart @ mass)
    return int(at[np.argmax(score)])


def window_step(samples: pd.DataFrame, bucket: pd.Timedelta) -> pd.Timedelta | None:
    """The profiles' own resolution: the median window length in whole seconds, when the
    samples carry ``end_at`` and it is at most half a bucket (else there is nothing finer)."""
    if samples.empty or "end_at" not in samples.columns:
        return None
    windows = samples.drop_duplicates("window_id")
    length = (windows["end_at"] - windows["start_at"]).median()
    if pd.isna(length):
        return None
    step = max(pd.Timedelta(length).round("1s"), pd.Timedelta(seconds=1))
    return step if step * 2 <= bucket else None


def refine_onsets(
    findings: list[FunctionFinding],
    samples: pd.DataFrame,
    stacks: Mapping[int, Sequence[str]],
    bucket: pd.Timedelta,
    end: pd.Timestamp,
    tolerance: int = 3,
) -> None:
    """Move each finding's ``onset_at`` to the window within a bucket of its coarse onset
    with the most posterior mass within ``tolerance`` windows (see ``refine_onset``); the
    coarse one stays in its evidence as ``onset_bucket_at``. Findings whose service has no
    finer data keep theirs."""
    step = window_step(samples, bucket)
    if step is None or not findings:
        return
    data = samples.assign(fine=samples["start_at"].dt.floor(step))
    for service in sorted({f.service for f in findings}):
        mine = data[data["service"] == service]
        axis = pd.date_range(mine["fine"].min(), end, freq=step, inclusive="left")
        n = mine.groupby("fine")["count"].sum().reindex(axis, fill_value=0).to_numpy(float)
        for f in (f for f in findings if f.service == service):
            k = _fine_counts(mine, stacks, f, axis)
            at = axis.get_indexer([f.onset_at], method="nearest")[0]
            width = int(bucket / step)
            best = refine_onset(k, n, at - width, at + width, tolerance)
            if best is not None:
                f.evidence["onset_bucket_at"] = f.onset_at.isoformat()
                f.onset_at = axis[best]


def _fine_counts(
    data: pd.DataFrame,
    stacks: Mapping[int, Sequence[str]],
    f: FunctionFinding,
    axis: pd.DatetimeIndex,
) -> NDArray[np.float64]:
    """The finding's function's samples (self: at the leaf; inclusive: anywhere on the
    stack) per fine bucket of ``axis``: only the stacks that hold it are read, so a large
    service costs no function x window matrix."""
    if f.metric == "self":
        ids = [sid for sid, names in stacks.items() if names and names[-1] == f.function]
    else:
        ids = [sid for sid, names in stacks.items() if f.function in names]
    hits = data[data["stack_id"].isin(ids)]
    return hits.groupby("fine")["count"].sum().reindex(axis, fill_value=0).to_numpy(float)
