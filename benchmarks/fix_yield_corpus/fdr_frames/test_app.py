import struct

import pytest
from app import (
    DumpError,
    Exceedance,
    Frame,
    decode_frame,
    encode_dump,
    flight_summary,
    frame_at,
    read_header,
    scan,
)

FRAMES = [
    Frame(0, 0, 140.0, 1.5, -2.0, 1.0, 90.0, 5, True),
    Frame(250, 1200, 236.4, 5.0, 36.5, 1.1, 91.0, 5, True),
    Frame(500, 0, 150.0, 0.0, -35.01, 1.95, 91.5, 5, True),
    Frame(750, 0, 341.0, 0.0, 0.0, 1.0, 0.0, 0, False),
    Frame(1000, 9000, 300.5, 0.0, 0.0, 2.5, 0.0, 7, False),
]
DUMP = encode_dump("N123AB", FRAMES)


def test_encode_layout():
    assert len(DUMP) == 16 + 5 * 20
    assert DUMP[:16] == b"QAR1\x03\x00\x14\x00N123AB\x00\x00"
    assert DUMP[16:36] == struct.pack("<IiHhhhHBB", 0, 0, 1400, 150, -200, 1000, 900, 5, 1)


def test_read_header():
    assert read_header(DUMP) == ("N123AB", 3)


def test_read_header_rejects_bad_magic_and_size():
    with pytest.raises(DumpError, match="bad magic"):
        read_header(b"QAR2" + DUMP[4:])
    with pytest.raises(DumpError, match="unsupported frame size 24"):
        read_header(DUMP[:6] + b"\x18\x00" + DUMP[8:])


def test_decode_frame_roundtrip():
    assert decode_frame(DUMP[36:56]) == FRAMES[1]
    assert frame_at(DUMP, 4) == FRAMES[4]


def test_frame_at_out_of_range():
    with pytest.raises(IndexError, match="frame 5 out of range"):
        frame_at(DUMP, 5)


def test_scan_events_in_order():
    assert scan(DUMP)["events"] == [
        Exceedance(250, "flap5_overspeed", 236.4),
        Exceedance(250, "bank_angle", 36.5),
        Exceedance(500, "bank_angle", -35.01),
        Exceedance(500, "hard_landing", 1.95),
        Exceedance(750, "overspeed", 341.0),
    ]


def test_flight_summary():
    assert flight_summary(DUMP) == {
        "tail": "N123AB",
        "frames": 5,
        "duration_s": 1.0,
        "max_alt_ft": 9000,
        "events": {"bank_angle": 2, "flap5_overspeed": 1, "hard_landing": 1, "overspeed": 1},
    }


def test_empty_and_truncated_dumps():
    empty = encode_dump("G-ABCD", [])
    assert flight_summary(empty) == {
        "tail": "G-ABCD",
        "frames": 0,
        "duration_s": 0.0,
        "max_alt_ft": None,
        "events": {},
    }
    with pytest.raises(DumpError, match="truncated dump: 7 trailing bytes"):
        scan(DUMP + b"\x00" * 7)


def test_hard_landing_needs_prior_airborne_frame():
    frames = [
        Frame(0, 0, 100.0, 0.0, 0.0, 2.4, 0.0, 5, True),
        Frame(250, 0, 100.0, 0.0, 0.0, 2.4, 0.0, 5, True),
    ]
    assert flight_summary(encode_dump("X", frames))["events"] == {}
