"""parse: extract fields from log lines with format-string patterns, as a log shipper does."""

import random

from _driver import run, use_checkout

use_checkout()

import parse  # noqa: E402

rng = random.Random(3)
LINES = [
    f"2024-03-{rng.randrange(1, 29):02d} 12:{rng.randrange(60):02d}:{rng.randrange(60):02d} "
    f"{rng.choice(['INFO', 'WARN', 'ERROR'])} [{rng.choice(['api', 'db', 'cache'])}] "
    f"request {rng.randrange(10**6)} took {rng.uniform(0.1, 900):.3f} ms user={rng.randrange(500)}"
    for _ in range(200)
]
PATTERN = "{date} {time} {level} [{module}] request {id:d} took {ms:f} ms user={user:d}"
COMPILED = parse.compile(PATTERN)


def work() -> None:
    for line in LINES:
        parse.parse(PATTERN, line)
        COMPILED.parse(line)
        parse.search("took {:f} ms", line)
    list(parse.findall("user={:d}", "\n".join(LINES[:50])))


if __name__ == "__main__":
    run(work, bench_reps=28, module=parse)
