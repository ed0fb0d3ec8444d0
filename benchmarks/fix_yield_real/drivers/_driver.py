"""What every driver shares: import the package from the checkout it runs in, and run its
workload either for a while (``--seconds N``, what the profiler watches) or a fixed number of
times (``--bench``, printing ``{"seconds": ...}``, what verification times).

A driver runs with the package's checkout as its working directory (``main`` or a proposal's
branch); :func:`use_checkout` puts that checkout first on ``sys.path`` (``src/`` for a src
layout) in place of the drivers' folder, and :func:`run` refuses to time a copy of the package
imported from anywhere else, so a measurement is always of the code on the branch.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path


def use_checkout(src: str = "") -> Path:
    """Put the checkout (the working directory, or its ``src`` folder) first on sys.path."""
    root = (Path.cwd() / src).resolve()
    sys.path[0] = str(root)
    return root


def run(work: Callable[[], object], bench_reps: int, module: object) -> None:
    """``--seconds N``: call ``work`` until N seconds have passed; ``--bench``: call it
    ``bench_reps`` times and print the CPU time they took as JSON (CPU time, not wall time: the
    machine may be shared, and the workload is single-threaded)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--bench", action="store_true")
    args = parser.parse_args()
    where = Path(getattr(module, "__file__", "") or "").resolve()
    if Path.cwd().resolve() not in where.parents:
        sys.exit(f"{getattr(module, '__name__', module)} was imported from {where}, "
                 f"not from the checkout {Path.cwd()}")  # fmt: skip
    work()  # warm caches and lazy imports before anything is timed
    if args.bench:
        started = time.process_time()
        for _ in range(bench_reps):
            work()
        print(json.dumps({"seconds": time.process_time() - started}))
        return
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        work()
