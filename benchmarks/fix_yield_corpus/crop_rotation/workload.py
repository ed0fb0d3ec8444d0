"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import CROP_FAMILIES, FALLOW, FieldPlan, RotationAuditor


def make_input() -> tuple[RotationAuditor, list[FieldPlan]]:
    crops = [c for fam in CROP_FAMILIES.values() for c in fam] + [FALLOW]
    plans = []
    for i in range(400):
        seasons = tuple(crops[(i * 7 + y * (3 + i % 5)) % len(crops)] for y in range(10))
        plans.append(FieldPlan(f"F-{i:04d}", 2.0 + (i % 9) * 0.5, seasons))
    return RotationAuditor(), plans


def run(data: tuple[RotationAuditor, list[FieldPlan]]) -> dict[str, float]:
    auditor, plans = data
    return auditor.summary(plans)


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
