"""Share series from profile samples: counts per bucket, recursion, cores, relations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from efficiency.detect.derive import function_shares

T0 = pd.Timestamp("2026-11-22T10:00:00Z")
STACKS = {
    1: ("main", "work", "spin"),
    2: ("main", "work"),
    3: ("main", "rec", "rec", "leaf"),  # recursion: rec counts once per sample
}


def samples(rows: list[tuple[int, str, str, str, float | None, int, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows, columns=["window_id", "service", "host", "start_at", "rate_hz", "stack_id", "count"]
    )
    frame["start_at"] = pd.to_datetime(frame["start_at"], utc=True)
    return frame


def test_counts_totals_and_cores_per_bucket() -> None:
    data = samples(
        [
            (1, "api", "h1", "2026-11-22T10:01:00Z", 100.0, 1, 600),
            (1, "api", "h1", "2026-11-22T10:01:00Z", 100.0, 2, 400),
            (2, "api", "h2", "2026-11-22T10:05:00Z", 100.0, 3, 1000),  # same bucket
            (3, "api", "h1", "2026-11-22T10:21:00Z", 100.0, 1, 300),  # third bucket
        ]
    )
    panel = function_shares(data, STACKS, "10min")
    assert list(panel.buckets) == [T0, T0 + pd.Timedelta("10min"), T0 + pd.Timedelta("20min")]
    row = {f: panel.row("api", f) for f in ("main", "work", "spin", "rec", "leaf")}
    assert panel.n[row["main"]].tolist() == [2000, 0, 300]
    assert panel.incl_k[row["main"]].tolist() == [2000, 0, 300]
    assert panel.self_k[row["main"]].tolist() == [0, 0, 0]
    assert panel.self_k[row["work"]].tolist() == [400, 0, 0]
    assert panel.incl_k[row["rec"]].tolist() == [1000, 0, 0]
    assert panel.self_k[row["leaf"]].tolist() == [1000, 0, 0]
    # 2000 samples at 100 Hz = 20 CPU-s over a 600 s bucket
    assert panel.cores[row["spin"]][0] == pytest.approx(20 / 600)
    assert panel.cores[row["spin"]][1] == 0 or np.isnan(panel.cores[row["spin"]][1])
    assert panel.descendants["api"]["work"] == {"spin"}
    assert panel.ancestors["api"]["leaf"] == {"main", "rec"}


def test_unknown_rate_leaves_cores_unknown_and_services_apart() -> None:
    data = samples(
        [
            (1, "api", "h1", "2026-11-22T10:01:00Z", None, 1, 10),
            (2, "web", "h1", "2026-11-22T10:01:00Z", 50.0, 2, 10),
        ]
    )
    panel = function_shares(data, STACKS, "10min")
    assert np.isnan(panel.cores[panel.row("api", "main")][0])
    assert panel.cores[panel.row("web", "main")][0] == pytest.approx(10 / 50 / 600)
    assert panel.row("web", "spin") is None


def test_a_bucket_one_service_misses_has_no_samples_not_nan() -> None:
    """A service restarting during a deploy misses a window the others have: its total in
    that bucket is 0 (what the detector needs), not NaN."""
    data = samples(
        [
            (1, "api", "h1", "2026-11-22T10:01:00Z", 100.0, 1, 10),
            (2, "web", "h1", "2026-11-22T10:01:00Z", 100.0, 2, 10),
            (3, "web", "h1", "2026-11-22T10:11:00Z", 100.0, 2, 10),
            (4, "api", "h1", "2026-11-22T10:21:00Z", 100.0, 1, 10),
            (5, "web", "h1", "2026-11-22T10:21:00Z", 100.0, 2, 10),
        ]
    )
    panel = function_shares(data, STACKS, "10min")
    assert panel.n[panel.row("api", "main")].tolist() == [10, 0, 10]
    assert np.isfinite(panel.n).all()


def test_fixed_range_and_empty_input() -> None:
    data = samples([(1, "api", "h1", "2026-11-22T10:01:00Z", 100.0, 2, 10)])
    panel = function_shares(data, STACKS, "10min", start=T0 - pd.Timedelta("20min"),
                            end=T0 + pd.Timedelta("20min"))  # fmt: skip
    assert len(panel.buckets) == 4
    assert panel.n[panel.row("api", "work")].tolist() == [0, 0, 10, 0]
    empty = function_shares(data.iloc[:0], STACKS, "10min")
    assert empty.n.size == 0 and empty.index.empty
    with pytest.raises(ValueError, match="lack column"):
        function_shares(data.drop(columns=["rate_hz"]), STACKS)


def test_service_cores_from_process_metrics_override_the_profile() -> None:
    from efficiency.detect.derive import service_cores, with_metric_cores

    data = samples(
        [
            (1, "api", "h1", "2026-11-22T10:01:00Z", 100.0, 1, 600),
            (2, "api", "h1", "2026-11-22T10:11:00Z", 100.0, 1, 600),
        ]
    )
    panel = function_shares(data, STACKS, "10min")
    points = pd.DataFrame(
        {
            "ts": pd.to_datetime(
                [
                    "2026-11-22T10:00:30Z",
                    "2026-11-22T10:05:00Z",
                    "2026-11-22T10:02:00Z",
                    "2026-11-22T10:03:00Z",
                ],
                utc=True,
            ),
            "value": [1.0, 3.0, 0.5, 9.0],
            "labels": [
                {"service": "api", "host": "h1", "pid": "10"},
                {"service": "api", "host": "h1", "pid": "10"},
                {"service": "api", "host": "h2", "pid": "10"},
                {"service": "web", "host": "h1", "pid": "11"},
            ],
        }
    )
    cores = service_cores(points, panel.buckets)
    # api in the first bucket: mean 2.0 for h1/10 plus 0.5 for h2/10; nothing in the second
    assert cores.loc["api"].tolist()[0] == pytest.approx(2.5)
    assert np.isnan(cores.loc["api"].tolist()[1])
    profile_estimate = panel.cores[panel.row("api", "spin")][1]
    updated = with_metric_cores(panel, cores)
    row = updated.row("api", "spin")
    assert updated.cores[row][0] == pytest.approx(2.5)
    assert updated.cores[row][1] == pytest.approx(profile_estimate)  # no metrics: profile
    assert updated.cores_measured is not None and updated.cores_measured[row].tolist() == [
        True,
        False,
    ]


def test_regular_series_floors_jitter_and_averages_duplicates() -> None:
    from efficiency.detect.derive import regular_series

    seconds = [0.4, 15.2, 15.9, 30.1, 45.3, 75.0]  # a 15 s scrape with jitter and a retry
    ts = pd.Series(pd.Timestamp("2026-11-22T10:00:00Z") + pd.to_timedelta(seconds, unit="s"))
    out = regular_series(ts, pd.Series([1.0, 2.0, 4.0, 5.0, 7.0, 9.0]))
    offsets = (out.index - pd.Timestamp("2026-11-22T10:00:00Z")).total_seconds().tolist()
    assert offsets == [0, 15, 30, 45, 75]  # the missed scrape at 60 s stays a gap
    assert out.tolist() == [1.0, 3.0, 5.0, 7.0, 9.0]
    assert regular_series(ts.iloc[:0], pd.Series([], dtype=float)).empty
