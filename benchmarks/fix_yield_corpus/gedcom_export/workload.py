"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time
from datetime import date

from app import Event, Family, Person, export

GIVEN_M = [
    "John",
    "William",
    "Thomas",
    "James",
    "George",
    "Henry",
    "Edward",
    "Samuel",
    "Joseph",
    "Robert",
]
GIVEN_F = [
    "Mary",
    "Elizabeth",
    "Sarah",
    "Ann",
    "Jane",
    "Margaret",
    "Alice",
    "Emma",
    "Martha",
    "Hannah",
]
SURNAMES = [
    "Smith",
    "Taylor",
    "Brown",
    "Wilson",
    "Walker",
    "Hughes",
    "Ward",
    "Turner",
    "Hill",
    "Cooper",
    "Price",
]
PLACES = [
    "Leeds, Yorkshire, England",
    "Bristol, Gloucestershire, England",
    "Cork, Ireland",
    "Halifax, Nova Scotia, Canada",
    "Boston, Suffolk, Massachusetts, USA",
    "Swansea, Glamorgan, Wales",
]
JOBS = [
    "Weaver",
    "Coal miner",
    "Farm labourer",
    "Blacksmith",
    "Domestic servant",
    "Clerk",
    "",
    "",
    "",
]


def _event(rng: random.Random, year: int) -> Event:
    roll = rng.random()
    if roll < 0.6:
        return Event(
            when=date(year, rng.randrange(1, 13), rng.randrange(1, 29)), place=rng.choice(PLACES)
        )
    if roll < 0.9:
        return Event(approx_year=year, place=rng.choice(PLACES) if rng.random() < 0.5 else "")
    return Event(place=rng.choice(PLACES))


def make_input() -> tuple[list[Person], list[Family]]:
    rng = random.Random(23)
    people: list[Person] = []
    families: list[Family] = []
    generation = []
    for _ in range(40):
        sex = rng.choice("MF")
        generation.append(
            Person(
                len(people) + 1,
                rng.choice(GIVEN_M if sex == "M" else GIVEN_F),
                rng.choice(SURNAMES),
                sex,
                _event(rng, 1780 + rng.randrange(0, 10)),
            )
        )
        people.append(generation[-1])
    year = 1790
    while len(people) < 450:
        men = [p for p in generation if p.sex == "M"]
        women = [p for p in generation if p.sex == "F"]
        rng.shuffle(women)
        nxt = []
        for husband, wife in zip(men, women, strict=False):
            fam = Family(len(families) + 1, husband.pid, wife.pid, marriage=_event(rng, year + 22))
            for k in range(rng.randrange(1, 6)):
                sex = rng.choice("MF")
                note = ""
                if rng.random() < 0.2:
                    note = (
                        f"Baptised in the parish church; see register p.{rng.randrange(1, 400)}.\n"
                        + "Transcribed from the family bible by "
                        + "E. Hughes (e.hughes@example.org). " * rng.randrange(1, 12)
                    )
                child = Person(
                    len(people) + 1,
                    rng.choice(GIVEN_M if sex == "M" else GIVEN_F),
                    husband.surname,
                    sex,
                    _event(rng, year + 24 + 2 * k),
                    occupation=rng.choice(JOBS),
                    note=note,
                )
                if rng.random() < 0.7:
                    child.death = _event(rng, year + 24 + rng.randrange(20, 80))
                people.append(child)
                fam.children.append(child.pid)
                nxt.append(child)
            families.append(fam)
        generation = nxt
        year += 28
    return people, families


def run(data: tuple[list[Person], list[Family]]) -> str:
    people, families = data
    return export(people, families, date(2024, 3, 1), submitter="Family History Society")


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
