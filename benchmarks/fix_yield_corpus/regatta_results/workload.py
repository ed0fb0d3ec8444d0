"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import PENALTY_CODES, PY_NUMBERS, score_sheet


def make_input() -> str:
    rng = random.Random(314)
    classes = list(PY_NUMBERS)
    lines = ["# Summer series, typed up from the committee boat"]
    for race in range(1, 361):
        start = 14 * 3600 + rng.randint(0, 8) * 300
        lines.append(
            f"RACE {race} 2024-{5 + race // 30:02d}-{1 + race % 28:02d} START "
            f"{start // 3600:02d}:{start // 60 % 60:02d}:00"
        )
        lines.append(f"COURSE {rng.choice(['A', 'B2', 'T-3', 'W4'])}")
        lines.append(f"WIND {rng.choice(['SW', 'W', 'NNE', 'S'])} {rng.randint(4, 22)} kts")
        for cls in rng.sample(classes, rng.randint(4, 8)):
            lines.append(f"CLASS {cls.lower() if rng.random() < 0.2 else cls}")
            for _ in range(rng.randint(3, 12)):
                sail = str(rng.randint(100, 209999))
                nation = rng.choice(["GBR", "GBR", "GBR", "IRL", "FRA", "ned"])
                if rng.random() < 0.08:
                    lines.append(f"  {sail} {nation} {rng.choice(PENALTY_CODES)}")
                else:
                    t = start + int(rng.uniform(2400, 5400) * PY_NUMBERS[cls] / 1100)
                    lines.append(
                        f"  {sail} {nation} {t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}"
                    )
            if rng.random() < 0.3:
                lines.append("")
                lines.append("# protest hearing pending")
    lines.append("RACE 77 ABANDONED fog")
    return "\n".join(lines) + "\n"


def run(data: str) -> int:
    return sum(r.place + (r.corrected or 0) for r in score_sheet(data))


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
