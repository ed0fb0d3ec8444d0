"""Tide gauge telemetry: decode binary frames from coastal stations and summarise water levels.

Each frame is a fixed header followed by ``count`` samples taken every ``interval_s`` seconds.
A sample is (level, residual, wave height, quality flag): levels are millimetres above the
station's chart datum, the residual is observed minus predicted tide (mm), wave height is in
centimetres; a non-zero quality flag marks a sample the gauge itself distrusts (spray, sensor
fault). Samples taken while a station was being serviced are dropped as well.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

HEADER = struct.Struct("<4sIHH")
SAMPLE = struct.Struct("<hhHB")

#: highest astronomical tide (mm above chart datum) per station; above it is a surge event
SURGE_THRESHOLD_MM = {"BRST": 7400, "PLYM": 5900, "DOVR": 7100, "ABDN": 4900}
DEFAULT_THRESHOLD_MM = 6000
QUALITY_GOOD = 0


@dataclass(frozen=True)
class Frame:
    station: str
    start_epoch: int
    interval_s: int
    samples: list[tuple[int, int, int, int]]


@dataclass
class StationSummary:
    station: str
    good: int = 0
    rejected: int = 0
    serviced: int = 0
    total_mm: int = 0
    low_mm: int | None = None
    high_mm: int | None = None
    max_wave_cm: int = 0
    surge_epochs: list[int] = field(default_factory=list)

    @property
    def mean_mm(self) -> float:
        return self.total_mm / self.good if self.good else 0.0

    def add(self, epoch: int, level: int, wave: int, threshold: int) -> None:
        self.good += 1
        self.total_mm += level
        self.low_mm = level if self.low_mm is None else min(self.low_mm, level)
        self.high_mm = level if self.high_mm is None else max(self.high_mm, level)
        self.max_wave_cm = max(self.max_wave_cm, wave)
        if level > threshold:
            self.surge_epochs.append(epoch)


def encode_frame(station: str, start_epoch: int, interval_s: int, samples) -> bytes:
    """The wire form of one frame (used by simulators and tests)."""
    body = b"".join(SAMPLE.pack(*fields) for fields in samples)
    return HEADER.pack(station.encode("ascii"), start_epoch, interval_s, len(samples)) + body


def iter_frames(buf: bytes) -> Iterator[Frame]:
    offset = 0
    while offset + HEADER.size <= len(buf):
        raw_station, start, interval, count = HEADER.unpack_from(buf, offset)
        offset += HEADER.size
        end = offset + count * SAMPLE.size
        if end > len(buf):
            raise ValueError(f"truncated frame for {raw_station!r} at byte {offset}")
        samples = [SAMPLE.unpack_from(buf, pos) for pos in range(offset, end, SAMPLE.size)]
        offset = end
        yield Frame(raw_station.decode("ascii"), start, interval, samples)


def service_epochs(log: Iterable[tuple[int, int]], interval_s: int) -> list[int]:
    """Every sample epoch inside the (start, end) service windows of a maintenance log."""
    epochs: list[int] = []
    for start, end in log:
        first = start - start % interval_s
        epochs.extend(range(first, end + 1, interval_s))
    return epochs


def summarise(buf: bytes, serviced: list[int] | None = None) -> dict[str, StationSummary]:
    """Per-station statistics; ``serviced`` lists sample epochs to drop (see service_epochs)."""
    serviced = serviced or []
    summaries: dict[str, StationSummary] = {}
    for frame in iter_frames(buf):
        summary = summaries.setdefault(frame.station, StationSummary(frame.station))
        threshold = SURGE_THRESHOLD_MM.get(frame.station, DEFAULT_THRESHOLD_MM)
        for index, (level, _residual, wave, flag) in enumerate(frame.samples):
            epoch = frame.start_epoch + index * frame.interval_s
            if flag != QUALITY_GOOD:
                summary.rejected += 1
            elif epoch in serviced:
                summary.serviced += 1
            else:
                summary.add(epoch, level, wave, threshold)
    return summaries


def report(buf: bytes, serviced: list[int] | None = None) -> list[dict]:
    rows = []
    for station, s in sorted(summarise(buf, serviced).items()):
        rows.append(
            {
                "station": station,
                "mean_mm": round(s.mean_mm, 1),
                "range_mm": (s.low_mm, s.high_mm),
                "rejected": s.rejected,
                "serviced": s.serviced,
                "max_wave_cm": s.max_wave_cm,
                "surges": len(s.surge_epochs),
                "first_surge": s.surge_epochs[0] if s.surge_epochs else None,
            }
        )
    return rows
