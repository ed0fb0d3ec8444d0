"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import make_scaler, prep_sheet

ITEMS = [
    "flour",
    "butter",
    "sugar",
    "egg",
    "milk",
    "cream",
    "onion",
    "garlic",
    "stock",
    "rice",
    "tomato",
    "basil",
    "olive oil",
    "salt",
    "pepper",
    "parmesan",
    "lemon",
    "thyme",
]
UNITS = [
    "g",
    "g",
    "g",
    "each",
    "ml",
    "ml",
    "each",
    "each",
    "ml",
    "g",
    "g",
    "g",
    "ml",
    "tsp",
    "tsp",
    "g",
    "each",
    "tbsp",
]


def make_input():
    catalogue = {}
    for r in range(20):
        ingredients = []
        for k in range(10 + r % 6):
            idx = (r * 5 + k * 3) % len(ITEMS)
            ingredients.append(
                {
                    "item": ITEMS[idx],
                    "qty": 10 + (r * 37 + k * 11) % 400,
                    "unit": UNITS[idx],
                    "fixed": k == 0 and r % 4 == 0,
                    "notes": {"prep": ["wash", "chop"][k % 2], "supplier": f"sup-{k % 3}"},
                }
            )
        catalogue[f"recipe-{r:02d}"] = {
            "yield": 4 + r % 5,
            "station": ["pastry", "sauce", "grill", "cold"][r % 4],
            "prep_minutes": 15 + r,
            "minutes_per_10": r % 7,
            "allergens": ["gluten", "dairy", "egg"][: r % 4],
            "ingredients": ingredients,
            "method": [f"step {s}: do the thing carefully" for s in range(8)],
            "tags": {"season": ["spring", "summer"], "diet": ["veg"] if r % 2 else []},
        }
    prices = {item: 0.002 * (i + 1) for i, item in enumerate(ITEMS)}
    scale = make_scaler(catalogue, prices)
    orders = [(f"outlet-{o % 9}", f"recipe-{o % 20:02d}", 5 + (o * 7) % 120) for o in range(250)]
    return scale, orders


def run(data) -> dict:
    scale, orders = data
    return prep_sheet(orders, scale)


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
