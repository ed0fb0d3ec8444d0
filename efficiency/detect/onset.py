"""Onsets at the profiles' own resolution.

Detection runs on buckets (ten minutes by default) so that hosts profiled at different
moments are pooled and three days of history stay a small matrix. A change found there has
its onset at a bucket boundary, up to a bucket away from the true moment, when the profile
windows (a minute each from the agent) say more precisely when it happened: what the deploy
that caused it is matched against. ``refine_onset`` scans the splits of the function's series
at the windows' resolution, only within a bucket either side of the coarse onset, for the one
that best separates before from after (the same two-proportion statistic the detector scans).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from efficiency.detect.functions import FunctionFinding


def refine_onset(k: NDArray[np.float64], n: NDArray[np.float64], lo: int, hi: int) -> int | None:
    """The index in ``[lo, hi]`` of the first fine bucket "after" that maximizes the
    two-proportion |z| of the whole series ``k / n`` split there (moved on to the next
    bucket with data when it falls in a gap); None when no split in that range has data on
    both sides."""
    lo, hi = max(lo, 1), min(hi, len(n) - 1)
    if lo > hi:
        return None
    ck, cn = np.cumsum(k), np.cumsum(n)
    k1, n1 = ck[lo - 1 : hi], cn[lo - 1 : hi]
    k2, n2 = ck[-1] - k1, cn[-1] - n1
    pooled = ck[-1] / cn[-1] if cn[-1] > 0 else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        z = np.where((n1 > 0) & (n2 > 0) & (se > 0), (k2 / n2 - k1 / n1) / se, 0.0)
    if not np.any(z):
        return None
    best = lo + int(np.argmax(np.abs(z)))
    # splits inside a gap between windows are all the same split: the onset is the first
    # window with the new level, not the moment after the last one with the old
    later = np.flatnonzero(n[best:] > 0)
    return best + int(later[0]) if later.size else best


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
) -> None:
    """Move each finding's ``onset_at`` to the window-resolution split within a bucket of
    its coarse onset (see ``refine_onset``); the coarse one stays in its evidence as
    ``onset_bucket_at``. Findings whose service has no finer data keep theirs."""
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
            best = refine_onset(k, n, at - width, at + width)
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
