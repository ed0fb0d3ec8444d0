"""The held-out fleet generator writes what its docstring says: 4 services x 8 hosts per
window, folded stacks the CLI ingests, and a cost shift that leaves the service total alone."""

from __future__ import annotations

import json

from benchmarks.fleetgen_heldout import HOSTS, ONSET, SERVICES, generate


def _totals(lines: list[str], service: str, leaf: str) -> tuple[int, int]:
    total = part = 0
    for line in lines:
        window = json.loads(line)
        if window["service"] != service:
            continue
        for row in window["data"].splitlines():
            stack, count = row.rsplit(" ", 1)
            total += int(count)
            part += int(count) if leaf in stack else 0
    return total, part


def test_windows_per_service_and_host() -> None:
    lines = generate("regress5", seed=0, windows=3)
    assert len(lines) == 3 * SERVICES * HOSTS
    first = json.loads(lines[0])
    assert first["format"] == "folded" and first["rate_hz"] > 0
    assert first["data"].startswith("main (app.py:1);handler_")


def test_a_cost_shift_moves_cost_between_siblings_only() -> None:
    base = generate("spike", seed=3, windows=ONSET + 20)  # spike over by then: same totals
    shift = generate("shift", seed=3, windows=ONSET + 20)
    after = [line for line in shift if json.loads(line)["start"] >= "2026-06-01T02:40"]
    before = [line for line in base if json.loads(line)["start"] >= "2026-06-01T02:40"]
    total_shift, moved_from = _totals(after, "s0", "leaf_1_1 ")
    total_base, was = _totals(before, "s0", "leaf_1_1 ")
    assert abs(total_shift - total_base) <= 0.001 * total_base
    assert moved_from < 0.7 * was
