"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time
from datetime import datetime, timedelta

from app import Article, build_digests, digest_sizes

WORDS = [
    "council",
    "vote",
    "budget",
    "storm",
    "river",
    "rally",
    "market",
    "shares",
    "league",
    "final",
    "study",
    "patients",
    "museum",
    "festival",
    "minister",
    "court",
    "ruling",
    "energy",
    "grid",
    "startup",
    "chip",
    "launch",
    "season",
    "coach",
    "trial",
    "data",
    "drought",
    "harvest",
    "tariff",
    "union",
    "strike",
    "election",
    "poll",
    "debate",
    "opera",
    "gallery",
    "novel",
    "climate",
]
SECTIONS = [
    "world",
    "national",
    "business",
    "tech",
    "science",
    "sport",
    "culture",
    "opinion",
    "local",
]
AUTHORS = ["A. Moreno", "B. Okafor", "C. Lindqvist", "D. Haddad", "E. Park", "F. Novak", "G. Reyes"]


def make_input() -> tuple[list[Article], datetime]:
    rng = random.Random(77)
    edition = datetime(2024, 11, 5, 6, 0)
    articles = []
    for i in range(4200):
        headline = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 11))).capitalize()
        summary = " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 40)))
        articles.append(
            Article(
                f"{i:05d}-{headline.split()[0].lower()}",
                rng.choice(SECTIONS),
                headline,
                rng.choice(AUTHORS),
                edition - timedelta(minutes=rng.randrange(720)),
                summary,
                rng.randint(150, 2600),
                rng.random() < 0.25,
                tuple(rng.sample(WORDS, rng.randint(0, 3))),
            )
        )
    return articles, edition


def run(data: tuple[list[Article], datetime]) -> int:
    articles, edition = data
    return sum(digest_sizes(build_digests(articles, edition, "https://news.example.com/")).values())


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
