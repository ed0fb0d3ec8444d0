"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import Node, progress, to_opml

WORDS = [
    "plan",
    "draft",
    "review",
    "ship",
    "budget",
    "venue",
    "catering",
    "badges",
    "speakers",
    "slides",
    "travel",
    "hotel",
    "wifi",
    "signage",
    "follow-up",
]


def _grow(rng: random.Random, node: Node, depth: int) -> None:
    if depth >= 6:
        return
    for _ in range(rng.randint(2, 6)):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 5))).capitalize()
        child = node.add(
            Node(
                text,
                note=("See <shared> doc & thread" if rng.random() < 0.15 else ""),
                checked=(rng.random() < 0.5) if rng.random() < 0.6 else None,
                collapsed=rng.random() < 0.2,
                tags=rng.sample(["urgent", "waiting", "ops", "design"], rng.randint(0, 2)),
            )
        )
        _grow(rng, child, depth + 1)


def make_input() -> list[Node]:
    rng = random.Random(14)
    roots = []
    for i in range(5):
        root = Node(f"Workstream {i + 1}")
        _grow(rng, root, 1)
        roots.append(root)
    return roots


def run(data: list[Node]) -> int:
    doc = to_opml("Conference 2025 planning", data, owner="events team")
    done, total = 0, 0
    for root in data:
        d, t = progress(root)
        done += d
        total += t
    return len(doc) + done * 1000 + total


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
