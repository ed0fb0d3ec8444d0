import zlib

from app import decode_samples, encode_samples
from workload import make_input


def test_layout_is_little_endian_and_packed():
    assert encode_samples([(1, 2, 0.5)]) == (
        b"\x01\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\xe0\x3f"
    )


def test_round_trip():
    samples = [(1_700_000_000_000, 65535, -1.25), (0, 0, 0.0)]
    assert decode_samples(encode_samples(samples)) == samples


def test_fixed_input():
    frame = encode_samples(make_input())
    assert len(frame) == 18 * 5000
    assert zlib.crc32(frame) == 3885134291
