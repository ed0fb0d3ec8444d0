import logging

from app import Segment, Truck, assign_shift, priority, shift_summary


def seg(
    seg_id,
    cls="residential",
    length=0.5,
    lanes=2,
    grade=0.0,
    last=-1,
    x=0.0,
    y=0.0,
    street="Elm Ct",
):
    return Segment(seg_id, street, cls, length, lanes, grade, last, x, y)


def fleet():
    return [Truck("PL-01", 0.0, 0.0, 3.0), Truck("PL-02", 10.0, 0.0, 3.0)]


def test_priority_scores():
    assert priority(seg("a"), 120, 3.0) == 2.2
    assert priority(seg("a", cls="hospital", last=60), 120, 3.0) == 8.0
    assert priority(seg("a", cls="arterial", grade=6.0), 60, 2.0) == 8.4
    assert priority(seg("a", cls="alley", grade=5.9, last=0), 0, 10.0) == 0.3


def test_nearest_truck_takes_segment():
    trucks = fleet()
    routes, left = assign_shift([seg("S1", x=9.0), seg("S2", x=1.0)], trucks, 60, 2.0)
    assert routes == {"PL-01": ["S2"], "PL-02": ["S1"]}
    assert left == []
    assert (trucks[0].x, trucks[0].y, trucks[0].used_lane_km) == (1.0, 0.0, 1.0)


def test_priority_order_decides_who_goes_first():
    segments = [seg("R1", x=1.0), seg("H1", cls="hospital", x=6.0), seg("B1", cls="bus", x=4.0)]
    trucks = fleet()
    routes, _ = assign_shift(segments, trucks, 60, 2.0)
    assert routes == {"PL-01": ["R1"], "PL-02": ["H1", "B1"]}


def test_capacity_leaves_segments_unassigned(caplog):
    segments = [seg(f"S{i}", length=1.0, lanes=1, x=float(i)) for i in range(8)]
    trucks = fleet()
    with caplog.at_level(logging.INFO, logger="plowops.dispatch"):
        routes, left = assign_shift(segments, trucks, 60, 2.0)
    assert routes == {"PL-01": ["S0", "S1", "S2"], "PL-02": ["S3", "S4", "S5"]}
    assert left == ["S6", "S7"]
    assert caplog.messages == ["2 segments left for the next shift"]


def test_truck_state_after_shift():
    trucks = fleet()
    assign_shift([seg("S1", x=3.0, y=4.0, length=0.9)], trucks, 30, 1.0)
    t = trucks[0]
    assert t.route == ["S1"]
    assert round(t.minutes, 6) == 13.5
    assert (t.x, t.y) == (3.0, 4.0)


def test_shift_summary_busiest_first():
    trucks = fleet()
    assign_shift(
        [seg("S1", x=9.0), seg("S2", x=1.0), seg("S3", x=8.0, length=0.25)], trucks, 60, 2.0
    )
    assert shift_summary(trucks) == [
        ("PL-02", 2, 1.5, 8.0),
        ("PL-01", 1, 1.0, 4.8),
    ]


def test_debug_trace_lists_candidates(caplog):
    trucks = fleet()
    with caplog.at_level(logging.DEBUG, logger="plowops.dispatch"):
        assign_shift([seg("S1", x=2.0, grade=7.25, street="Ridge Dr")], trucks, 60, 2.0)
    assert caplog.messages == [
        "S1 'Ridge Dr' [residential, 2 lanes, 7.2%] -> PL-01 at (0.00,0.00): deadhead 2.00 km, "
        "cost 6.3 min, load 0.00/3.0",
        "S1 'Ridge Dr' [residential, 2 lanes, 7.2%] -> PL-02 at (10.00,0.00): deadhead 8.00 km, "
        "cost 15.3 min, load 0.00/3.0",
    ]


def test_full_trucks_are_skipped_in_debug(caplog):
    trucks = [Truck("PL-09", 0.0, 0.0, 0.5)]
    with caplog.at_level(logging.DEBUG, logger="plowops.dispatch"):
        routes, left = assign_shift([seg("S1")], trucks, 0, 0.0)
    assert routes == {"PL-09": []}
    assert left == ["S1"]
    assert caplog.messages[0] == "PL-09 full, cannot take S1"
