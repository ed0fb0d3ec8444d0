"""Measuring a proposal: the repository's tests and a benchmark, before and after.

Commands are argument lists run without a shell (nothing from a profile or a repository is
ever interpolated into a command line), each with a time limit. A benchmark's time is the
``seconds`` of the last JSON line it prints (``{"seconds": 0.123}``: the time of the code under
test, without interpreter start-up), else its wall time. Before and after runs alternate, the
side that goes first swapping every round (AB BA AB ...), so a machine getting busier slows
both sides alike and neither side always runs second (on a warmer cache, say).

The speedup is the geometric mean of the paired ratios before/after (one pair per round)
with a 95% Student t interval on the mean log ratio. (A percentile bootstrap of that mean, used
before, is too narrow for the ten or so rounds a verification runs: on normal data with ten
rounds its "95%" interval held the true value 89.5% of the time in the simulation made when it
was replaced; the rounded t interval holds it 96.5% of the time in
``tests/remediate/test_verify.py``'s simulation, ten rounds of 3% noise.) The
bounds are rounded outward to three decimals and the ``verdict`` is read from the rounded
bounds, so a record never says "faster" while its stored interval reaches 1.0. It claims a
speedup only when the whole interval lies above 1.0, a slowdown only when it lies below; an
interval covering 1.0 is "no measurable change", and fewer than three rounds give no interval
at all.
"""

from __future__ import annotations

import json
import math
import statistics
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Run:
    command: tuple[str, ...]
    returncode: int | None  #: None when it timed out or could not start
    seconds: float
    output: str  #: the last lines of stdout and stderr

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def run(command: Sequence[str], cwd: Path, timeout: float) -> Run:
    started = time.perf_counter()
    try:
        done = subprocess.run(
            list(command), cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return Run(
            tuple(command), None, time.perf_counter() - started, f"timed out after {timeout:.0f} s"
        )
    except OSError as exc:
        return Run(tuple(command), None, 0.0, f"cannot run {command[0]}: {exc.strerror or exc}")
    tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-20:])
    return Run(tuple(command), done.returncode, time.perf_counter() - started, tail)


def measured_seconds(result: Run) -> float:
    """The benchmark's own ``{"seconds": x}`` (last JSON line of its output), else wall time."""
    for line in reversed(result.output.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                value = json.loads(line).get("seconds")
            except (ValueError, AttributeError):
                continue
            if isinstance(value, int | float) and value > 0:
                return float(value)
    return result.seconds


def verify(
    before: Path,
    after: Path,
    test_command: Sequence[str] = (),
    bench_command: Sequence[str] = (),
    timeout: float = 600,
    repeats: int = 10,
) -> dict[str, Any]:
    """Tests on both trees, then the benchmark alternating between them; the record stored
    on the proposal (``tests_before``/``tests_after`` pass or fail, the medians, and the
    speedup with its interval and verdict: :func:`speedup_interval`)."""
    record: dict[str, Any] = {}
    if test_command:
        for side, tree in (("before", before), ("after", after)):
            result = run(test_command, tree, timeout)
            record[f"tests_{side}"] = "pass" if result.ok else "fail"
            if not result.ok:
                record[f"tests_{side}_output"] = result.output
    if bench_command:
        times: dict[str, list[float]] = {"before": [], "after": []}
        for i in range(repeats):
            sides = (("before", before), ("after", after))
            for side, tree in sides[::-1] if i % 2 else sides:
                result = run(bench_command, tree, timeout)
                if not result.ok:
                    record["bench_error"] = f"{side}: {result.output[-500:]}"
                    return record
                times[side].append(measured_seconds(result))
        record["bench_before_seconds"] = statistics.median(times["before"])
        record["bench_after_seconds"] = statistics.median(times["after"])
        record["bench_runs"] = repeats
        record.update(speedup_interval(times["before"], times["after"]))
    return record


#: the interval's coverage, and the fewest rounds that give one
CONFIDENCE = 0.95
MIN_ROUNDS = 3


def speedup_interval(before: Sequence[float], after: Sequence[float]) -> dict[str, Any]:
    """``speedup`` (geometric mean of the paired before/after ratios), ``speedup_low`` and
    ``speedup_high`` (its 95% t interval, rounded outward) and the ``verdict`` (module
    docstring)."""
    logs = [math.log(b / a) for b, a in zip(before, after, strict=True) if a > 0 and b > 0]
    if not logs:
        return {"verdict": "not measured: the benchmark reported no time"}
    mean = statistics.fmean(logs)
    point = math.exp(mean)
    out: dict[str, Any] = {"speedup": round(point, 3)}
    if len(logs) < MIN_ROUNDS:
        out["verdict"] = (
            f"no measurable change claimed: {len(logs)} round(s) give no interval "
            f"(at least {MIN_ROUNDS} needed; remediate.verify_repeats)"
        )
        return out
    from scipy.special import stdtrit  # here: only a verification needs scipy (0.7 s to import)

    quantile = float(stdtrit(len(logs) - 1, (1 + CONFIDENCE) / 2))
    half = quantile * statistics.stdev(logs) / math.sqrt(len(logs))
    low = math.floor(math.exp(mean - half) * 1000) / 1000
    high = math.ceil(math.exp(mean + half) * 1000) / 1000
    out["speedup_low"], out["speedup_high"] = low, high
    span = (f"{point:.2f}x (95% interval {interval_text(low, high)}, {len(logs)} interleaved "
            "rounds)")  # fmt: skip
    if low > 1.0:
        out["verdict"] = f"faster: {span}"
    elif high < 1.0:
        out["verdict"] = f"slower: {span}"
    else:
        out["verdict"] = f"no measurable change: {span}, the interval covers 1.0"
    return out


def interval_text(low: float, high: float) -> str:
    """``1.02x to 1.10x``; with three decimals where two would show a bound as 1.00x on the
    other side of 1.0 than it is (``1.004x``, ``0.998x``)."""

    def shown(bound: float) -> str:
        two = f"{bound:.2f}"
        return f"{bound:.3f}x" if two == "1.00" and bound != 1.0 else f"{two}x"

    return f"{shown(low)} to {shown(high)}"


def measured(record: dict[str, Any]) -> bool:
    """Whether a verification record measured a change (its interval excludes 1.0)."""
    return str(record.get("verdict", "")).startswith(("faster", "slower"))
