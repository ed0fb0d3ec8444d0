"""toolz: the group / count / merge pipelines of a data-cleaning script."""

import random

from _driver import run, use_checkout

use_checkout()

import toolz  # noqa: E402
from toolz import curried  # noqa: E402

rng = random.Random(11)
EVENTS = [
    {"user": f"u{rng.randrange(300)}", "kind": rng.choice(["view", "click", "buy"]),
     "amount": rng.randrange(1, 200), "day": rng.randrange(30)}
    for _ in range(2000)
]  # fmt: skip


def work() -> None:
    by_user = toolz.groupby("user", EVENTS)
    toolz.valmap(lambda evs: toolz.frequencies(e["kind"] for e in evs), by_user)
    toolz.merge_with(sum, *({e["user"]: e["amount"]} for e in EVENTS[:400]))
    toolz.pipe(EVENTS, curried.filter(lambda e: e["kind"] == "buy"), curried.pluck("amount"),
               curried.partition_all(10), curried.map(sum), list)  # fmt: skip
    list(toolz.sliding_window(3, range(500)))
    toolz.reduceby("day", lambda acc, e: acc + e["amount"], EVENTS, 0)
    toolz.countby(curried.get("kind"), EVENTS)
    list(toolz.unique(e["user"] for e in EVENTS))
    toolz.assoc_in({}, ["a", "b", "c"], 1)


if __name__ == "__main__":
    run(work, bench_reps=150, module=toolz)
