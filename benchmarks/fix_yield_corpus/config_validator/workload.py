"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import time

from app import validate

ENV = {"DB_HOST": "db", "DB_USER": "app", "REGION": "eu-west-1"}


def make_input(sections: int = 150) -> dict[str, dict[str, object]]:
    """A large generated config: mostly valid, with a few problems of each kind."""
    config: dict[str, dict[str, object]] = {}
    for i in range(sections):
        config[f"service_{i}"] = {
            "host": "${DB_HOST}",
            "user": "${DB_USER}" if i % 13 else "${DB_PASSWORD}",
            "replicas": i % 5 + 1,
            "read_timeout": "30s" if i % 17 else "thirty",
            "connect_timeout": "250ms",
            "region": "${REGION}",
            "maxConns" if i % 19 == 0 else "max_conns": 100,
            "labels": "team=core,tier=1",
            "log_level": "info",
            "retry_timeout": "5m",
        }
    return config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    data = make_input()
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        validate(data, ENV)


if __name__ == "__main__":
    main()
