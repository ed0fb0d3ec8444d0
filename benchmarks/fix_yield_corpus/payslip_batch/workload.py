"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import Employee, PayrollRun, Payslip


def make_input() -> tuple[PayrollRun, list[Employee]]:
    employees = [
        Employee(
            emp_id=f"E{i:05d}",
            name=f"Employee {i}",
            annual_salary=1_800_000 + (i * 7919) % 9_000_000,
            overtime_hours=float(i % 7) * 2.5,
            hourly_rate=1_500 + (i * 31) % 4_000,
            student_loan=i % 4 == 0,
            benefits=(("Medical", 9_000),) if i % 3 == 0 else (),
        )
        for i in range(1500)
    ]
    return PayrollRun("2026-11"), employees


def run(data: tuple[PayrollRun, list[Employee]]) -> dict[str, Payslip]:
    payroll, employees = data
    return payroll.run(employees)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    data = make_input()
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        run(data)


if __name__ == "__main__":
    main()
