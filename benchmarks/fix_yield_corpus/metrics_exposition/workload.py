"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import time

from app import Sample, render_metrics


def make_input(families: int = 30, series: int = 200) -> dict[str, tuple[str, str, list[Sample]]]:
    out = {}
    for f in range(families):
        kind = "counter" if f % 2 else "gauge"
        name = f"proxy_{'requests_total' if f % 2 else 'inflight'}_{f}"
        samples: list[Sample] = [
            (
                f'{{route="/r{s % 12}",code="{200 + 100 * (s % 4)}"}}' if s % 10 else "",
                s * 17 + f if f % 2 else s / 8,
            )
            for s in range(series)
        ]
        out[name] = (kind, f"Family {f}.", samples)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    data = make_input()
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        render_metrics(data)


if __name__ == "__main__":
    main()
