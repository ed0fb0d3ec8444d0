"""Modbus trend-log polling: decode history blocks read from plant meters into channel stats."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field

#: trend-log record layout per meter model: byte order, fields (name, struct code, scale)
RECORD_LAYOUTS: dict[str, tuple[str, list[tuple[str, str, float]]]] = {
    "PM-210": (
        ">",
        [
            ("timestamp", "I", 1.0),
            ("voltage_l1", "H", 0.1),
            ("voltage_l2", "H", 0.1),
            ("voltage_l3", "H", 0.1),
            ("current_l1", "h", 0.01),
            ("current_l2", "h", 0.01),
            ("current_l3", "h", 0.01),
            ("power_kw", "i", 0.001),
            ("reactive_kvar", "i", 0.001),
            ("power_factor", "h", 0.001),
            ("frequency", "H", 0.01),
            ("quality", "B", 1.0),
        ],
    ),
    "FX-9": (
        "<",
        [
            ("timestamp", "I", 1.0),
            ("flow_rate", "f", 1.0),
            ("temperature", "h", 0.1),
            ("pressure", "H", 0.01),
            ("quality", "B", 1.0),
        ],
    ),
}
HEADER = struct.Struct(">HBH")  # unit id, model code, record count
MODEL_CODES = {1: "PM-210", 2: "FX-9"}
GOOD_QUALITY = 0xC0


class BlockError(ValueError):
    pass


@dataclass
class ChannelStats:
    count: int = 0
    low: float = float("inf")
    high: float = float("-inf")
    total: float = 0.0

    def add(self, values: Sequence[float], scale: float) -> None:
        self.count += len(values)
        self.low = min(self.low, round(min(values) * scale, 4))
        self.high = max(self.high, round(max(values) * scale, 4))
        self.total += sum(values) * scale

    @property
    def mean(self) -> float:
        return round(self.total / self.count, 4) if self.count else 0.0


@dataclass
class UnitLog:
    unit_id: int
    model: str
    records: list[tuple] = field(default_factory=list)
    bad_quality: int = 0


def record_format(model: str) -> str:
    order, fields = RECORD_LAYOUTS[model]
    return order + "".join(code for _, code, _ in fields)


def decode_record(model: str, block: bytes, offset: int) -> tuple:
    layout = struct.Struct(record_format(model))
    return layout.unpack_from(block, offset)


def decode_block(block: bytes) -> UnitLog:
    if len(block) < HEADER.size:
        raise BlockError("block shorter than its header")
    unit_id, code, count = HEADER.unpack_from(block)
    model = MODEL_CODES.get(code)
    if model is None:
        raise BlockError(f"unknown model code {code}")
    log = UnitLog(unit_id, model)
    size = struct.calcsize(record_format(model))
    if HEADER.size + count * size > len(block):
        raise BlockError(f"{count} records of {size} bytes run past the {len(block)}-byte block")
    for i in range(count):
        record = decode_record(model, block, HEADER.size + i * size)
        if record[-1] & GOOD_QUALITY != GOOD_QUALITY:
            log.bad_quality += 1
            continue
        log.records.append(record)
    return log


def channel_summary(blocks: list[bytes]) -> dict:
    """Per model and channel: count, low, high and mean of the good-quality samples."""
    stats: dict[str, dict[str, ChannelStats]] = {}
    rejected: list[str] = []
    bad = 0
    for block in blocks:
        try:
            log = decode_block(block)
        except BlockError as exc:
            rejected.append(str(exc))
            continue
        bad += log.bad_quality
        _, fields = RECORD_LAYOUTS[log.model]
        per_model = stats.setdefault(log.model, {})
        if not log.records:
            continue
        columns = list(zip(*log.records, strict=True))
        for (name, _, scale), values in zip(fields[1:-1], columns[1:-1], strict=True):
            per_model.setdefault(name, ChannelStats()).add(values, scale)
    return {
        "channels": {
            model: {name: (s.low, s.high, s.mean) for name, s in chans.items()}
            for model, chans in stats.items()
        },
        "bad_quality": bad,
        "rejected": rejected,
    }
