from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from app import (
    Enforcer,
    Permit,
    Sighting,
    ZoneRules,
    normalise_plate,
    revenue_by_zone,
    roster_for,
)

DAY = date(2024, 3, 12)  # a Tuesday
AT = datetime(2024, 3, 12, 10, 0)


def sight(plate, minutes=0, zone="A", conf=0.95, cam="C1"):
    return Sighting(cam, zone, plate, AT + timedelta(minutes=minutes), conf)


@pytest.fixture
def enforcer() -> Enforcer:
    permits = [
        Permit("AB12 CDE", "A", DAY - timedelta(days=5), DAY + timedelta(days=5)),
        Permit("ZZ99 ZZZ", "A", DAY - timedelta(days=400), DAY - timedelta(days=35)),
    ]
    return Enforcer([ZoneRules("A", 7000), ZoneRules("B", 5000)], permits, ["FL01 EET"])


def test_normalise_plate():
    assert normalise_plate("ab12 cde") == "AB12CDE"
    assert normalise_plate("AB-12-CDE") == "AB12CDE"
    assert normalise_plate("!!") is None


def test_roster_only_includes_valid_permits():
    permits = [
        Permit("AB12CDE", "A", DAY, DAY),
        Permit("XY12XYZ", "A", DAY + timedelta(days=1), DAY + timedelta(days=9)),
        Permit("QQ11QQQ", "B", DAY, DAY),
    ]
    roster = roster_for(DAY, permits)
    assert list(roster["A"]) == ["AB12CDE"]
    assert list(roster["B"]) == ["QQ11QQQ"]


def test_permit_holder_not_ticketed(enforcer):
    assert enforcer.process_day(DAY, [sight("ab12cde"), sight("AB12 CDE", 30)]) == []


def test_permit_for_other_zone_does_not_count(enforcer):
    notices = enforcer.process_day(DAY, [sight("AB12CDE", zone="B"), sight("AB12CDE", 20, "B")])
    assert len(notices) == 1
    assert notices[0].fee_pence == 5000


def test_expired_permit_ticketed_after_window(enforcer):
    notices = enforcer.process_day(
        DAY, [sight("ZZ99ZZZ"), sight("ZZ99ZZZ", 5), sight("ZZ99ZZZ", 12)]
    )
    assert len(notices) == 1
    assert notices[0].first_seen == AT
    assert notices[0].issued_for == AT + timedelta(minutes=12)


def test_one_notice_per_plate_and_zone(enforcer):
    notices = enforcer.process_day(DAY, [sight("NO12PER", m) for m in range(0, 60, 5)])
    assert len(notices) == 1


def test_fleet_and_low_confidence_ignored(enforcer):
    sightings = [sight("FL01EET"), sight("FL01EET", 30), sight("LO12CON", 0, conf=0.5)]
    sightings.append(sight("LO12CON", 30, conf=0.5))
    assert enforcer.process_day(DAY, sightings) == []
    assert enforcer.discarded == 2


def test_outside_hours_and_other_days_ignored(enforcer):
    evening = Sighting("C1", "A", "EV12ENG", datetime(2024, 3, 12, 19, 0), 0.99)
    evening2 = Sighting("C1", "A", "EV12ENG", datetime(2024, 3, 12, 19, 30), 0.99)
    other = Sighting("C1", "A", "EV12ENG", datetime(2024, 3, 13, 10, 30), 0.99)
    assert enforcer.process_day(DAY, [evening, evening2, other]) == []


def test_revenue_by_zone(enforcer):
    notices = enforcer.process_day(
        DAY,
        [
            sight("AA11AAA"),
            sight("AA11AAA", 15),
            sight("BB22BBB", 0, "B"),
            sight("BB22BBB", 15, "B"),
        ],
    )
    assert revenue_by_zone(notices) == {"A": 7000, "B": 5000}
