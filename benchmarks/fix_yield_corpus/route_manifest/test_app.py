from __future__ import annotations

from app import DepotNetwork, Parcel, run_count

ZONES = [
    {"prefix": "AB1", "zone": "north"},
    {"prefix": "CD2", "zone": "south"},
]


def make_network(**kwargs: int) -> DepotNetwork:
    embargo = [{"postcode": " ab1-999 "}, {"postcode": "cd2-100"}]
    return DepotNetwork(ZONES, embargo, **kwargs)


def test_embargoed_parcels_are_held() -> None:
    network = make_network()
    plan = network.plan(
        [
            Parcel("T1", "AB1-999", 1000),
            Parcel("T2", "AB1-001", 1000),
            Parcel("T3", "CD2-100", 1000),
        ]
    )
    assert plan.held == ["T1", "T3"]
    assert [p.tracking for p in plan.runs["north"][0].parcels] == ["T2"]


def test_overweight_parcels_are_rejected() -> None:
    network = make_network(max_parcel_g=5000)
    plan = network.plan([Parcel("T1", "AB1-001", 6000), Parcel("T2", "AB1-002", 10)])
    assert plan.overweight == ["T1"]
    assert plan.held == []


def test_unknown_prefix_goes_to_unzoned() -> None:
    network = make_network()
    plan = network.plan([Parcel("T9", "ZZ9-001", 100)])
    assert list(plan.runs) == ["UNZONED"]


def test_runs_split_on_capacity_with_priority_first() -> None:
    network = make_network(van_capacity_g=2500)
    parcels = [
        Parcel("T1", "CD2-001", 1000),
        Parcel("T2", "CD2-002", 1000),
        Parcel("T3", "CD2-003", 1000, priority=True),
    ]
    plan = network.plan(parcels)
    runs = plan.runs["south"]
    assert [[p.tracking for p in r.parcels] for r in runs] == [["T3", "T1"], ["T2"]]
    assert [r.load_g for r in runs] == [2000, 1000]
    assert run_count(plan) == 2


def test_embargo_match_is_exact() -> None:
    network = make_network()
    plan = network.plan([Parcel("T1", "AB1-99", 10), Parcel("T2", "ab1-999", 10)])
    assert plan.held == []
