import logging

from app import Ledger
from workload import make_input

T = {"id": "t1", "source": "cash", "target": "rent", "cents": 1200, "memo": "may"}


def test_entries_and_balances():
    ledger = Ledger()
    assert ledger.post([T, {**T, "id": "t2", "cents": 300}]) == [
        ("t1", "cash", -1200),
        ("t1", "rent", 1200),
        ("t2", "cash", -300),
        ("t2", "rent", 300),
    ]
    assert dict(ledger.balances) == {"cash": -1500, "rent": 1500}


def test_debug_record_describes_the_transfer(caplog):
    with caplog.at_level(logging.DEBUG, logger="app"):
        Ledger().post([T])
    assert [r.getMessage() for r in caplog.records] == [
        "posting transfer cents=1200, id='t1', memo='may', source='cash', target='rent'"
    ]


def test_no_record_at_info(caplog):
    with caplog.at_level(logging.INFO, logger="app"):
        Ledger().post([T])
    assert caplog.records == []


def test_fixed_input():
    ledger = Ledger()
    entries = ledger.post(make_input())
    assert len(entries) == 4000
    assert sum(c for _, _, c in entries) == 0
    assert ledger.balances["acct-3"] == -4098
