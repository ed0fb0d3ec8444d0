"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import Annotator, Call, Gene

CHROMS = [str(n) for n in range(1, 23)] + ["X"]
SIGNIFICANCE = ["pathogenic", "likely_pathogenic", "benign", "likely_benign", "uncertain"]


def make_input() -> tuple[Annotator, list[Call]]:
    rng = random.Random(19)
    panel_ids = rng.sample(range(1_000_000, 90_000_000), 15000)
    panel = ["#rsid\tclinical_significance"]
    panel += [f"rs{rid}\t{rng.choice(SIGNIFICANCE)}" for rid in panel_ids]
    genes = []
    for i in range(800):
        chrom = rng.choice(CHROMS)
        start = rng.randrange(1, 150_000_000)
        genes.append(Gene(f"GENE{i:04d}", chrom, start, start + rng.randrange(2_000, 250_000)))
    calls = []
    for s in range(12):
        for _ in range(300):
            rid = (
                rng.choice(panel_ids)
                if rng.random() < 0.25
                else rng.randrange(1_000_000, 90_000_000)
            )
            g = rng.choice(genes) if rng.random() < 0.7 else None
            chrom = g.chrom if g else rng.choice(CHROMS)
            pos = rng.randint(g.start, g.end) if g else rng.randrange(1, 150_000_000)
            calls.append(
                Call(
                    f"S{s:03d}",
                    chrom,
                    pos,
                    f"rs{rid}",
                    rng.choice("ACGT"),
                    rng.choice("ACGT"),
                    rng.choice(["0/1", "0/1", "1/1", "0/0", "./."]),
                    rng.randint(3, 80),
                    round(rng.uniform(5, 99), 1),
                )
            )
    return Annotator(panel, genes), calls


def run(data: tuple[Annotator, list[Call]]) -> int:
    annotator, calls = data
    report = annotator.report(calls)
    return sum(len(e["findings"]) * 1000 + e["passing"] for e in report.values())


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
