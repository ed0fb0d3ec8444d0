"""Which change (deploy, config change) most likely caused a detection: rank the changes of
the affected service by how well their time matches the onset.

The onset is only known to the bucket: the first bucket at the new level. A change inside
that bucket matches perfectly (score 1). One before it may still be the cause when the
rollout was gradual or the old level lingered, so its score decays with the distance, by
``e`` per bucket. The onset itself can be a bucket early (a window that straddles the deploy
shifts the best split), so a change in the bucket right after the onset bucket scores 0.5;
later ones cannot have caused it (score 0), and changes older than ``max_buckets_before``
are not considered at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class SuspectedChange:
    change_id: int
    score: float
    #: seconds from the change to the start of the onset bucket (negative: inside it)
    lead_seconds: float


def rank_changes(
    changes: pd.DataFrame,
    service: str,
    onset: pd.Timestamp,
    bucket: pd.Timedelta,
    max_buckets_before: int = 6,
) -> list[SuspectedChange]:
    """Changes of ``service`` that could explain an onset in the bucket starting at
    ``onset``, best first. ``changes`` has the columns ``id``, ``service``, ``at``."""
    if changes.empty:
        return []
    mine = changes[changes["service"] == service]
    lead = (onset - mine["at"]).dt.total_seconds().to_numpy(dtype=np.float64)
    step = bucket.total_seconds()
    ok = (lead > -2 * step) & (lead <= max_buckets_before * step)
    score = np.where(lead > 0, np.exp(-lead / step), np.where(lead > -step, 1.0, 0.5))
    ranked = sorted(
        (
            SuspectedChange(int(cid), float(s), float(d))
            for cid, s, d, keep in zip(mine["id"], score, lead, ok, strict=True)
            if keep
        ),
        key=lambda c: (-c.score, c.lead_seconds),
    )
    return ranked
