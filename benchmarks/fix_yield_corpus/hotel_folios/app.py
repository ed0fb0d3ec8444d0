"""Night audit for a hotel property: post room and tax charges, then print the folio ledger.

The night auditor closes the business day by posting each occupied room's rate, the city
occupancy tax and any incidental charges to its folio, and prints one plain-text ledger that
the front office reconciles against the property management system the next morning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
#: tax rate per charge code; codes not listed are untaxed
TAX_RATES = {"ROOM": Decimal("0.145"), "FB": Decimal("0.085"), "SPA": Decimal("0.085")}
CODE_LABELS = {
    "ROOM": "Room & rate",
    "FB": "Food & beverage",
    "SPA": "Spa services",
    "PARK": "Valet parking",
    "TAX": "Occupancy/sales tax",
    "PAY": "Payment",
}
LINE_WIDTH = 64


@dataclass(frozen=True)
class Charge:
    code: str
    amount: Decimal
    memo: str = ""


@dataclass
class Folio:
    number: str
    room: str
    guest: str
    charges: list[Charge] = field(default_factory=list)

    @property
    def balance(self) -> Decimal:
        return sum((c.amount for c in self.charges), Decimal("0"))


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def post_room_night(folio: Folio, rate: Decimal, incidentals: list[Charge]) -> None:
    """Post the night's room rate and incidentals, each taxable line with its tax."""
    for charge in [Charge("ROOM", _money(rate), "nightly rate"), *incidentals]:
        folio.charges.append(charge)
        rate_pct = TAX_RATES.get(charge.code)
        if rate_pct is not None and charge.amount > 0:
            tax = _money(charge.amount * rate_pct)
            folio.charges.append(Charge("TAX", tax, f"on {charge.code}"))


class LedgerPrinter:
    def __init__(self, business_day: date, property_name: str) -> None:
        self.business_day = business_day
        self.property_name = property_name
        self.text = ""

    def _line(self, left: str, amount: Decimal | None = None) -> str:
        if amount is None:
            return left[:LINE_WIDTH] + "\n"
        figure = f"{amount:,.2f}"
        room = LINE_WIDTH - len(figure) - 1
        return f"{left[:room]:<{room}} {figure}\n"

    def print_folio(self, folio: Folio) -> None:
        self.text += self._line(f"Folio {folio.number}  Room {folio.room}  {folio.guest}")
        for charge in folio.charges:
            label = CODE_LABELS.get(charge.code, charge.code)
            memo = f" ({charge.memo})" if charge.memo else ""
            self.text += self._line(f"  {label}{memo}", charge.amount)
        self.text += self._line("  Balance", folio.balance)

    def render(self, folios: list[Folio]) -> str:
        self.text = self._line(f"{self.property_name} night audit {self.business_day:%Y-%m-%d}")
        self.text += "=" * LINE_WIDTH + "\n"
        for folio in sorted(folios, key=lambda f: f.room):
            self.print_folio(folio)
        total = sum((f.balance for f in folios), Decimal("0"))
        self.text += "=" * LINE_WIDTH + "\n"
        self.text += self._line(f"House total ({len(folios)} folios)", total)
        return self.text


def night_audit(folios: list[Folio], day: date, property_name: str = "Harbour Hotel") -> str:
    return LedgerPrinter(day, property_name).render(folios)
