"""Canary analysis on real processes profiled with py-spy: a planted regression (one function
does twice the work) fails naming it; an identical canary passes.

Both are judged at a sample count, not a duration, with the planted change large enough for
the noise that a loaded machine brings: py-spy samples a thread that is runnable but not
running as busy, so (as we read it) on a shared machine a window's samples come in runs of
one stack, one run per time slice the scheduler gives the process, and the windows' shares
scatter by far more than sampling noise (over-dispersion 7 to 60 measured on a shared
two-core machine). The
windows go on until each side holds enough samples for the planted change to stand
``EXPECTED_Z`` standard errors clear at an over-dispersion of ``DISPERSION``.
A +10% change over a fixed 72 seconds was judged ``marginal``, or ``pass``, under load."""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from collectors.pyspy import PySpyCollector
from efficiency.detect.canary import CanaryThresholds, Window, analyze, windows_from_folded

#: two functions of equal cost; the canary's ``tax`` does ``EXTRA`` times the work. Each call
#: does a random amount of work, so that the loop's period cannot beat against py-spy's fixed
#: sampling interval (a window's shares would then drift with their phase)
PROGRAM = """
import random, sys, time
EXTRA = float(sys.argv[1])
rng = random.Random(7)
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
    n = rng.randint(2000, 40000)
    price(n)
    tax(int(n * EXTRA))
end = time.time() + 600
while time.time() < end:
    handle()
"""


#: the canary's ``tax`` does this many times the control's work
PLANTED = 2.0
#: where the planted change should stand, in standard errors, and the over-dispersion of the
#: windows it allows for
EXPECTED_Z, DISPERSION = 8.0, 30.0
WINDOW_S = 3
#: a guard against a machine that yields no samples at all, not a duration to tune
MAX_WINDOWS = 200


def samples_needed(extra: float) -> int:
    """Samples per side for a share that moves from one half to ``extra / (1 + extra)`` to
    stand ``EXPECTED_Z`` standard errors clear (two-proportion test, over-dispersed)."""
    delta = extra / (1 + extra) - 0.5
    return math.ceil(2 * 0.25 * DISPERSION * (EXPECTED_Z / delta) ** 2)


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
    """Windows of a control and a canary recorded over the same wall-clock windows, until
    each side holds the samples the planted change needs (at least six windows)."""
    spy = PySpyCollector(rate_hz=1000)
    canary: list[Window] = []
    control: list[Window] = []
    need = samples_needed(PLANTED)
    with _service(tmp_path, "control", 1.0) as k, _service(tmp_path, "canary", extra) as c:
        while len(canary) < 6 or min(_total(canary), _total(control)) < need:
            assert len(canary) < MAX_WINDOWS, f"py-spy got {_total(canary)} samples"
            runs = [spy.start_window(c.pid, WINDOW_S), spy.start_window(k.pid, WINDOW_S)]
            rc, rk = (r.wait() for r in runs)
            canary.append(windows_from_folded("canary", rc.folded))
            control.append(windows_from_folded("control", rk.folded))
    return canary, control


def _total(windows: list[Window]) -> int:
    return sum(w.total for w in windows)


@pytest.mark.slow
def test_planted_regression_fails_naming_the_function(tmp_path: Path) -> None:
    canary, control = _profile(tmp_path, PLANTED)
    verdict = analyze(canary, control, service_cores=4.0)
    assert verdict.verdict == "fail", verdict.reason
    assert {f.function for f in verdict.failing} == {"tax"}
    top = verdict.failing[0]
    assert top.cores is not None and top.cores > 0 and top.dollars_per_month > 0
    grew = max(verdict.flame_diff, key=lambda row: row["delta"])
    assert grew["stack"].endswith(";tax") and grew["delta"] > 0


@pytest.mark.slow
def test_identical_canary_passes(tmp_path: Path) -> None:
    """``marginal`` is family-wise significance at ``marginal_alpha`` (5%): an identical
    canary is judged ``marginal`` about that often by design, so the pass is asserted with
    ``marginal_alpha`` at the fail level (``alpha``), and the defaults must not fail it."""
    canary, control = _profile(tmp_path, 1.0)
    default = analyze(canary, control, service_cores=4.0)
    assert default.verdict != "fail" and default.failing == [], default.reason
    strict = CanaryThresholds(marginal_alpha=CanaryThresholds().alpha)
    verdict = analyze(canary, control, thresholds=strict, service_cores=4.0)
    assert verdict.verdict == "pass", verdict.reason
    assert verdict.failing == [] and verdict.score == 100.0
