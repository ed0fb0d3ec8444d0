"""Darwin Core occurrence export for a herbarium collection database.

Specimen records are normalised (scientific name, collector, event date, georeference)
and written as the tab-separated ``occurrence.txt`` core file that GBIF publishing tools
expect.  Records without a catalogue number are rejected; coordinates outside the valid
range are dropped rather than published.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

COLUMNS = (
    "occurrenceID",
    "catalogNumber",
    "basisOfRecord",
    "scientificName",
    "family",
    "recordedBy",
    "recordNumber",
    "eventDate",
    "country",
    "stateProvince",
    "locality",
    "decimalLatitude",
    "decimalLongitude",
    "coordinateUncertaintyInMeters",
    "habitat",
)


@dataclass
class Specimen:
    catalog: str
    genus: str
    epithet: str
    author: str
    family: str
    collectors: list[str]
    number: str
    year: int | None
    month: int | None
    day: int | None
    country: str
    province: str
    locality: str
    lat: float | None = None
    lon: float | None = None
    uncertainty_m: int | None = None
    habitat: str = ""


@dataclass
class ExportJob:
    institution: str
    collection: str
    payload: str = ""
    written: int = 0
    rejected: list[str] = field(default_factory=list)


def _clean(value: str) -> str:
    """Tabs and line breaks would break the TSV; collapse whitespace."""
    return " ".join(value.split())


def _scientific_name(s: Specimen) -> str:
    name = f"{s.genus.capitalize()} {s.epithet.lower()}".strip()
    return f"{name} {s.author}".strip() if s.author else name


def _event_date(s: Specimen) -> str:
    if s.year is None:
        return ""
    if s.month is None:
        return f"{s.year:04d}"
    if s.day is None:
        return f"{s.year:04d}-{s.month:02d}"
    return f"{s.year:04d}-{s.month:02d}-{s.day:02d}"


def _coordinates(s: Specimen) -> tuple[str, str, str]:
    if s.lat is None or s.lon is None:
        return "", "", ""
    if not (-90.0 <= s.lat <= 90.0 and -180.0 <= s.lon <= 180.0):
        return "", "", ""
    uncertainty = str(s.uncertainty_m) if s.uncertainty_m else ""
    return f"{s.lat:.5f}", f"{s.lon:.5f}", uncertainty


def occurrence_row(job: ExportJob, s: Specimen) -> str:
    lat, lon, unc = _coordinates(s)
    values = (
        f"urn:catalog:{job.institution}:{job.collection}:{s.catalog}",
        s.catalog,
        "PreservedSpecimen",
        _scientific_name(s),
        s.family.capitalize(),
        " | ".join(_clean(c) for c in s.collectors),
        s.number,
        _event_date(s),
        s.country,
        s.province,
        _clean(s.locality),
        lat,
        lon,
        unc,
        _clean(s.habitat),
    )
    return "\t".join(values) + "\n"


def export_occurrences(job: ExportJob, specimens: list[Specimen]) -> ExportJob:
    """Fill ``job.payload`` with the occurrence core (header line first)."""
    job.payload = "\t".join(COLUMNS) + "\n"
    job.written = 0
    job.rejected = []
    seen: set[str] = set()
    for specimen in specimens:
        catalog = specimen.catalog.strip()
        if not catalog or catalog in seen:
            job.rejected.append(catalog or "<blank>")
            continue
        seen.add(catalog)
        job.payload += occurrence_row(job, specimen)
        job.written += 1
    if job.rejected:
        log.info(
            "%s export: %d written, %d rejected", job.collection, job.written, len(job.rejected)
        )
    return job
