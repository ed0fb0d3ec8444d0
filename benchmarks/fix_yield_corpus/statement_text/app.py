"""Render a bank account's monthly statement as fixed-width text for the print vendor.

The vendor's format: a header block, one 72-column line per transaction with a running
balance, a footer with the totals. Amounts are integer cents.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Txn:
    day: str
    description: str
    cents: int


def money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole:,}.{part:02d}"


class StatementWriter:
    def __init__(self, account: str, opening_cents: int) -> None:
        self.account = account
        self.opening = opening_cents
        self.text = ""

    def _line(self, left: str, right: str = "") -> None:
        self.text += left.ljust(72 - len(right)) + right + "\n"

    def render(self, month: str, txns: list[Txn]) -> str:
        self.text = ""
        self._line(f"STATEMENT {month}", f"ACCOUNT {self.account}")
        self._line("-" * 72)
        balance = self.opening
        paid_in = paid_out = 0
        for t in txns:
            balance += t.cents
            if t.cents >= 0:
                paid_in += t.cents
            else:
                paid_out -= t.cents
            self._line(f"{t.day}  {t.description[:36]:<36} {money(t.cents):>14}", money(balance))
        self._line("-" * 72)
        self._line("PAID IN", money(paid_in))
        self._line("PAID OUT", money(paid_out))
        self._line("CLOSING BALANCE", money(balance))
        return self.text
