"""A stream that joined a caller in one region to its callee failing in another, before the
storm showed any service alerting in two regions, splits the caller out once a service does:
the fleet runs a copy per region, and one batch of the same storm never joins them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import networkx as nx

from efficiency.correlate import AlertRecord, Correlator, Topology

T0 = datetime(2024, 5, 6, 14, 0, tzinfo=UTC)


def alert(fp: str, service: str, seconds: float, region: str) -> AlertRecord:
    return AlertRecord(
        fingerprint=fp,
        starts_at=T0 + timedelta(seconds=seconds),
        labels={"alertname": "Errors", "service": service, "region": region},
    )


def topology() -> Topology:
    graph = nx.DiGraph()
    graph.add_edges_from([("api", "db"), ("web", "cache")])
    return Topology(dependencies=graph)


def db_in_east_api_in_west() -> list[AlertRecord]:
    """db fails in us-east; 40 s later api alerts in eu-west (its own, unrelated failure)."""
    db = [alert(f"db-{k}", "db", k, "us-east") for k in range(12)]
    api = [alert(f"api-{k}", "api", 40 + k, "eu-west") for k in range(10)]
    return db + api


def copies() -> list[AlertRecord]:
    """Minutes later, one service (cache) alerting in both regions: copies per region."""
    return [alert(f"cache-{r}", "cache", 200, r) for r in ("us-east", "eu-west")]


def holders(correlator: Correlator) -> dict[str, str]:
    return {fp: k for k, inc in correlator.incidents.items() for fp in inc.alerts}


def test_a_cross_region_join_is_split_once_a_service_alerts_in_two_regions() -> None:
    correlator = Correlator(topology=topology())
    correlator.add(db_in_east_api_in_west(), T0 + timedelta(seconds=60))
    before = holders(correlator)
    assert before["api-0"] == before["db-0"]  # nothing yet tells the fleets apart
    updates = correlator.add(copies(), T0 + timedelta(seconds=210))
    after = holders(correlator)
    assert after["api-0"] != after["db-0"]
    assert {after[f"api-{k}"] for k in range(10)} == {after["api-0"]}
    assert after["db-0"] == before["db-0"]  # the incident the callee opened keeps its key
    split = [u for u in updates if u.split_from is not None]
    assert [(u.key, u.split_from) for u in split] == [(after["api-0"], before["db-0"])]
    assert split[0].action == "opened" and set(split[0].services) == {"api"}


def test_the_split_stream_matches_one_batch_of_the_storm() -> None:
    batch = Correlator(topology=topology())
    batch.add(db_in_east_api_in_west() + copies(), T0 + timedelta(seconds=210))
    one = holders(batch)
    assert one["api-0"] != one["db-0"]


def test_without_copies_per_region_a_cross_region_join_stands() -> None:
    correlator = Correlator(topology=topology())
    correlator.add(db_in_east_api_in_west(), T0 + timedelta(seconds=60))
    later = [alert("cache-x", "cache", 200, "us-east")]
    updates = correlator.add(later, T0 + timedelta(seconds=210))
    assert all(u.split_from is None for u in updates)
    found = holders(correlator)
    assert found["api-0"] == found["db-0"]
