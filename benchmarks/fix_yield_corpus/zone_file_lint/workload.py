"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import Finding, lint_zone


def make_input() -> str:
    lines = ["$ORIGIN shop.example.com.", "$TTL 300"]
    for i in range(700):
        host = f"web{i:03d}"
        lines.append(f"{host} IN A 10.{i % 256}.{(i * 7) % 256}.{(i * 13) % 300}")
        if i % 3 == 0:
            lines.append(f"{host} 600 IN AAAA 2001:db8::{i:x}")
        if i % 5 == 0:
            lines.append(f"api{i} IN CNAME {host}.shop.example.com")
        if i % 11 == 0:
            lines.append(f'{host} IN TXT "v=spf1 include:_spf.example.net ~all"')
        if i % 17 == 0:
            lines.append(f"@ 30 IN MX 10 mx{i}.mail.example.net.")
    return "\n".join(lines) + "\n"


def run(data: str) -> list[Finding]:
    return lint_zone(data)


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
