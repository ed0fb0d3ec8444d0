"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import build_index, year_histogram

SURNAMES = ["Smith", "Okafor", "Lindqvist", "Tanaka", "Moreau", "O'Neill", "Silva", "Kaur"]
WORDS = ["tidal", "mixing", "sediment", "estuary", "model", "survey", "coastal", "flux", "wave"]
VENUES = ["Journal of Coastal Research", "Estuaries", "Marine Geology", "Ocean Modelling"]


def _reference(rng: random.Random) -> str:
    authors = "; ".join(
        f"{rng.choice(SURNAMES)}, {chr(65 + rng.randrange(26))}."
        + (f" {chr(65 + rng.randrange(26))}." if rng.random() < 0.4 else "")
        for _ in range(rng.randrange(1, 5))
    )
    year = rng.randrange(1975, 2026)
    title = " ".join(rng.sample(WORDS, rng.randrange(3, 7))).capitalize()
    first = rng.randrange(1, 400)
    parts = [f"{authors} ({year}). {title}. {rng.choice(VENUES)}"]
    if rng.random() < 0.5:
        parts.append(f"{rng.randrange(1, 60)}({rng.randrange(1, 12)})")
    else:
        parts.append(f"vol. {rng.randrange(1, 60)}")
    parts.append(f"{first}-{first + rng.randrange(3, 30)}")
    tail = ""
    if rng.random() < 0.7:
        tail = f". https://doi.org/10.{rng.randrange(1000, 9999)}/ref.{rng.randrange(3000)}"
    return ", ".join(parts) + tail


def make_input() -> list[str]:
    rng = random.Random(3)
    refs = [_reference(rng) for _ in range(2500)]
    for i in range(0, len(refs), 9):
        refs[i] = rng.choice(refs[: i + 1])
    return refs


def run(data: list[str]) -> dict:
    index = build_index(data)
    return {
        "duplicates": index.duplicates(),
        "missing": len(index.missing_doi()),
        "years": year_histogram(index),
    }


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
