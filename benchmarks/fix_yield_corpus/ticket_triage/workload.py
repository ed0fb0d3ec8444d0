"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time
from collections import Counter

from app import Ticket, triage_batch

SUBJECTS = ["Invoice question", "App crash", "Site down?", "Need to upgrade", "Hi", "2FA lost"]
SNIPPETS = [
    "we were charged twice this month",
    "the dashboard shows an error message after the regression",
    "our team cannot connect since this morning",
    "please add another seat for our new hire",
    "thanks for the quick help last week",
    "I got a suspicious login email, is this phishing",
    "could you send the receipt with VAT number",
]


def make_input() -> list[Ticket]:
    tickets = []
    for i in range(600):
        body = " ".join(SNIPPETS[(i * k) % len(SNIPPETS)] for k in range(1, 4))
        tier = "enterprise" if i % 9 == 0 else "standard"
        tickets.append(Ticket(f"T-{i:05d}", SUBJECTS[i % len(SUBJECTS)], body, tier))
    return tickets


def run(data: list[Ticket]) -> Counter[str]:
    return triage_batch(data)


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
