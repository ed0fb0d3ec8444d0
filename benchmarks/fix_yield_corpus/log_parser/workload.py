"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import time

from app import summarize

SERVICES = ("cart", "search", "auth", "orders")


def make_input(n: int = 2000) -> list[str]:
    """A fixed stretch of logs: request lines, a few startup lines and some free text."""
    lines = []
    for i in range(n):
        svc = SERVICES[i % len(SERVICES)]
        if i % 50 == 0:
            lines.append(f"ts=2024-05-06T14:{i % 60:02d}:00Z level=warn svc={svc} msg=slow gc")
            continue
        status = (200, 200, 201, 404, 503)[i % 5]
        lines.append(
            f"ts=2024-05-06T14:{i % 60:02d}:00Z level=info svc={svc} msg=request "
            f"path=/api/v1/{svc} dur_ms={5 + i % 120} status={status}"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    data = make_input()
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        summarize(data)


if __name__ == "__main__":
    main()
