"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import ModuleSpec, Proposal, YieldModel, synthetic_profile

MODULES = [
    ModuleSpec("MONO-400", 400, -0.0035, 45),
    ModuleSpec("MONO-430", 430, -0.0030, 44),
    ModuleSpec("POLY-330", 330, -0.0041, 47),
]


def make_input() -> tuple[YieldModel, list[Proposal]]:
    rng = random.Random(29)
    climates = {}
    for n in range(8):
        region = f"R{n}"
        climates[region] = synthetic_profile(region, rng.uniform(25, 55), rng.uniform(4, 20))
    model = YieldModel(climates, MODULES)
    proposals = []
    for i in range(900):
        count = rng.randint(6, 40)
        proposals.append(
            Proposal(
                f"PV-{i:04d}",
                f"R{rng.randrange(9)}",
                rng.choice(MODULES).model,
                count,
                round(count * 0.4 * rng.uniform(0.7, 1.1), 1),
                round(rng.uniform(0.85, 1.08), 3),
            )
        )
    return model, proposals


def run(data: tuple[YieldModel, list[Proposal]]) -> float:
    model, proposals = data
    estimates, _ = model.estimate_all(proposals)
    return round(sum(e.annual_kwh for e in estimates), 1)


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
