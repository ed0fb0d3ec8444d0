"""Digital tachograph download analysis.

A vehicle-unit download is a small binary file: a fixed header (magic, format version,
vehicle registration, record counts, CRC of the body) followed by the activity records
(one per activity change) and the one-per-second detailed speed trace.
``read_download`` decodes a file, ``check_hours`` applies the daily driving limit and
the 4h30 continuous-driving rule, and ``speed_events`` finds overspeeding and harsh
braking in the trace.
"""

from __future__ import annotations

import logging
import struct
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

log = logging.getLogger(__name__)

MAGIC = b"TCHO"
HEADER_FMT = ">4sBx16sIII"
ACTIVITY_FMT = ">BBHHH"
SPEED_FMT = ">IBB"
ACTIVITIES = {0: "break", 1: "available", 2: "work", 3: "driving"}
FLAG_NO_SIGNAL = 0x01
DAILY_DRIVING_LIMIT = 9 * 60
EXTENDED_DAILY_LIMIT = 10 * 60
CONTINUOUS_DRIVING_LIMIT = 4 * 60 + 30
REQUIRED_BREAK = 45
SPEED_LIMIT_KMH = 90
HARSH_BRAKE_KMH_PER_S = 12


class DownloadError(ValueError):
    """A download file that fails structural checks."""


class Activity(NamedTuple):
    slot: int  # 0 = driver, 1 = co-driver
    kind: str
    day: int  # days since period start
    start: int  # minute of day
    minutes: int


@dataclass
class SpeedSummary:
    samples: int = 0
    no_signal: int = 0
    gaps: int = 0
    max_kmh: int = 0
    overspeed_seconds: int = 0
    overspeed_events: int = 0
    harsh_brakes: list[int] = field(default_factory=list)  # timestamps


@dataclass
class Download:
    registration: str
    version: int
    activities: list[Activity]
    speed: SpeedSummary


@dataclass(frozen=True)
class Infringement:
    day: int
    rule: str
    minutes: int


def read_download(blob: bytes) -> Download:
    header_size = struct.calcsize(HEADER_FMT)
    if len(blob) < header_size:
        raise DownloadError("file shorter than header")
    magic, version, reg, n_act, n_speed, crc = struct.unpack(HEADER_FMT, blob[:header_size])
    if magic != MAGIC:
        raise DownloadError(f"bad magic {magic!r}")
    body = blob[header_size:]
    if zlib.crc32(body) != crc:
        raise DownloadError("body CRC mismatch")
    act_size = n_act * struct.calcsize(ACTIVITY_FMT)
    if act_size + n_speed * struct.calcsize(SPEED_FMT) != len(body):
        raise DownloadError(f"record counts do not match body of {len(body)} bytes")

    activities = []
    for slot, code, day, start, minutes in struct.iter_unpack(ACTIVITY_FMT, body[:act_size]):
        if code not in ACTIVITIES or start >= 1440:
            raise DownloadError(f"corrupt activity record on day {day}")
        activities.append(Activity(slot, ACTIVITIES[code], day, start, minutes))
    speed = speed_events(body, act_size, n_speed)
    return Download(reg.rstrip(b"\0").decode("ascii"), version, activities, speed)


def speed_events(body: bytes, offset: int, count: int) -> SpeedSummary:
    summary = SpeedSummary()
    previous_ts = previous_kmh = None
    over = False
    for _ in range(count):
        ts, kmh, flags = struct.unpack(
            SPEED_FMT, body[offset : offset + struct.calcsize(SPEED_FMT)]
        )
        offset += struct.calcsize(SPEED_FMT)
        summary.samples += 1
        if flags & FLAG_NO_SIGNAL:
            summary.no_signal += 1
            previous_ts = previous_kmh = None
            continue
        if previous_ts is not None and ts != previous_ts + 1:
            summary.gaps += 1
        elif previous_kmh is not None and previous_kmh - kmh >= HARSH_BRAKE_KMH_PER_S:
            summary.harsh_brakes.append(ts)
        if kmh > summary.max_kmh:
            summary.max_kmh = kmh
        if kmh > SPEED_LIMIT_KMH:
            summary.overspeed_seconds += 1
            if not over:
                summary.overspeed_events += 1
            over = True
        else:
            over = False
        previous_ts, previous_kmh = ts, kmh
    return summary


def write_download(
    registration: str, activities: list[Activity], speeds: list[tuple[int, int, int]], version=3
) -> bytes:
    codes = {name: code for code, name in ACTIVITIES.items()}
    body = b"".join(
        struct.pack(ACTIVITY_FMT, a.slot, codes[a.kind], a.day, a.start, a.minutes)
        for a in activities
    ) + b"".join(struct.pack(SPEED_FMT, *s) for s in speeds)
    header = struct.pack(
        HEADER_FMT,
        MAGIC,
        version,
        registration.encode("ascii"),
        len(activities),
        len(speeds),
        zlib.crc32(body),
    )
    return header + body


def check_hours(download: Download, extended_days: int = 2) -> list[Infringement]:
    infringements: list[Infringement] = []
    driving_by_day: dict[int, int] = defaultdict(int)
    continuous = 0
    break_taken = 0
    for act in download.activities:
        if act.slot != 0:
            continue
        if act.kind == "driving":
            driving_by_day[act.day] += act.minutes
            continuous += act.minutes
            if continuous > CONTINUOUS_DRIVING_LIMIT:
                infringements.append(Infringement(act.day, "continuous driving", continuous))
                continuous = 0
            break_taken = 0
        elif act.kind == "break":
            break_taken += act.minutes
            if break_taken >= REQUIRED_BREAK:
                continuous = 0
    extensions_left = extended_days
    for day in sorted(driving_by_day):
        total = driving_by_day[day]
        if total <= DAILY_DRIVING_LIMIT:
            continue
        if total <= EXTENDED_DAILY_LIMIT and extensions_left > 0:
            extensions_left -= 1
            continue
        infringements.append(Infringement(day, "daily driving", total))
    return infringements


def fleet_report(blobs: list[bytes]) -> dict[str, dict[str, int]]:
    report: dict[str, dict[str, int]] = {}
    for blob in blobs:
        try:
            download = read_download(blob)
        except DownloadError as exc:
            log.warning("rejected download: %s", exc)
            continue
        report[download.registration] = {
            "infringements": len(check_hours(download)),
            "overspeed_events": download.speed.overspeed_events,
            "harsh_brakes": len(download.speed.harsh_brakes),
        }
    return report
