"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import ProteinEntry, export_release

RESIDUES = "ACDEFGHIKLMNPQRSTVWY"
ORGANISMS = [
    ("Homo sapiens", 9606),
    ("Mus musculus", 10090),
    ("Saccharomyces cerevisiae", 559292),
    ("Escherichia coli (strain K12)", 83333),
]


def make_input() -> list[ProteinEntry]:
    rng = random.Random(3)
    entries = []
    sequences = []
    for i in range(1400):
        if sequences and rng.random() < 0.08:
            seq = rng.choice(sequences)
        else:
            seq = "M" + "".join(rng.choice(RESIDUES) for _ in range(rng.randint(40, 500)))
            if rng.random() < 0.01:
                seq += "*"
            sequences.append(seq)
        organism, taxon = rng.choice(ORGANISMS)
        gene = f"GENE{i}" if rng.random() < 0.8 else None
        entries.append(
            ProteinEntry(
                f"P{i:05d}",
                f"PRT{i}_{organism.split()[0][:5].upper()}",
                f"Uncharacterized protein {i}",
                organism,
                taxon,
                gene,
                rng.randint(1, 5),
                rng.random() < 0.3,
                seq,
            )
        )
    return entries


def run(data: list[ProteinEntry]) -> int:
    text, stats = export_release(data, "2024_03")
    return len(text) + stats.written


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
