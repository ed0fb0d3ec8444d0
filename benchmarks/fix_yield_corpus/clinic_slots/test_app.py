from __future__ import annotations

from datetime import date, datetime

from app import Booking, ClinicRota, SlotRequest, answer_requests

MON = date(2026, 12, 7)
TUE = date(2026, 12, 8)

ROTA = {
    "dr_a": {
        "specialties": ["gp", "derm"],
        "days": {"mon": [["09:00", "10:00"], ["14:00", "15:00"]]},
    },
    "dr_b": {
        "specialties": ["gp"],
        "days": {"mon": [["09:30", "11:00"]], "tue": [["08:00", "09:00"]]},
    },
}


def test_first_free_slot_per_window() -> None:
    clinic = ClinicRota(ROTA)
    slots = clinic.open_slots(SlotRequest("gp", MON, 30))
    assert slots == [
        ("dr_a", datetime(2026, 12, 7, 9, 0)),
        ("dr_b", datetime(2026, 12, 7, 9, 30)),
        ("dr_a", datetime(2026, 12, 7, 14, 0)),
    ]


def test_bookings_push_slot_later() -> None:
    clinic = ClinicRota(ROTA)
    clinic.book([Booking("dr_a", datetime(2026, 12, 7, 9, 0), 20)])
    slots = clinic.open_slots(SlotRequest("derm", MON, 30))
    assert slots == [("dr_a", datetime(2026, 12, 7, 9, 30)), ("dr_a", datetime(2026, 12, 7, 14, 0))]


def test_specialty_and_weekday_filter() -> None:
    clinic = ClinicRota(ROTA)
    assert clinic.open_slots(SlotRequest("derm", TUE, 15)) == []
    assert clinic.open_slots(SlotRequest("gp", TUE, 60)) == [("dr_b", datetime(2026, 12, 8, 8, 0))]
    assert clinic.open_slots(SlotRequest("gp", TUE, 61)) == []


def test_rota_copy_is_independent() -> None:
    clinic = ClinicRota(ROTA)
    got = clinic.rota()
    got["dr_a"]["specialties"].append("cardio")
    assert clinic.rota()["dr_a"]["specialties"] == ["gp", "derm"]
    assert ROTA["dr_a"]["specialties"] == ["gp", "derm"]


def test_limit_and_answer_requests() -> None:
    reqs = [SlotRequest("gp", MON, 15), SlotRequest("derm", MON, 90)]
    out = answer_requests(ROTA, [Booking("dr_b", datetime(2026, 12, 7, 9, 30), 90)], reqs)
    assert out[0] == [("dr_a", datetime(2026, 12, 7, 9, 0)), ("dr_a", datetime(2026, 12, 7, 14, 0))]
    assert out[1] == []
    clinic = ClinicRota(ROTA)
    assert len(clinic.open_slots(SlotRequest("gp", MON, 15), limit=1)) == 1
