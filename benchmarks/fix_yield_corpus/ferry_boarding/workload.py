"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import string
import time

from app import Booking, Deck, GateScan, Lane, board, loading_summary

SAILING = "HOH-RTM-0815"


def make_decks() -> list[Deck]:
    return [
        Deck("CAR", 16, 200.0, frozenset({Lane.CAR, Lane.VAN})),
        Deck("UPPER", 12, 220.0, frozenset({Lane.FREIGHT, Lane.VAN, Lane.CAR})),
        Deck("MAIN", 12, 240.0, frozenset({Lane.FREIGHT, Lane.VAN})),
    ]


def _plate(rng: random.Random) -> str:
    letters = string.ascii_uppercase
    area = rng.choice(letters) + rng.choice(letters)
    return f"{area}{rng.randrange(10, 99)} {''.join(rng.choices(letters, k=3))}"


def make_input() -> tuple[dict[str, Booking], list[GateScan]]:
    rng = random.Random(41)
    bookings = {}
    for i in range(1700):
        lane = rng.choices([Lane.CAR, Lane.VAN, Lane.FREIGHT, Lane.FOOT], [55, 10, 13, 22])[0]
        sailing = SAILING if rng.random() < 0.92 else "HOH-RTM-2300"
        bookings[f"SB{i:06d}"] = Booking(
            ref=f"SB{i:06d}",
            sailing=sailing,
            lane=lane,
            passengers=rng.randrange(1, 2)
            if lane is Lane.FREIGHT
            else rng.choice([1, 1, 2, 2, 2, 3, 4]),
            plate="" if lane is Lane.FOOT else _plate(rng),
            hazmat_class=rng.choice(["3", "8", "2.1"])
            if lane is Lane.FREIGHT and rng.random() < 0.08
            else "",
        )
    scans = []
    ts = 1_717_220_000
    for ref, b in bookings.items():
        if rng.random() < 0.06:
            continue  # no-show
        ts += rng.randrange(1, 12)
        plate = b.plate.lower().replace(" ", "-") if rng.random() < 0.3 else b.plate
        if b.plate and rng.random() < 0.01:
            plate = _plate(rng)
        scans.append(GateScan(ref, plate, ts, max(1, b.passengers - rng.randrange(0, 2))))
        if rng.random() < 0.02:
            scans.append(GateScan(ref, plate, ts + 300, b.passengers))
    for k in range(40):
        scans.append(GateScan(f"XX{k:06d}", _plate(rng), ts + k, 2))
    rng.shuffle(scans)
    return bookings, scans


def run(data: tuple[dict[str, Booking], list[GateScan]]) -> dict:
    bookings, scans = data
    decks = make_decks()
    result = board(SAILING, bookings, scans, decks, max_passengers=3000, hazmat_deck="MAIN")
    return loading_summary(result, decks)


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
