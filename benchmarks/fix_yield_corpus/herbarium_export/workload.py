"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import ExportJob, Specimen, export_occurrences

TAXA = [
    ("Quercus", "robur", "L.", "fagaceae"),
    ("Fagus", "sylvatica", "L.", "fagaceae"),
    ("Carex", "pendula", "Huds.", "cyperaceae"),
    ("Primula", "vulgaris", "Huds.", "primulaceae"),
    ("Orchis", "mascula", "(L.) L.", "orchidaceae"),
    ("Salix", "caprea", "L.", "salicaceae"),
    ("Ranunculus", "acris", "L.", "ranunculaceae"),
    ("Juncus", "effusus", "L.", "juncaceae"),
]
COLLECTORS = ["Druce, G.C.", "Lousley, J.E.", "Salmon, C.E.", "Wolley-Dod, A.H.", "Marshall, E.S."]
PLACES = [
    ("United Kingdom", "Oxfordshire", "Wytham Woods, near the Singing Way"),
    ("United Kingdom", "Surrey", "Box Hill, chalk grassland on the\tsouth slope"),
    ("United Kingdom", "Kent", "Ham Street Woods"),
    ("Ireland", "Clare", "The Burren, limestone pavement near Black Head"),
]
HABITATS = ["Damp oak woodland", "Chalk grassland", "Ditch margin", "Limestone pavement\ngrike", ""]


def make_input() -> tuple[ExportJob, list[Specimen]]:
    rng = random.Random(47)
    specimens = []
    for _ in range(3200):
        genus, epithet, author, family = rng.choice(TAXA)
        country, province, locality = rng.choice(PLACES)
        georef = rng.random() < 0.7
        catalog = "" if rng.random() < 0.01 else f"OXF-{rng.randrange(10**6):07d}"
        year = rng.randint(1850, 2020) if rng.random() < 0.95 else None
        specimens.append(
            Specimen(
                catalog,
                genus,
                epithet,
                author,
                family,
                rng.sample(COLLECTORS, rng.randint(1, 2)),
                str(rng.randint(1, 9999)),
                year,
                rng.randint(1, 12) if rng.random() < 0.8 else None,
                rng.randint(1, 28) if rng.random() < 0.6 else None,
                country,
                province,
                locality,
                round(rng.uniform(51.0, 53.2), 6) if georef else None,
                round(rng.uniform(-9.5, 1.2), 6) if georef else None,
                rng.choice([None, 100, 250, 1000, 5000]),
                rng.choice(HABITATS),
            )
        )
    return ExportJob("OXF", "Herbarium"), specimens


def run(data: tuple[ExportJob, list[Specimen]]) -> int:
    job, specimens = data
    return len(export_occurrences(job, specimens).payload)


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
