"""Function-level findings from realistic share panels: one report per change, at the most
specific frame, and none for cost shifts, dilution or spikes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from efficiency.detect.derive import function_shares
from efficiency.detect.functions import detect_function_changes, seasonal_adjust
from efficiency.detect.regression import ShareRegressionDetector

T0 = pd.Timestamp("2026-11-22T00:00:00Z")
BUCKETS = 24
ONSET = 12


def panel(before: dict[str, float], after: dict[str, float], n: int = 30_000, seed: int = 0,
          hosts: int = 3, revert_at: int | None = None, buckets: int = BUCKETS):  # type: ignore[no-untyped-def]  # fmt: skip
    """Buckets of 10 minutes; each host samples ``n / hosts`` stacks per bucket from the
    stack probabilities ``before`` (until ONSET) and ``after`` (from ONSET on). At 1 Hz the
    service burns n / 600 cores (50 by default), so the changes here cost more than the
    default cost floor and the filters decide."""
    rng = np.random.default_rng(seed)
    names = sorted(set(before) | set(after))
    stacks = {i + 1: tuple(name.split(";")) for i, name in enumerate(names)}
    rows = []
    window = 0
    for b in range(buckets):
        probs = after if ONSET <= b < (revert_at or buckets) else before
        p = np.array([probs.get(name, 0.0) for name in names])
        for h in range(hosts):
            window += 1
            counts = rng.multinomial(n // hosts, p / p.sum())
            start = T0 + pd.Timedelta(minutes=10 * b + h)
            for sid, c in zip(stacks, counts, strict=True):
                if c:
                    rows.append((window, "api", f"h{h}", start, 1.0, sid, int(c)))
    frame = pd.DataFrame(
        rows, columns=["window_id", "service", "host", "start_at", "rate_hz", "stack_id", "count"]
    )
    return function_shares(frame, stacks, "10min")


BASE = {
    "main;handler;parse": 0.10,
    "main;handler;render": 0.30,
    "main;handler": 0.05,
    "main;db;query": 0.25,
    "main;log": 0.30,
}


def test_a_slower_leaf_is_reported_once_at_the_leaf() -> None:
    after = {**BASE, "main;handler;parse": 0.16}  # parse +60%; everything else diluted
    result = detect_function_changes(panel(BASE, after))
    (finding,) = result.findings
    assert (finding.function, finding.metric, finding.kind) == ("parse", "self", "regression")
    assert abs(finding.onset_at - (T0 + pd.Timedelta(minutes=10 * ONSET))) <= pd.Timedelta("10min")
    assert finding.magnitude_cores is not None and finding.magnitude_cores > 0
    reasons = {(d.finding.function, d.reason) for d in result.dropped}
    assert ("handler", "explained-deeper") in reasons or ("handler", "dilution") in reasons
    assert ("parse", "same-function") in reasons
    # the other functions' shares shrank only because parse grew
    assert {f for f, r in reasons if r == "dilution"} >= {"render", "query", "log"}


def test_cost_moved_from_caller_to_callee_is_not_a_regression() -> None:
    # handler's own work moved into a new helper it calls: handler inclusive unchanged
    before = {**BASE, "main;handler": 0.08, "main;handler;render": 0.27}
    after = {**before, "main;handler": 0.02, "main;handler;helper": 0.06}
    result = detect_function_changes(panel(before, after, seed=5))
    assert result.findings == []
    shifted = {d.finding.function for d in result.dropped if d.reason == "cost-shift"}
    assert {"handler", "helper"} <= shifted


def test_inclusive_only_change_is_reported_at_the_caller() -> None:
    # db issues more of twenty kinds of query, each change below the minimum effect
    small = {f"main;db;q{i}": 0.002 for i in range(20)}
    before = {**BASE, "main;db;query": 0.05, "main;log": 0.46, **small}
    after = {**before, **{name: 0.0023 for name in small}}
    result = detect_function_changes(panel(before, after, n=60_000, seed=2))
    assert [(f.function, f.metric, f.kind) for f in result.findings] == [
        ("db", "inclusive", "regression")
    ]


def test_a_spike_that_reverted_is_dropped_as_went_away() -> None:
    after = {**BASE, "main;handler;parse": 0.20}
    # ten buckets at the new level, then four back at the old one
    result = detect_function_changes(panel(BASE, after, revert_at=ONSET + 10, seed=9, buckets=26))
    assert result.findings == []
    assert any(d.reason == "went-away" and d.finding.function == "parse" for d in result.dropped)


def test_improvement_and_stable_services_give_nothing_else() -> None:
    after = {**BASE, "main;db;query": 0.15}
    result = detect_function_changes(panel(BASE, after, seed=4))
    assert [(f.function, f.kind) for f in result.findings] == [("query", "improvement")]
    assert detect_function_changes(panel(BASE, BASE, seed=6)).findings == []


def seasonal_panel(jump: float, seed: int):  # type: ignore[no-untyped-def]
    """Three days of 10-minute buckets; log's share follows a daily shape (+-40%), and from
    the middle of day three parse costs ``jump`` times as much."""
    rng = np.random.default_rng(seed)
    names = sorted(BASE)
    stacks = {i + 1: tuple(name.split(";")) for i, name in enumerate(names)}
    buckets, day = 432, 144
    rows = []
    for b in range(buckets):
        probs = dict(BASE)
        probs["main;log"] = BASE["main;log"] * (1 + 0.4 * np.sin(2 * np.pi * b / day))
        if b >= 360:
            probs["main;handler;parse"] = BASE["main;handler;parse"] * jump
        p = np.array([probs[name] for name in names])
        counts = rng.multinomial(20_000, p / p.sum())
        start = T0 + pd.Timedelta(minutes=10 * b)
        rows += [(b, "api", "h0", start, 1.0, sid, int(c)) for sid, c in zip(stacks, counts,
                 strict=True) if c]  # fmt: skip
    frame = pd.DataFrame(
        rows, columns=["window_id", "service", "host", "start_at", "rate_hz", "stack_id", "count"]
    )
    return function_shares(frame, stacks, "10min")


def test_a_daily_shape_is_not_a_change_but_a_real_one_on_top_of_it_is() -> None:
    quiet = seasonal_panel(jump=1.0, seed=11)
    raw = ShareRegressionDetector().fit(quiet.self_k, quiet.n).predict()
    assert raw  # the scan alone mistakes the daily shape for changes
    filtered = detect_function_changes(quiet, season_buckets=144)
    assert filtered.findings == []

    regressed = detect_function_changes(seasonal_panel(jump=1.5, seed=12), season_buckets=144)
    assert [(f.function, f.metric, f.kind) for f in regressed.findings] == [
        ("parse", "self", "regression")
    ]
    (found,) = regressed.findings
    assert found.onset_at == T0 + pd.Timedelta(minutes=10 * 360)  # the shape does not blur it
    assert found.adjusted and found.evidence["seasonally_adjusted"] is True


def test_seasonal_adjustment_removes_the_shape_and_keeps_a_late_step() -> None:
    rng = np.random.default_rng(0)
    buckets, day = 432, 144
    share = 0.1 * (1 + 0.4 * np.sin(2 * np.pi * np.arange(buckets) / day))
    share[400:] *= 1.5
    n = np.full((1, buckets), 50_000.0)
    k = rng.binomial(n.astype(int), share[None, :]).astype(float)
    adjusted = seasonal_adjust(k, n, day)
    assert adjusted is not None
    flat = adjusted[0, :400] / n[0, :400]
    assert flat.std() < 0.1 * (k[0, :400] / n[0, :400]).std()  # the daily swing is gone
    assert adjusted[0, 400:].mean() / adjusted[0, 350:400].mean() > 1.3  # the step is not
    assert seasonal_adjust(k[:, :200], n[:, :200], day) is None  # under two periods


def test_new_cost_in_its_own_thread_is_reported_at_the_leaf_not_as_a_shift() -> None:
    # a threaded server: the main thread idles in select (its samples outside the threads'
    # entry frame ``run``), request threads price carts; version 2 adds an audit in a worker
    # thread costing as much as the rest. Every other function's share falls, and ``run``
    # (the nearest caller the audit shares with the pricing) rises only by what it had room
    # for: 0.8 -> 0.9, a fifth of the audit's rise
    before = {"main;serve;select": 0.20, "boot;run;handle;price": 0.75, "boot;run;handle": 0.05}
    after = {**before, "boot;run;work;audit": 1.0}
    result = detect_function_changes(panel(before, after, seed=3))
    assert [(f.function, f.metric, f.kind) for f in result.findings] == [
        ("audit", "self", "regression")
    ]
    reasons = {(d.finding.function, d.finding.metric): d.reason for d in result.dropped}
    assert "cost-shift" not in reasons.values()
    assert reasons[("run", "inclusive")] == "explained-deeper"
    assert reasons[("price", "self")] == "dilution"
