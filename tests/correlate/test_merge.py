"""Open incidents merge when a later record shows they are one cascade, and only then: with
the call graph given, in cascade order, within the window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import networkx as nx

from efficiency.correlate import AlertRecord, Correlator, Topology

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def alerts(service: str, start: float, n: int = 4) -> list[AlertRecord]:
    return [
        AlertRecord(
            f"{service}-{k}",
            T0 + timedelta(seconds=start + 3 * k),
            labels={"alertname": "Errors", "service": service, "pod": f"{service}-{k}"},
            severity="critical",
        )
        for k in range(n)
    ]


def chain() -> Topology:
    """web calls api, api calls db; web does not call db."""
    deps = nx.DiGraph([("web", "api"), ("api", "db")])
    return Topology(dependencies=deps)


def three_batches(correlator: Correlator, api_at: float) -> list[list]:
    """db fails at 0 s, web at 90 s (two incidents: nothing links web to db), and then the
    late alerts of api, which took off at ``api_at``."""
    return [
        correlator.add(alerts("db", 0), T0 + timedelta(seconds=30)),
        correlator.add(alerts("web", 90), T0 + timedelta(seconds=120)),
        correlator.add(alerts("api", api_at), T0 + timedelta(seconds=150)),
    ]


def test_a_late_link_merges_the_caller_incident_into_the_root_incident() -> None:
    correlator = Correlator(topology=chain())
    first, second, third = three_batches(correlator, api_at=40)
    assert [u.action for u in first] == ["opened"] and [u.action for u in second] == ["opened"]
    root, caller = first[0].key, second[0].key
    assert root != caller
    merged = [u for u in third if u.action == "merged"]
    assert [(u.key, u.merged_into, u.status) for u in merged] == [(caller, root, "resolved")]
    (survivor,) = [u for u in third if u.action != "merged"]
    assert survivor.key == root and set(survivor.services) == {"db", "api", "web"}
    assert survivor.root_causes[0].name == "db"
    assert list(correlator.incidents) == [root]
    # the absorbed incident is gone: a new firing of one of its alerts joins the survivor
    later = correlator.add(alerts("web", 200, n=1), T0 + timedelta(seconds=210))
    assert [u.key for u in later] == [root] and all(u.action == "updated" for u in later)


def test_without_the_call_graph_nothing_merges() -> None:
    correlator = Correlator()
    *_, third = three_batches(correlator, api_at=40)
    assert not [u for u in third if u.action == "merged"]
    assert len([i for i in correlator.incidents.values() if i.status == "open"]) == 3


def test_no_merge_when_time_order_disagrees() -> None:
    # api took off long after db (beyond the window): its dependency failing is background,
    # not its cause, so api is its own failure and web stays apart too
    correlator = Correlator(topology=chain())
    correlator.add(alerts("db", 0), T0 + timedelta(seconds=30))
    correlator.add(alerts("web", 420), T0 + timedelta(seconds=450))
    third = correlator.add(alerts("api", 400), T0 + timedelta(seconds=460))
    assert not [u for u in third if u.action == "merged"]
    services = sorted(sorted(i.services) for i in correlator.incidents.values())
    assert services == [["api", "web"], ["db"]]


def test_a_long_lived_incident_does_not_absorb_a_later_failure_of_its_service() -> None:
    # db failed at 0 s and api after it; an api alert flaps 10 min later, which keeps the
    # incident alive, but db's own alerts in it are 13 min old when db fails again: a new
    # incident, as two sessions of db that far apart would be in one batch
    correlator = Correlator(topology=chain())
    (first,) = correlator.add(alerts("db", 0) + alerts("api", 30), T0 + timedelta(seconds=60))
    flap = AlertRecord("api-0", T0 + timedelta(seconds=600), labels=alerts("api", 0)[0].labels)
    correlator.add([flap], T0 + timedelta(seconds=610))
    again = [
        AlertRecord(f"db-late-{k}", a.starts_at, labels={**a.labels, "pod": f"db-late-{k}"})
        for k, a in enumerate(alerts("db", 800))
    ]
    (second,) = correlator.add(again, T0 + timedelta(seconds=830))
    assert second.action == "opened" and second.key != first.key
