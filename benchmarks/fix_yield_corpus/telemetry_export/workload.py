"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import ExportStats, Reading, export_batch

METRICS = ("temperature", "humidity", "co2", "battery")


def make_input() -> list[Reading]:
    return [
        Reading(
            device_id=f"dev-{(i * 7) % 250:04d}",
            site=f"plant {i % 5}",
            metric=METRICS[i % 4],
            value=(i * 37) % 1000 / 8,
            ts_ms=1_765_000_000_000 + i * 250,
            labels=(("fw", f"2.{i % 3}"),),
        )
        for i in range(2000)
    ]


def run(data: list[Reading]) -> tuple[str, ExportStats]:
    return export_batch(data)


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
