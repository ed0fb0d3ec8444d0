"""With no call graph, a fleet that runs a copy of its services per location joins the groups
of one location that take off together; a fleet of services living in one place each, another
location, or a take-off two failures of the location could explain, stays apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from efficiency.correlate import AlertRecord, CorrelationRules, Correlator

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


def test_a_take_off_two_failures_could_explain_stays_apart() -> None:
    """db (5 alerts) and a loud cache (40: db is too quiet to explain it) both fail in eu;
    api taking off after both could be either's caller."""
    alerts = burst("db", "eu", 0, 5) + burst("cache", "eu", 30, 40) + burst("api", "eu", 55, 10)
    owner = owners(alerts + ELSEWHERE)
    assert owner["cache-eu-0"] != owner["db-eu-0"]
    assert owner["api-eu-0"] not in {owner["cache-eu-0"], owner["db-eu-0"]}


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
