"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import MANUFACTURERS, YEAR_CODES, check_digit, intake_report

VDS_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def make_input() -> list[str]:
    wmis = sorted(MANUFACTURERS)
    vins = []
    for i in range(1500):
        vds = "".join(VDS_CHARS[(i * k + 3) % len(VDS_CHARS)] for k in range(1, 6))
        body = (
            wmis[i % len(wmis)]
            + vds
            + "0"
            + YEAR_CODES[i % 30]
            + VDS_CHARS[i % 33]
            + f"{i * 7919 % 1000000:06d}"
        )
        vin = body[:8] + check_digit(body) + body[9:]
        if i % 17 == 0:
            vin = vin[:8] + ("1" if vin[8] != "1" else "2") + vin[9:]
        elif i % 23 == 0:
            vin = "XXX" + vin[3:]
        elif i % 5 == 0:
            vin = f" {vin[:9].lower()}-{vin[9:]} "
        vins.append(vin)
    return vins


def run(data: list[str]) -> dict[str, object]:
    return intake_report(data)


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
