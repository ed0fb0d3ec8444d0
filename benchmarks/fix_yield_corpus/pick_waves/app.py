"""Group warehouse order lines into pick waves per zone, capped by cart capacity."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

CART_LIMITS = {"max_units": 60, "max_weight_kg": 45.0}
ZONE_ORDER = ("A", "B", "C", "D", "COLD")


@dataclass(frozen=True)
class OrderLine:
    order_id: str
    sku: str
    bin_code: str
    qty: int
    unit_weight_kg: float

    @property
    def zone(self) -> str:
        return self.bin_code.split("-", 1)[0]

    @property
    def weight_kg(self) -> float:
        return self.qty * self.unit_weight_kg


@dataclass
class Wave:
    wave_id: str
    zone: str
    lines: list[OrderLine] = field(default_factory=list)

    @property
    def units(self) -> int:
        return sum(line.qty for line in self.lines)

    @property
    def weight_kg(self) -> float:
        return round(sum(line.weight_kg for line in self.lines), 3)

    def fits(self, line: OrderLine) -> bool:
        return (
            self.units + line.qty <= CART_LIMITS["max_units"]
            and self.weight_kg + line.weight_kg <= CART_LIMITS["max_weight_kg"]
        )

    def summary(self) -> str:
        stops = ", ".join(f"{ln.bin_code}x{ln.qty}" for ln in self.lines)
        return f"{self.wave_id}[{self.zone}] {self.units}u {self.weight_kg}kg: {stops}"


def _bin_sort_key(line: OrderLine) -> tuple[int, str, str]:
    zone = line.zone
    rank = ZONE_ORDER.index(zone) if zone in ZONE_ORDER else len(ZONE_ORDER)
    return rank, line.bin_code, line.order_id


class WavePlanner:
    def __init__(self, prefix: str = "W") -> None:
        self.prefix = prefix
        self._seq = 0

    def _new_wave(self, zone: str) -> Wave:
        self._seq += 1
        return Wave(f"{self.prefix}{self._seq:04d}", zone)

    def plan(self, lines: list[OrderLine]) -> list[Wave]:
        by_zone: dict[str, list[OrderLine]] = defaultdict(list)
        for line in sorted(lines, key=_bin_sort_key):
            by_zone[line.zone].append(line)

        waves: list[Wave] = []
        for zone, zone_lines in by_zone.items():
            current = self._new_wave(zone)
            for line in zone_lines:
                if line.qty > CART_LIMITS["max_units"]:
                    logger.warning("line %s/%s too large for one cart", line.order_id, line.sku)
                    continue
                if current.lines and not current.fits(line):
                    waves.append(current)
                    current = self._new_wave(zone)
                current.lines.append(line)
                logger.debug(f"added {line.sku} to wave: {current.summary()}")
            if current.lines:
                waves.append(current)
        return waves


def plan_waves(lines: list[OrderLine]) -> list[Wave]:
    return WavePlanner().plan(lines)


def wave_manifest(waves: list[Wave]) -> list[dict[str, object]]:
    return [
        {
            "wave": w.wave_id,
            "zone": w.zone,
            "units": w.units,
            "weight_kg": w.weight_kg,
            "orders": sorted({ln.order_id for ln in w.lines}),
        }
        for w in waves
    ]
