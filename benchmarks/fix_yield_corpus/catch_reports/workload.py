"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import MIN_LENGTH_CM, CatchReport, vet_landings

PORTS = ["Peterhead", "Fraserburgh", "Lerwick", "Brixham", "Newlyn", "Kilkeel", "Grimsby"]
AREAS = [f"IV{a}" for a in "abcdefg"] + [f"VII{a}" for a in "abcdefghjk"]


def make_input() -> tuple[list[CatchReport], str, set[str]]:
    rng = random.Random(4406)
    licenses = [f"FL{n:07d}" for n in rng.sample(range(1_000_000, 9_999_999), 9000)]
    suspended = rng.sample(licenses, 2500)
    csv_lines = ["license_no,reason,since"] + [
        f"{lic},{rng.choice(['misreporting', 'unpaid levy', 'gear breach'])},2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"  # noqa: E501
        for lic in suspended
    ]
    species = [*sorted(MIN_LENGTH_CM), "XYZ"]
    reports = []
    for i in range(5000):
        sp = rng.choice(species)
        reports.append(
            CatchReport(
                f"CR{i:06d}",
                rng.choice(licenses),
                f"FV {rng.randint(100, 999)}",
                rng.choice(PORTS),
                sp,
                round(rng.uniform(-5, 900), 1),
                round(MIN_LENGTH_CM.get(sp, 30.0) * rng.uniform(0.8, 1.6), 1),
                rng.choice(AREAS),
            )
        )
    return reports, "\n".join(csv_lines), {"IVb", "VIIg"}


def run(data: tuple[list[CatchReport], str, set[str]]) -> int:
    reports, csv_text, closed = data
    return vet_landings(reports, csv_text, closed)["accepted"]


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
