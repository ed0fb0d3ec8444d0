import logging

from app import Tracker
from workload import make_input


def test_latest_scan_wins_and_terminal_states_stick():
    t = Tracker()
    counts = t.ingest(
        [
            {"id": "A", "status": "in_transit", "where": "York", "at": 20},
            {"id": "A", "status": "picked_up", "where": "Hull", "at": 10},
            {"id": "B", "status": "delivered", "where": "Bath", "at": 5},
            {"id": "B", "status": "in_transit", "where": "Bath", "at": 9},
        ]
    )
    assert counts == {"in_transit": 1, "delivered": 1}
    assert (t.parcels["A"].status, t.parcels["A"].location) == ("in_transit", "York")
    assert len(t.parcels["B"].history) == 2


def test_debug_trace_has_the_state(caplog):
    with caplog.at_level(logging.DEBUG, logger="shipments.tracker"):
        Tracker().ingest([{"id": "A", "status": "picked_up", "where": "Hull", "at": 1}])
    (message,) = [r.getMessage() for r in caplog.records]
    assert message.startswith("scan picked_up applied: {") and '"location": "Hull"' in message


def test_fixed_input():
    assert Tracker().ingest(make_input()) == {"delivered": 1333, "lost": 167}
