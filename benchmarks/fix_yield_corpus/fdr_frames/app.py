"""Flight data monitoring: decode recorder frames from a QAR dump and flag exceedances."""

from __future__ import annotations

import struct
from typing import NamedTuple

MAGIC = b"QAR1"
HEADER_FMT = "<4sHH8s"  # magic, version, frame size, tail number
FRAME_SIZE = 20

VMO_KT = 340.0
FLAP_LIMIT_KT = {0: 999.0, 1: 230.0, 2: 215.0, 3: 200.0, 4: 185.0, 5: 175.0}
HARD_LANDING_G = 1.8
BANK_LIMIT_DEG = 35.0


class Frame(NamedTuple):
    t_ms: int
    alt_ft: int
    ias_kt: float
    pitch: float
    roll: float
    vert_g: float
    heading: float
    flaps: int
    gear_down: bool


class Exceedance(NamedTuple):
    t_ms: int
    kind: str
    value: float


class DumpError(ValueError):
    pass


def read_header(blob: bytes) -> tuple[str, int]:
    magic, version, frame_size, tail = struct.unpack(HEADER_FMT, blob[:16])
    if magic != MAGIC:
        raise DumpError(f"bad magic {magic!r}")
    if frame_size != FRAME_SIZE:
        raise DumpError(f"unsupported frame size {frame_size}")
    return tail.rstrip(b"\0").decode("ascii"), version


def decode_frame(raw: bytes) -> Frame:
    t_ms, alt, ias, pitch, roll, g, hdg, flaps, gear = struct.unpack("<IiHhhhHBB", raw)
    return Frame(
        t_ms, alt, ias / 10.0, pitch / 100.0, roll / 100.0, g / 1000.0, hdg / 10.0, flaps, gear == 1
    )


def frame_at(blob: bytes, index: int) -> Frame:
    start = 16 + index * FRAME_SIZE
    if index < 0 or start + FRAME_SIZE > len(blob):
        raise IndexError(f"frame {index} out of range")
    return decode_frame(blob[start : start + FRAME_SIZE])


def scan(blob: bytes) -> dict:
    """One pass over the dump in raw recorder units; converts only what gets reported."""
    tail, _ = read_header(blob)
    body = blob[16:]
    if len(body) % FRAME_SIZE:
        raise DumpError(f"truncated dump: {len(body) % FRAME_SIZE} trailing bytes")
    n_frames = len(body) // FRAME_SIZE
    if n_frames == 0:
        return {"tail": tail, "frames": 0, "duration_s": 0.0, "max_alt_ft": None, "events": []}
    # Flap-limit table in raw tenths of a knot; flaps 0 (clean) is bounded by VMO.
    vmo = VMO_KT * 10
    limits = {k: min(v, VMO_KT) * 10 for k, v in FLAP_LIMIT_KT.items()}
    bank = BANK_LIMIT_DEG * 100
    hard_g = HARD_LANDING_G * 1000
    events: list[Exceedance] = []
    max_alt = -(2**31)
    airborne = False
    for off in range(0, len(body), FRAME_SIZE):
        t_ms, alt, ias, _pitch, roll, g, _hdg, flaps, _gear = struct.unpack(
            "<IiHhhhHBB", body[off : off + FRAME_SIZE]
        )
        if alt > max_alt:
            max_alt = alt
        if ias > limits.get(flaps, vmo):
            events.append(
                Exceedance(t_ms, "overspeed" if ias > vmo else f"flap{flaps}_overspeed", ias / 10.0)
            )
        if roll > bank or roll < -bank:
            events.append(Exceedance(t_ms, "bank_angle", roll / 100.0))
        if airborne and alt <= 0 and g > hard_g:
            events.append(Exceedance(t_ms, "hard_landing", g / 1000.0))
        airborne = alt > 50
    first, last = decode_frame(body[:FRAME_SIZE]), decode_frame(body[-FRAME_SIZE:])
    return {
        "tail": tail,
        "frames": n_frames,
        "duration_s": (last.t_ms - first.t_ms) / 1000.0,
        "max_alt_ft": max_alt,
        "events": events,
    }


def flight_summary(blob: bytes) -> dict:
    result = scan(blob)
    counts: dict[str, int] = {}
    for e in result.pop("events"):
        counts[e.kind] = counts.get(e.kind, 0) + 1
    result["events"] = dict(sorted(counts.items()))
    return result


def encode_dump(tail: str, frames: list[Frame], version: int = 3) -> bytes:
    out = [struct.pack(HEADER_FMT, MAGIC, version, FRAME_SIZE, tail.encode("ascii"))]
    for f in frames:
        out.append(
            struct.pack(
                "<IiHhhhHBB",
                f.t_ms,
                f.alt_ft,
                round(f.ias_kt * 10),
                round(f.pitch * 100),
                round(f.roll * 100),
                round(f.vert_g * 1000),
                round(f.heading * 10),
                f.flaps,
                1 if f.gear_down else 0,
            )
        )
    return b"".join(out)
