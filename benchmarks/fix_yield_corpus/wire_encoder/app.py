"""Telemetry wire format: each sample is a little-endian record (timestamp in ms, sensor id,
reading), concatenated into one frame."""

from __future__ import annotations

from collections.abc import Iterable
from struct import pack, unpack_from

RECORD_SIZE = 18


def encode_samples(samples: Iterable[tuple[int, int, float]]) -> bytes:
    """One 18-byte record per ``(timestamp_ms, sensor, reading)``."""
    frame = bytearray()
    for timestamp_ms, sensor, reading in samples:
        frame += pack("<QHd", timestamp_ms, sensor, reading)
    return bytes(frame)


def decode_samples(frame: bytes) -> list[tuple[int, int, float]]:
    return [unpack_from("<QHd", frame, at) for at in range(0, len(frame), RECORD_SIZE)]
