"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time
from decimal import Decimal

from app import Declaration, DeclarationLine, TariffClassifier, batch_report

ORIGINS = ["CN", "US", "JP", "KR", "CH", "NO", "TR", "VN", "IN", "MX", "CA", "ZA"]
PARTNERS = ["CH", "NO", "TR", "JP", "KR", "VN", "MX", "CA", "ZA"]


def build_tariff(rng: random.Random) -> tuple[list[str], list[str], list[str]]:
    nomenclature = ["# code|description"]
    rates = ["# prefix|rate"]
    codes: list[str] = []
    for chapter in range(1, 98):
        if chapter == 77:
            continue
        rates.append(f"{chapter:02d}|{rng.choice([0, 2, 3.5, 4.7, 6.5, 8, 12])}%")
        for heading in range(1, rng.randint(4, 12)):
            head = f"{chapter:02d}{heading:02d}"
            if rng.random() < 0.3:
                rates.append(f"{head}|{rng.choice([0, 1.7, 2.7, 5, 10, 16])}%")
            for sub in rng.sample(range(10, 100), rng.randint(2, 7)):
                for split in ("00",) if rng.random() < 0.5 else ("10", "30", "90"):
                    code = f"{head}{sub:02d}{split}"
                    codes.append(code)
                    nomenclature.append(f"{code[:4]}.{code[4:6]}.{code[6:]}|goods of {head}")
    return nomenclature, rates, codes


def make_input() -> tuple[TariffClassifier, list[Declaration]]:
    rng = random.Random(7)
    nomenclature, rates, codes = build_tariff(rng)
    classifier = TariffClassifier(nomenclature, rates, PARTNERS)
    declarations = []
    for d in range(150):
        lines = []
        for n in range(1, rng.randint(2, 12)):
            code = rng.choice(codes)
            roll = rng.random()
            if roll < 0.15:
                code = code[:6] + "50"  # broker guessed a national split
            elif roll < 0.2:
                code = f"{rng.randint(1, 97):02d}{rng.randint(1, 99):02d}11"
            elif roll < 0.45:
                code = f"{code[:4]} {code[4:6]} {code[6:]} {rng.randint(10, 99)}"
            lines.append(
                DeclarationLine(
                    n,
                    code,
                    "assorted goods",
                    rng.choice(ORIGINS),
                    Decimal(rng.randint(50, 250_000)) / 10,
                    Decimal(rng.randint(1, 5000)) / 10,
                    rng.random() < 0.4,
                )
            )
        declarations.append(
            Declaration(f"DEC{d:06d}", f"GB{rng.randint(10**8, 10**9)}", tuple(lines))
        )
    return classifier, declarations


def run(data: tuple[TariffClassifier, list[Declaration]]) -> float:
    classifier, declarations = data
    report = batch_report(classifier, declarations)
    return float(report["duty"] + report["vat"])


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
