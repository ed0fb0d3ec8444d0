import struct

import pytest
from app import (
    FREE,
    MAGIC,
    OFFLINE,
    ON_TRIP,
    Assignment,
    FrameError,
    Position,
    Rider,
    decode_frame,
    dispatch,
    distance_km,
    encode_frame,
    latest_positions,
    match_riders,
)

NOW = 1_700_000_000


def test_decode_keeps_newest_plausible_point():
    frame = encode_frame(
        42,
        FREE,
        [
            (NOW - 30, 40.0, -74.0, 50),
            (NOW - 10, 40.001, -74.002, 60),
            (NOW - 5, 41.5, -70.0, 4000),  # GPS jump: too fast
            (NOW - 20, 40.0005, -74.001, -1),
        ],
    )
    assert decode_frame(frame) == Position(42, FREE, NOW - 10, 40.001, -74.002)


def test_decode_without_usable_points():
    assert decode_frame(encode_frame(7, ON_TRIP, [])) is None
    assert decode_frame(encode_frame(7, ON_TRIP, [(NOW, 1.0, 2.0, 900)])) is None


def test_decode_rejects_bad_frames():
    good = encode_frame(9, FREE, [(NOW, 40.0, -74.0, 10), (NOW + 2, 40.0, -74.0, 10)])
    with pytest.raises(FrameError, match="magic"):
        decode_frame(b"XXXX" + good[4:])
    with pytest.raises(FrameError, match="2 points"):
        decode_frame(good[:-3])
    with pytest.raises(FrameError, match="header"):
        decode_frame(MAGIC)


def test_encode_layout_is_little_endian_microdegrees():
    frame = encode_frame(0x01020304, OFFLINE, [(5, -0.000001, 1.5, 7)])
    assert frame[:4] == MAGIC and frame[4] == OFFLINE
    assert frame[5:9] == bytes([4, 3, 2, 1])
    assert struct.unpack("<Iiih", frame[11:]) == (5, -1, 1_500_000, 7)


def test_latest_positions_across_out_of_order_uploads():
    frames = [
        encode_frame(1, FREE, [(NOW - 5, 40.0, -74.0, 10)]),
        encode_frame(1, ON_TRIP, [(NOW - 50, 40.2, -74.2, 10)]),
        encode_frame(2, FREE, [(NOW - 1, 40.1, -74.1, 10)]),
        encode_frame(3, FREE, [(NOW, 40.1, -74.1, 9999)]),
    ]
    positions = latest_positions(frames)
    assert sorted(positions) == [1, 2]
    assert positions[1].status == FREE and positions[1].ts == NOW - 5


def test_distance_km():
    assert distance_km(40.0, -74.0, 40.0, -74.0) == 0.0
    assert distance_km(0.0, 0.0, 1.0, 0.0) == pytest.approx(111.19, abs=0.01)


def test_match_nearest_free_fresh_driver_first_come_first_served():
    positions = {
        1: Position(1, FREE, NOW - 10, 40.000, -74.000),
        2: Position(2, FREE, NOW - 10, 40.010, -74.000),
        3: Position(3, ON_TRIP, NOW - 10, 40.0001, -74.000),
        4: Position(4, FREE, NOW - 600, 40.0001, -74.000),  # stale
    }
    riders = [Rider("a", 40.0002, -74.0), Rider("b", 40.0003, -74.0), Rider("c", 40.0, -74.0)]
    out = match_riders(riders, positions, NOW)
    assert [(m.rider_id, m.driver_id) for m in out] == [("a", 1), ("b", 2)]
    assert out[1].km == round(distance_km(40.0003, -74.0, 40.010, -74.0), 3)


def test_match_respects_range_and_breaks_ties_by_driver_id():
    positions = {
        8: Position(8, FREE, NOW, 40.0, -74.01),
        5: Position(5, FREE, NOW, 40.0, -73.99),
        6: Position(6, FREE, NOW, 45.0, -74.0),
    }
    out = match_riders([Rider("r", 40.0, -74.0)], positions, NOW)
    assert out == [Assignment("r", 5, out[0].km)]
    assert match_riders([Rider("far", 50.0, -74.0)], positions, NOW) == []


def test_dispatch_end_to_end():
    frames = [
        encode_frame(11, FREE, [(NOW - 3, 40.7, -73.9, 20), (NOW - 1, 40.7001, -73.9, 20)]),
        encode_frame(12, OFFLINE, [(NOW - 1, 40.7, -73.9, 0)]),
    ]
    out = dispatch(frames, [Rider("x", 40.7, -73.9), Rider("y", 40.7, -73.9)], NOW)
    assert [(m.rider_id, m.driver_id) for m in out] == [("x", 11)]
    assert out[0].km == pytest.approx(0.011, abs=0.001)
