"""Time the hot function on a fixed input: best of several repeats, one JSON line."""

from __future__ import annotations

import json
import time

from app import permalinks
from workload import make_input


def main(repeats: int = 7, calls: int = 10) -> None:
    titles = make_input()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            permalinks(titles)
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"seconds": best}))


if __name__ == "__main__":
    main()
