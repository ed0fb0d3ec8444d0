"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import RoyaltyCalculator, UsageLine, render_statement

SERVICES = ["spotify", "apple", "deezer", "tidal", "youtube"]
TERRITORIES = ["DE", "FR", "GB", "US", "SE", "BR", "JP", "NL", "PL", "MX"]
CURRENCY = {
    "DE": "EUR",
    "FR": "EUR",
    "NL": "EUR",
    "GB": "GBP",
    "US": "USD",
    "SE": "SEK",
    "BR": "USD",
    "JP": "JPY",
    "PL": "EUR",
    "MX": "USD",
}


def make_input() -> tuple[RoyaltyCalculator, list[UsageLine]]:
    rng = random.Random(24)
    isrcs = [
        f"DE-A{rng.randrange(10, 99)}-{rng.randrange(0, 25):02d}-{n:05d}" for n in range(3_000)
    ]
    catalogue = {
        code: f"Track {i} ({rng.choice(['Live', 'Remix', 'Radio Edit', 'Album'])})"
        for i, code in enumerate(isrcs[:2_600])
    }
    calc = RoyaltyCalculator(
        catalogue,
        0.18,
        {"EUR": 1.0, "GBP": 1.17, "USD": 0.92, "SEK": 0.087, "JPY": 0.0061},
        {"US": 0.30, "BR": 0.15, "JP": 0.20, "MX": 0.25},
    )
    usage = []
    for _ in range(7_000):
        territory = rng.choice(TERRITORIES)
        streams = int(rng.paretovariate(1.2) * 40)
        usage.append(
            UsageLine(
                rng.choice(SERVICES),
                rng.choice(isrcs) if rng.random() > 0.002 else "XX??",
                territory,
                streams,
                round(streams * rng.uniform(0.001, 0.005), 4),
                CURRENCY[territory],
            )
        )
    return calc, usage


def run(data: tuple[RoyaltyCalculator, list[UsageLine]]) -> int:
    calc, usage = data
    statement = calc.statement(usage)
    return len(render_statement(statement, "The Harbour Lights", "2024-Q3"))


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
