"""Wine cellar intake: turn free-text bottle descriptions into cellar records.

Merchants' invoices describe bottles loosely ("2016 Ch. Montrose St-Estephe
Cabernet Sauvignon 750ml x6").  ``parse_listing`` pulls out vintage, grape,
bottle size and quantity; ``Cellar`` keeps stock and drinking windows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

VARIETALS = [
    "Cabernet Sauvignon",
    "Cabernet Franc",
    "Merlot",
    "Malbec",
    "Petit Verdot",
    "Pinot Noir",
    "Pinot Grigio",
    "Pinot Gris",
    "Pinot Blanc",
    "Chardonnay",
    "Sauvignon Blanc",
    "Semillon",
    "Riesling",
    "Gewurztraminer",
    "Gruner Veltliner",
    "Chenin Blanc",
    "Viognier",
    "Marsanne",
    "Roussanne",
    "Syrah",
    "Shiraz",
    "Grenache",
    "Mourvedre",
    "Carignan",
    "Cinsault",
    "Tempranillo",
    "Garnacha",
    "Sangiovese",
    "Nebbiolo",
    "Barbera",
    "Dolcetto",
    "Aglianico",
    "Primitivo",
    "Zinfandel",
    "Montepulciano",
    "Nero d'Avola",
    "Touriga Nacional",
    "Albarino",
    "Verdejo",
    "Gamay",
    "Carmenere",
    "Pinotage",
    "Torrontes",
    "Vermentino",
    "Muscadet",
    "Assyrtiko",
    "Furmint",
    "Blaufrankisch",
    "Zweigelt",
    "Tannat",
]

SIZES_ML = {
    "375ml": 375,
    "half": 375,
    "750ml": 750,
    "75cl": 750,
    "1.5l": 1500,
    "magnum": 1500,
    "3l": 3000,
    "jeroboam": 3000,
}

# typical years from vintage to peak, by grape
AGEING = {
    "Cabernet Sauvignon": (8, 25),
    "Nebbiolo": (10, 30),
    "Riesling": (5, 20),
    "Syrah": (6, 18),
    "Pinot Noir": (4, 12),
    "Tempranillo": (6, 18),
}
DEFAULT_AGEING = (1, 6)

QTY = re.compile(r"(?:x\s*(\d+)|(\d+)\s*(?:btl|bottles?|x)\b)", re.I)
VINTAGE = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
NV = re.compile(r"\bN\.?V\.?\b")


@dataclass(frozen=True)
class Listing:
    raw: str
    vintage: int | None
    varietal: str | None
    size_ml: int
    quantity: int


def detect_varietal(text: str) -> str | None:
    """Longest grape name mentioned in ``text`` (case-insensitive)."""
    names = sorted(VARIETALS, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b", re.I)
    match = pattern.search(text)
    if match is None:
        return None
    found = match.group(1).lower()
    for name in VARIETALS:
        if name.lower() == found:
            return name
    return None


def detect_size(text: str) -> int:
    lowered = text.lower()
    for token in lowered.replace(",", " ").split():
        if token in SIZES_ML:
            return SIZES_ML[token]
    return 750


def parse_listing(text: str) -> Listing:
    vintage = None
    if not NV.search(text):
        m = VINTAGE.search(text)
        vintage = int(m.group(1)) if m else None
    qty_match = QTY.search(text)
    quantity = int(qty_match.group(1) or qty_match.group(2)) if qty_match else 1
    return Listing(text, vintage, detect_varietal(text), detect_size(text), quantity)


def drinking_window(listing: Listing) -> tuple[int, int] | None:
    if listing.vintage is None:
        return None
    start, end = AGEING.get(listing.varietal, DEFAULT_AGEING)
    if listing.size_ml >= 1500:  # large formats age more slowly
        end += 3
    return listing.vintage + start, listing.vintage + end


class Cellar:
    def __init__(self) -> None:
        self.stock: dict[tuple[int | None, str | None, int], int] = {}
        self.unparsed: list[str] = []

    def receive(self, lines: list[str]) -> int:
        added = 0
        for line in lines:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            listing = parse_listing(line)
            if listing.varietal is None and listing.vintage is None:
                self.unparsed.append(line)
                continue
            key = (listing.vintage, listing.varietal, listing.size_ml)
            self.stock[key] = self.stock.get(key, 0) + listing.quantity
            added += listing.quantity
        return added

    def ready_to_drink(self, year: int) -> list[tuple[int | None, str | None, int, int]]:
        ready = []
        for (vintage, varietal, size), count in self.stock.items():
            window = drinking_window(Listing("", vintage, varietal, size, count))
            if window and window[0] <= year <= window[1]:
                ready.append((vintage, varietal, size, count))
        ready.sort(key=lambda r: (r[0], r[1] or "", r[2]))
        return ready

    def bottles(self) -> int:
        return sum(self.stock.values())
