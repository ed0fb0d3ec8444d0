"""Track parcels through carrier scan events and report where each one is.

Scans arrive out of order; a parcel's state is the latest scan by timestamp. Every applied
scan is traced at DEBUG level with the parcel's full state, for replaying a parcel's history
when a customer disputes a delivery.
"""

from __future__ import annotations

import json
import logging

log = logging.getLogger("shipments.tracker")

TERMINAL = {"delivered", "returned", "lost"}


class Parcel:
    def __init__(self, tracking_id: str) -> None:
        self.tracking_id = tracking_id
        self.status = "created"
        self.location = ""
        self.updated = 0
        self.history: list[tuple[int, str, str]] = []

    def snapshot(self) -> dict[str, object]:
        return {
            "id": self.tracking_id,
            "status": self.status,
            "location": self.location,
            "updated": self.updated,
            "hops": [list(h) for h in self.history[-5:]],
        }


class Tracker:
    def __init__(self) -> None:
        self.parcels: dict[str, Parcel] = {}

    def apply(self, scan: dict[str, object]) -> None:
        parcel = self.parcels.setdefault(str(scan["id"]), Parcel(str(scan["id"])))
        at = int(scan["at"])  # type: ignore[call-overload]
        parcel.history.append((at, str(scan["status"]), str(scan["where"])))
        if at >= parcel.updated and parcel.status not in TERMINAL:
            parcel.status, parcel.location, parcel.updated = (
                str(scan["status"]),
                str(scan["where"]),
                at,
            )
        log.debug("scan %s applied: %s", scan["status"], json.dumps(parcel.snapshot()))

    def ingest(self, scans: list[dict[str, object]]) -> dict[str, int]:
        for scan in scans:
            self.apply(scan)
        counts: dict[str, int] = {}
        for parcel in self.parcels.values():
            counts[parcel.status] = counts.get(parcel.status, 0) + 1
        return counts
