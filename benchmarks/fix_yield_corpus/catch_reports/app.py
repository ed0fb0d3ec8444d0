"""Commercial fishery landings desk: vet dockside catch reports and tally species quotas."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

# Minimum legal landing length (cm) and the season quota (kg) per species code.
MIN_LENGTH_CM = {
    "COD": 35.0,
    "HAD": 30.0,
    "POK": 35.0,
    "HKE": 27.0,
    "MON": 30.0,
    "PLE": 27.0,
    "SOL": 24.0,
}
SEASON_QUOTA_KG = {
    "COD": 180_000,
    "HAD": 240_000,
    "POK": 150_000,
    "HKE": 90_000,
    "MON": 60_000,
    "PLE": 200_000,
    "SOL": 40_000,
}


@dataclass(frozen=True)
class CatchReport:
    report_id: str
    license_no: str
    vessel: str
    port: str
    species: str
    weight_kg: float
    mean_length_cm: float
    area: str


@dataclass
class Verdict:
    report_id: str
    status: str  # "accepted" | "rejected"
    reasons: list[str]


def load_suspensions(csv_text: str) -> list[str]:
    """Parse the regulator's suspension export: license_no,reason,since."""
    out = []
    for row in csv_text.strip().splitlines()[1:]:
        parts = [p.strip() for p in row.split(",")]
        if parts and parts[0]:
            out.append(parts[0].upper())
    return out


class LandingsDesk:
    def __init__(self, suspended: list[str], closed_areas: set[str]) -> None:
        self.suspended = suspended
        self.closed_areas = closed_areas
        self.landed_kg: dict[str, float] = defaultdict(float)

    def check(self, rep: CatchReport) -> Verdict:
        reasons = []
        if rep.license_no in self.suspended:
            reasons.append("license suspended")
        if rep.species not in MIN_LENGTH_CM:
            reasons.append(f"unknown species {rep.species}")
        elif rep.mean_length_cm < MIN_LENGTH_CM[rep.species]:
            reasons.append(f"undersize {rep.species} {rep.mean_length_cm:.1f}cm")
        if rep.area in self.closed_areas:
            reasons.append(f"closed area {rep.area}")
        if rep.weight_kg <= 0:
            reasons.append("non-positive weight")
        if not reasons and rep.species in SEASON_QUOTA_KG:
            remaining = SEASON_QUOTA_KG[rep.species] - self.landed_kg[rep.species]
            if rep.weight_kg > remaining:
                reasons.append(f"quota exhausted for {rep.species}")
        if reasons:
            return Verdict(rep.report_id, "rejected", reasons)
        self.landed_kg[rep.species] += rep.weight_kg
        return Verdict(rep.report_id, "accepted", [])

    def process(self, reports: list[CatchReport]) -> list[Verdict]:
        return [self.check(rep) for rep in reports]


def summarise(verdicts: list[Verdict], desk: LandingsDesk) -> dict:
    rejected = [v for v in verdicts if v.status == "rejected"]
    by_reason: dict[str, int] = defaultdict(int)
    for v in rejected:
        for r in v.reasons:
            by_reason[
                r.split(" ")[0] if r.startswith(("undersize", "closed", "unknown")) else r
            ] += 1
    return {
        "accepted": len(verdicts) - len(rejected),
        "rejected": len(rejected),
        "reasons": dict(sorted(by_reason.items())),
        "landed_kg": {k: round(v, 1) for k, v in sorted(desk.landed_kg.items())},
    }


def vet_landings(reports: list[CatchReport], suspension_csv: str, closed_areas: set[str]) -> dict:
    desk = LandingsDesk(load_suspensions(suspension_csv), closed_areas)
    return summarise(desk.process(reports), desk)
