"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import Dish, Label, label_menu

PANTRY = [
    "olive oil", "garlic", "onion", "Shallot", "thyme", "rice", "lemon juice", "black pepper",
    "sea salt", "tomato", "basil", "chickpeas", "Butter", "vegetable stock", "wheat flour",
    "egg", "red onion", "bay leaf", "carrot", "potato", "chicken thigh", "lamb shoulder", "spinach",
    "coriander", "chilli", "ginger", "lime", "coconut milk", "cumin", "paprika", "honey",
]  # fmt: skip
TRACE_POOL = ["sesame seed", "almond", "peanut", "mustard seed", "hazelnut"]


def make_input() -> list[Dish]:
    dishes = []
    for i in range(400):
        n = 10 + i % 9
        ingredients = [PANTRY[(i * 5 + k * 3) % len(PANTRY)] for k in range(n)]
        traces = [TRACE_POOL[(i + k) % len(TRACE_POOL)] for k in range(i % 3)]
        dishes.append(Dish(f"dish-{i:03d}", ingredients, traces))
    return dishes


def run(data: list[Dish]) -> list[Label]:
    return label_menu(data)


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
