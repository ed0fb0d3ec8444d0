import logging

from app import invoice_totals
from workload import make_input

INVOICE = {
    "id": "I1",
    "customer": "ACME",
    "lines": [
        {"sku": "B", "qty": 2, "unit_cents": 1000, "rate": "std"},
        {"sku": "A", "qty": 1, "unit_cents": 550, "rate": "low"},
    ],
}


def test_totals():
    assert invoice_totals([INVOICE]) == {"I1": (2550, 470, 3020)}


def test_debug_trace(caplog):
    with caplog.at_level(logging.DEBUG, logger="app"):
        invoice_totals([INVOICE])
    assert [r.getMessage() for r in caplog.records] == [
        "invoice I1 for ACME: 1xA@5.50[low], 2xB@10.00[std]"
    ]


def test_quiet_at_info(caplog):
    with caplog.at_level(logging.INFO, logger="app"):
        invoice_totals([INVOICE])
    assert caplog.records == []


def test_fixed_input():
    totals = invoice_totals(make_input())
    assert len(totals) == 1500
    assert sum(g for _, _, g in totals.values()) == EXPECTED_GROSS


EXPECTED_GROSS = 60217515
