"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import CallRecord, RatedCall, rate_batch


def make_input() -> tuple[list[CallRecord], dict[str, int]]:
    callees = ["0712345678", "0900123456", "004420794960", "0033142685300", "0061298765432"]
    records = [
        CallRecord(
            call_id=f"C{i:06d}",
            caller=f"07{(i % 150):08d}",
            callee=callees[i % len(callees)],
            start_hour=(i * 5) % 24,
            duration_s=(i * 47) % 900,
            callee_onnet=i % 3 == 0,
        )
        for i in range(3000)
    ]
    bundles = {f"07{n:08d}": 600 for n in range(0, 150, 2)}
    return records, bundles


def run(data: tuple[list[CallRecord], dict[str, int]]) -> list[RatedCall]:
    records, bundles = data
    return rate_batch(records, bundles)


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
