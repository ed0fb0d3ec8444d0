"""Multi-level bill-of-materials explosion report.

Given the part master and single-level BOM lines (parent, child, quantity
per), the report walks an assembly top-down and prints every component with
its level, extended quantity and extended standard cost, the way an MRP
system's "indented BOM" screen does.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Part:
    part_no: str
    description: str
    uom: str
    unit_cost: float  # purchased cost; 0 for made parts (their cost rolls up)
    make: bool = False


@dataclass(frozen=True)
class BomLine:
    parent: str
    child: str
    qty_per: float
    scrap_pct: float = 0.0
    find_no: int = 0


class BomError(ValueError):
    pass


class BomExplosion:
    def __init__(self, parts: list[Part], lines: list[BomLine]) -> None:
        self.parts = {p.part_no: p for p in parts}
        self.children: dict[str, list[BomLine]] = defaultdict(list)
        for line in lines:
            if line.parent not in self.parts or line.child not in self.parts:
                raise BomError(f"unknown part on BOM line {line.parent} -> {line.child}")
            if line.qty_per <= 0:
                raise BomError(f"non-positive quantity on {line.parent} -> {line.child}")
            self.children[line.parent].append(line)
        for kids in self.children.values():
            kids.sort(key=lambda line: (line.find_no, line.child))
        self._cost_cache: dict[str, float] = {}

    @staticmethod
    def effective_qty(line: BomLine) -> float:
        return line.qty_per * (1 + line.scrap_pct / 100)

    def rolled_cost(self, part_no: str, _path: tuple[str, ...] = ()) -> float:
        """Standard cost of one unit, purchased cost plus its components."""
        if part_no in self._cost_cache:
            return self._cost_cache[part_no]
        if part_no in _path:
            raise BomError("cycle: " + " > ".join((*_path, part_no)))
        cost = self.parts[part_no].unit_cost
        for line in self.children.get(part_no, ()):
            cost += self.effective_qty(line) * self.rolled_cost(line.child, (*_path, part_no))
        self._cost_cache[part_no] = cost
        return cost

    def _row(self, level: int, part: Part, qty: float) -> str:
        indent = "." * level
        ext_cost = qty * self.rolled_cost(part.part_no)
        kind = "M" if part.make else "B"
        return (
            f"{indent}{level:<{8 - len(indent)}}{part.part_no:<14}{part.description[:28]:<30}"
            f"{kind} {qty:>12.4f} {part.uom:<4}{ext_cost:>14.2f}\n"
        )

    def _explode(
        self, part_no: str, qty: float, level: int, path: tuple[str, ...], out: str
    ) -> str:
        if part_no in path:
            raise BomError("cycle: " + " > ".join((*path, part_no)))
        out += self._row(level, self.parts[part_no], qty)
        for line in self.children.get(part_no, ()):
            out = self._explode(
                line.child, qty * self.effective_qty(line), level + 1, (*path, part_no), out
            )
        return out

    def report(self, top: str, quantity: float = 1.0, max_level: int | None = None) -> str:
        if top not in self.parts:
            raise BomError(f"unknown assembly {top}")
        if quantity <= 0:
            raise BomError("quantity must be positive")
        header = (
            f"Indented BOM for {top} x {quantity:g}\n"
            f"{'Level':<8}{'Part':<14}{'Description':<30}T {'Ext qty':>12} UoM "
            f"{'Ext cost':>13}\n"
        )
        body = self._explode(top, quantity, 0, (), "")
        if max_level is not None:
            body = "".join(
                row
                for row in body.splitlines(keepends=True)
                if int(row.lstrip(".").split()[0]) <= max_level
            )
        total = quantity * self.rolled_cost(top)
        log.debug("exploded %s: %d rows", top, body.count("\n"))
        return header + body + f"{'':<8}{'Total standard cost':<44}{total:>33.2f}\n"

    def where_used(self, part_no: str) -> list[str]:
        """Direct parents of a part, sorted."""
        return sorted(
            {
                line.parent
                for kids in self.children.values()
                for line in kids
                if line.child == part_no
            }
        )
