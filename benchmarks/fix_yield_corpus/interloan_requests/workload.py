"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import io
import logging
import random
import string
import time

from app import LoanRequest, load_active_members, process_batch

MATERIALS = ["book", "book", "book", "article", "article", "thesis", "av"]
PATRONS = ["undergrad", "grad", "faculty", "staff", "public"]
JOURNALS = [f"Journal of Studies {n}" for n in range(40)]


def make_input() -> tuple[list[LoanRequest], list[str]]:
    rng = random.Random(11)
    symbols: list[str] = []
    taken: set[str] = set()
    while len(symbols) < 2600:
        symbol = "".join(rng.choices(string.ascii_uppercase, k=rng.randint(3, 5)))
        if symbol not in taken:
            taken.add(symbol)
            symbols.append(symbol)
    out = io.StringIO()
    out.write("symbol,name,status\n")
    for symbol in symbols:
        status = rng.choices(["active", "suspended", "withdrawn"], [90, 6, 4])[0]
        out.write(f"{symbol.lower() if rng.random() < 0.1 else symbol},Library {symbol},{status}\n")
    out.seek(0)
    members = load_active_members(out)
    requests = []
    for i in range(1500):
        material = rng.choice(MATERIALS)
        requests.append(
            LoanRequest(
                f"ILL{i:06d}",
                rng.choice(symbols),
                rng.choice(PATRONS),
                material,
                tuple(rng.sample(symbols, rng.randint(1, 5))),
                rng.choice([1, 2, 3, 7, 14, 30, 30]),
                rng.choice(JOURNALS) if material == "article" else None,
                rng.randint(3, 60) if material == "article" else 0,
            )
        )
    return requests, members


def run(data: tuple[list[LoanRequest], list[str]]) -> float:
    requests, members = data
    result = process_batch(requests, members, daily_capacity=3)
    return result.fees + len(result.lender_load)


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
