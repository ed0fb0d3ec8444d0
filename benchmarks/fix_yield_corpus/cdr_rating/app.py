"""Rate mobile call detail records (CDRs) against a prepaid tariff plan.

Calls are charged per started billing increment, with a peak/off-peak rate
per destination zone and a one-off connection fee.  Free minutes from the
subscriber's bundle are consumed first.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

log = logging.getLogger("billing.rating")

# zone -> (peak cents/min, off-peak cents/min, connection fee cents, increment seconds)
TARIFF: dict[str, tuple[float, float, int, int]] = {
    "onnet": (4.0, 2.0, 0, 1),
    "offnet": (9.0, 6.0, 5, 30),
    "intl-eu": (19.0, 15.0, 15, 60),
    "intl-row": (49.0, 39.0, 25, 60),
    "premium": (120.0, 120.0, 50, 60),
}
PEAK_HOURS = range(8, 20)
PREFIX_ZONES = (("0900", "premium"), ("0044", "intl-eu"), ("0033", "intl-eu"), ("00", "intl-row"))


@dataclass(frozen=True)
class CallRecord:
    call_id: str
    caller: str
    callee: str
    start_hour: int
    duration_s: int
    callee_onnet: bool = False


@dataclass
class RatedCall:
    call_id: str
    zone: str
    billable_s: int
    free_s: int
    cents: int


def rate_batch(records: list[CallRecord], bundle_seconds: dict[str, int]) -> list[RatedCall]:
    """Rate ``records`` in order, drawing down ``bundle_seconds`` per caller."""
    remaining = dict(bundle_seconds)

    def zone_for(rec: CallRecord) -> str:
        for prefix, zone in PREFIX_ZONES:
            if rec.callee.startswith(prefix):
                return zone
        return "onnet" if rec.callee_onnet else "offnet"

    def rounded(duration: int, increment: int) -> int:
        return -(-duration // increment) * increment

    def breakdown(rec: CallRecord, zone: str, billable: int, free: int, cents: int) -> str:
        peak, off, fee, inc = TARIFF[zone]
        parts = [
            f"caller={rec.caller}",
            f"callee={rec.callee}",
            f"zone={zone}",
            f"hour={rec.start_hour:02d}",
            f"period={'peak' if rec.start_hour in PEAK_HOURS else 'offpeak'}",
            f"tariff=({peak:.2f}/{off:.2f}/fee {fee}/inc {inc}s)",
            f"duration={rec.duration_s}s",
            f"billable={billable}s",
            f"free={free}s",
            f"bundle_left={remaining.get(rec.caller, 0)}s",
            f"charge={cents / 100:.2f}",
        ]
        return " ".join(parts)

    rated: list[RatedCall] = []
    for rec in records:
        zone = zone_for(rec)
        peak, off, fee, inc = TARIFF[zone]
        if rec.duration_s <= 0:
            rated.append(RatedCall(rec.call_id, zone, 0, 0, 0))
            continue
        billable = rounded(rec.duration_s, inc)
        free = 0
        if zone in ("onnet", "offnet"):
            free = min(billable, remaining.get(rec.caller, 0))
            remaining[rec.caller] = remaining.get(rec.caller, 0) - free
        per_min = peak if rec.start_hour in PEAK_HOURS else off
        cents = fee + round((billable - free) * per_min / 60)
        rated.append(RatedCall(rec.call_id, zone, billable, free, cents))
        log.debug(f"rated {rec.call_id}: {breakdown(rec, zone, billable, free, cents)}")
    return rated


def invoice_totals(rated: list[RatedCall]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for call in rated:
        totals[call.zone] = totals.get(call.zone, 0) + call.cents
    return dict(sorted(totals.items()))
