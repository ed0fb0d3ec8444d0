import pytest
from app import (
    PatternStop,
    RoutePattern,
    StopTimesWriter,
    Trip,
    build_stop_times,
    csv_field,
    expand_trips,
    gtfs_time,
)


def _pattern(route="R1", direction=0):
    return RoutePattern(
        route,
        direction,
        (
            PatternStop("A", 0, 0, 0.0),
            PatternStop("B", 120, 30, 850.0),
            PatternStop("C", 300, 0, 1700.5, drop_off_only=True),
            PatternStop("D", 420, 0, 2400.0),
        ),
    )


def test_gtfs_time_passes_midnight():
    assert gtfs_time(0) == "00:00:00"
    assert gtfs_time(3661) == "01:01:01"
    assert gtfs_time(25 * 3600 + 10 * 60) == "25:10:00"
    with pytest.raises(ValueError):
        gtfs_time(-1)


def test_csv_field_quotes_when_needed():
    assert csv_field("S1") == "S1"
    assert csv_field("Main St, North") == '"Main St, North"'
    assert csv_field('the "Loop"') == '"the ""Loop"""'
    assert csv_field(7) == "7"


def test_expand_trips_end_is_exclusive():
    trips = expand_trips(_pattern(), "SAT", [(6 * 3600, 7 * 3600, 1200)])
    assert [t.start_seconds for t in trips] == [21600, 22800, 24000]
    assert trips[0].trip_id == "R1-0-SAT-0360"
    with pytest.raises(ValueError):
        expand_trips(_pattern(), "SAT", [(0, 100, 0)])


def test_pattern_running_backwards_is_rejected():
    bad = RoutePattern("R9", 0, (PatternStop("A", 0, 60), PatternStop("B", 30)))
    with pytest.raises(ValueError):
        expand_trips(bad, "WK", [(0, 60, 60)])


def test_render_exact_rows():
    trip = Trip("T1", _pattern(), 8 * 3600)
    text = StopTimesWriter().render([trip])
    assert text == (
        "trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type,"
        "drop_off_type,timepoint,shape_dist_traveled\n"
        "T1,08:00:00,08:00:00,A,1,0,1,1,0.000\n"
        "T1,08:02:00,08:02:30,B,2,0,0,0,0.850\n"
        "T1,08:05:00,08:05:00,C,3,1,0,0,1.700\n"
        "T1,08:07:00,08:07:00,D,4,1,0,1,2.400\n"
    )


def test_render_without_distances_and_row_count():
    writer = StopTimesWriter(include_distances=False)
    text = writer.render([Trip("T1", _pattern(), 0), Trip("T2", _pattern(), 600)])
    lines = text.splitlines()
    assert writer.rows_written == 8
    assert len(lines) == 9
    assert lines[1].endswith(",1,")
    assert lines[5].startswith("T2,00:10:00,")


def test_render_sorts_by_route_direction_and_time():
    late = Trip("late", _pattern("R1", 0), 900)
    early = Trip("early", _pattern("R1", 0), 300)
    other = Trip("other", _pattern("R0", 1), 5000)
    back = Trip("back", _pattern("R1", 1), 0)
    text = StopTimesWriter().render([late, back, early, other])
    order = []
    for line in text.splitlines()[1:]:
        trip_id = line.split(",")[0]
        if not order or order[-1] != trip_id:
            order.append(trip_id)
    assert order == ["other", "early", "late", "back"]


def test_writer_reuse_starts_fresh():
    writer = StopTimesWriter()
    writer.render([Trip("T1", _pattern(), 0)])
    second = writer.render([Trip("T2", _pattern(), 0)])
    assert "T1" not in second
    assert second.count("\n") == 5
    assert writer.rows_written == 4


def test_build_stop_times_quotes_stop_ids_and_rejects_overlaps():
    pattern = RoutePattern("R2", 0, (PatternStop("Main, 1", 0), PatternStop("Depot", 60)))
    text = build_stop_times([(pattern, "WK", [(0, 120, 60)])])
    assert text.count('"Main, 1"') == 2
    assert text.splitlines()[1] == 'R2-0-WK-0000,00:00:00,00:00:00,"Main, 1",1,0,1,1,0.000'
    with pytest.raises(ValueError):
        build_stop_times([(pattern, "WK", [(0, 120, 60), (60, 180, 60)])])
