"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import time
from typing import Any

from app import export_events


def make_input(n: int = 400) -> list[dict[str, Any]]:
    return [
        {
            "id": i,
            "actor": {"user": f"u{i % 50}", "ip": f"10.0.0.{i % 255}", "roles": ["admin", "ops"]},
            "action": ("login", "export", "delete", "grant")[i % 4],
            "target": {"kind": "dataset", "name": f"sales-{i % 12}", "rows": i * 31},
            "at": f"2024-05-06T14:{i % 60:02d}:00Z",
            "details": {"reason": "révision trimestrielle ok", "ticket": f"SEC-{1000 + i}"},
        }
        for i in range(n)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    data = make_input()
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        export_events(data)


if __name__ == "__main__":
    main()
