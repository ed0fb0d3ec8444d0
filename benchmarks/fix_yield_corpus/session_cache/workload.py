"""Run the hot path for ``--seconds`` so py-spy can profile it (logging at INFO, as in
production, so debug records are dropped)."""

from __future__ import annotations

import argparse
import logging
import time

from app import Session, SessionCache


def load_session(token: str) -> Session:
    """The session store, in memory: a fixed session per token."""
    n = int(token.removeprefix("tok-"))
    roles = ("viewer", "editor", "admin")[: 1 + n % 3]
    claims = {"tenant": f"t{n % 7}", "locale": "de-DE", "plan": "pro", "mfa": str(n % 2 == 0)}
    return Session(user=f"user{n}", roles=roles, claims=claims)


def make_input(n: int = 4000) -> list[str]:
    """Mostly a hot set of 100 users, now and then one of 1000 others."""
    return [f"tok-{(i * 7919) % 1000 if i % 10 == 0 else i % 100}" for i in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    data = make_input()
    cache = SessionCache(load_session)
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        cache.get_many(data)


if __name__ == "__main__":
    main()
