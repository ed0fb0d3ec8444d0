"""Monthly payroll run: gross-to-net for each employee, amounts in cents."""

from __future__ import annotations

import logging
from dataclasses import dataclass

log = logging.getLogger("payroll.run")

# (upper bound of the monthly band in cents, rate in basis points)
TAX_BANDS: tuple[tuple[int, int], ...] = (
    (104_750, 0),
    (419_000, 2000),
    (1_050_000, 4000),
    (10**12, 4500),
)
PENSION_BPS = 500
NI_THRESHOLD = 104_800
NI_BPS = 800


@dataclass(frozen=True)
class Employee:
    emp_id: str
    name: str
    annual_salary: int
    overtime_hours: float = 0.0
    hourly_rate: int = 0
    student_loan: bool = False
    benefits: tuple[tuple[str, int], ...] = ()


@dataclass
class Payslip:
    emp_id: str
    lines: list[tuple[str, int]]

    @property
    def net(self) -> int:
        return sum(amount for _, amount in self.lines)


def _bps(amount: int, bps: int) -> int:
    return (amount * bps + 5_000) // 10_000


def income_tax(taxable: int) -> int:
    tax = 0
    lower = 0
    for upper, rate in TAX_BANDS:
        if taxable <= lower:
            break
        tax += _bps(min(taxable, upper) - lower, rate)
        lower = upper
    return tax


def describe_lines(emp: Employee, lines: list[tuple[str, int]]) -> str:
    parts = [f"{emp.emp_id} ({emp.name})"]
    for label, amount in lines:
        sign = "-" if amount < 0 else " "
        parts.append(f"  {label:<18}{sign}{abs(amount) / 100:>12,.2f}")
    total = sum(amount for _, amount in lines)
    parts.append(f"  {'NET':<18} {total / 100:>12,.2f}")
    return "\n".join(parts)


class PayrollRun:
    def __init__(self, period: str, loan_threshold: int = 227_900) -> None:
        self.period = period
        self.loan_threshold = loan_threshold

    def payslip_for(self, emp: Employee) -> Payslip:
        basic = emp.annual_salary // 12
        overtime = round(emp.overtime_hours * emp.hourly_rate * 1.5)
        gross = basic + overtime
        lines: list[tuple[str, int]] = [("Basic pay", basic)]
        if overtime:
            lines.append(("Overtime", overtime))
        pension = _bps(gross, PENSION_BPS)
        lines.append(("Pension", -pension))
        taxable = gross - pension + sum(value for _, value in emp.benefits)
        lines.append(("Income tax", -income_tax(taxable)))
        if gross > NI_THRESHOLD:
            lines.append(("National Ins.", -_bps(gross - NI_THRESHOLD, NI_BPS)))
        if emp.student_loan and gross > self.loan_threshold:
            lines.append(("Student loan", -_bps(gross - self.loan_threshold, 900)))
        log.debug("%s payslip\n%s", self.period, describe_lines(emp, lines))
        return Payslip(emp.emp_id, lines)

    def run(self, employees: list[Employee]) -> dict[str, Payslip]:
        slips = {emp.emp_id: self.payslip_for(emp) for emp in employees}
        negative = [emp_id for emp_id, slip in slips.items() if slip.net < 0]
        if negative:
            log.warning("%d payslips with negative net pay", len(negative))
        return slips


def totals(slips: dict[str, Payslip]) -> dict[str, int]:
    out: dict[str, int] = {}
    for slip in slips.values():
        for label, amount in slip.lines:
            out[label] = out.get(label, 0) + amount
    return out
