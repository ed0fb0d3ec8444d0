"""Adjudicate pharmacy claims against a plan formulary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENTS = Decimal("0.01")


@dataclass(frozen=True)
class Claim:
    claim_id: str
    member_id: str
    ndc: str  # 11-digit National Drug Code, no dashes
    quantity: int
    days_supply: int
    ingredient_cost: Decimal
    dispensing_fee: Decimal = Decimal("1.75")
    prior_auth: str = ""


@dataclass(frozen=True)
class Decision:
    claim_id: str
    status: str  # "paid" | "rejected"
    reject_code: str = ""
    plan_pays: Decimal = Decimal("0")
    member_pays: Decimal = Decimal("0")
    tier: int = 0


@dataclass
class Formulary:
    name: str
    tiers: dict[str, int]  # ndc -> tier 1..5
    copays: dict[int, Decimal]  # flat copay per 30 days for tiers 1-3
    coinsurance: dict[int, Decimal]  # share of cost for specialty tiers 4-5
    excluded: list[str] = field(default_factory=list)
    pa_required: frozenset[str] = frozenset()
    quantity_limits: dict[str, int] = field(default_factory=dict)  # ndc -> max units per 30 days
    max_days_supply: int = 90

    @classmethod
    def from_rows(
        cls,
        name: str,
        rows: list[dict],
        copays: dict[int, Decimal],
        coinsurance: dict[int, Decimal],
    ):
        tiers, excluded, pa, limits = {}, [], set(), {}
        for row in rows:
            ndc = normalise_ndc(row["ndc"])
            if row.get("excluded"):
                excluded.append(ndc)
                continue
            tiers[ndc] = int(row["tier"])
            if row.get("pa"):
                pa.add(ndc)
            if row.get("ql"):
                limits[ndc] = int(row["ql"])
        return cls(name, tiers, copays, coinsurance, excluded, frozenset(pa), limits)


def normalise_ndc(code: str) -> str:
    """Convert 4-4-2 / 5-3-2 / 5-4-1 dashed NDCs to the 11-digit 5-4-2 billing form."""
    parts = code.split("-")
    if len(parts) == 1:
        if len(code) != 11 or not code.isdigit():
            raise ValueError(f"bad NDC {code!r}")
        return code
    if len(parts) != 3:
        raise ValueError(f"bad NDC {code!r}")
    labeler, product, package = parts
    return labeler.zfill(5) + product.zfill(4) + package.zfill(2)


def _money(x: Decimal) -> Decimal:
    return x.quantize(CENTS, rounding=ROUND_HALF_UP)


def adjudicate(claim: Claim, formulary: Formulary) -> Decision:
    def reject(code: str, tier: int = 0) -> Decision:
        return Decision(claim.claim_id, "rejected", code, tier=tier)

    if claim.quantity <= 0 or claim.days_supply <= 0:
        return reject("E19")  # invalid quantity / days supply
    if claim.ndc in formulary.excluded:
        return reject("70")  # product not covered
    tier = formulary.tiers.get(claim.ndc)
    if tier is None:
        return reject("70")
    if claim.days_supply > formulary.max_days_supply:
        return reject("19", tier)  # days supply exceeds plan limit
    if claim.ndc in formulary.pa_required and not claim.prior_auth:
        return reject("75", tier)  # prior authorisation required
    limit = formulary.quantity_limits.get(claim.ndc)
    if limit is not None and claim.quantity * 30 > limit * claim.days_supply:
        return reject("76", tier)  # plan limitations exceeded

    total = claim.ingredient_cost + claim.dispensing_fee
    fills = -(-claim.days_supply // 30)  # each started 30 days is charged one copay
    if tier in formulary.copays:
        member = min(total, formulary.copays[tier] * fills)
    else:
        member = min(total * formulary.coinsurance[tier], Decimal(250) * fills)
    member = _money(member)
    return Decision(
        claim.claim_id, "paid", plan_pays=_money(total - member), member_pays=member, tier=tier
    )


def run_batch(claims: list[Claim], formulary: Formulary) -> dict:
    decisions = [adjudicate(c, formulary) for c in claims]
    paid = [d for d in decisions if d.status == "paid"]
    rejects = Counter(d.reject_code for d in decisions if d.status == "rejected")
    by_tier = Counter(d.tier for d in paid)
    return {
        "claims": len(decisions),
        "paid": len(paid),
        "plan_pays": sum((d.plan_pays for d in paid), Decimal("0")),
        "member_pays": sum((d.member_pays for d in paid), Decimal("0")),
        "rejects": dict(sorted(rejects.items())),
        "paid_by_tier": dict(sorted(by_tier.items())),
    }
