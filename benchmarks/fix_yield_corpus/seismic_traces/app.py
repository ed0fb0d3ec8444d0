"""Decode three-component seismometer telemetry frames and summarise each station.

A telemetry blob is a run of frames.  Each frame starts with a fixed header
(station code, layout version, sample count, gain code) followed by
``count`` sample records.  The record layout depends on the layout version of
the digitiser firmware, looked up in ``LAYOUTS``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

HEADER_FORMAT = ">5sBHB"
HEADER_SIZE = struct.calcsize(HEADER_FORMAT)

# firmware layout version -> (byte order, record fields)
LAYOUTS: dict[int, tuple[str, str]] = {
    1: (">", "Ihhh"),
    2: ("<", "Ihhh"),
}

# gain code -> counts per micrometre/second
GAIN_TABLE: dict[int, float] = {0: 1.0, 1: 2.5, 2: 10.0, 3: 40.0}


class FrameError(ValueError):
    pass


@dataclass
class StationSummary:
    station: str
    samples: int = 0
    peak_z: float = 0.0
    peak_horizontal: float = 0.0
    last_tick: int = 0

    def as_row(self) -> tuple[str, int, float, float, int]:
        return (
            self.station,
            self.samples,
            round(self.peak_z, 3),
            round(self.peak_horizontal, 3),
            self.last_tick,
        )


def decode_blob(blob: bytes) -> list[tuple[str, int, float, float, int]]:
    """Return one summary row per station, ordered by station code."""
    stations: dict[str, StationSummary] = {}

    def read_header(offset: int) -> tuple[str, int, int, float, int]:
        if offset + HEADER_SIZE > len(blob):
            raise FrameError(f"truncated header at byte {offset}")
        raw_code, version, count, gain_code = struct.unpack_from(HEADER_FORMAT, blob, offset)
        if version not in LAYOUTS:
            raise FrameError(f"unknown layout version {version}")
        if gain_code not in GAIN_TABLE:
            raise FrameError(f"unknown gain code {gain_code}")
        code = raw_code.rstrip(b"\x00 ").decode("ascii")
        return code, version, count, GAIN_TABLE[gain_code], offset + HEADER_SIZE

    def read_sample(version: int, offset: int) -> tuple[tuple[int, int, int, int], int]:
        order, fields = LAYOUTS[version]
        layout = struct.Struct(order + fields)
        return layout.unpack_from(blob, offset), offset + layout.size

    def read_frame(offset: int) -> int:
        code, version, count, gain, offset = read_header(offset)
        if offset + count * struct.calcsize(">Ihhh") > len(blob):
            raise FrameError(f"frame for {code} overruns the blob")
        records = []
        for _ in range(count):
            record, offset = read_sample(version, offset)
            records.append(record)
        summary = stations.setdefault(code, StationSummary(code))
        summary.samples += count
        if count:
            ticks, zs, ns, es = zip(*records, strict=True)
            peak_z = max(max(zs), -min(zs)) / gain
            peak_h = max(max(ns), -min(ns), max(es), -min(es)) / gain
            summary.peak_z = max(summary.peak_z, peak_z)
            summary.peak_horizontal = max(summary.peak_horizontal, peak_h)
            summary.last_tick = max(summary.last_tick, max(ticks))
        return offset

    pos = 0
    while pos < len(blob):
        pos = read_frame(pos)
    return [stations[k].as_row() for k in sorted(stations)]


def encode_frame(
    station: str,
    samples: list[tuple[int, int, int, int]],
    version: int = 1,
    gain_code: int = 0,
) -> bytes:
    order, fields = LAYOUTS[version]
    head = struct.pack(HEADER_FORMAT, station.encode("ascii"), version, len(samples), gain_code)
    body = b"".join(struct.pack(order + fields, *s) for s in samples)
    return head + body
