"""Screen inpatient medication orders against weight-based dose limits."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

log = logging.getLogger("pharmacy.dose_checker")


class Verdict(StrEnum):
    OK = "ok"
    LOW = "below_range"
    HIGH = "above_range"
    MAX_DAILY = "exceeds_daily_max"
    UNKNOWN = "unknown_drug"


@dataclass(frozen=True)
class DoseRule:
    drug: str
    min_mg_per_kg: float
    max_mg_per_kg: float
    max_daily_mg: float
    renal_factor: float = 1.0


@dataclass(frozen=True)
class Order:
    order_id: str
    patient_id: str
    drug: str
    dose_mg: float
    doses_per_day: int
    weight_kg: float
    egfr: float


@dataclass
class Finding:
    order_id: str
    verdict: Verdict
    mg_per_kg: float
    daily_mg: float


def _adjusted_max(rule: DoseRule, egfr: float) -> float:
    if egfr < 30:
        return rule.max_mg_per_kg * rule.renal_factor
    return rule.max_mg_per_kg


def describe_order(order: Order, rule: DoseRule | None) -> str:
    parts = [
        f"patient={order.patient_id}",
        f"drug={order.drug}",
        f"dose={order.dose_mg:.2f}mg x{order.doses_per_day}/day",
        f"weight={order.weight_kg:.1f}kg",
        f"eGFR={order.egfr:.0f}",
    ]
    if rule is not None:
        parts.append(f"range={rule.min_mg_per_kg:.2f}-{rule.max_mg_per_kg:.2f}mg/kg")
        parts.append(f"daily_max={rule.max_daily_mg:,.0f}mg")
        parts.append(f"renal_adj={_adjusted_max(rule, order.egfr):.3f}")
    return ", ".join(parts)


class DoseChecker:
    def __init__(self, rules: list[DoseRule]) -> None:
        self.rules = {r.drug.lower(): r for r in rules}

    def check(self, order: Order) -> Finding:
        rule = self.rules.get(order.drug.lower())
        log.debug(f"screening order {order.order_id}: {describe_order(order, rule)}")
        if rule is None or order.weight_kg <= 0:
            return Finding(order.order_id, Verdict.UNKNOWN, 0.0, 0.0)
        per_kg = order.dose_mg / order.weight_kg
        daily = order.dose_mg * order.doses_per_day
        if daily > rule.max_daily_mg:
            verdict = Verdict.MAX_DAILY
        elif per_kg > _adjusted_max(rule, order.egfr):
            verdict = Verdict.HIGH
        elif per_kg < rule.min_mg_per_kg:
            verdict = Verdict.LOW
        else:
            verdict = Verdict.OK
        return Finding(order.order_id, verdict, round(per_kg, 4), round(daily, 2))

    def screen(self, orders: list[Order]) -> list[Finding]:
        findings = [self.check(o) for o in orders]
        flagged = sum(1 for f in findings if f.verdict is not Verdict.OK)
        log.debug("%d of %d orders need pharmacist review", flagged, len(findings))
        return findings


def summarize(findings: list[Finding]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.verdict.value] = counts.get(f.verdict.value, 0) + 1
    return dict(sorted(counts.items()))
