"""Price mortgage applications against lender rate sheets."""

from __future__ import annotations

import copy
from dataclasses import dataclass

RATE_SHEETS: dict[str, dict] = {}


def register_sheet(product: str, sheet: dict) -> None:
    RATE_SHEETS[product] = sheet


@dataclass(frozen=True)
class Application:
    app_id: str
    loan_amount: float
    property_value: float
    fico: int
    occupancy: str  # "primary" | "second" | "investment"
    units: int = 1
    lock_days: int = 30
    state: str = "CA"


@dataclass(frozen=True)
class Quote:
    app_id: str
    product: str
    rate: float
    points: float
    monthly_payment: float
    closing_costs: float
    apr_estimate: float


def monthly_payment(principal: float, annual_rate: float, months: int) -> float:
    r = annual_rate / 1200
    if r == 0:
        return principal / months
    return principal * r / (1 - (1 + r) ** -months)


def _band(bands: list[dict], value: float, key: str) -> dict | None:
    for band in bands:
        if value <= band[key]:
            return band
    return None


def _fico_bucket(fico: int, buckets: list[int]) -> int:
    best = buckets[0]
    for floor in buckets:
        if fico >= floor:
            best = floor
    return best


def _apr(principal: float, payment: float, months: int, finance_charges: float) -> float:
    """Bisect for the rate at which the payment stream repays principal net of charges."""
    target = principal - finance_charges
    lo, hi = 0.0, 25.0
    for _ in range(40):
        mid = (lo + hi) / 2
        if monthly_payment(target, mid, months) > payment:
            hi = mid
        else:
            lo = mid
    return round((lo + hi) / 2, 3)


def price(app: Application, product: str) -> Quote | None:
    """Return the best-execution quote for one product, or None if ineligible."""
    # work on a private copy so a pricing bug can never corrupt the shared sheet
    sheet = copy.deepcopy(RATE_SHEETS[product])
    ltv = 100 * app.loan_amount / app.property_value
    limits = sheet["limits"]
    if app.fico < limits["min_fico"] or ltv > limits["max_ltv"][app.occupancy]:
        return None
    if app.loan_amount > limits["max_loan"][str(app.units)]:
        return None
    if app.state in sheet["excluded_states"]:
        return None

    ltv_band = _band(sheet["ltv_bands"], ltv, "max_ltv")
    if ltv_band is None:
        return None
    bucket = _fico_bucket(app.fico, sheet["fico_buckets"])
    llpa = sheet["llpa_grid"][str(bucket)][ltv_band["name"]]
    llpa += sheet["occupancy_llpa"][app.occupancy]
    if app.units > 1:
        llpa += sheet["units_llpa"]
    for adj in sheet["loan_size_adjusters"]:
        if adj["min"] <= app.loan_amount < adj["max"]:
            llpa += adj["points"]
    lock = _band(sheet["lock_adjusters"], app.lock_days, "days")
    if lock is None:
        return None
    llpa += lock["points"]

    # best execution: the lowest rate whose price covers the adjustments
    months = sheet["term_months"]
    chosen = None
    for row in sheet["rate_ladder"]:
        points = round(llpa - row["price"], 3)
        if points <= sheet["max_points"]:
            chosen = (row["rate"], max(points, 0.0))
            break
    if chosen is None:
        return None
    rate, points = chosen
    fees = sum(f["amount"] for f in sheet["fees"] if app.state not in f.get("waived_in", ()))
    points_cost = app.loan_amount * points / 100
    payment = monthly_payment(app.loan_amount, rate, months)
    return Quote(
        app_id=app.app_id,
        product=product,
        rate=rate,
        points=points,
        monthly_payment=round(payment, 2),
        closing_costs=round(fees + points_cost, 2),
        apr_estimate=_apr(app.loan_amount, payment, months, fees + points_cost),
    )


def quote_all(apps: list[Application]) -> dict[str, list[Quote]]:
    """Eligible quotes per application, cheapest monthly payment first."""
    results = {}
    for app in apps:
        quotes = [q for product in RATE_SHEETS if (q := price(app, product)) is not None]
        quotes.sort(key=lambda q: (q.monthly_payment, q.closing_costs, q.product))
        results[app.app_id] = quotes
    return results


def pipeline_summary(apps: list[Application]) -> dict[str, float]:
    quotes = quote_all(apps)
    priced = [qs[0] for qs in quotes.values() if qs]
    return {
        "applications": len(apps),
        "priced": len(priced),
        "avg_rate": round(sum(q.rate for q in priced) / len(priced), 4) if priced else 0.0,
        "total_monthly": round(sum(q.monthly_payment for q in priced), 2),
    }
