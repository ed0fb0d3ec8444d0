"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import clean_contacts


def make_input() -> list[dict[str, str]]:
    rng = random.Random(5150)
    formats = [
        ("US", lambda d: f"({d[:3]}) {d[3:6]}-{d[6:10]}"),
        ("US", lambda d: f"+1 {d[:3]}.{d[3:6]}.{d[6:10]} ext. {d[:3]}"),
        ("GB", lambda d: f"0{d[:4]} {d[4:10]}"),
        ("DE", lambda d: f"+49 {d[:3]} {d[3:11]}"),
        ("FR", lambda d: f"0{d[0]} {d[1:3]} {d[3:5]} {d[5:7]} {d[7:9]} x{d[-2:]}"),
        ("NL", lambda d: f"0031 {d[:2]} {d[2:9]}"),
    ]
    rows = []
    for i in range(1200):
        country, fmt = formats[i % len(formats)]
        digits = "".join(str(rng.randint(1, 9)) for _ in range(12))
        rows.append({"id": f"c{i}", "country": country, "phone": fmt(digits)})
    return rows


def run(data: list[dict[str, str]]) -> int:
    cleaned, _ = clean_contacts(data)
    return len(cleaned)


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
