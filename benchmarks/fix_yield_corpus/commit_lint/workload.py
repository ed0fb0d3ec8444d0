"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import Commit, lint_push

TYPES = ["feat", "fix", "fix", "docs", "refactor", "perf", "chore", "ci", "wip"]
SCOPES = ["", "api", "billing", "ui/forms", "auth", "db"]
WORDS = [
    "add",
    "handle",
    "retry",
    "cache",
    "token",
    "invoice",
    "batch",
    "parser",
    "timeout",
    "column",
    "index",
    "user",
]
AUTHORS = ["dana@corp", "li@corp", "omar@corp", "sam@corp"]


def _message(rng: random.Random) -> str:
    kind, scope = rng.choice(TYPES), rng.choice(SCOPES)
    subject = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(3, 12)))
    if rng.random() < 0.1:
        subject += "."
    header = f"{kind}({scope}): {subject}" if scope else f"{kind}: {subject}"
    body = [
        " ".join(rng.choice(WORDS) for _ in range(rng.randrange(4, 15)))
        for _ in range(rng.randrange(2, 9))
    ]
    trailers = [f"Signed-off-by: {rng.choice(AUTHORS)}"]
    if rng.random() < 0.8:
        trailers.append(f"{rng.choice(['Refs', 'Closes', 'Fixes'])}: PAY-{rng.randrange(9999)}")
    if rng.random() < 0.1:
        trailers.append("BREAKING CHANGE: config keys renamed")
    return "\n".join([header, "", *body, "", *trailers]) + "\n"


def make_input() -> list[Commit]:
    rng = random.Random(2024)
    return [
        Commit(f"{rng.getrandbits(160):040x}", rng.choice(AUTHORS), _message(rng))
        for _ in range(4500)
    ]


def run(data: list[Commit]) -> dict:
    return lint_push(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    data = make_input()
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        run(data)


if __name__ == "__main__":
    main()
