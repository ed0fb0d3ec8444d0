"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import FederalCalculator, Paycheck, PayrollRun, StateCalculator, build_tables

FEDERAL_RATES = [0.10, 0.12, 0.22, 0.24, 0.32, 0.35, 0.37]
STATE_RATES = [0.01, 0.02, 0.04, 0.06, 0.08, 0.093, 0.103, 0.113, 0.123]


def make_input() -> tuple[PayrollRun, list[Paycheck]]:
    payroll = PayrollRun(
        [
            FederalCalculator(build_tables(FEDERAL_RATES, 40000, 14600, 29200)),
            StateCalculator("CA", build_tables(STATE_RATES, 12000, 5400, 10800), 0.011, 1.0),
        ]
    )
    freqs = ["weekly", "biweekly", "semimonthly", "monthly"]
    statuses = ["single", "joint", "head"]
    checks = [
        Paycheck(f"E{i:05d}", 400 + (i * 137) % 9000, freqs[i % 4], statuses[i % 3], i % 4)
        for i in range(400)
    ]
    return payroll, checks


def run(data: tuple[PayrollRun, list[Paycheck]]) -> list[dict]:
    payroll, checks = data
    return payroll.process(checks)


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
