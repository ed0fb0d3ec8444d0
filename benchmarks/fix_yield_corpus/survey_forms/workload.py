"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import SurveyDefinition, tally


def _choices(prefix: str, labels: list[str]) -> list[dict]:
    return [
        {"value": f"{prefix}{i}", "label": {"en": label, "fr": label.upper()}, "order": i}
        for i, label in enumerate(labels)
    ]


QUESTIONS = [
    {
        "id": "visit",
        "type": "single",
        "required": True,
        "choices": _choices("v", ["first time", "monthly", "weekly", "daily"]),
    },
    {
        "id": "channel",
        "type": "multi",
        "required": True,
        "max_select": 3,
        "choices": _choices("c", ["store", "web", "app", "phone", "chat", "email"]),
    },
    {
        "id": "nps",
        "type": "scale",
        "required": True,
        "range": [0, 10],
        "labels": {"0": {"en": "not likely"}, "10": {"en": "extremely likely"}},
    },
    {
        "id": "support_used",
        "type": "single",
        "required": True,
        "choices": _choices("s", ["yes", "no"]),
    },
    {
        "id": "support_rating",
        "type": "scale",
        "required": True,
        "range": [1, 5],
        "skip_if": {"support_used": ["s1"]},
    },
    {
        "id": "support_topics",
        "type": "multi",
        "required": False,
        "max_select": 4,
        "skip_if": {"support_used": ["s1"]},
        "choices": _choices("t", ["billing", "delivery", "returns", "account", "product", "other"]),
    },
    {
        "id": "improve",
        "type": "multi",
        "required": False,
        "choices": _choices(
            "i", ["price", "speed", "selection", "staff", "checkout", "stock", "parking"]
        ),
    },
    {"id": "comment", "type": "text", "required": False, "max_length": 280},
]


def make_input() -> tuple[SurveyDefinition, dict[str, dict]]:
    rng = random.Random(5)
    survey = SurveyDefinition(QUESTIONS)
    responses = {}
    for n in range(1000):
        used = rng.choice(["s0", "s1"])
        answers = {
            "visit": rng.choice(["v0", "v1", "v2", "v3", "v3", "v9"]),
            "channel": rng.sample(["c0", "c1", "c2", "c3", "c4", "c5"], rng.randint(1, 4)),
            "nps": rng.choice([rng.randint(0, 10), rng.randint(6, 10), 11]),
            "support_used": used,
            "improve": rng.sample(["i0", "i1", "i2", "i3", "i4", "i5", "i6"], rng.randint(0, 3)),
            "comment": "x" * rng.choice([0, 0, 40, 120, 300]),
        }
        if used == "s0" or rng.random() < 0.05:
            answers["support_rating"] = rng.randint(1, 5)
            answers["support_topics"] = rng.sample(
                ["t0", "t1", "t2", "t3", "t4", "t5"], rng.randint(0, 3)
            )
        responses[f"R{n:05d}"] = answers
    return survey, responses


def run(data: tuple[SurveyDefinition, dict[str, dict]]) -> int:
    survey, responses = data
    result = tally(survey, responses)
    return (
        result["clean"] * 100_000
        + sum(result["issues"].values())
        + int(sum(result["scale_means"].values()) * 1000)
    )


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
