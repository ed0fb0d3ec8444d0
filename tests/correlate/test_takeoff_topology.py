"""With a call graph given, a fleet run per location still joins a group the cascade join left
apart to the failure of its location it took off with - where the graph agrees: its head calls
a failing service, or the graph does not know the head. A head that the graph shows calling
no failing service took off by itself and stays apart."""

from __future__ import annotations

from datetime import timedelta

import networkx as nx

from efficiency.correlate import AlertRecord, Correlator, Topology
from tests.correlate.test_takeoff import T0, burst


def owners(alerts: list[AlertRecord], edges: list[tuple[str, str]]) -> dict[str, str]:
    correlator = Correlator(topology=Topology(dependencies=nx.DiGraph(edges)))
    correlator.add(alerts, T0 + timedelta(minutes=30))
    return {fp: key for key, inc in correlator.incidents.items() for fp in inc.alerts}


#: the database also fails in another region later: the fleet runs a copy per region
ELSEWHERE = burst("db", "us", 1200, 10)
#: api calls db; web calls auth only; auth calls nothing that fails
GRAPH = [("api", "db"), ("web", "auth"), ("auth", "ldap")]


def test_a_service_the_graph_does_not_know_joins_the_failure_it_took_off_with() -> None:
    alerts = burst("db", "eu", 0, 10) + burst("batch", "eu", 30, 10) + ELSEWHERE
    owner = owners(alerts, GRAPH)
    assert owner["batch-eu-0"] == owner["db-eu-0"]
    assert owner["db-us-0"] != owner["db-eu-0"]


def test_a_head_the_graph_shows_calling_no_failing_service_stays_apart() -> None:
    """Without the graph web would join db's failure by its take-off (tests/correlate/
    test_takeoff.py); the graph says web calls only auth, which is not failing."""
    alerts = burst("db", "eu", 0, 10) + burst("web", "eu", 30, 10) + ELSEWHERE
    owner = owners(alerts, GRAPH)
    assert owner["web-eu-0"] != owner["db-eu-0"]
    without = owners(alerts, [])
    assert without["web-eu-0"] == without["db-eu-0"]


def test_a_single_alert_of_a_callee_does_not_make_the_graph_agree() -> None:
    """web calls auth, but auth's one alert in the failure is a blip, not a failing callee."""
    alerts = burst("db", "eu", 0, 10) + burst("auth", "eu", 5, 1) + burst("web", "eu", 30, 10)
    owner = owners(alerts + ELSEWHERE, GRAPH)
    assert owner["web-eu-0"] != owner["db-eu-0"]


def test_a_caller_of_a_failing_service_in_its_own_group_joins_by_take_off() -> None:
    """web calls auth; auth fails (3 alerts) but took off after web and grouped with it, so
    the cascade join has no callee that took off first; the take-off joins them to db's
    failure, which the graph does not contradict (web's callee is failing)."""
    alerts = burst("db", "eu", 0, 10) + burst("web", "eu", 30, 10) + burst("auth", "eu", 40, 3)
    owner = owners(alerts + ELSEWHERE, GRAPH)
    assert owner["web-eu-0"] == owner["db-eu-0"]


def test_the_cascade_join_still_comes_first() -> None:
    alerts = burst("db", "eu", 0, 10) + burst("api", "eu", 30, 10) + ELSEWHERE
    owner = owners(alerts, GRAPH)
    assert owner["api-eu-0"] == owner["db-eu-0"]
