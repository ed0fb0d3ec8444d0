"""Ranking change events against a detection's onset bucket."""

from __future__ import annotations

import pandas as pd

from efficiency.detect.attribution import rank_changes

ONSET = pd.Timestamp("2026-11-22T10:00:00Z")
BUCKET = pd.Timedelta("10min")


def changes(*rows: tuple[int, str, str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["id", "service", "at"])
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    return frame


def test_a_deploy_inside_the_onset_bucket_ranks_first() -> None:
    ranked = rank_changes(
        changes(
            (1, "api", "2026-11-22T09:35:00Z"),  # 2.5 buckets before
            (2, "api", "2026-11-22T10:04:00Z"),  # inside the onset bucket
            (3, "web", "2026-11-22T10:01:00Z"),  # another service
            (4, "api", "2026-11-22T10:14:00Z"),  # the next bucket: the onset may be early
            (6, "api", "2026-11-22T10:21:00Z"),  # later still: cannot be the cause
            (5, "api", "2026-11-22T08:00:00Z"),  # too old
        ),
        "api",
        ONSET,
        BUCKET,
    )
    assert [c.change_id for c in ranked] == [2, 4, 1]
    assert ranked[0].score == 1.0 and ranked[0].lead_seconds == -240
    assert ranked[1].score == 0.5
    assert 0.05 < ranked[2].score < 0.1  # e^-2.5


def test_no_changes_no_suspects() -> None:
    assert rank_changes(changes(), "api", ONSET, BUCKET) == []
