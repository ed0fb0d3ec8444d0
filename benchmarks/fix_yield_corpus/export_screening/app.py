"""Pre-shipment export control screening.

Every outbound order line is checked against the destination sanctions list,
the dual-use commodity list (by 6-digit HS subheading) and the denied-party
list before the warehouse is allowed to release it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

log = logging.getLogger(__name__)


class Verdict(StrEnum):
    RELEASE = "release"
    LICENCE = "needs_licence"
    BLOCK = "block"


@dataclass(frozen=True)
class OrderLine:
    order_id: str
    sku: str
    hs_code: str
    country: str
    consignee: str
    value_eur: float


@dataclass(frozen=True)
class Screening:
    order_id: str
    sku: str
    verdict: Verdict
    reasons: tuple[str, ...]


def _clean_party(name: str) -> str:
    name = " ".join(name.upper().replace(",", " ").replace(".", " ").split())
    for suffix in (" LTD", " LLC", " GMBH", " SA", " CO", " INC"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name.strip()


class ControlLists:
    """Control lists as published by compliance (one entry per line)."""

    def __init__(self, embargoed: str, dual_use: str, denied: str, licence_threshold: float):
        self.embargoed = [c.strip().upper() for c in embargoed.split(",") if c.strip()]
        self.dual_use = []
        for line in dual_use.splitlines():
            code = line.split("#", 1)[0].strip().replace(".", "")
            if code:
                self.dual_use.append(code[:6])
        self.denied = [_clean_party(p) for p in denied.splitlines() if p.strip()]
        self.licence_threshold = licence_threshold

    def screen(self, line: OrderLine) -> Screening:
        reasons = []
        verdict = Verdict.RELEASE
        country = line.country.upper()
        if country in self.embargoed:
            reasons.append(f"destination {country} is embargoed")
            verdict = Verdict.BLOCK
        if _clean_party(line.consignee) in self.denied:
            reasons.append("consignee on denied-party list")
            verdict = Verdict.BLOCK
        subheading = line.hs_code.replace(".", "")[:6]
        if subheading in self.dual_use:
            reasons.append(f"HS {subheading} is dual-use")
            if verdict is Verdict.RELEASE:
                verdict = Verdict.LICENCE
        elif line.value_eur >= self.licence_threshold and verdict is Verdict.RELEASE:
            reasons.append(f"value {line.value_eur:.2f} EUR over threshold")
            verdict = Verdict.LICENCE
        return Screening(line.order_id, line.sku, verdict, tuple(reasons))


def screen_orders(lists: ControlLists, lines: list[OrderLine]) -> dict[Verdict, list[Screening]]:
    result: dict[Verdict, list[Screening]] = {v: [] for v in Verdict}
    for line in lines:
        s = lists.screen(line)
        result[s.verdict].append(s)
    log.info(
        "screened %d lines: %d released, %d need licence, %d blocked",
        len(lines),
        len(result[Verdict.RELEASE]),
        len(result[Verdict.LICENCE]),
        len(result[Verdict.BLOCK]),
    )
    return result


def held_orders(result: dict[Verdict, list[Screening]]) -> list[str]:
    """Orders with at least one line that cannot ship today, in first-seen order."""
    seen: dict[str, None] = {}
    for verdict in (Verdict.BLOCK, Verdict.LICENCE):
        for s in result[verdict]:
            seen.setdefault(s.order_id, None)
    return list(seen)
