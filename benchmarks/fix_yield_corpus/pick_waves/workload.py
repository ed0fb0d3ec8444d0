"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import OrderLine, plan_waves, wave_manifest


def make_input() -> list[OrderLine]:
    rng = random.Random(2718)
    zones = ["A", "B", "C", "D", "COLD"]
    lines = []
    for i in range(1500):
        zone = rng.choice(zones)
        bin_code = f"{zone}-{rng.randint(1, 40):02d}-{rng.randint(1, 6)}"
        lines.append(
            OrderLine(
                f"SO{i // 3:05d}",
                f"SKU-{rng.randint(1000, 9999)}",
                bin_code,
                rng.randint(1, 4),
                round(rng.uniform(0.05, 1.2), 2),
            )
        )
    return lines


def run(data: list[OrderLine]) -> list[dict[str, object]]:
    return wave_manifest(plan_waves(data))


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
