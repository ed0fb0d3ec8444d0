"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import (
    FilterThresholds,
    GeneIndex,
    GeneInterval,
    HardFilter,
    VariantCall,
    parse_artifact_lines,
    summarize,
)

CHROMS = [f"chr{n}" for n in range(1, 23)] + ["chrX"]
BASES = "ACGT"


def _allele(rng: random.Random) -> tuple[str, str]:
    ref = rng.choice(BASES)
    roll = rng.random()
    if roll < 0.8:
        return ref, rng.choice([b for b in BASES if b != ref])
    if roll < 0.9:
        return ref + "".join(rng.choice(BASES) for _ in range(rng.randint(1, 4))), ref
    return ref, ref + "".join(rng.choice(BASES) for _ in range(rng.randint(1, 4)))


def make_input() -> tuple[HardFilter, list[VariantCall]]:
    rng = random.Random(11)
    positions = [(rng.choice(CHROMS), rng.randint(10_000, 5_000_000)) for _ in range(6000)]
    alleles = [_allele(rng) for _ in positions]
    artifact_lines = ["#chrom\tpos\tref\talt"]
    for (chrom, pos), (ref, alt) in zip(positions[:2500], alleles[:2500], strict=True):
        artifact_lines.append(f"{chrom}\t{pos}\t{ref}\t{alt}")
    artifact_lines.append("chr1\tbroken")
    genes = []
    for chrom in CHROMS:
        start = 10_000
        for g in range(40):
            start += rng.randint(20_000, 90_000)
            genes.append(
                GeneInterval(chrom, start, start + rng.randint(5_000, 60_000), f"{chrom}G{g}")
            )
    hard_filter = HardFilter(
        FilterThresholds(), parse_artifact_lines(artifact_lines), GeneIndex(genes)
    )
    calls = []
    for _ in range(3000):
        idx = rng.randrange(len(positions))
        chrom, pos = positions[idx]
        ref, alt = alleles[idx]
        depth = rng.randint(5, 400)
        calls.append(
            VariantCall(
                chrom,
                pos,
                ref,
                alt,
                round(rng.uniform(5, 99), 1),
                depth,
                rng.randint(0, depth),
                round(rng.random(), 2),
            )
        )
    return hard_filter, calls


def run(data: tuple[HardFilter, list[VariantCall]]) -> int:
    hard_filter, calls = data
    summary = summarize(hard_filter.run(calls))
    return summary["status"].get("PASS", 0)


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
