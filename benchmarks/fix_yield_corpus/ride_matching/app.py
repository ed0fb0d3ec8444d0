"""Dispatch: decode drivers' position uploads and pair waiting riders with the nearest free car.

Driver phones upload a binary frame every few seconds: a header (magic, duty status, driver
id, point count) followed by the GPS points buffered since the last upload.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterable
from dataclasses import dataclass

MAGIC = b"RDP1"
HEADER_LAYOUT = "<4sBIH"  # magic, duty status, driver id, point count
POINT_LAYOUT = "<Iiih"  # unix seconds, lat * 1e6, lon * 1e6, speed in dm/s (-1: unknown)
FREE, ON_TRIP, OFFLINE = 0, 1, 2
MAX_SPEED_DMS = 600  # 216 km/h: anything faster is a GPS jump
EARTH_KM = 6371.0


class FrameError(ValueError):
    """An upload that is not a position frame or is cut short."""


@dataclass(frozen=True)
class Position:
    driver_id: int
    status: int
    ts: int
    lat: float
    lon: float


@dataclass(frozen=True)
class Rider:
    rider_id: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Assignment:
    rider_id: str
    driver_id: int
    km: float


def encode_frame(driver_id: int, status: int, points: list[tuple[int, float, float, int]]) -> bytes:
    """The frame a driver app sends for ``points`` (ts, lat, lon, speed)."""
    out = [struct.pack(HEADER_LAYOUT, MAGIC, status, driver_id, len(points))]
    for ts, lat, lon, speed in points:
        out.append(struct.pack(POINT_LAYOUT, ts, round(lat * 1e6), round(lon * 1e6), speed))
    return b"".join(out)


def decode_frame(frame: bytes) -> Position | None:
    """The newest plausible point of one upload, or None when it has none."""
    header = struct.Struct(HEADER_LAYOUT)
    if len(frame) < header.size:
        raise FrameError(f"frame of {len(frame)} bytes is shorter than its header")
    magic, status, driver_id, count = header.unpack_from(frame, 0)
    if magic != MAGIC:
        raise FrameError(f"bad magic {magic!r}")
    if len(frame) != header.size + count * struct.calcsize(POINT_LAYOUT):
        raise FrameError(f"driver {driver_id}: {len(frame)} bytes do not hold {count} points")
    offset = header.size
    newest: tuple[int, int, int] | None = None
    for _ in range(count):
        point = struct.Struct(POINT_LAYOUT)
        ts, lat, lon, speed = point.unpack_from(frame, offset)
        offset += point.size
        if speed > MAX_SPEED_DMS:
            continue
        if newest is None or ts > newest[0]:
            newest = (ts, lat, lon)
    if newest is None:
        return None
    return Position(driver_id, status, newest[0], newest[1] / 1e6, newest[2] / 1e6)


def latest_positions(frames: Iterable[bytes]) -> dict[int, Position]:
    """Each driver's newest position over all uploads (frames may arrive out of order)."""
    positions: dict[int, Position] = {}
    for frame in frames:
        pos = decode_frame(frame)
        if pos is None:
            continue
        old = positions.get(pos.driver_id)
        if old is None or pos.ts > old.ts:
            positions[pos.driver_id] = pos
    return positions


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(h))


def match_riders(
    riders: list[Rider],
    positions: dict[int, Position],
    now: int,
    max_km: float = 4.0,
    max_age_s: int = 120,
) -> list[Assignment]:
    """First come, first served: each rider gets the nearest free, fresh driver in range."""
    free = {
        p.driver_id: p for p in positions.values() if p.status == FREE and now - p.ts <= max_age_s
    }
    out = []
    for rider in riders:
        best: tuple[float, int] | None = None
        for driver_id, p in free.items():
            km = distance_km(rider.lat, rider.lon, p.lat, p.lon)
            if km <= max_km and (best is None or (km, driver_id) < best):
                best = (km, driver_id)
        if best is not None:
            del free[best[1]]
            out.append(Assignment(rider.rider_id, best[1], round(best[0], 3)))
    return out


def dispatch(frames: Iterable[bytes], riders: list[Rider], now: int) -> list[Assignment]:
    return match_riders(riders, latest_positions(frames), now)
