"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import Listing, screen_all


def make_input() -> list[Listing]:
    rng = random.Random(9031)
    sample_text = (
        "vintage oak dining table with four chairs barely used pickup only solid wood "
        "mid-century lamp brass finish works great original box included kids bike "
        "helmet size small blue road bicycle carbon frame shimano gears leather sofa "
        "three seater grey fabric cushions washable laptop stand aluminium adjustable "
        "hiking boots waterproof size 42 camping tent two person lightweight garden "
        "hose reel 30m ceramic plant pots set of three handmade wool scarf winter coat"
    )
    vocab = sample_text.split()
    flagged = ["replica", "vape", "ivory", "pistol", "cbd"]
    listings = []
    for i in range(400):
        words = rng.choices(vocab, k=rng.randint(40, 90))
        if i % 50 == 7:
            words.insert(rng.randrange(len(words)), rng.choice(flagged))
        title = " ".join(words[:6]).title()
        desc = " ".join(words[6:])
        tags = rng.sample(["home", "garden", "sports", "outdoor", "furniture", "kids"], 2)
        listings.append(Listing(f"L{i:05d}", title, desc, tags))
    return listings


def run(data: list[Listing]) -> dict[str, list[str]]:
    return screen_all(data)


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
