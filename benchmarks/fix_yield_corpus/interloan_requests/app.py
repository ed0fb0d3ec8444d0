"""Route inter-library loan requests to lending libraries in the consortium."""

from __future__ import annotations

import csv
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from enum import Enum
from typing import TextIO

log = logging.getLogger(__name__)

BASE_FEES: dict[str, float] = {"book": 0.0, "article": 0.0, "thesis": 15.0, "av": 10.0}
EXPRESS_SURCHARGE = 8.0
RULE_OF_FIVE = 5  # CONTU guideline: five articles per journal per year before royalties
ROYALTY_PER_ARTICLE = 12.5
MAX_ARTICLE_PAGES = 50
FACULTY_TYPES = ("faculty", "staff")


class Status(Enum):
    ROUTED = "routed"
    UNFILLED = "unfilled"
    REJECTED = "rejected"


@dataclass(frozen=True)
class LoanRequest:
    request_id: str
    borrower: str
    patron_type: str
    material: str
    lenders: tuple[str, ...]
    needed_in_days: int = 30
    journal: str | None = None
    pages: int = 0


@dataclass
class RoutingDecision:
    request_id: str
    status: Status
    lender: str | None = None
    fee: float = 0.0
    reasons: list[str] = field(default_factory=list)


@dataclass
class BatchResult:
    decisions: list[RoutingDecision]
    lender_load: dict[str, int]

    def count(self, status: Status) -> int:
        return sum(1 for d in self.decisions if d.status is status)

    @property
    def fees(self) -> float:
        return round(sum(d.fee for d in self.decisions), 2)


def normalise_symbol(raw: str) -> str:
    return raw.strip().upper()


def load_active_members(fh: TextIO) -> list[str]:
    """Read the consortium directory (CSV with symbol,name,status) and keep active members."""
    members: list[str] = []
    for row in csv.DictReader(fh):
        symbol = normalise_symbol(row.get("symbol", ""))
        if not symbol:
            continue
        if row.get("status", "").strip().lower() != "active":
            continue
        if symbol not in members:
            members.append(symbol)
    log.info("directory loaded: %d active members", len(members))
    return members


class CopyrightLedger:
    """Tracks article requests per borrower and journal for the rule of five."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str]] = Counter()

    def record(self, borrower: str, journal: str) -> bool:
        """Record one article; return True when a royalty is now due."""
        key = (borrower, journal.strip().lower())
        self.counts[key] += 1
        return self.counts[key] > RULE_OF_FIVE


def validate_request(request: LoanRequest, members: list[str]) -> list[str]:
    problems: list[str] = []
    if normalise_symbol(request.borrower) not in members:
        problems.append(f"borrower {request.borrower} is not an active member")
    if request.material not in BASE_FEES:
        problems.append(f"unsupported material {request.material!r}")
    if not request.lenders:
        problems.append("empty lender string")
    if request.material == "article":
        if not request.journal:
            problems.append("article request without journal title")
        if request.pages > MAX_ARTICLE_PAGES:
            problems.append(f"article of {request.pages} pages exceeds {MAX_ARTICLE_PAGES}")
    return problems


def eligible_lenders(request: LoanRequest, members: list[str]) -> list[str]:
    """Lenders from the request's lender string that can actually be asked."""
    borrower = normalise_symbol(request.borrower)
    seen: list[str] = []
    for raw in request.lenders:
        symbol = normalise_symbol(raw)
        if symbol == borrower or symbol in seen:
            continue
        if symbol not in members:
            continue
        seen.append(symbol)
    return seen


def request_fee(request: LoanRequest, royalty_due: bool) -> float:
    fee = BASE_FEES.get(request.material, 0.0)
    if request.needed_in_days <= 3:
        fee += EXPRESS_SURCHARGE
    if royalty_due:
        fee += ROYALTY_PER_ARTICLE
    if request.patron_type in FACULTY_TYPES and request.material == "book":
        fee = 0.0
    return round(fee, 2)


def route_request(
    request: LoanRequest,
    members: list[str],
    load: dict[str, int],
    daily_capacity: int,
    ledger: CopyrightLedger,
) -> RoutingDecision:
    problems = validate_request(request, members)
    if problems:
        return RoutingDecision(request.request_id, Status.REJECTED, reasons=problems)
    candidates = eligible_lenders(request, members)
    if not candidates:
        return RoutingDecision(
            request.request_id, Status.UNFILLED, reasons=["no active lender in lender string"]
        )
    for lender in candidates:
        if load[lender] >= daily_capacity:
            continue
        load[lender] += 1
        royalty = False
        if request.material == "article" and request.journal:
            royalty = ledger.record(normalise_symbol(request.borrower), request.journal)
        reasons = ["royalty due (rule of five)"] if royalty else []
        return RoutingDecision(
            request.request_id, Status.ROUTED, lender, request_fee(request, royalty), reasons
        )
    return RoutingDecision(
        request.request_id, Status.UNFILLED, reasons=["all lenders at daily capacity"]
    )


def process_batch(
    requests: list[LoanRequest], members: list[str], daily_capacity: int = 20
) -> BatchResult:
    """Route a day's requests; urgent ones first so they get first pick of lenders."""
    load: dict[str, int] = defaultdict(int)
    ledger = CopyrightLedger()
    ordered = sorted(requests, key=lambda r: (r.needed_in_days, r.request_id))
    decisions = [route_request(r, members, load, daily_capacity, ledger) for r in ordered]
    return BatchResult(decisions, dict(load))


def lender_report(result: BatchResult, top: int = 5) -> list[tuple[str, int]]:
    return sorted(result.lender_load.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
