"""Render ZPL shipping labels for outbound pallets (GS1 SSCC layout)."""

from __future__ import annotations


class CheckDigit:
    """GS1 mod-10 check digit."""

    @staticmethod
    def compute(digits: str) -> int:
        total = 0
        for i, ch in enumerate(reversed(digits)):
            total += int(ch) * (3 if i % 2 == 0 else 1)
        return (10 - total % 10) % 10


class Carton:
    def __init__(self, gtin: str, description: str, quantity: int) -> None:
        self.gtin = gtin
        self.description = description
        self.quantity = quantity


class Pallet:
    def __init__(self, company_prefix: str, serial: int, ship_to: str) -> None:
        self.company_prefix = company_prefix
        self.serial = serial
        self.ship_to = ship_to
        self.cartons: list[Carton] = []

    def add(self, carton: Carton) -> Pallet:
        self.cartons.append(carton)
        return self

    @property
    def sscc(self) -> str:
        body = "0" + self.company_prefix + str(self.serial).zfill(16 - len(self.company_prefix))
        return body + str(CheckDigit.compute(body))

    @property
    def total_units(self) -> int:
        return sum(c.quantity for c in self.cartons)


class ZplWriter:
    """Accumulates ZPL commands for a batch of labels."""

    def __init__(self, dpi: int = 203) -> None:
        self.dpi = dpi
        self._text = ""
        self._y = 0

    def command(self, cmd: str) -> None:
        self._text += cmd + "\n"

    def start_label(self) -> None:
        self._y = 40
        self.command("^XA")
        self.command(f"^PW{self.dpi * 4}")

    def end_label(self) -> None:
        self.command("^XZ")

    def field(self, text: str, size: int = 28) -> None:
        safe = text.replace("^", " ").replace("~", " ")
        self.command(f"^FO40,{self._y}^A0N,{size},{size}^FD{safe}^FS")
        self._y += size + 8

    def barcode(self, data: str) -> None:
        self.command(f"^FO40,{self._y}^BY3^BCN,120,Y,N,N^FD>;{data}^FS")
        self._y += 160

    def getvalue(self) -> str:
        return self._text


class LabelRenderer:
    def __init__(self, shipper: str, writer: ZplWriter | None = None) -> None:
        self.shipper = shipper
        self.writer = writer or ZplWriter()

    def render_pallet(self, pallet: Pallet) -> None:
        w = self.writer
        w.start_label()
        w.field(f"FROM: {self.shipper}")
        w.field(f"TO: {pallet.ship_to}")
        w.field(f"SSCC (00) {pallet.sscc}", size=34)
        for carton in pallet.cartons:
            w.field(f"{carton.gtin} {carton.description[:30]} x{carton.quantity}", size=20)
        w.field(f"UNITS {pallet.total_units}  CARTONS {len(pallet.cartons)}")
        w.barcode("00" + pallet.sscc)
        w.end_label()

    def render_batch(self, pallets: list[Pallet]) -> str:
        for pallet in pallets:
            self.render_pallet(pallet)
        return self.writer.getvalue()
