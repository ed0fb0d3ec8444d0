"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import AccessAuditor


def make_input() -> list[str]:
    paths = [
        "/",
        "/index.html",
        "/api/v2/orders?page=3",
        "/static/app.3f9a.js",
        "/admin/login",
        "/.env",
        "/images/logo.png",
        "/api/v2/users/1841",
        "/wp-login.php",
        "/files/../../etc/passwd",
    ]
    methods = ["GET", "GET", "POST", "GET", "PUT", "GET", "DELETE"]
    statuses = [200, 200, 304, 404, 403, 200, 401, 500]
    lines = []
    for i in range(1500):
        ip = f"10.{i % 7}.{(i * 3) % 250}.{(i * 11) % 250}"
        user = "-" if i % 4 else f"user{i % 97}"
        lines.append(
            f"{ip} - {user} [07/Dec/2026:00:{i % 60:02d}:{(i * 7) % 60:02d} +0000] "
            f'"{methods[i % 7]} {paths[(i * 7) % 10]} HTTP/1.1" {statuses[i % 8]} {100 + i % 9000}'
        )
        if i % 500 == 0:
            lines.append("-- log rotated --")
    return lines


def run(data: list[str]) -> object:
    return AccessAuditor().audit(data)


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
