"""Ski-area lift gate validation.

Every turnstile scan is checked against the pass's product (which lifts and which
days it covers), the ticket office's hotlist of revoked or reported-lost passes and an
anti-passback window that stops one pass being handed back through the same gate.
``GateValidator`` decides each scan and ``daily_lift_counts`` feeds the uphill
capacity report.
"""

from __future__ import annotations

import csv
import io
import logging
from collections import Counter
from dataclasses import dataclass

log = logging.getLogger(__name__)

PASSBACK_SECONDS = 6 * 60
SEASON_DAYS = 140


@dataclass(frozen=True)
class Product:
    code: str
    lifts: frozenset[str] | None  # None = every lift
    first_day: int
    last_day: int


@dataclass(frozen=True)
class Scan:
    pass_id: str
    product: str
    lift: str
    day: int  # day of season
    second: int  # seconds since midnight


@dataclass(frozen=True)
class Decision:
    scan: Scan
    accepted: bool
    reason: str


def load_hotlist(feed: str) -> list[str]:
    """Parse the ticket office CSV feed (pass_id,reason,reported_at) into pass ids."""
    reader = csv.DictReader(io.StringIO(feed))
    hotlist = []
    for row in reader:
        pass_id = (row.get("pass_id") or "").strip().upper()
        if not pass_id:
            log.warning("hotlist row without pass id: %r", row)
            continue
        hotlist.append(pass_id)
    return list(dict.fromkeys(hotlist))


class GateValidator:
    def __init__(self, products: list[Product], hotlist: list[str]) -> None:
        self.products = {p.code: p for p in products}
        self.hotlist = hotlist
        self._last_entry: dict[tuple[str, str], tuple[int, int]] = {}

    def check(self, scan: Scan) -> Decision:
        product = self.products.get(scan.product)
        if product is None:
            return Decision(scan, False, "unknown product")
        if scan.pass_id.upper() in self.hotlist:
            return Decision(scan, False, "hotlisted")
        if not product.first_day <= scan.day <= product.last_day:
            return Decision(scan, False, "outside validity")
        if product.lifts is not None and scan.lift not in product.lifts:
            return Decision(scan, False, "lift not included")
        key = (scan.pass_id, scan.lift)
        last = self._last_entry.get(key)
        if last is not None and last[0] == scan.day and scan.second - last[1] < PASSBACK_SECONDS:
            return Decision(scan, False, "passback")
        self._last_entry[key] = (scan.day, scan.second)
        return Decision(scan, True, "ok")

    def run_day(self, scans: list[Scan]) -> list[Decision]:
        decisions = [self.check(s) for s in sorted(scans, key=lambda s: (s.day, s.second))]
        refused = sum(not d.accepted for d in decisions)
        log.debug("%d of %d scans refused", refused, len(decisions))
        return decisions


def daily_lift_counts(decisions: list[Decision]) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter[str]] = {}
    for d in decisions:
        if d.accepted:
            counts.setdefault(d.scan.lift, Counter())[f"{d.scan.second // 3600:02d}h"] += 1
    return {lift: dict(sorted(c.items())) for lift, c in sorted(counts.items())}


def refusal_breakdown(decisions: list[Decision]) -> dict[str, int]:
    """Refused scans per reason, most frequent first (ties by reason)."""
    refused = Counter(d.reason for d in decisions if not d.accepted)
    return dict(sorted(refused.items(), key=lambda item: (-item[1], item[0])))


def hotlist_hits(decisions: list[Decision]) -> list[str]:
    return sorted({d.scan.pass_id for d in decisions if d.reason == "hotlisted"})
