from datetime import date

import pytest
from app import AchError, Originator, Payment, build_payroll_file, routing_check_digit

ORIG = Originator("HARBOR TOOL WORKS", "1234567890", "021000021")


def _pay(i, cents=123456, account_type="checking", routing="021000021"):
    return Payment(f"EMP{i}", "ana alvarez", routing, "000123456789", account_type, cents)


def test_routing_check_digit():
    assert routing_check_digit("02100002") == 1
    assert routing_check_digit("01100001") == 5


def test_file_layout_and_blocking():
    text = build_payroll_file(ORIG, date(2026, 3, 13), [_pay(1), _pay(2, 500, "savings")])
    lines = text.splitlines()
    assert text.endswith("\n")
    assert all(len(line) == 94 for line in lines)
    assert len(lines) == 10
    assert [line[0] for line in lines[:6]] == ["1", "5", "6", "6", "8", "9"]
    assert lines[6:] == ["9" * 94] * 4
    assert lines[2].startswith("622021000021000123456789     0000123456EMP1")
    assert "ANA ALVAREZ" in lines[2]
    assert lines[3][1:3] == "32" and lines[3].endswith("0000002")
    assert "260313" in lines[0] and "PAYROLL   260313260313" in lines[1]


def test_control_records_totals():
    text = build_payroll_file(ORIG, date(2026, 1, 2), [_pay(i, cents=1000) for i in range(12)])
    lines = text.splitlines()
    batch = next(line for line in lines if line.startswith("8"))
    assert batch[4:10] == "000012"
    assert batch[10:20] == f"{12 * 2100002:010d}"
    assert batch[32:44] == "000000012000"
    file_control = next(line for line in lines if line.startswith("9000001"))
    assert file_control[7:13] == "000002"  # 16 records round up to two blocks
    assert len(lines) == 20


def test_bad_payments_rejected():
    with pytest.raises(AchError, match="bad routing number"):
        build_payroll_file(ORIG, date(2026, 1, 2), [_pay(1, routing="021000022")])
    with pytest.raises(AchError, match="unknown account type 'loan'"):
        build_payroll_file(ORIG, date(2026, 1, 2), [_pay(1, account_type="loan")])
