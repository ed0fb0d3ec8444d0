"""Sensor telemetry decoding: fixed-size little-endian records (sensor id, temperature in
centi-degrees, humidity in per-mille, a timestamp) to readings, and back."""

from __future__ import annotations

import struct
from collections.abc import Iterable

RECORD_SIZE = 12


def decode(blob: bytes) -> list[tuple[int, float, float, int]]:
    """``(sensor, celsius, humidity %, timestamp)`` for each record in ``blob``."""
    readings = []
    for offset in range(0, len(blob) - RECORD_SIZE + 1, RECORD_SIZE):
        sensor, centi, permille, stamp = struct.unpack(
            "<HhHxxI", blob[offset : offset + RECORD_SIZE]
        )
        readings.append((sensor, centi / 100, permille / 10, stamp))
    return readings


def encode(readings: Iterable[tuple[int, float, float, int]]) -> bytes:
    out = bytearray()
    for sensor, celsius, humidity, stamp in readings:
        out += struct.pack("<HhHxxI", sensor, round(celsius * 100), round(humidity * 10), stamp)
    return bytes(out)
