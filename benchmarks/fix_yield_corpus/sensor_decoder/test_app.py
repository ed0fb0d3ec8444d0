import pytest
from app import decode, encode
from workload import make_input


def test_round_trip():
    readings = [(7, -12.5, 45.5, 1700000000), (65535, 327.67, 100.0, 0)]
    assert decode(encode(readings)) == readings


def test_layout():
    assert encode([(1, 0.01, 0.1, 2)]) == b"\x01\x00\x01\x00\x01\x00\x00\x00\x02\x00\x00\x00"


def test_trailing_partial_record_ignored():
    assert decode(encode([(1, 1.0, 1.0, 1)]) + b"\x00\x01") == [(1, 1.0, 1.0, 1)]


def test_out_of_range():
    import struct

    with pytest.raises(struct.error):
        encode([(70000, 0.0, 0.0, 0)])


def test_fixed_input():
    readings = decode(make_input())
    assert len(readings) == 20000
    assert sum(r[0] for r in readings) == EXPECTED_SENSOR_SUM


EXPECTED_SENSOR_SUM = 2980000
