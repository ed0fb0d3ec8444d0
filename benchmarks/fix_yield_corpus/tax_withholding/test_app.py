from decimal import Decimal

from app import (
    FederalCalculator,
    Paycheck,
    PayrollRun,
    StateCalculator,
    WithholdingCalculator,
    build_tables,
)

RATES = [0.10, 0.20, 0.30]


def tables():
    return build_tables(RATES, 10000, 5000, 10000, allowance_value=1000)


def test_build_tables_shape():
    t = tables()
    assert [b["over"] for b in t["brackets"]["single"]] == [0, 10000, 20000]
    assert [b["base"] for b in t["brackets"]["joint"]] == [0.0, 2000.0, 6000.0]
    assert t["standard_deduction"]["head"] == 7500


def test_federal_withholding_monthly_single():
    calc = FederalCalculator(tables())
    # annual 24000 - 5000 deduction = 19000 -> 1000 + 9000*0.2 = 2800 / 12
    check = Paycheck("E1", 2000, "monthly", "single")
    assert calc.withhold(check) == Decimal("233.33")


def test_allowances_and_zero_income():
    calc = FederalCalculator(tables())
    check = Paycheck("E1", 2000, "monthly", "single", allowances=2)
    assert calc.withhold(check) == Decimal("200.00")
    assert calc.withhold(Paycheck("E2", 100, "monthly", "single")) == Decimal("0.00")


def test_unknown_status_falls_back_to_single_brackets():
    t = tables()
    t["standard_deduction"]["widow"] = 5000
    calc = WithholdingCalculator(t)
    a = calc.withhold(Paycheck("E1", 2000, "monthly", "single"))
    b = calc.withhold(Paycheck("E1", 2000, "monthly", "widow"))
    assert a == b


def test_state_surcharge_and_minimum():
    calc = StateCalculator("XX", tables(), surcharge=0.5, minimum=3)
    assert calc.name == "state:XX"
    assert calc.withhold(Paycheck("E1", 2000, "monthly", "single")) == Decimal("350.00")
    assert calc.withhold(Paycheck("E2", 100, "monthly", "single")) == Decimal("3.00")
    assert calc.withhold(Paycheck("E3", 0, "monthly", "single")) == Decimal("0.00")


def test_withholding_does_not_modify_tables():
    t = tables()
    before = repr(t)
    calc = FederalCalculator(t)
    for i in range(5):
        calc.withhold(Paycheck("E", 500 + i * 900, "weekly", "joint", i))
    assert repr(t) == before


def test_payroll_run_net_and_order():
    run = PayrollRun([FederalCalculator(tables()), StateCalculator("XX", tables(), 0.0, 0)])
    checks = [Paycheck("B", 2000, "monthly"), Paycheck("A", 100, "monthly")]
    stubs = run.process(checks)
    assert [s["employee_id"] for s in stubs] == ["B", "A"]
    assert stubs[0]["withholding"] == {
        "federal": Decimal("233.33"),
        "state:XX": Decimal("233.33"),
    }
    assert stubs[0]["net"] == Decimal("1533.34")
    assert stubs[1]["net"] == Decimal("100")
