"""Time the hot function on a fixed input: best of several repeats, one JSON line."""

from __future__ import annotations

import json
import time

from workload import make_evaluator, make_input


def main(repeats: int = 5, calls: int = 3) -> None:
    data = make_input()
    evaluator = make_evaluator()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            evaluator.evaluate(data)
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"seconds": best}))


if __name__ == "__main__":
    main()
