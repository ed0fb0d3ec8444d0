"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import DoseCalculator, Order, Patient, build_formulary, ward_summary

DRUGS = [
    "meloxicam",
    "carprofen",
    "robenacoxib",
    "buprenorphine",
    "methadone",
    "butorphanol",
    "ketamine",
    "propofol",
    "alfaxalone",
    "dexmedetomidine",
    "acepromazine",
    "midazolam",
    "diazepam",
    "phenobarbital",
    "levetiracetam",
    "gabapentin",
    "amoxicillin",
    "clavulanate",
    "cefalexin",
    "enrofloxacin",
    "marbofloxacin",
    "doxycycline",
    "metronidazole",
    "clindamycin",
    "ivermectin",
    "milbemycin",
    "selamectin",
    "fenbendazole",
    "praziquantel",
    "furosemide",
    "pimobendan",
    "benazepril",
    "enalapril",
    "amlodipine",
    "maropitant",
    "ondansetron",
    "omeprazole",
    "famotidine",
    "prednisolone",
    "dexamethasone",
    "oclacitinib",
    "cyclosporine",
    "insulin glargine",
    "methimazole",
    "levothyroxine",
    "trilostane",
    "tramadol",
    "atropine",
]
BREEDS = {
    "canine": ["Labrador", "Border Collie", "Greyhound", "Sheltie", "Beagle", "Mixed"],
    "feline": ["DSH", "Maine Coon", "Siamese"],
    "equine": ["Thoroughbred", "Cob"],
    "bovine": ["Holstein", "Angus"],
    "rabbit": ["Lop"],
    "ferret": [""],
}
WEIGHTS = {
    "canine": (2, 60),
    "feline": (2, 9),
    "equine": (200, 650),
    "bovine": (150, 800),
    "rabbit": (1, 6),
    "ferret": (0.5, 2),
}
CONDITIONS = ["renal", "hepatic", "pregnancy", "seizures", "dehydration", "diabetes"]


def make_input() -> tuple[DoseCalculator, list[Order]]:
    rng = random.Random(41)
    formulary = build_formulary(DRUGS, (rng.random() for _ in range(10_000)))
    calc = DoseCalculator(formulary)
    orders = []
    for i in range(120):
        species = rng.choice(list(WEIGHTS))
        lo, hi = WEIGHTS[species]
        patient = Patient(
            f"P{i:05d}",
            species,
            round(rng.uniform(lo, hi), 1),
            rng.choice(BREEDS[species]),
            round(rng.uniform(0.3, 16), 1),
            frozenset(rng.sample(CONDITIONS, rng.randint(0, 2))),
            frozenset(rng.sample(DRUGS, rng.randint(0, 3))),
        )
        drug = rng.choice(DRUGS) if rng.random() < 0.97 else "unknown-compound"
        target = None if rng.random() < 0.6 else round(rng.uniform(0.1, 20), 2)
        orders.append(Order(f"RX{i:06d}", patient, drug, target))
    return calc, orders


def run(data: tuple[DoseCalculator, list[Order]]) -> dict:
    calc, orders = data
    results, _rejected = calc.dose_many(orders)
    return ward_summary(results)


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
