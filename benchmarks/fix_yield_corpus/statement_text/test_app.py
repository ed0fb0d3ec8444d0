import hashlib

from app import StatementWriter, Txn, money
from workload import make_input, run


def test_money():
    assert money(-123456) == "-1,234.56" and money(5) == "0.05"


def test_small_statement():
    text = StatementWriter("1", 1000).render(
        "2026-01", [Txn("02", "PAY", 500), Txn("03", "X", -200)]
    )
    lines = text.splitlines()
    assert all(len(line) == 72 for line in lines)
    assert lines[0].startswith("STATEMENT 2026-01") and lines[0].endswith("ACCOUNT 1")
    assert lines[3].endswith(" 13.00") and lines[-1].endswith(" 13.00")
    assert lines[-3].endswith(" 5.00") and lines[-2].endswith(" 2.00")


def test_writer_is_reusable():
    w = StatementWriter("1", 0)
    assert w.render("a", []) == w.render("a", [])


def test_fixed_input():
    text = run(make_input())
    assert text.count("\n") == 4006
    assert hashlib.sha256(text.encode()).hexdigest()[:12] == DIGEST


DIGEST = "5cf657ebae64"
