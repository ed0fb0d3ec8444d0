"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time
from datetime import date

from app import Originator, Payment, build_payroll_file, routing_check_digit

ORIGINATOR = Originator("HARBOR TOOL WORKS", "1234567890", "021000021")
FIRST = ["ANA", "BEN", "CHLOE", "DMITRI", "ELLA", "FARID", "GRACE", "HUGO", "IRIS", "JONAS"]
LAST = ["ALVAREZ", "BROOKS", "CHEN", "DUBOIS", "EKWUEME", "FISCHER", "GARCIA", "HALL"]


def _routing(rng: random.Random) -> str:
    first8 = f"{rng.randrange(1, 13):02d}{rng.randrange(10**6):06d}"
    return first8 + str(routing_check_digit(first8))


def make_input() -> list[Payment]:
    rng = random.Random(3)
    return [
        Payment(
            employee_id=f"EMP{i:06d}",
            name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            routing=_routing(rng),
            account=str(rng.randrange(10**7, 10**12)),
            account_type=rng.choice(["checking", "checking", "savings"]),
            cents=rng.randrange(40_000, 650_000),
        )
        for i in range(5000)
    ]


def run(data: list[Payment]) -> str:
    return build_payroll_file(ORIGINATOR, date(2026, 3, 13), data)


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
