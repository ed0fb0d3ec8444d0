import logging

from app import Appointment, DockPlan, manifest_text, plan_day, slots_needed


def _appt(ref, minute, pallets=10, load="palletized", reefer=False):
    return Appointment(ref, "Northline", minute, pallets, load, reefer, [("B-2", 5), ("A-1", 3)])


def test_slots_needed_by_load_type():
    assert slots_needed(_appt("a", 0, pallets=10, load="palletized")) == 2  # 27.5 min
    assert slots_needed(_appt("b", 0, pallets=26, load="floor")) == 6  # 85 min
    assert slots_needed(_appt("c", 0, pallets=0)) == 2


def test_manifest_text_sorted_lines():
    text = manifest_text(_appt("PO-1", 0, reefer=True))
    assert text == "PO-1 [Northline, reefer, 10 plt palletized] A-1 x3; B-2 x5"


def test_reefer_only_on_reefer_doors_and_dry_prefers_dry():
    plan = DockPlan(["D1", "D2", "D3"])
    r = plan.book(_appt("R", 60, reefer=True))
    d = plan.book(_appt("X", 60))
    assert (r.door, r.start_slot, r.slots) == ("D1", 4, 2)
    assert d.door == "D3"
    d2 = plan.book(_appt("Y", 60))
    assert d2.door == "D2" and d2.start_slot == 4


def test_plan_day_waits_and_refusals(caplog):
    appts = [_appt("A", 120), _appt("B", 125), _appt("C", 23 * 60 + 40, reefer=True)]
    with caplog.at_level(logging.DEBUG, logger="app"):
        out = plan_day(appts, ["D1", "D9"])
    assert [(b.ref, b.door, b.start_slot) for b in out["bookings"]] == [
        ("A", "D9", 8),
        ("B", "D1", 9),
    ]
    assert out["refused"] == ["C"]
    assert out["slots_used"] == {"D1": 2, "D9": 2}
    assert out["mean_wait"] == 5.0
    messages = [r.getMessage() for r in caplog.records]
    assert messages[0] == "booking A [Northline, dry, 10 plt palletized] A-1 x3; B-2 x5 for 2 slots"
    assert len(messages) == 3
