from __future__ import annotations

import logging

import pytest
from app import Employee, PayrollRun, describe_lines, income_tax, totals


def test_income_tax_bands() -> None:
    assert income_tax(100_000) == 0
    assert income_tax(204_750) == 20_000
    assert income_tax(419_000 + 100_000) == 62_850 + 40_000


def test_basic_payslip_lines() -> None:
    slip = PayrollRun("2026-01").payslip_for(Employee("E1", "Ann", 2_400_000))
    assert slip.lines == [
        ("Basic pay", 200_000),
        ("Pension", -10_000),
        ("Income tax", -17_050),
        ("National Ins.", -7_616),
    ]
    assert slip.net == 165_334


def test_overtime_benefits_and_loan() -> None:
    emp = Employee(
        "E2",
        "Bo",
        3_600_000,
        overtime_hours=4,
        hourly_rate=2_000,
        student_loan=True,
        benefits=(("Car", 10_000),),
    )
    labels = dict(PayrollRun("2026-01").payslip_for(emp).lines)
    assert labels["Overtime"] == 12_000
    assert labels["Pension"] == -15_600
    assert labels["Income tax"] == -40_330
    assert labels["Student loan"] == -7_569


def test_run_and_totals() -> None:
    emps = [Employee("A", "A", 1_200_000), Employee("B", "B", 2_400_000)]
    slips = PayrollRun("2026-02").run(emps)
    assert set(slips) == {"A", "B"}
    summary = totals(slips)
    assert summary["Basic pay"] == 300_000
    assert summary["Pension"] == -15_000


def test_describe_lines_format() -> None:
    text = describe_lines(Employee("E7", "Cy", 0), [("Basic pay", 123_456), ("Tax", -456)])
    assert text.splitlines() == [
        "E7 (Cy)",
        "  Basic pay              1,234.56",
        "  Tax               -        4.56",
        "  NET                    1,230.00",
    ]


def test_debug_log_emits_breakdown(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="payroll.run"):
        PayrollRun("2026-03").payslip_for(Employee("E9", "Di", 1_200_000))
    assert any("E9 (Di)" in rec.getMessage() for rec in caplog.records)
