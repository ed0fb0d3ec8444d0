import struct

import pytest
from app import FrameError, decode_blob, encode_frame


def test_single_frame_summary():
    blob = encode_frame("ANMO", [(10, 5, -3, 2), (11, -8, 4, -6)], version=1, gain_code=0)
    assert decode_blob(blob) == [("ANMO", 2, 8.0, 6.0, 11)]


def test_gain_divides_peaks():
    blob = encode_frame("PFO", [(1, 100, 40, -50)], version=1, gain_code=2)
    assert decode_blob(blob) == [("PFO", 1, 10.0, 5.0, 1)]


def test_little_endian_layout_matches_big_endian():
    samples = [(7, 300, -200, 150), (8, -301, 10, 20)]
    big = decode_blob(encode_frame("HRV", samples, version=1))
    little = decode_blob(encode_frame("HRV", samples, version=2))
    assert big == little == [("HRV", 2, 301.0, 200.0, 8)]


def test_stations_merged_and_sorted():
    blob = (
        encode_frame("KONO", [(5, 1, 1, 1)])
        + encode_frame("COLA", [(3, 9, 2, 2)])
        + encode_frame("KONO", [(9, -4, 7, 0), (2, 0, 0, 0)])
    )
    assert decode_blob(blob) == [
        ("COLA", 1, 9.0, 2.0, 3),
        ("KONO", 3, 4.0, 7.0, 9),
    ]


def test_empty_frame_and_empty_blob():
    assert decode_blob(b"") == []
    assert decode_blob(encode_frame("ANMO", [])) == [("ANMO", 0, 0.0, 0.0, 0)]


def test_unknown_version_rejected():
    blob = struct.pack(">5sBHB", b"ANMO", 9, 0, 0)
    with pytest.raises(FrameError, match="layout version 9"):
        decode_blob(blob)


def test_truncated_frame_rejected():
    blob = encode_frame("ANMO", [(1, 2, 3, 4), (5, 6, 7, 8)])[:-3]
    with pytest.raises(FrameError, match="overruns"):
        decode_blob(blob)


def test_truncated_header_rejected():
    with pytest.raises(FrameError, match="truncated header"):
        decode_blob(b"\x00\x01")
