import logging

from app import price_orders
from workload import make_input

ORDER = {
    "id": "o1",
    "country": "DE",
    "lines": [{"sku": "a", "qty": 10, "unit_cents": 250}, {"sku": "b", "qty": 1, "unit_cents": 99}],
}


def test_discount_tax_and_total_in_cents():
    assert price_orders([ORDER]) == [
        {"id": "o1", "subtotal": 2599, "discount": 125, "tax": 470, "total": 2944}
    ]


def test_unknown_country_uses_default_tax_and_empty_order_is_zero():
    order = {"id": "o2", "country": "XX", "lines": [{"sku": "a", "qty": 1, "unit_cents": 1000}]}
    empty = {"id": "o3", "country": "NL", "lines": []}
    assert price_orders([order, empty]) == [
        {"id": "o2", "subtotal": 1000, "discount": 0, "tax": 200, "total": 1200},
        {"id": "o3", "subtotal": 0, "discount": 0, "tax": 0, "total": 0},
    ]


def test_debug_record_names_the_order(caplog):
    with caplog.at_level(logging.DEBUG, logger="app"):
        price_orders([ORDER])
    assert [r.getMessage() for r in caplog.records] == [f"pricing order o1 for DE: {ORDER!r}"]


def test_no_record_at_info(caplog):
    with caplog.at_level(logging.INFO, logger="app"):
        price_orders([ORDER])
    assert caplog.records == []


def test_fixed_input():
    priced = price_orders(make_input())
    assert len(priced) == 1000
    assert priced[2] == {
        "id": "ord-00002",
        "subtotal": 3088,
        "discount": 0,
        "tax": 648,
        "total": 3736,
    }
    assert sum(p["total"] for p in priced) == 6960999
    assert sum(p["discount"] for p in priced) == 169461
