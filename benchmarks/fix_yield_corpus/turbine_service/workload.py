"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time
from datetime import date, timedelta

from app import MaintenancePlanner, ServiceEvent, Turbine, default_policy, plan_summary

SITES = ["Hornsea-N", "Whitelee", "Gwynt-y-Mor", "Clyde", "Pen-y-Cymoedd"]
MODELS = ["SG-8.0", "V112", "N149"]
FINDINGS = ["minor oil weep", "erosion cat 2", "loose cable tray", "corrosion spots", "noise"]
PARTS = ["filter-kit", "grease-5kg", "brush-set", "battery-pack", "bolt-m36", "seal-ring"]
TECHS = [f"T{n:03d}" for n in range(40)]
TODAY = date(2025, 6, 2)


def make_input() -> tuple[MaintenancePlanner, list[Turbine], dict[str, list[float]]]:
    rng = random.Random(7)
    policy = default_policy()
    planner = MaintenancePlanner({model: policy for model in MODELS}, crew_hours_per_day=40.0)
    components = sorted({rule.component for rule in policy})
    turbines = []
    for i in range(150):
        hours = rng.randint(20_000, 90_000)
        log_events = []
        for _ in range(rng.randint(90, 140)):
            rule = rng.choice(policy)
            age_days = rng.randint(1, 3650)
            log_events.append(
                ServiceEvent(
                    TODAY - timedelta(days=age_days),
                    rule.code,
                    rule.component,
                    max(0, hours - age_days * 22),
                    rng.sample(TECHS, 2),
                    rng.sample(FINDINGS, rng.choice([0, 0, 0, 1, 2])),
                    [(p, rng.randint(1, 4)) for p in rng.sample(PARTS, rng.randint(0, 3))],
                    rng.random() < 0.08,
                )
            )
        turbines.append(
            Turbine(
                f"WTG-{i:04d}",
                rng.choice(SITES),
                rng.choice([*MODELS, "legacy-2MW"] if i % 37 == 0 else MODELS),
                hours,
                {c: round(rng.uniform(0.2, 1.0), 2) for c in components},
                log_events,
                rng.choice([2.0, 3.0, 8.0]),
            )
        )
    forecast = {site: [round(rng.uniform(3, 18), 1) for _ in range(14)] for site in SITES}
    return planner, turbines, forecast


def run(data: tuple[MaintenancePlanner, list[Turbine], dict[str, list[float]]]) -> dict:
    planner, turbines, forecast = data
    scheduled, deferred = planner.plan(turbines, TODAY, forecast)
    return plan_summary(scheduled, deferred)


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
