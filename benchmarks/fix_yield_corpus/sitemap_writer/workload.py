"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import time
from typing import Any

from app import sitemap


def make_input(n: int = 6000) -> list[dict[str, Any]]:
    return [
        {
            "path": f"/docs/{i % 40}/page-{i}?lang=en&v={i % 3}",
            "modified": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "priority": (i % 10) / 10,
        }
        for i in range(n)
    ]


def run(data: list[dict[str, Any]]) -> object:
    return sitemap("https://example.org/", data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    data = make_input()
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        run(data)


if __name__ == "__main__":
    main()
