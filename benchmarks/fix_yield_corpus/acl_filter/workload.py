"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import filter_events


def make_input(n: int = 6000) -> list[str]:
    users = [f"user{i}" for i in range(40)] + ["svc-ci", "svc-etl", "svc-sync", "svc-notify"]
    actions = ("read", "write", "delete", "list", "ping", "grant")
    return [f"{users[i % 44]},{actions[i % 6]},/bucket/{i % 131}/obj-{i}\n" for i in range(n)]


def run(data: list[str]) -> object:
    return filter_events(data)


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
