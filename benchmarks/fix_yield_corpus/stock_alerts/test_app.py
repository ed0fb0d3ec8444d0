import logging

from app import reorder_alerts
from workload import make_input

ITEM = {"sku": "A", "warehouse": "W1", "levels": [1, 2, 3], "reorder_point": 10, "target": 25}


def test_alert_below_reorder_point_only():
    high = {**ITEM, "sku": "B", "levels": [10]}
    assert reorder_alerts([ITEM, high]) == [("A", 19)]


def test_debug_record(caplog):
    with caplog.at_level(logging.DEBUG, logger="app"):
        reorder_alerts([ITEM])
    assert [r.getMessage() for r in caplog.records] == ["checking A in W1 (min=1 max=3 mean=2.0)"]


def test_no_record_at_info(caplog):
    with caplog.at_level(logging.INFO, logger="app"):
        reorder_alerts([ITEM])
    assert caplog.records == []


def test_fixed_input():
    alerts = reorder_alerts(make_input())
    assert len(alerts) == 1150
    assert sum(q for _, q in alerts) == 309100
