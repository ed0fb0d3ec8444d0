"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import Gallery, LoanRegistry, plan_gallery

LENDERS = ["Rijksmuseum", "Uffizi", "Private collection", "Tate", "MoMA", "Prado"]
MEDIA = [
    ("oil on canvas", "wall", 150),
    ("works on paper", "wall", 50),
    ("bronze", "plinth", 200),
    ("textile", "case", 50),
    ("ceramic", "case", 150),
]


def make_input() -> tuple[LoanRegistry, list[Gallery], list[str]]:
    rng = random.Random(5)
    registry = LoanRegistry()
    for n in range(320):
        objects = []
        for k in range(rng.randint(1, 6)):
            medium, display, lux = rng.choice(MEDIA)
            rh_mid = rng.choice([45, 50, 50, 55])
            objects.append(
                {
                    "accession": f"L{n:03d}.{k + 1}",
                    "title": f"Untitled {n}-{k}",
                    "medium": medium,
                    "display": display,
                    "value": rng.randrange(50_000, 5_000_000, 1000),
                    "dims_cm": {
                        "h": rng.randint(20, 250),
                        "w": rng.randint(15, 300),
                        "d": rng.randint(2, 120),
                    },
                    "requirements": {
                        "lux": lux,
                        "rh": (rh_mid - 5, rh_mid + 5),
                        "temp": (18, 22) if rng.random() < 0.8 else (16, 24),
                    },
                    "condition_notes": [
                        f"check {i}: stable, minor craquelure" for i in range(rng.randint(0, 4))
                    ],
                    "courier": rng.random() < 0.3,
                }
            )
        registry.register(
            {
                "id": f"LN-{n:04d}",
                "lender": rng.choice(LENDERS),
                "period": ("2025-03-01", "2025-09-30"),
                "objects": objects,
            }
        )
    galleries = [
        Gallery("East Wing 1", 50, (45.0, 55.0), (19.0, 21.0), 9000, 120.0),
        Gallery("Print Room", 50, (46.0, 54.0), (18.0, 22.0), 4000, 40.0),
        Gallery("Sculpture Court", 200, (46.0, 50.0), (19.0, 21.0), 3000, 400.0),
        Gallery("Atrium", 300, (35.0, 65.0), (15.0, 25.0), 6000, 250.0),
    ]
    wanted = [*registry.ids(), "LN-9999"]
    rng.shuffle(wanted)
    return registry, galleries, wanted


def run(data: tuple[LoanRegistry, list[Gallery], list[str]]) -> int:
    registry, galleries, wanted = data
    total = 0
    for gallery in galleries:
        plan = plan_gallery(registry, gallery, wanted)
        total += plan["insured_value"] // 1000 + len(plan["accepted"]) + len(plan["refused"])
    return total


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
