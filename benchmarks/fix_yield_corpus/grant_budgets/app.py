"""Research grant budget screening: check proposed budgets against each funder's rules.

A sponsored-programs office screens every proposal's budget before submission: each funder
caps some cost categories, disallows others, limits the indirect (overhead) rate and may
require cost sharing. The screen reports problems a research administrator must fix.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

FUNDER_RULES: dict[str, dict] = {
    "NSF": {
        "indirect_cap": 0.55,
        "cost_share": 0.0,
        "disallowed": ["entertainment", "alcohol", "lobbying"],
        "caps": {"equipment": 250_000, "travel": {"domestic": 30_000, "foreign": 20_000}},
        "salary": {"max_summer_months": 2, "pi_annual_cap": None},
        "participant_support": {"allowed": True, "indirect": False},
    },
    "NIH": {
        "indirect_cap": 0.60,
        "cost_share": 0.0,
        "disallowed": ["entertainment", "alcohol", "lobbying", "meals"],
        "caps": {"equipment": 500_000, "travel": {"domestic": 25_000, "foreign": 10_000}},
        "salary": {"max_summer_months": 3, "pi_annual_cap": 221_900},
        "participant_support": {"allowed": False, "indirect": False},
    },
    "FOUNDATION": {
        "indirect_cap": 0.15,
        "cost_share": 0.10,
        "disallowed": ["entertainment", "alcohol", "lobbying", "tuition"],
        "caps": {"equipment": 50_000, "travel": {"domestic": 10_000, "foreign": 0}},
        "salary": {"max_summer_months": 1, "pi_annual_cap": 150_000},
        "participant_support": {"allowed": True, "indirect": True},
    },
}


@dataclass
class LineItem:
    category: str
    amount: float
    kind: str = ""


@dataclass
class Budget:
    proposal_id: str
    funder: str
    items: list[LineItem]
    indirect_rate: float
    pi_salary: float = 0.0
    summer_months: float = 0.0
    cost_share: float = 0.0


@dataclass
class Screening:
    proposal_id: str
    direct: float
    indirect: float
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _rules_for(funder: str) -> dict:
    try:
        return copy.deepcopy(FUNDER_RULES[funder])
    except KeyError:
        raise ValueError(f"unknown funder {funder!r}") from None


def screen(budget: Budget) -> Screening:
    rules = _rules_for(budget.funder)
    problems: list[str] = []
    totals: dict[tuple[str, str], float] = {}
    for item in budget.items:
        if item.category in rules["disallowed"]:
            problems.append(f"{item.category} is not allowable")
        totals[item.category, item.kind] = totals.get((item.category, item.kind), 0.0) + item.amount
    equipment = sum(v for (cat, _), v in totals.items() if cat == "equipment")
    if equipment > rules["caps"]["equipment"]:
        problems.append(f"equipment {equipment:,.0f} over cap {rules['caps']['equipment']:,}")
    for kind, cap in rules["caps"]["travel"].items():
        spent = totals.get(("travel", kind), 0.0)
        if spent > cap:
            problems.append(f"{kind} travel {spent:,.0f} over cap {cap:,}")
    support = sum(v for (cat, _), v in totals.items() if cat == "participant_support")
    if support and not rules["participant_support"]["allowed"]:
        problems.append("participant support costs not allowed")
    salary = rules["salary"]
    if budget.summer_months > salary["max_summer_months"]:
        problems.append(f"{budget.summer_months} summer months over {salary['max_summer_months']}")
    if salary["pi_annual_cap"] is not None and budget.pi_salary > salary["pi_annual_cap"]:
        problems.append("PI salary above the funder's cap")
    if budget.indirect_rate > rules["indirect_cap"]:
        problems.append(
            f"indirect rate {budget.indirect_rate:.0%} over {rules['indirect_cap']:.0%}"
        )
    direct = sum(totals.values())
    base = direct - equipment
    if not rules["participant_support"]["indirect"]:
        base -= support
    needed = rules["cost_share"] * direct
    if budget.cost_share + 1e-9 < needed:
        problems.append(f"cost share {budget.cost_share:,.0f} below required {needed:,.0f}")
    indirect = round(base * min(budget.indirect_rate, rules["indirect_cap"]), 2)
    return Screening(budget.proposal_id, round(direct, 2), indirect, problems)


def screen_all(budgets: list[Budget]) -> dict[str, list[Screening]]:
    by_funder: dict[str, list[Screening]] = {}
    for budget in budgets:
        by_funder.setdefault(budget.funder, []).append(screen(budget))
    return by_funder
