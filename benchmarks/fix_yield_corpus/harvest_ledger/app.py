"""Winery crush-pad ledger: turn grape weigh tickets into a printable harvest report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# Payment bonus/penalty per ton by sugar band (degrees Brix), from the grower contract.
BRIX_BANDS = [
    (0.0, 19.0, -45.0),
    (19.0, 22.0, 0.0),
    (22.0, 24.5, 25.0),
    (24.5, 99.0, 10.0),
]

BASE_PRICE_PER_TON = {
    "Cabernet Sauvignon": 2150.0,
    "Merlot": 1600.0,
    "Chardonnay": 1450.0,
    "Pinot Noir": 2400.0,
    "Zinfandel": 1300.0,
    "Sauvignon Blanc": 1250.0,
}


@dataclass(frozen=True)
class WeighTicket:
    ticket_no: str
    picked_on: date
    block: str
    variety: str
    gross_kg: float
    tare_kg: float
    brix: float
    moog_pct: float  # material other than grapes, percent of net


def net_kg(ticket: WeighTicket) -> float:
    fruit = max(ticket.gross_kg - ticket.tare_kg, 0.0)
    return round(fruit * (1.0 - ticket.moog_pct / 100.0), 1)


def brix_adjustment(brix: float) -> float:
    for low, high, adj in BRIX_BANDS:
        if low <= brix < high:
            return adj
    return 0.0


def ticket_value(ticket: WeighTicket) -> float:
    tons = net_kg(ticket) / 907.185
    price = BASE_PRICE_PER_TON.get(ticket.variety, 1000.0) + brix_adjustment(ticket.brix)
    return round(tons * price, 2)


class HarvestReportWriter:
    """Fixed-width crush report, grouped by vineyard block in ticket order."""

    RULE = "-" * 78

    def __init__(self, vintage: int, winery: str) -> None:
        self.vintage = vintage
        self.winery = winery
        self.text = ""
        self.tickets_written = 0

    def _line(self, s: str = "") -> None:
        self.text += s + "\n"

    def _header(self) -> None:
        self._line(f"{self.winery.upper()} - VINTAGE {self.vintage} CRUSH LEDGER")
        self._line(self.RULE)
        self._line(
            f"{'TICKET':<10}{'DATE':<12}{'VARIETY':<20}{'NET KG':>10}{'BRIX':>7}{'VALUE':>12}"
        )
        self._line(self.RULE)

    def _block_footer(self, block: str, kg: float, value: float, count: int) -> None:
        self._line(
            f"{'':<10}{'block ' + block + ' (' + str(count) + ' loads)':<32}{kg:>10.1f}{'':>7}{value:>12,.2f}"  # noqa: E501
        )
        self._line()

    def write(self, tickets: list[WeighTicket]) -> str:
        self.text = ""
        self.tickets_written = 0
        self._header()
        current = None
        block_kg = block_value = 0.0
        block_count = 0
        total_kg = total_value = 0.0
        for t in tickets:
            if t.block != current:
                if current is not None:
                    self._block_footer(current, block_kg, block_value, block_count)
                current = t.block
                block_kg = block_value = 0.0
                block_count = 0
                self._line(f"BLOCK {current}")
            kg = net_kg(t)
            value = ticket_value(t)
            flag = " *" if t.moog_pct > 3.0 else ""
            self._line(
                f"{t.ticket_no:<10}{t.picked_on.isoformat():<12}{t.variety[:19]:<20}"
                f"{kg:>10.1f}{t.brix:>7.1f}{value:>12,.2f}{flag}"
            )
            block_kg += kg
            block_value += value
            block_count += 1
            total_kg += kg
            total_value += value
            self.tickets_written += 1
        if current is not None:
            self._block_footer(current, block_kg, block_value, block_count)
        self._line(self.RULE)
        self._line(f"{'TOTAL':<42}{total_kg:>10.1f}{'':>7}{total_value:>12,.2f}")
        self._line(f"{self.tickets_written} tickets; * = MOG above 3%")
        return self.text


def crush_report(tickets: list[WeighTicket], vintage: int, winery: str) -> str:
    ordered = sorted(tickets, key=lambda t: (t.block, t.picked_on, t.ticket_no))
    return HarvestReportWriter(vintage, winery).write(ordered)
