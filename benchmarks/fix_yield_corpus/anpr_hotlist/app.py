"""Match number-plate camera reads against the police hotlist.

Cameras on the ring road push reads in batches.  Each read is cleaned up
(OCR confusions, spacing, foreign-plate prefixes), checked against the
hotlist that is refreshed every morning, and turned into an alert for the
control room.  The same vehicle passing several cameras within the
suppression window only raises one alert per hotlist reason.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_CONFIDENCE = 0.72
SUPPRESS_SECONDS = 15 * 60
# OCR engines regularly confuse these in the letter positions of UK plates
LETTER_FIXES = str.maketrans({"0": "O", "1": "I", "5": "S", "8": "B"})
DIGIT_FIXES = str.maketrans({"O": "0", "I": "1", "S": "5", "B": "8", "Z": "2"})


@dataclass(frozen=True)
class Read:
    camera: str
    ts: int  # unix seconds
    raw_plate: str
    confidence: float


@dataclass(frozen=True)
class Alert:
    plate: str
    camera: str
    ts: int
    reason: str


def normalise_plate(raw: str) -> str:
    plate = "".join(ch for ch in raw.upper() if ch.isalnum())
    if plate.startswith("GB") and len(plate) == 9:
        plate = plate[2:]
    if len(plate) == 7:
        # current UK format: two letters, two digits, three letters
        plate = (
            plate[:2].translate(LETTER_FIXES)
            + plate[2:4].translate(DIGIT_FIXES)
            + plate[4:].translate(LETTER_FIXES)
        )
    return plate


def parse_hotlist(lines: list[str]) -> tuple[list[str], dict[str, str]]:
    """Hotlist file lines look like ``AB12CDE,STOLEN``; comments start with #."""
    plates: list[str] = []
    reasons: dict[str, str] = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        plate, _, reason = line.partition(",")
        plate = normalise_plate(plate)
        plates.append(plate)
        reasons.setdefault(plate, reason.strip().upper() or "INTEREST")
    return plates, reasons


class HotlistMatcher:
    def __init__(self, hotlist_lines: list[str]) -> None:
        self.plates, self.reasons = parse_hotlist(hotlist_lines)
        self.last_alert: dict[tuple[str, str], int] = {}
        self.stats = {"reads": 0, "low_confidence": 0, "hits": 0, "suppressed": 0}

    def check(self, read: Read) -> Alert | None:
        self.stats["reads"] += 1
        if read.confidence < MIN_CONFIDENCE:
            self.stats["low_confidence"] += 1
            return None
        plate = normalise_plate(read.raw_plate)
        if plate not in self.plates:
            return None
        self.stats["hits"] += 1
        reason = self.reasons[plate]
        key = (plate, reason)
        previous = self.last_alert.get(key)
        if previous is not None and read.ts - previous < SUPPRESS_SECONDS:
            self.stats["suppressed"] += 1
            return None
        self.last_alert[key] = read.ts
        return Alert(plate, read.camera, read.ts, reason)

    def process_batch(self, reads: list[Read]) -> list[Alert]:
        alerts = []
        for read in sorted(reads, key=lambda r: (r.ts, r.camera)):
            alert = self.check(read)
            if alert is not None:
                alerts.append(alert)
        return alerts


def alert_summary(alerts: list[Alert]) -> dict[str, int]:
    summary: dict[str, int] = {}
    for alert in alerts:
        summary[alert.reason] = summary.get(alert.reason, 0) + 1
    return dict(sorted(summary.items()))
