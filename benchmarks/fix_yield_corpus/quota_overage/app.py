"""Monthly quota check for the hosting platform: each account's metered usage against the
limits of its plan (plus any add-ons), producing the overage lines that billing charges."""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, field


@dataclass
class Limit:
    included: int
    unit_price_cents: int
    hard_cap: int | None = None


@dataclass
class Plan:
    name: str
    limits: dict[str, Limit]
    features: list[str] = field(default_factory=list)
    addons: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Account:
    account_id: str
    plan: str
    usage: dict[str, int]
    addons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Overage:
    account_id: str
    metric: str
    used: int
    allowed: int
    charge_cents: int
    capped: bool


def _allowance(plan: Plan, metric: str, addons: tuple[str, ...]) -> int:
    allowed = plan.limits[metric].included
    for addon in addons:
        allowed += plan.addons.get(addon, {}).get(metric, 0)
    return allowed


def check_account(account: Account, catalog: dict[str, Plan]) -> list[Overage]:
    """The account's overages, by metric name; metrics its plan does not meter are free."""
    plan = deepcopy(catalog[account.plan])  # the catalog is shared: never work on it directly
    lines: list[Overage] = []
    for metric in sorted(account.usage):
        limit = plan.limits.get(metric)
        if limit is None:
            continue
        used = account.usage[metric]
        allowed = _allowance(plan, metric, account.addons)
        if used <= allowed:
            continue
        billable = used - allowed
        capped = limit.hard_cap is not None and used > limit.hard_cap
        if capped:
            billable = max(0, limit.hard_cap - allowed)  # type: ignore[operator]
        lines.append(
            Overage(
                account.account_id,
                metric,
                used,
                allowed,
                billable * limit.unit_price_cents,
                capped,
            )
        )
    return lines


def billing_run(accounts: list[Account], catalog: dict[str, Plan]) -> tuple[list[Overage], int]:
    """Every overage line (accounts in input order) and the total charge in cents."""
    lines = [line for account in accounts for line in check_account(account, catalog)]
    return lines, sum(line.charge_cents for line in lines)
