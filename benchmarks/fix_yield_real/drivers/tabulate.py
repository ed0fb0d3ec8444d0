"""tabulate: format a report of rows in the table styles a CLI offers."""

import random

from _driver import run, use_checkout

use_checkout()

import tabulate  # noqa: E402

rng = random.Random(7)
HEADERS = ["id", "service", "region", "p50 ms", "p99 ms", "errors", "cost $", "note"]
ROWS = [
    [i, f"svc-{rng.randrange(40)}", rng.choice(["eu-west-1", "us-east-2", "ap-south-1"]),
     round(rng.uniform(1, 80), 2), round(rng.uniform(50, 900), 1), rng.randrange(0, 500),
     f"{rng.uniform(0, 9999):.2f}", rng.choice(["", "ok", "paged twice", "new deploy"])]
    for i in range(150)
]  # fmt: skip


def work() -> None:
    for fmt in ("simple", "grid", "github", "psql", "pipe", "html"):
        tabulate.tabulate(ROWS, HEADERS, tablefmt=fmt, floatfmt=".2f")


if __name__ == "__main__":
    run(work, bench_reps=9, module=tabulate)
