"""Export a curated protein set as a UniProt-style FASTA release file.

Entries are validated, de-duplicated by sequence digest (the best-reviewed
entry wins), and written with a structured header line and the sequence
wrapped at a fixed width. The release header carries a content checksum.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

AMINO_ACIDS = frozenset("ACDEFGHIKLMNPQRSTVWYUOBZXJ")
LINE_WIDTH = 60


class InvalidEntry(ValueError):
    pass


@dataclass(frozen=True)
class ProteinEntry:
    accession: str
    entry_name: str
    description: str
    organism: str
    taxon_id: int
    gene: str | None
    evidence_level: int
    reviewed: bool
    sequence: str

    @property
    def digest(self) -> str:
        return hashlib.md5(self.sequence.encode("ascii")).hexdigest()

    def header(self) -> str:
        db = "sp" if self.reviewed else "tr"
        parts = [f">{db}|{self.accession}|{self.entry_name} {self.description}"]
        parts.append(f"OS={self.organism} OX={self.taxon_id}")
        if self.gene:
            parts.append(f"GN={self.gene}")
        parts.append(f"PE={self.evidence_level} SV=1")
        return " ".join(parts)


@dataclass
class ExportStats:
    written: int = 0
    residues: int = 0
    duplicates: int = 0
    rejected: list[str] = field(default_factory=list)


def validate(entry: ProteinEntry, min_length: int = 10) -> None:
    if not entry.accession or "|" in entry.accession:
        raise InvalidEntry(f"bad accession {entry.accession!r}")
    if len(entry.sequence) < min_length:
        raise InvalidEntry(f"{entry.accession}: sequence shorter than {min_length}")
    bad = set(entry.sequence) - AMINO_ACIDS
    if bad:
        raise InvalidEntry(f"{entry.accession}: unexpected residues {''.join(sorted(bad))}")
    if not 1 <= entry.evidence_level <= 5:
        raise InvalidEntry(f"{entry.accession}: evidence level {entry.evidence_level}")


def _rank(entry: ProteinEntry) -> tuple[int, int, str]:
    return (0 if entry.reviewed else 1, entry.evidence_level, entry.accession)


def deduplicate(entries: Iterable[ProteinEntry], stats: ExportStats) -> list[ProteinEntry]:
    best: dict[str, ProteinEntry] = {}
    for entry in entries:
        key = entry.digest
        current = best.get(key)
        if current is None:
            best[key] = entry
            continue
        stats.duplicates += 1
        if _rank(entry) < _rank(current):
            best[key] = entry
    return sorted(best.values(), key=lambda e: (e.taxon_id, e.accession))


class FastaWriter:
    """Accumulates one release file in memory; ``getvalue`` returns the text."""

    def __init__(self, release: str, width: int = LINE_WIDTH) -> None:
        if width <= 0:
            raise ValueError("line width must be positive")
        self.release = release
        self.width = width
        self._text = ""

    def write(self, entry: ProteinEntry) -> None:
        self._text += entry.header() + "\n"
        seq = entry.sequence
        for start in range(0, len(seq), self.width):
            self._text += seq[start : start + self.width] + "\n"

    def getvalue(self) -> str:
        return self._text


def export_release(
    entries: Sequence[ProteinEntry], release: str, width: int = LINE_WIDTH
) -> tuple[str, ExportStats]:
    stats = ExportStats()
    valid = []
    for entry in entries:
        try:
            validate(entry)
        except InvalidEntry as exc:
            stats.rejected.append(str(exc))
            continue
        valid.append(entry)
    writer = FastaWriter(release, width)
    for entry in deduplicate(valid, stats):
        writer.write(entry)
        stats.written += 1
        stats.residues += len(entry.sequence)
    body = writer.getvalue()
    checksum = hashlib.sha256(body.encode("ascii")).hexdigest()[:16]
    log.info(
        "release %s: %d entries, %d residues, %d duplicates, %d rejected",
        release,
        stats.written,
        stats.residues,
        stats.duplicates,
        len(stats.rejected),
    )
    return f";release={release} entries={stats.written} sha256={checksum}\n" + body, stats


def parse_fasta(text: str) -> dict[str, str]:
    """Accession -> sequence, for round-trip checks of an exported file."""
    records: dict[str, str] = {}
    accession = None
    chunks: list[str] = []
    for line in text.splitlines():
        if line.startswith(";"):
            continue
        if line.startswith(">"):
            if accession is not None:
                records[accession] = "".join(chunks)
            accession = line[1:].split("|")[1]
            chunks = []
        elif line:
            chunks.append(line.strip())
    if accession is not None:
        records[accession] = "".join(chunks)
    return records
