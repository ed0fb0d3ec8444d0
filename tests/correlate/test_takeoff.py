"""With no call graph, a fleet that runs a copy of its services per location joins the groups
of one location that take off together (to the better supported failure when two could explain
a take-off) and ranks the one that took off first as the root; a fleet of services living in
one place each, another location, a later take-off, or a take-off with its own deploy just
before, stays apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from efficiency.correlate import AlertRecord, ChangeRecord, CorrelationRules, Correlator

T0 = datetime(2024, 5, 6, 14, 0, tzinfo=UTC)


def burst(service: str, region: str, start: float, n: int) -> list[AlertRecord]:
    return [
        AlertRecord(
            fingerprint=f"{service}-{region}-{k}",
            starts_at=T0 + timedelta(seconds=start + 2 * k),
            labels={"alertname": "Errors", "service": service, "region": region},
        )
        for k in range(n)
    ]


def owners(alerts: list[AlertRecord], rules: CorrelationRules | None = None) -> dict[str, str]:
    correlator = Correlator(rules=rules)
    correlator.add(alerts, T0 + timedelta(minutes=30))
    return {fp: key for key, inc in correlator.incidents.items() for fp in inc.alerts}


#: the database also fails in another region later: the fleet runs a copy per region
ELSEWHERE = burst("db", "us", 1200, 10)


def test_a_caller_taking_off_after_its_location_s_failure_joins_it() -> None:
    owner = owners(burst("db", "eu", 0, 10) + burst("api", "eu", 30, 10) + ELSEWHERE)
    assert owner["api-eu-0"] == owner["db-eu-0"]
    assert owner["db-us-0"] != owner["db-eu-0"]


def test_services_living_in_one_place_each_are_not_joined_by_time() -> None:
    owner = owners(burst("db", "eu", 0, 10) + burst("api", "eu", 30, 10))
    assert owner["api-eu-0"] != owner["db-eu-0"]


def test_a_take_off_in_another_location_stays_apart() -> None:
    owner = owners(burst("db", "eu", 0, 10) + burst("api", "us", 30, 10) + ELSEWHERE)
    assert owner["api-us-0"] != owner["db-eu-0"]


def test_a_take_off_two_failures_could_explain_joins_the_better_supported_one() -> None:
    """db (5 alerts) and a loud cache (40: db is too quiet to explain it) both fail in eu;
    api taking off after both joins the failure with more alerts behind it."""
    alerts = burst("db", "eu", 0, 5) + burst("cache", "eu", 30, 40) + burst("api", "eu", 55, 10)
    owner = owners(alerts + ELSEWHERE)
    assert owner["cache-eu-0"] != owner["db-eu-0"]
    assert owner["api-eu-0"] == owner["cache-eu-0"]


def test_a_take_off_with_its_own_deploy_just_before_starts_a_failure_of_its_own() -> None:
    deploy = ChangeRecord(1, "api", T0 - timedelta(minutes=3), version="v2")
    correlator = Correlator()
    alerts = burst("db", "eu", 0, 10) + burst("api", "eu", 30, 10) + ELSEWHERE
    correlator.add([deploy, *alerts], T0 + timedelta(minutes=30))
    owner = {fp: key for key, inc in correlator.incidents.items() for fp in inc.alerts}
    assert owner["api-eu-0"] != owner["db-eu-0"]


def test_the_service_that_took_off_first_is_ranked_first_not_the_loudest() -> None:
    """A quiet database (10 alerts) and its loud caller (40) joined by take-off: the ranking
    reads the take-off order as the call graph and puts the database first."""
    correlator = Correlator()
    alerts = burst("db", "eu", 0, 10) + burst("api", "eu", 20, 40) + ELSEWHERE
    updates = correlator.add(alerts, T0 + timedelta(minutes=30))
    joined = next(u for u in updates if "api" in u.services)
    assert set(joined.services) == {"api", "db"}
    assert next(c.name for c in joined.root_causes if c.kind == "service") == "db"


def test_a_take_off_after_the_lag_stays_apart_and_the_join_can_be_turned_off() -> None:
    late = burst("db", "eu", 0, 10) + burst("api", "eu", 90, 10) + ELSEWHERE
    owner = owners(late)
    assert owner["api-eu-0"] != owner["db-eu-0"]
    near = burst("db", "eu", 0, 10) + burst("api", "eu", 30, 10) + ELSEWHERE
    owner = owners(near, CorrelationRules(takeoff_lag=None))
    assert owner["api-eu-0"] != owner["db-eu-0"]


def test_takeoff_lag_must_be_positive() -> None:
    with pytest.raises(ValueError, match="takeoff_lag"):
        CorrelationRules(takeoff_lag=timedelta(0))


def _chains(regions: list[list[str]]) -> list[AlertRecord]:
    """One failure per row, ten minutes apart: five services (named after the row, none
    repeated in another location) taking off 15 s after each other in the row's regions."""
    alerts: list[AlertRecord] = []
    for row, places in enumerate(regions):
        for hop, region in enumerate(places):
            alerts += burst(f"s{row}{hop}", region, 600 * row + 15 * hop, 10)
    return alerts


def test_take_offs_staying_in_their_location_join_though_no_service_alerted_in_two() -> None:
    """No service alerts in two regions, but every failure's take-offs stay in one region -
    far more often than chance with three regions: the failures stay local, so each chain is
    joined, and the chains of other regions are not."""
    owner = owners(_chains([["eu"] * 5, ["us"] * 5, ["ap"] * 5]))
    assert len({owner[f"s0{hop}-eu-0"] for hop in range(5)}) == 1
    assert len({owner[f"s2{hop}-ap-0"] for hop in range(5)}) == 1
    assert owner["s00-eu-0"] != owner["s10-us-0"]


def test_take_offs_crossing_locations_as_often_as_chance_stay_apart() -> None:
    """The same chains crossing between two regions (services living in one place each and
    calling across): near take-offs share their region no more often than chance, so time
    in a region joins nothing."""
    crossing = ["eu", "us", "eu", "us", "eu"]
    owner = owners(_chains([crossing, crossing[::-1], crossing]))
    assert owner["s02-eu-0"] != owner["s00-eu-0"]
    assert owner["s01-us-0"] != owner["s00-eu-0"]
