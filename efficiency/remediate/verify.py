"""Measuring a proposal: the repository's tests and a benchmark, before and after.

Commands are argument lists run without a shell (nothing from a profile or a repository is
ever interpolated into a command line), each with a time limit. A benchmark's time is the
``seconds`` of the last JSON line it prints (``{"seconds": 0.123}``: the time of the code under
test, without interpreter start-up), else its wall time. Before and after runs alternate
(ABAB...), so a machine getting busier slows both sides alike, and the medians are compared.
"""

from __future__ import annotations

import json
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
    repeats: int = 5,
) -> dict[str, Any]:
    """Tests on both trees, then the benchmark alternating between them; the record stored
    on the proposal (``tests_before``/``tests_after`` pass or fail, ``speedup`` = median
    before / median after)."""
    record: dict[str, Any] = {}
    if test_command:
        for side, tree in (("before", before), ("after", after)):
            result = run(test_command, tree, timeout)
            record[f"tests_{side}"] = "pass" if result.ok else "fail"
            if not result.ok:
                record[f"tests_{side}_output"] = result.output
    if bench_command:
        times: dict[str, list[float]] = {"before": [], "after": []}
        for _ in range(repeats):
            for side, tree in (("before", before), ("after", after)):
                result = run(bench_command, tree, timeout)
                if not result.ok:
                    record["bench_error"] = f"{side}: {result.output[-500:]}"
                    return record
                times[side].append(measured_seconds(result))
        record["bench_before_seconds"] = statistics.median(times["before"])
        record["bench_after_seconds"] = statistics.median(times["after"])
        record["speedup"] = round(record["bench_before_seconds"] / record["bench_after_seconds"], 3)
        record["bench_runs"] = repeats
    return record
