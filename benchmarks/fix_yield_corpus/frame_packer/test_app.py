import zlib

from app import FramePacker
from workload import make_input


def test_header_layout():
    assert FramePacker().pack_all([(7, b"abc")]) == b"\x02\x07\x00\x03abc"


def test_round_trip():
    messages = [(1, b""), (255, b"x" * 300)]
    packer = FramePacker(version=3)
    assert packer.unpack_all(packer.pack_all(messages)) == messages


def test_fixed_input():
    blob = FramePacker().pack_all(make_input())
    assert len(blob) == 30000
    assert zlib.crc32(blob) == 1788332789
