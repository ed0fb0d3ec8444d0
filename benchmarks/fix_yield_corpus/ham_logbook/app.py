"""Amateur-radio logbook: QSO records and ADIF export.

Contacts are stored as ``Qso`` records.  ``AdifWriter`` produces an ADIF 3
file (``<FIELD:len>value`` tags, one ``<EOR>`` per contact) suitable for
uploading to LoTW / QRZ, with duplicate contacts on the same band and mode
within a short window dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

BANDS = [
    ("160m", 1.8, 2.0),
    ("80m", 3.5, 4.0),
    ("40m", 7.0, 7.3),
    ("30m", 10.1, 10.15),
    ("20m", 14.0, 14.35),
    ("17m", 18.068, 18.168),
    ("15m", 21.0, 21.45),
    ("12m", 24.89, 24.99),
    ("10m", 28.0, 29.7),
    ("6m", 50.0, 54.0),
    ("2m", 144.0, 148.0),
]

DEFAULT_RST = {"SSB": "59", "FM": "59", "AM": "59", "CW": "599", "RTTY": "599", "FT8": "-10"}


@dataclass(frozen=True)
class Qso:
    call: str
    when: datetime
    freq_mhz: float
    mode: str
    rst_sent: str = ""
    rst_rcvd: str = ""
    grid: str = ""
    name: str = ""
    comment: str = ""


def band_for(freq_mhz: float) -> str:
    for band, low, high in BANDS:
        if low <= freq_mhz <= high:
            return band
    raise ValueError(f"{freq_mhz} MHz is outside the amateur bands")


def adif_field(name: str, value: str) -> str:
    # ADIF lengths count characters of the (ASCII) value
    return f"<{name}:{len(value)}>{value}"


class AdifWriter:
    DUPE_WINDOW_S = 600

    def __init__(self, station_call: str, program: str = "shacklog", version: str = "1.4"):
        self.station_call = station_call.upper()
        self.program = program
        self.version = version
        self.text = ""
        self.count = 0
        self.dupes = 0
        self._last_seen: dict[tuple[str, str, str], datetime] = {}

    def header(self, created: datetime) -> None:
        self.text = "ADIF export from " + self.program + "\n"
        self.text += adif_field("ADIF_VER", "3.1.4") + "\n"
        self.text += adif_field("PROGRAMID", self.program) + "\n"
        self.text += adif_field("PROGRAMVERSION", self.version) + "\n"
        self.text += adif_field("CREATED_TIMESTAMP", created.strftime("%Y%m%d %H%M%S")) + "\n"
        self.text += "<EOH>\n"

    def _is_dupe(self, qso: Qso, band: str) -> bool:
        key = (qso.call.upper(), band, qso.mode)
        last = self._last_seen.get(key)
        self._last_seen[key] = qso.when
        return last is not None and (qso.when - last).total_seconds() < self.DUPE_WINDOW_S

    def add(self, qso: Qso) -> bool:
        band = band_for(qso.freq_mhz)
        if self._is_dupe(qso, band):
            self.dupes += 1
            return False
        self.text += adif_field("CALL", qso.call.upper())
        self.text += adif_field("QSO_DATE", qso.when.strftime("%Y%m%d"))
        self.text += adif_field("TIME_ON", qso.when.strftime("%H%M%S"))
        self.text += adif_field("BAND", band)
        self.text += adif_field("FREQ", f"{qso.freq_mhz:.4f}")
        self.text += adif_field("MODE", qso.mode)
        default = DEFAULT_RST.get(qso.mode, "")
        self.text += adif_field("RST_SENT", qso.rst_sent or default)
        self.text += adif_field("RST_RCVD", qso.rst_rcvd or default)
        if qso.grid:
            self.text += adif_field("GRIDSQUARE", qso.grid.upper())
        if qso.name:
            self.text += adif_field("NAME", qso.name)
        if qso.comment:
            self.text += adif_field("COMMENT", qso.comment.replace("\n", " "))
        self.text += adif_field("STATION_CALLSIGN", self.station_call)
        self.text += "<EOR>\n"
        self.count += 1
        return True

    def getvalue(self) -> str:
        return self.text


def export_adif(station_call: str, qsos: list[Qso], created: datetime) -> str:
    writer = AdifWriter(station_call)
    writer.header(created)
    for qso in sorted(qsos, key=lambda q: q.when):
        writer.add(qso)
    return writer.getvalue()


def band_summary(qsos: list[Qso]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for qso in qsos:
        band = band_for(qso.freq_mhz)
        counts[band] = counts.get(band, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
