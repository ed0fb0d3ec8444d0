"""Canary analysis on real processes profiled with py-spy: a planted +10% in one function
fails naming it; an identical canary passes."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from collectors.pyspy import PySpyCollector
from efficiency.detect.canary import Window, analyze, windows_from_folded

#: two functions of equal cost; the canary's ``tax`` does ``EXTRA`` times the work
PROGRAM = """
import sys, time
EXTRA = float(sys.argv[1])
def price(n):
    t = 0
    for i in range(n):
        t += i * i
    return t
def tax(n):
    t = 0
    for i in range(n):
        t += i * i
    return t
def handle():
    price(2000)
    tax(int(2000 * EXTRA))
end = time.time() + 600
while time.time() < end:
    handle()
"""


@contextmanager
def _service(tmp_path: Path, name: str, extra: float) -> Iterator[subprocess.Popen[bytes]]:
    script = tmp_path / f"{name}.py"
    script.write_text(PROGRAM)
    proc = subprocess.Popen([sys.executable, str(script), str(extra)])
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait()


def _profile(tmp_path: Path, extra: float) -> tuple[list[Window], list[Window]]:
    """Windows of a control and a canary recorded over the same wall-clock window."""
    spy = PySpyCollector(rate_hz=1000)
    canary: list[Window] = []
    control: list[Window] = []
    with _service(tmp_path, "control", 1.0) as k, _service(tmp_path, "canary", extra) as c:
        for _ in range(24):
            runs = [spy.start_window(c.pid, 3), spy.start_window(k.pid, 3)]
            rc, rk = (r.wait() for r in runs)
            canary.append(windows_from_folded("canary", rc.folded))
            control.append(windows_from_folded("control", rk.folded))
    return canary, control


@pytest.mark.slow
def test_planted_ten_percent_fails_naming_the_function(tmp_path: Path) -> None:
    canary, control = _profile(tmp_path, 1.10)
    verdict = analyze(canary, control, service_cores=4.0)
    assert verdict.verdict == "fail", verdict.reason
    assert {f.function for f in verdict.failing} == {"tax"}
    top = verdict.failing[0]
    assert top.cores is not None and top.cores > 0 and top.dollars_per_month > 0
    grew = max(verdict.flame_diff, key=lambda row: row["delta"])
    assert grew["stack"].endswith(";tax") and grew["delta"] > 0


@pytest.mark.slow
def test_identical_canary_passes(tmp_path: Path) -> None:
    canary, control = _profile(tmp_path, 1.0)
    verdict = analyze(canary, control, service_cores=4.0)
    assert verdict.verdict == "pass", verdict.reason
    assert verdict.failing == [] and verdict.score == 100.0
