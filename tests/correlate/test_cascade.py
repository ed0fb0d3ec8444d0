"""The cascade join reads a quiet callee's onset loosely: the first of a few alerts scattered
over minutes lands well after the failure reached the service, so a caller whose alerts took
off before it still joins it; a callee whose few alerts came together has a tight onset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import networkx as nx

from efficiency.correlate import AlertRecord, Correlator, Topology
from efficiency.correlate.graph import onset_error

T0 = datetime(2024, 5, 6, 14, 0, tzinfo=UTC)


def alert(fp: str, service: str, seconds: float) -> AlertRecord:
    return AlertRecord(
        fingerprint=fp,
        starts_at=T0 + timedelta(seconds=seconds),
        labels={"alertname": "Errors", "service": service, "region": "eu"},
    )


def storm(db_times: list[float]) -> list[AlertRecord]:
    api = [alert(f"api-{k}", "api", 5 + 2 * k) for k in range(15)]
    return api + [alert(f"db-{k}", "db", t) for k, t in enumerate(db_times)]


def together(db_times: list[float]) -> bool:
    graph = nx.DiGraph()
    graph.add_edge("api", "db")
    correlator = Correlator(topology=Topology(dependencies=graph))
    correlator.add(storm(db_times), T0 + timedelta(minutes=5))
    owner = {fp: k for k, inc in correlator.incidents.items() for fp in inc.alerts}
    return owner["api-0"] == owner["db-0"]


def test_a_quiet_scattered_callee_is_the_cause_of_a_caller_that_alerted_first() -> None:
    assert together([45, 105, 165, 225])


def test_a_callee_whose_few_alerts_came_together_stays_apart() -> None:
    assert not together([45, 46, 47, 48])


def test_onset_error_is_the_mean_delay_after_the_onset_over_the_count() -> None:
    starts = [T0 + timedelta(seconds=s) for s in (0, 60, 120, 180)]
    assert onset_error(starts, starts[0]) == timedelta(seconds=30)
    assert onset_error(starts[:1], starts[0]) == timedelta(0)


def joined(db_times: list[float], api_start: float) -> bool:
    graph = nx.DiGraph()
    graph.add_edge("api", "db")
    correlator = Correlator(topology=Topology(dependencies=graph))
    api = [alert(f"api-{k}", "api", api_start + 2 * k) for k in range(15)]
    db = [alert(f"db-{k}", "db", t) for k, t in enumerate(db_times)]
    correlator.add(api + db, T0 + timedelta(minutes=20))
    owner = {fp: k for k, inc in correlator.incidents.items() for fp in inc.alerts}
    return owner["api-0"] == owner[f"db-{len(db_times) - 1}"]


def test_a_callee_with_a_background_trickle_joins_by_its_take_off() -> None:
    """db alerts every 4 minutes from the start (one session), then takes off at 15 min;
    api follows at 15.5 min: the trickle's onset is long before, the take-off is the cause."""
    trickle = [240.0 * k for k in range(4)]
    take_off = [900.0 + 3 * k for k in range(8)]
    assert joined(trickle + take_off, 930)


def test_a_callee_alerting_steadily_is_no_take_off() -> None:
    steady = [60.0 * k for k in range(17)]
    assert not joined(steady, 930)
