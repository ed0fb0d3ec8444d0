"""Time the hot path on a fixed input: best of several repeats, one JSON line."""

from __future__ import annotations

import json
import logging
import time

from workload import make_input, run


def main(repeats: int = 7, calls: int = 5) -> None:
    logging.basicConfig(level=logging.INFO)
    data = make_input()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            run(data)
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"seconds": best}))


if __name__ == "__main__":
    main()
