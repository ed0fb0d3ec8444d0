"""Turn half-hourly meter register reads into interval usage and a monthly bill line."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from itertools import pairwise

logger = logging.getLogger(__name__)

PULSES_PER_KWH = 1000
INTERVALS_PER_DAY = 48
# quality flags the head-end system may put on a read; E = estimated, A = actual, ...
READ_QUALITY = ("A", "E", "C", "M", "S")
TARIFF = {
    "standing_charge": 0.53,  # per day
    "unit_rate": 0.2450,  # per kWh
    "demand_rate": 4.10,  # per kW of peak half-hour demand
}


class BadRead(ValueError):
    pass


@dataclass(frozen=True)
class MeterSeries:
    meter_id: str
    ct_ratio: int
    registers: list[int]  # cumulative pulse count at each half-hour boundary


@dataclass(frozen=True)
class BillLine:
    meter_id: str
    kwh: float
    peak_kw: float
    days: int
    amount: float


def parse_read(line: str) -> tuple[str, int, str]:
    """Split one head-end export line: ``<meter>,<timestamp>,<register>,<quality>``."""
    quality = "|".join(re.escape(flag) for flag in READ_QUALITY)
    read_re = re.compile(
        rf"^(?P<meter>[A-Z]{{4}}-\d{{5}}),(?P<ts>\d{{4}}-\d\d-\d\dT\d\d:\d\d),"
        rf"(?P<reg>\d+),(?P<q>{quality})$"
    )
    m = read_re.match(line.strip())
    if m is None:
        raise BadRead(line)
    return m["meter"], int(m["reg"]), m["q"]


def load_series(meter_id: str, ct_ratio: int, lines: list[str]) -> MeterSeries:
    registers = []
    for line in lines:
        meter, register, _quality = parse_read(line)
        if meter != meter_id:
            raise BadRead(f"read for {meter} in the file for {meter_id}")
        registers.append(register)
    return MeterSeries(meter_id, ct_ratio, registers)


def interval_usage(series: MeterSeries) -> list[float]:
    """kWh consumed in each half-hour interval between consecutive register reads."""
    factor = series.ct_ratio / PULSES_PER_KWH
    return [(cur - prev) * factor for prev, cur in pairwise(series.registers)]


def bill_line(series: MeterSeries) -> BillLine:
    usage = interval_usage(series)
    kwh = sum(usage)
    # a half-hour's kWh doubled is the average kW over that half-hour
    peak_kw = max(usage, default=0.0) * 2
    days = -(-len(usage) // INTERVALS_PER_DAY)
    amount = (
        days * TARIFF["standing_charge"]
        + kwh * TARIFF["unit_rate"]
        + peak_kw * TARIFF["demand_rate"]
    )
    return BillLine(series.meter_id, round(kwh, 3), round(peak_kw, 3), days, round(amount, 2))


def bill_run(exports: dict[str, tuple[int, list[str]]]) -> list[BillLine]:
    """Bill every meter in a head-end export: meter id -> (CT ratio, read lines)."""
    lines = [bill_line(load_series(mid, ct, reads)) for mid, (ct, reads) in exports.items()]
    logger.debug("billed %d meters", len(lines))
    return lines
