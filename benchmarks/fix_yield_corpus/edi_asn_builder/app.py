"""Render X12 856 advance ship notices (ASN) for outbound truckloads."""

from __future__ import annotations

from dataclasses import dataclass, field

ELEMENT_SEP = "*"
SEGMENT_TERM = "~\n"


@dataclass(frozen=True)
class Carton:
    sscc: str
    sku: str
    quantity: int
    lot: str = ""


@dataclass
class Order:
    po_number: str
    store: str
    cartons: list[Carton] = field(default_factory=list)


@dataclass
class Shipment:
    shipment_id: str
    ship_date: str
    carrier_scac: str
    bol: str
    orders: list[Order] = field(default_factory=list)


def _clean(value: object) -> str:
    return str(value).replace(ELEMENT_SEP, " ").replace("~", " ").strip()


class AsnWriter:
    """Accumulates segments for a single ST/SE transaction set."""

    def __init__(self, control_number: int) -> None:
        self.control_number = f"{control_number:04d}"
        self.body = ""
        self.segment_count = 0
        self._hl = 0

    def segment(self, tag: str, *elements: object) -> None:
        self.body += (
            tag + ELEMENT_SEP + ELEMENT_SEP.join(_clean(e) for e in elements) + SEGMENT_TERM
        )
        self.segment_count += 1

    def hl(self, parent: int | None, level_code: str) -> int:
        self._hl += 1
        self.segment("HL", self._hl, "" if parent is None else parent, level_code)
        return self._hl

    def render(self, shipment: Shipment) -> str:
        self.segment("ST", "856", self.control_number)
        self.segment("BSN", "00", shipment.shipment_id, shipment.ship_date.replace("-", ""), "1200")
        ship_hl = self.hl(None, "S")
        self.segment("TD5", "B", "2", shipment.carrier_scac)
        self.segment("REF", "BM", shipment.bol)
        total_cartons = 0
        for order in shipment.orders:
            order_hl = self.hl(ship_hl, "O")
            self.segment("PRF", order.po_number)
            self.segment("N1", "BY", "92", order.store)
            for carton in order.cartons:
                pack_hl = self.hl(order_hl, "P")
                self.segment("MAN", "GM", carton.sscc)
                self.hl(pack_hl, "I")
                self.segment("LIN", "", "SK", carton.sku)
                self.segment("SN1", "", carton.quantity, "EA")
                if carton.lot:
                    self.segment("REF", "LT", carton.lot)
                total_cartons += 1
        self.segment("CTT", self._hl, total_cartons)
        self.segment("SE", self.segment_count + 1, self.control_number)
        return self.body


def build_asn(shipment: Shipment, control_number: int = 1) -> str:
    if not shipment.orders:
        raise ValueError(f"shipment {shipment.shipment_id} has no orders")
    return AsnWriter(control_number).render(shipment)
