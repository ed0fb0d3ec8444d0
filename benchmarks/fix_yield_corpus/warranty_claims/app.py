"""Warranty claim adjudication: decide payout for a batch of repair claims."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

logger = logging.getLogger(__name__)

COVERAGE_MONTHS = {"basic": 12, "extended": 36, "premium": 60}
DEDUCTIBLE = {"basic": 50.0, "extended": 25.0, "premium": 0.0}
EXCLUDED_CAUSES = frozenset({"water", "drop", "tamper"})


@dataclass
class Claim:
    claim_id: str
    plan: str
    purchased: date
    filed: date
    cause: str
    parts: list[tuple[str, float]] = field(default_factory=list)
    labor_hours: float = 0.0

    @property
    def parts_total(self) -> float:
        return sum(price for _, price in self.parts)


@dataclass(frozen=True)
class Decision:
    claim_id: str
    approved: bool
    payout: float
    reason: str


def _months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return months


def _describe(claim: Claim) -> str:
    lines = ", ".join(f"{sku}@{price:.2f}" for sku, price in claim.parts)
    return (
        f"<Claim {claim.claim_id} plan={claim.plan} cause={claim.cause} "
        f"age={_months_between(claim.purchased, claim.filed)}mo parts=[{lines}] "
        f"labor={claim.labor_hours:.1f}h>"
    )


class Adjudicator:
    def __init__(self, labor_rate: float = 65.0, cap: float = 1500.0) -> None:
        self.labor_rate = labor_rate
        self.cap = cap

    def decide(self, claim: Claim) -> Decision:
        logger.debug(f"adjudicating {_describe(claim)}")
        limit = COVERAGE_MONTHS.get(claim.plan)
        if limit is None:
            return Decision(claim.claim_id, False, 0.0, "unknown plan")
        if _months_between(claim.purchased, claim.filed) >= limit:
            return Decision(claim.claim_id, False, 0.0, "expired")
        if claim.cause in EXCLUDED_CAUSES:
            return Decision(claim.claim_id, False, 0.0, f"excluded cause: {claim.cause}")
        gross = claim.parts_total + claim.labor_hours * self.labor_rate
        payout = min(max(gross - DEDUCTIBLE[claim.plan], 0.0), self.cap)
        return Decision(claim.claim_id, True, round(payout, 2), "covered")


def adjudicate_batch(claims: list[Claim], adjudicator: Adjudicator | None = None) -> dict:
    adjudicator = adjudicator or Adjudicator()
    decisions = [adjudicator.decide(c) for c in claims]
    approved = [d for d in decisions if d.approved]
    summary = {
        "decisions": decisions,
        "approved": len(approved),
        "denied": len(decisions) - len(approved),
        "total_payout": round(sum(d.payout for d in approved), 2),
    }
    logger.info("batch done: %d approved, %d denied", summary["approved"], summary["denied"])
    return summary
