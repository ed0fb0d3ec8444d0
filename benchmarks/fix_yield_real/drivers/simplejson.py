"""simplejson (pure-Python path: the C speedups are not built in a checkout): encode and
decode the JSON documents of an HTTP API."""

import random
from decimal import Decimal

from _driver import run, use_checkout

use_checkout()

import simplejson  # noqa: E402

rng = random.Random(5)
DOC = {
    "items": [
        {"id": i, "name": f"item \u00e9 {i}", "price": Decimal(f"{rng.uniform(1, 99):.2f}"),
         "tags": [rng.choice(["a", "b", "c"]) for _ in range(4)], "stock": rng.randrange(100),
         "active": rng.random() > 0.2, "meta": {"score": rng.random(), "note": None}}
        for i in range(120)
    ],
    "next": "/api/items?page=2",
}  # fmt: skip
TEXT = simplejson.dumps(DOC, use_decimal=True)


def work() -> None:
    simplejson.dumps(DOC, use_decimal=True)
    simplejson.dumps(DOC, use_decimal=True, indent=2, sort_keys=True)
    simplejson.loads(TEXT, use_decimal=True)


if __name__ == "__main__":
    run(work, bench_reps=45, module=simplejson)
