"""How much faster the ``deepcopy-plain`` helper copies than ``copy.deepcopy``, side by side.

The helper is the function :mod:`efficiency.remediate.codemods.deepcopy_plain_helper` makes (the
same one the codemod inserts into a module), called as a rewritten call calls it:
``helper(copy.deepcopy, data)``. Each shape is copied by both, interleaved (ABAB...) in one
process; the ratio is copy.deepcopy's best time over the helper's. The shapes are what deep
copies on hot paths hold: records of scalars and small lists, plain dataclass instances, a
nested configuration, a list of float rows, and records holding ``datetime.date`` values (a
class with its own reduce, which the helper hands to copy.deepcopy). Results are checked equal
to copy.deepcopy's before timing.

Run: ``make bench-deepcopy-plain`` (``.venv/bin/python -m benchmarks.deepcopy_plain``); prints a
Markdown table. Nothing here is a quality claim: it measures the copy alone; the fix-yield
benchmark measures whole programs.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
import platform
import time
from collections.abc import Callable
from typing import Any

from efficiency.remediate.codemods.deepcopy_plain_helper import _make_deepcopy_plain


@dataclasses.dataclass
class Reading:
    sensor: int
    name: str
    tags: list[str]
    limits: dict[str, float]


def shapes() -> dict[str, Any]:
    """Name -> data to copy (1,000-odd objects each)."""
    return {
        "500 records (dict of scalars, a list, a tuple, a dict)": [
            {
                "id": i,
                "name": f"n{i}",
                "tags": ["a", "b", str(i)],
                "pos": (1.0, 2.0),
                "meta": {"x": i * 1.5, "y": None},
            }
            for i in range(500)
        ],
        "500 flat dicts of scalars": [
            {"id": i, "name": f"n{i}", "v": i * 1.5, "ok": True} for i in range(500)
        ],
        "500 dataclass instances": [
            Reading(i, f"s{i}", ["a", str(i)], {"lo": 0.5, "hi": i * 1.5}) for i in range(500)
        ],
        "nested configuration (200 sites)": {
            "sites": {
                f"s{i}": {"rates": [1.0, 2.0, 3.0] * 5, "name": "x", "limits": {"a": 1, "b": 2}}
                for i in range(200)
            }
        },
        "200 rows of 20 floats": [[float(j) for j in range(20)] for _ in range(200)],
        "300 records holding a datetime.date": [
            {"day": datetime.date(2024, 1, 1 + i % 28), "n": i} for i in range(300)
        ],
    }


def best_times(
    funcs: list[Callable[[Any], Any]], data: Any, rounds: int = 15, number: int = 20
) -> list[float]:
    """Best seconds per call of each function, rounds interleaved."""
    best = [float("inf")] * len(funcs)
    for _ in range(rounds):
        for k, func in enumerate(funcs):
            start = time.perf_counter()
            for _ in range(number):
                func(data)
            best[k] = min(best[k], (time.perf_counter() - start) / number)
    return best


def main() -> int:
    helper = _make_deepcopy_plain()

    def plain(data: Any) -> Any:
        return helper(copy.deepcopy, data)

    rows = []
    for name, data in shapes().items():
        if plain(data) != copy.deepcopy(data):
            raise SystemExit(f"{name}: the helper's copy differs from copy.deepcopy's")
        deep, fast = best_times([copy.deepcopy, plain], data)
        rows.append(f"| {name} | {deep * 1e3:.2f} | {fast * 1e3:.2f} | {deep / fast:.2f}x |")
    print(f"Python {platform.python_version()}, {platform.processor() or platform.machine()}")
    print("| data | copy.deepcopy (ms) | helper (ms) | speedup |")
    print("| --- | ---: | ---: | ---: |")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
