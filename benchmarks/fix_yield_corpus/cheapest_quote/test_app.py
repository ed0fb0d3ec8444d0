from app import cheapest
from workload import CARRIERS, make_input

SMALL = [
    {"name": "slow", "base_cents": 100, "per_kg_cents": 10, "zones": {"eu"}},
    {"name": "fast", "base_cents": 50, "per_kg_cents": 60, "zones": {"eu", "us"}},
    {"name": "tie", "base_cents": 110, "per_kg_cents": 0, "zones": {"eu"}},
]


def test_cheapest_serving_the_zone_first_listed_on_ties():
    parcels = [
        {"id": "p1", "zone": "eu", "kg": 1},
        {"id": "p2", "zone": "us", "kg": 3},
        {"id": "p3", "zone": "ap", "kg": 1},
    ]
    assert cheapest(parcels, SMALL) == {"p1": ("slow", 110), "p2": ("fast", 230), "p3": None}


def test_fixed_input():
    best = cheapest(make_input(), CARRIERS)
    assert len(best) == 2000
    assert best["p00007"] == ("carrier-00", 360)
    assert sum(b[1] for b in best.values() if b) == 944984
