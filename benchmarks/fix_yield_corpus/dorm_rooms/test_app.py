import json

from app import RoomInventory, RoomRequest, allocate

ROOMS = {
    "term": "2026-fall",
    "rooms": [
        {
            "number": "A101",
            "building": "Ash",
            "beds": 2,
            "occupants": ["s0"],
            "closed": False,
            "amenities": ["desk", "sink"],
            "rent": {"monthly": 520.0, "deposit": 300.0},
        },
        {
            "number": "A102",
            "building": "Ash",
            "beds": 1,
            "occupants": [],
            "closed": False,
            "amenities": ["desk"],
            "rent": {"monthly": 480.0, "deposit": 300.0},
        },
        {
            "number": "B201",
            "building": "Birch",
            "beds": 3,
            "occupants": [],
            "closed": False,
            "amenities": ["desk", "sink", "balcony"],
            "rent": {"monthly": 610.0, "deposit": 400.0},
        },
        {
            "number": "B202",
            "building": "Birch",
            "beds": 2,
            "occupants": [],
            "closed": True,
            "amenities": ["desk"],
            "rent": {"monthly": 300.0, "deposit": 200.0},
        },
    ],
}
RAW = json.dumps(ROOMS)


def test_matches_are_filtered_and_sorted_by_rent():
    inv = RoomInventory(RAW)
    assert inv.matches(RoomRequest("x")) == ["A102", "A101", "B201"]
    assert inv.matches(RoomRequest("x", needs=["sink"])) == ["A101", "B201"]
    assert inv.matches(RoomRequest("x", beds=2)) == ["B201"]
    assert inv.matches(RoomRequest("x", avoid_buildings=("Ash",))) == ["B201"]
    assert inv.matches(RoomRequest("x", max_rent=500.0)) == ["A102"]
    assert inv.matches(RoomRequest("x", needs=["pool"])) == []


def test_matches_do_not_change_the_inventory():
    inv = RoomInventory(RAW)
    before = inv.snapshot()
    for request in [RoomRequest("a", beds=2), RoomRequest("b", needs=["desk"])]:
        inv.matches(request)
    assert inv.snapshot() == before
    assert inv.free_beds("A101") == 1


def test_allocate_sees_earlier_assignments():
    result = allocate(
        RAW,
        [
            RoomRequest("s1"),
            RoomRequest("s2"),
            RoomRequest("s3"),
            RoomRequest("s4", beds=2),
            RoomRequest("s5", beds=2),
        ],
    )
    assert result == {"s1": "A102", "s2": "A101", "s3": "B201", "s4": "B201", "s5": None}


def test_multi_bed_request_fills_seats():
    inv = RoomInventory(RAW)
    assert inv.assign(RoomRequest("t", beds=3)) == "B201"
    assert inv.snapshot()["B201"] == ["t", "t+1", "t+2"]
    assert inv.free_beds("B201") == 0
    assert inv.matches(RoomRequest("u", needs=["balcony"])) == []


def test_raw_export_is_not_touched_and_inventories_are_independent():
    allocate(RAW, [RoomRequest("s1"), RoomRequest("s2")])
    assert json.loads(RAW) == ROOMS
    assert ROOMS["rooms"][1]["occupants"] == []
    assert RoomInventory(RAW).snapshot()["A102"] == []
