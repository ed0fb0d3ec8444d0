"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import Parcel, QuoteLine, RateCard, quote_all

ZONES = [f"z{i}" for i in range(40)]


def _card(carrier: str, scale: int) -> RateCard:
    return RateCard(
        carrier=carrier,
        base_cents={"*": 900 * scale, **{z: 400 + 10 * i * scale for i, z in enumerate(ZONES)}},
        per_kg_cents={z: 50 + i * scale for i, z in enumerate(ZONES[:30])},
        surcharge_cents={"fragile": 300, "oversize": 1200 * scale, "cold": 800, "signed": 0},
        max_kg=30 * scale,
    )


CARDS: dict[str, RateCard] = {
    name: _card(name, i + 1) for i, name in enumerate(("dhl", "ups", "gls"))
}


def make_input(n: int = 1200) -> list[Parcel]:
    carriers = ("dhl", "ups", "gls")
    flag_sets = ((), ("fragile",), ("cold", "signed"), ("oversize", "fragile"), ("express",))
    return [
        Parcel(f"p{i}", carriers[i % 3], f"z{i % 47}", 1 + i % 41, flag_sets[i % 5])
        for i in range(n)
    ]


def run(data: list[Parcel]) -> list[QuoteLine]:
    return quote_all(data, CARDS)


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
