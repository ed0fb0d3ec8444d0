"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import Copy, Hold, Pull, build_pull_lists

BRANCHES = ["north", "south", "east", "west", "central", "harbour"]
BUSY_STATES = ("storage_offsite", "weeding_review", "course_reserve", "exhibit")


def make_input() -> tuple[list[Hold], dict[str, list[Copy]]]:
    copies: dict[str, list[Copy]] = {}
    for t in range(600):
        shelf = ["", "TEEN", "KIDS"][t % 3]
        copies[f"T{t}"] = [
            Copy(
                f"{t}-{c}",
                BRANCHES[(t + c) % len(BRANCHES)],
                "available" if (t * 7 + c) % 9 == 0 else BUSY_STATES[(t + c) % 4],
                shelf,
            )
            for c in range(30)
        ]
    holds = [Hold(h, f"T{(h * 37) % 600}", f"patron-{h}", h % 11 == 0) for h in range(2500)]
    return holds, copies


def run(data: tuple[list[Hold], dict[str, list[Copy]]]) -> dict[str, list[Pull]]:
    holds, copies = data
    return build_pull_lists(holds, copies)


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
