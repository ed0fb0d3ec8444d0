"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import Dog, load_registry, pedigree_dot

AFFIXES = ["Brackenhill", "Oakmere", "Stormway", "Kilbride", "Fenwold", "Ashgrove", "Tarnside"]
CALL_NAMES = [
    "Bramble",
    "Juno",
    "Rook",
    "Pip",
    "Maple",
    "Hector",
    "Wren",
    "Sorrel",
    "Flint",
    "Nell",
]
TITLES = ["", "", "", "CH", "SH CH", "FT CH", "JW"]


def make_input() -> tuple[dict[str, Dog], list[str]]:
    rng = random.Random(41)
    rows = []
    dogs: list[tuple[str, str]] = []  # (reg_no, sex) of dogs old enough to breed
    for i in range(2600):
        reg_no = f"AV{100000 + i * 7}"
        sex = rng.choice("DB")
        born = 2004 + i // 150
        sires = [d for d, s in dogs[-400:] if s == "D"]
        dams = [d for d, s in dogs[-400:] if s == "B"]
        # breeders reuse a few popular sires, which produces line breeding
        sire = rng.choice(sires[:12] if rng.random() < 0.3 and sires else sires) if sires else ""
        dam = rng.choice(dams) if dams and rng.random() > 0.05 else ""
        if sire and rng.random() < 0.04:
            sire = f"IMP{rng.randint(1000, 9999)}"  # imported, not on our register
        title = rng.choice(TITLES)
        rows.append(
            {
                "reg_no": reg_no,
                "name": f"{rng.choice(AFFIXES)} {rng.choice(CALL_NAMES)} {i}",
                "sex": sex,
                "born": str(born),
                "sire": sire,
                "dam": dam,
                "titles": title,
            }
        )
        dogs.append((reg_no, sex))
    registry = load_registry(rows)
    subjects = [r["reg_no"] for r in rows[-1500:]]
    return registry, subjects


def run(data: tuple[dict[str, Dog], list[str]]) -> int:
    registry, subjects = data
    return len(pedigree_dot(registry, subjects, generations=5))


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
