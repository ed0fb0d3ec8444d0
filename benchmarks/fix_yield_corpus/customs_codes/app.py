"""Classify customs declaration lines against the tariff and assess duties."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

log = logging.getLogger(__name__)

CENT = Decimal("0.01")
DEFAULT_VAT = Decimal("0.20")


class LineStatus(Enum):
    ACCEPTED = "accepted"
    RECLASSIFIED = "reclassified"
    REJECTED = "rejected"


@dataclass(frozen=True)
class DeclarationLine:
    item_no: int
    declared_code: str
    description: str
    origin: str
    customs_value: Decimal
    net_mass_kg: Decimal
    preference_claimed: bool = False


@dataclass(frozen=True)
class Declaration:
    reference: str
    importer: str
    lines: tuple[DeclarationLine, ...]


@dataclass
class AssessedLine:
    item_no: int
    status: LineStatus
    code: str | None
    duty: Decimal = Decimal("0")
    vat: Decimal = Decimal("0")
    notes: list[str] = field(default_factory=list)


@dataclass
class Assessment:
    reference: str
    lines: list[AssessedLine]

    @property
    def total_duty(self) -> Decimal:
        return sum((line.duty for line in self.lines), Decimal("0"))

    @property
    def total_vat(self) -> Decimal:
        return sum((line.vat for line in self.lines), Decimal("0"))

    @property
    def needs_query(self) -> bool:
        return any(line.status is LineStatus.REJECTED for line in self.lines)


def normalise_code(raw: str) -> str:
    """Strip the punctuation brokers put in codes ('8471.30.00', '8471 30 00 90')."""
    digits = "".join(ch for ch in raw if ch.isdigit())
    if len(digits) > 8:
        digits = digits[:8]  # TARIC suffix is not part of the CN code
    return digits


def parse_nomenclature(rows: Iterable[str]) -> list[tuple[str, str]]:
    """Parse 'code|description' rows of the combined nomenclature extract."""
    entries: list[tuple[str, str]] = []
    for row in rows:
        row = row.strip()
        if not row or row.startswith("#"):
            continue
        code, _, description = row.partition("|")
        entries.append((normalise_code(code), description.strip()))
    return entries


def parse_rates(rows: Iterable[str]) -> dict[str, Decimal]:
    """Parse 'prefix|rate%' rows; a prefix may be a chapter, heading or subheading."""
    rates: dict[str, Decimal] = {}
    for row in rows:
        row = row.strip()
        if not row or row.startswith("#"):
            continue
        prefix, _, rate = row.partition("|")
        rates[prefix.strip()] = Decimal(rate.strip().rstrip("%")) / 100
    return rates


class TariffClassifier:
    """Holds the tariff loaded at start-up and assesses declaration lines."""

    def __init__(
        self,
        nomenclature: Iterable[str],
        rates: Iterable[str],
        preference_origins: Iterable[str] = (),
        vat_rate: Decimal = DEFAULT_VAT,
    ) -> None:
        self.valid_codes: list[str] = []
        self.descriptions: dict[str, str] = {}
        for code, description in parse_nomenclature(nomenclature):
            if len(code) != 8:
                log.warning("skipping malformed nomenclature code %r", code)
                continue
            self.valid_codes.append(code)
            self.descriptions.setdefault(code[:4], description)
        self.rates = parse_rates(rates)
        self.preference_origins = tuple(preference_origins)
        self.vat_rate = vat_rate
        log.info("tariff loaded: %d codes, %d rate rows", len(self.valid_codes), len(self.rates))

    def resolve(self, declared: str) -> tuple[str | None, LineStatus]:
        """Map a declared code onto a valid CN code, falling back to the '00' residual."""
        code = normalise_code(declared)
        if len(code) < 6:
            return None, LineStatus.REJECTED
        code = code.ljust(8, "0")
        if code in self.valid_codes:
            return code, LineStatus.ACCEPTED
        residual = code[:6] + "00"
        if residual in self.valid_codes:
            return residual, LineStatus.RECLASSIFIED
        other = code[:6] + "90"
        if other in self.valid_codes:
            return other, LineStatus.RECLASSIFIED
        return None, LineStatus.REJECTED

    def duty_rate(self, code: str) -> Decimal:
        for length in (8, 6, 4, 2):
            rate = self.rates.get(code[:length])
            if rate is not None:
                return rate
        return Decimal("0")

    def assess_line(self, line: DeclarationLine) -> AssessedLine:
        code, status = self.resolve(line.declared_code)
        if code is None:
            return AssessedLine(
                line.item_no, status, None, notes=[f"unknown code {line.declared_code!r}"]
            )
        notes: list[str] = []
        if status is LineStatus.RECLASSIFIED:
            notes.append(f"{line.declared_code} reclassified to {code}")
        rate = self.duty_rate(code)
        if line.preference_claimed:
            if line.origin in self.preference_origins:
                rate = Decimal("0")
                notes.append(f"preferential origin {line.origin}")
            else:
                notes.append(f"preference refused for origin {line.origin}")
        duty = (line.customs_value * rate).quantize(CENT, ROUND_HALF_UP)
        vat = ((line.customs_value + duty) * self.vat_rate).quantize(CENT, ROUND_HALF_UP)
        return AssessedLine(line.item_no, status, code, duty, vat, notes)

    def assess(self, declaration: Declaration) -> Assessment:
        return Assessment(
            declaration.reference, [self.assess_line(line) for line in declaration.lines]
        )


def chapter_totals(assessments: Iterable[Assessment]) -> dict[str, Decimal]:
    """Duty collected per tariff chapter, for the monthly statistics return."""
    totals: dict[str, Decimal] = defaultdict(lambda: Decimal("0"))
    for assessment in assessments:
        for line in assessment.lines:
            if line.code is not None:
                totals[line.code[:2]] += line.duty
    return dict(sorted(totals.items()))


def batch_report(classifier: TariffClassifier, declarations: Iterable[Declaration]) -> dict:
    assessments = [classifier.assess(d) for d in declarations]
    statuses: dict[str, int] = defaultdict(int)
    for assessment in assessments:
        for line in assessment.lines:
            statuses[line.status.value] += 1
    return {
        "declarations": len(assessments),
        "queried": sum(1 for a in assessments if a.needs_query),
        "duty": sum((a.total_duty for a in assessments), Decimal("0")),
        "vat": sum((a.total_vat for a in assessments), Decimal("0")),
        "statuses": dict(statuses),
        "by_chapter": chapter_totals(assessments),
    }
