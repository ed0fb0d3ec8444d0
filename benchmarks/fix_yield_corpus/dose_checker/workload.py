"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import DoseChecker, DoseRule, Finding, Order

RULES = [
    DoseRule("Vancomycin", 10.0, 20.0, 4000.0, 0.5),
    DoseRule("Gentamicin", 3.0, 7.0, 560.0, 0.4),
    DoseRule("Enoxaparin", 0.9, 1.1, 240.0, 0.5),
    DoseRule("Paracetamol", 10.0, 15.0, 4000.0),
    DoseRule("Cefazolin", 20.0, 35.0, 12000.0, 0.5),
    DoseRule("Morphine", 0.05, 0.2, 120.0, 0.75),
]
DRUGS = [
    "vancomycin",
    "Gentamicin",
    "ENOXAPARIN",
    "paracetamol",
    "Cefazolin",
    "morphine",
    "Heparin",
]


def make_input() -> tuple[DoseChecker, list[Order]]:
    orders = []
    for i in range(6000):
        weight = 40.0 + (i * 37) % 80
        drug = DRUGS[i % len(DRUGS)]
        dose = weight * (0.1 + (i * 13) % 30)
        orders.append(
            Order(
                f"ORD{i:06d}",
                f"MRN{i % 900:05d}",
                drug,
                dose,
                1 + i % 4,
                weight,
                15.0 + (i * 7) % 90,
            )
        )
    return DoseChecker(RULES), orders


def run(data: tuple[DoseChecker, list[Order]]) -> list[Finding]:
    checker, orders = data
    return checker.screen(orders)


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
