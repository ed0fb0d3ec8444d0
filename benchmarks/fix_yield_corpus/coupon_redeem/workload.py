"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import per_customer, screen

PREFIXES = ("SAVE", "FREE", "VIP", "SPRG", "XMAS")


def _code(i: int) -> str:
    return f"{PREFIXES[i % len(PREFIXES)]}-{(i * 7919) % 100000:05d}"


def make_input(n: int = 1500) -> tuple[list[tuple[str, str, int]], list[str], list[str]]:
    attempts = []
    for i in range(n):
        code = _code(i % 1900)
        if i % 11 == 0:
            code = code.lower().replace("0", "o")
        if i % 13 == 0:
            code = " " + code[:3] + " " + code[3:]
        if i % 37 == 0:
            code = code + "9"
        attempts.append((f"cust-{(i * 31) % 400:03d}", code, 500 + (i * 97) % 20000))
    used = [_code(i) for i in range(0, 3000, 3)]
    revoked = [_code(i).lower() for i in range(1, 3000, 17)]
    return attempts, used, revoked


def run(data: tuple[list[tuple[str, str, int]], list[str], list[str]]) -> object:
    return per_customer(screen(*data))


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
