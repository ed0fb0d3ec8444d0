"""ACH payroll file: write a NACHA-format credit batch (94-character records) for a pay run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

RECORD_LENGTH = 94
BLOCKING_FACTOR = 10
#: transaction codes: checking / savings credit
TRANSACTION_CODES = {"checking": "22", "savings": "32"}


@dataclass(frozen=True)
class Originator:
    company_name: str
    company_id: str
    odfi_routing: str
    destination_name: str = "FEDERAL RESERVE"


@dataclass(frozen=True)
class Payment:
    employee_id: str
    name: str
    routing: str
    account: str
    account_type: str
    cents: int


class AchError(ValueError):
    pass


def routing_check_digit(first8: str) -> int:
    weights = (3, 7, 1, 3, 7, 1, 3, 7)
    total = sum(int(d) * w for d, w in zip(first8, weights, strict=True))
    return (10 - total % 10) % 10


def _field(value: str | int, width: int, numeric: bool = False) -> str:
    text = str(value)
    if len(text) > width:
        text = text[:width] if not numeric else text[-width:]
    return text.rjust(width, "0") if numeric else text.ljust(width)


class AchFileWriter:
    def __init__(self, originator: Originator, effective: date, file_id: str = "A") -> None:
        self.originator = originator
        self.effective = effective
        self.file_id = file_id
        self.body = ""
        self.records = 0

    def _emit(self, record: str) -> None:
        if len(record) != RECORD_LENGTH:
            raise AchError(f"record of {len(record)} characters: {record[:20]!r}")
        self.body += record + "\n"
        self.records += 1

    def entry_record(self, payment: Payment, trace: int) -> str:
        if payment.account_type not in TRANSACTION_CODES:
            raise AchError(f"{payment.employee_id}: unknown account type {payment.account_type!r}")
        routing = payment.routing
        if len(routing) != 9 or routing_check_digit(routing[:8]) != int(routing[8]):
            raise AchError(f"{payment.employee_id}: bad routing number {routing!r}")
        return (
            f"6{TRANSACTION_CODES[payment.account_type]}{routing}{_field(payment.account, 17)}"
            f"{_field(payment.cents, 10, numeric=True)}{_field(payment.employee_id, 15)}"
            f"{_field(payment.name.upper(), 22)}  0{self.originator.odfi_routing[:8]}"
            f"{_field(trace, 7, numeric=True)}"
        )

    def write(self, payments: list[Payment]) -> str:
        o = self.originator
        when = self.effective.strftime("%y%m%d")
        self._emit(
            f"101 {o.odfi_routing} {_field(o.company_id, 9, True)}{when}0000{self.file_id}094101"
            f"{_field(o.destination_name, 23)}{_field(o.company_name, 23)}{'':8}"
        )
        self._emit(
            f"5220{_field(o.company_name, 16)}{'':20}{_field(o.company_id, 10)}PPDPAYROLL   "
            f"{when}{when}   1{o.odfi_routing[:8]}0000001"
        )
        hash_total = 0
        credit = 0
        for trace, payment in enumerate(payments, start=1):
            self._emit(self.entry_record(payment, trace))
            hash_total += int(payment.routing[:8])
            credit += payment.cents
        count = len(payments)
        self._emit(
            f"8220{_field(count, 6, True)}{_field(hash_total, 10, True)}{'':0>12}"
            f"{_field(credit, 12, True)}{_field(o.company_id, 10)}{'':25}"
            f"{o.odfi_routing[:8]}0000001"
        )
        blocks = -(-(self.records + 1) // BLOCKING_FACTOR)
        self._emit(
            f"9000001{_field(blocks, 6, True)}{_field(count, 8, True)}"
            f"{_field(hash_total, 10, True)}{'':0>12}{_field(credit, 12, True)}{'':39}"
        )
        while self.records % BLOCKING_FACTOR:
            self._emit("9" * RECORD_LENGTH)
        return self.body


def build_payroll_file(originator: Originator, effective: date, payments: list[Payment]) -> str:
    return AchFileWriter(originator, effective).write(payments)
