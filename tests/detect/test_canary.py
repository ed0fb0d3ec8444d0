"""Canary analysis through its public functions: false fails on identical pairs resampled from
a recorded py-spy profile, a planted regression, the minimum-sample rule, metrics."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from efficiency.detect.canary import (
    CanaryThresholds,
    Window,
    analyze,
    compare_metric,
    windows_from_folded,
)

#: real py-spy recording of the demo's checkout service (provenance: tests/data/dashboard/README.md)
RECORDED = Path(__file__).parents[1] / "data" / "dashboard" / "checkout_v1.folded"


def _recorded() -> tuple[list[tuple[str, ...]], np.ndarray]:
    w = windows_from_folded("h", RECORDED.read_text())
    stacks = sorted(w.stacks)
    p = np.array([w.stacks[s] for s in stacks], dtype=float)
    return stacks, p / p.sum()


def _side(
    rng: np.random.Generator,
    stacks: list,
    p: np.ndarray,
    hosts: int,
    samples: int,
    concentration: float = 3000.0,
) -> list[Window]:
    """``hosts`` windows: each host's stack mix drawn around ``p`` (hosts differ by more than
    sampling noise: Dirichlet over-dispersion), then ``samples`` samples from it."""
    out = []
    for h in range(hosts):
        mix = rng.dirichlet(p * concentration + 1e-3)
        counts = rng.multinomial(samples, mix)
        out.append(
            Window(f"host{h}", {s: int(c) for s, c in zip(stacks, counts, strict=True) if c})
        )
    return out


def _slower(stacks: list, p: np.ndarray, function: str, extra: float) -> np.ndarray:
    """The stack mix when ``function`` (at the leaf) costs ``1 + extra`` times as much."""
    q = p * np.array([1.0 + extra if s[-1] == function else 1.0 for s in stacks])
    return q / q.sum()


def test_fifty_identical_pairs_at_most_one_false_fail() -> None:
    stacks, p = _recorded()
    rng = np.random.default_rng(16)
    verdicts = [
        analyze(_side(rng, stacks, p, 8, 3000), _side(rng, stacks, p, 8, 3000)).verdict
        for _ in range(50)
    ]
    assert verdicts.count("fail") <= 1
    assert verdicts.count("pass") >= 45


def test_planted_regression_fails_naming_the_function() -> None:
    stacks, p = _recorded()
    leaves = {s[-1] for s in stacks}
    assert "line_total" in leaves
    rng = np.random.default_rng(7)
    canary = _side(rng, stacks, _slower(stacks, p, "line_total", 0.10), 16, 10000)
    verdict = analyze(canary, _side(rng, stacks, p, 16, 10000), service_cores=10.0)
    assert verdict.verdict == "fail"
    assert verdict.failing[0].function == "line_total"
    assert verdict.failing[0].metric == "self" and verdict.failing[0].cores > 0
    assert 0 <= verdict.score < 100
    out = verdict.to_json()
    assert out["functions"][0]["function"] == "line_total" and out["flame_diff"]


def test_too_few_samples_is_insufficient_not_pass() -> None:
    stacks, p = _recorded()
    rng = np.random.default_rng(1)
    verdict = analyze(_side(rng, stacks, p, 2, 5000), _side(rng, stacks, p, 8, 5000))
    assert verdict.verdict == "insufficient"
    assert "canary: 2 windows" in verdict.reason
    few = analyze(_side(rng, stacks, p, 8, 100), _side(rng, stacks, p, 8, 100))
    assert few.verdict == "insufficient" and "800 samples" in few.reason


def test_thresholds_are_checked() -> None:
    with pytest.raises(ValueError, match="alpha"):
        CanaryThresholds(alpha=0.1, marginal_alpha=0.05)
    with pytest.raises(ValueError, match="min_windows"):
        CanaryThresholds(min_windows=1)


def test_latency_metric_mann_whitney() -> None:
    rng = np.random.default_rng(3)
    control = rng.lognormal(3.0, 0.2, 60)
    assert compare_metric("latency", control * 1.3, control[::-1]).status == "fail"
    same = compare_metric("latency", rng.lognormal(3.0, 0.2, 60), control)
    assert same.status == "ok"
    stacks, p = _recorded()
    verdict = analyze(
        _side(rng, stacks, p, 8, 3000),
        _side(rng, stacks, p, 8, 3000),
        metrics={"latency_ms": (list(control * 1.3), list(control))},
    )
    assert verdict.verdict == "fail" and "latency_ms" in verdict.reason
    with pytest.raises(ValueError, match="latency"):
        compare_metric("latency", [1.0], [2.0, 3.0, 4.0])
