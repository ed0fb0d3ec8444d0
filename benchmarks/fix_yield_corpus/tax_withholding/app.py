"""Per-paycheck income tax withholding for federal and state jurisdictions."""

from __future__ import annotations

import copy
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
PERIODS_PER_YEAR = {"weekly": 52, "biweekly": 26, "semimonthly": 24, "monthly": 12}


class Paycheck:
    def __init__(self, employee_id, gross, frequency="biweekly", status="single", allowances=0):
        self.employee_id = employee_id
        self.gross = Decimal(str(gross))
        self.frequency = frequency
        self.status = status
        self.allowances = allowances

    @property
    def periods(self):
        return PERIODS_PER_YEAR[self.frequency]


class WithholdingCalculator:
    """Annualises the paycheck, applies the bracket table, de-annualises."""

    name = "base"

    def __init__(self, tables):
        # tables: {"brackets": {status: [{"over": n, "rate": r, "base": b}, ...]},
        #          "standard_deduction": {status: n}, "allowance_value": n, "notes": {...}}
        self._tables = tables

    def tables_for_run(self):
        # Each run gets its own copy so one calculation can never disturb another.
        return copy.deepcopy(self._tables)

    def taxable_income(self, paycheck, tables):
        annual = paycheck.gross * paycheck.periods
        deduction = Decimal(str(tables["standard_deduction"].get(paycheck.status, 0)))
        allowance = Decimal(str(tables["allowance_value"])) * paycheck.allowances
        return max(Decimal(0), annual - deduction - allowance)

    def annual_tax(self, income, brackets):
        chosen = None
        for bracket in brackets:
            if income > Decimal(str(bracket["over"])):
                chosen = bracket
        if chosen is None:
            return Decimal(0)
        excess = income - Decimal(str(chosen["over"]))
        return Decimal(str(chosen["base"])) + excess * Decimal(str(chosen["rate"]))

    def withhold(self, paycheck):
        tables = self.tables_for_run()
        brackets = tables["brackets"].get(paycheck.status) or tables["brackets"]["single"]
        income = self.taxable_income(paycheck, tables)
        tax = self.annual_tax(income, brackets) / paycheck.periods
        return self.adjust(tax, paycheck).quantize(CENT, rounding=ROUND_HALF_UP)

    def adjust(self, tax, paycheck):
        return tax


class FederalCalculator(WithholdingCalculator):
    name = "federal"


class StateCalculator(WithholdingCalculator):
    """States add a flat surcharge and a per-paycheck minimum."""

    def __init__(self, state, tables, surcharge=0.0, minimum=0.0):
        super().__init__(tables)
        self.name = f"state:{state}"
        self.surcharge = Decimal(str(surcharge))
        self.minimum = Decimal(str(minimum))

    def adjust(self, tax, paycheck):
        tax = tax * (1 + self.surcharge)
        if paycheck.gross > 0 and tax < self.minimum:
            return self.minimum
        return tax


class PayrollRun:
    def __init__(self, calculators):
        self.calculators = list(calculators)

    def process(self, paychecks):
        stubs = []
        for check in paychecks:
            lines = {calc.name: calc.withhold(check) for calc in self.calculators}
            total = sum(lines.values(), Decimal(0))
            stubs.append(
                {
                    "employee_id": check.employee_id,
                    "gross": check.gross,
                    "withholding": lines,
                    "net": check.gross - total,
                }
            )
        return stubs


def build_tables(rates, step, deduction_single, deduction_joint, allowance_value=4300):
    brackets = {}
    for status, width in (("single", step), ("joint", step * 2), ("head", int(step * 1.5))):
        rows, base = [], 0.0
        for i, rate in enumerate(rates):
            over = i * width
            rows.append(
                {"over": over, "rate": rate, "base": round(base, 2), "label": f"{rate:.0%}"}
            )
            base += width * rate
        brackets[status] = rows
    return {
        "brackets": brackets,
        "standard_deduction": {
            "single": deduction_single,
            "joint": deduction_joint,
            "head": (deduction_single + deduction_joint) // 2,
        },
        "allowance_value": allowance_value,
        "notes": {"source": "annual publication", "revision": 3, "effective": [2024, 1, 1]},
    }
