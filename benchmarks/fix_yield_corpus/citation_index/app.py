"""Reference list indexing for a journal's production desk.

Copy editors paste a manuscript's free-text reference list; this splits each reference into
segments, recognises the structured parts (year, DOI, pages, volume/issue, ISBN, URL, author
initials) and indexes the references so duplicates and DOI-less entries can be chased.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

#: what a reference segment can be, tried in order; anything else is title or venue text
SEGMENT_PATTERNS: list[tuple[str, str]] = [
    ("doi", r"(?:doi:\s*|https?://doi\.org/)?(10\.\d{4,9}/\S+)"),
    ("url", r"(https?://\S+)"),
    ("year", r"\(?((?:19|20)\d{2})[a-z]?\)?"),
    ("pages", r"(?:pp?\.\s*)?(\d+\s*[-\u2013]\s*\d+)"),
    ("volume", r"(?:vol\.\s*)?(\d+)\s*(?:\((\d+)\))?"),
    ("isbn", r"isbn[:\s]*((?:97[89][- ]?)?\d[\d -]{8,}[\dx])"),
    ("edition", r"(\d+)(?:st|nd|rd|th)\s+ed(?:ition|\.)?"),
    ("accessed", r"(?:retrieved|accessed)\s+(\d{4}-\d{2}-\d{2})"),
    ("author", r"([A-Z][\w'\-]+),\s*((?:[A-Z]\.\s*)+)"),
]
#: house style: authors separated by "; ", the year in parentheses, then ". "-separated parts
_SEGMENT_SPLIT = re.compile(
    r";\s+"
    r"|\s+(?=\((?:19|20)\d{2}[a-z]?\))"
    r"|(?<!\bpp)(?<!\bvol)(?<=\w[\w)])\.\s+"
    r"|,\s+(?=\d|doi|https?:|pp?\.|vol\.)"
)
_DASH = re.compile(r"\s*[-\u2013]\s*")


@dataclass
class Reference:
    number: int
    raw: str
    authors: list[str] = field(default_factory=list)
    year: str | None = None
    doi: str | None = None
    pages: str | None = None
    volume: str | None = None
    edition: int | None = None
    isbn: str | None = None
    text: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        first = self.authors[0].split(",")[0].lower() if self.authors else "anon"
        return f"{first}{self.year or 'nd'}"


def _segments(raw: str) -> list[str]:
    parts = _SEGMENT_SPLIT.split(raw.strip())
    return [part.strip(" ;") for part in parts if part.strip(" .;")]


def classify_segment(segment: str) -> tuple[str, tuple[str | None, ...]]:
    for kind, pattern in SEGMENT_PATTERNS:
        match = re.fullmatch(pattern, segment, re.IGNORECASE)
        if match:
            return kind, match.groups()
    return "text", (segment,)


def parse_reference(number: int, raw: str) -> Reference:
    ref = Reference(number, raw)
    for segment in _segments(raw):
        kind, groups = classify_segment(segment)
        if kind == "author":
            ref.authors.append(f"{groups[0]}, {groups[1].replace(' ', '')}")
        elif kind == "year" and ref.year is None:
            ref.year = groups[0]
        elif kind == "doi":
            ref.doi = groups[0].rstrip(".").lower()
        elif kind == "pages":
            ref.pages = _DASH.sub("-", groups[0])
        elif kind == "volume" and ref.volume is None:
            ref.volume = groups[0] if groups[1] is None else f"{groups[0]}({groups[1]})"
        elif kind == "isbn":
            ref.isbn = groups[0].replace("-", "").replace(" ", "")
        elif kind == "edition":
            ref.edition = int(groups[0])
        elif kind != "accessed":
            ref.text.append(segment.rstrip("."))
    return ref


@dataclass
class ReferenceIndex:
    references: list[Reference]
    by_doi: dict[str, list[int]]
    by_key: dict[str, list[int]]

    def duplicates(self) -> list[list[int]]:
        groups = [nums for nums in self.by_doi.values() if len(nums) > 1]
        return sorted(groups)

    def missing_doi(self) -> list[int]:
        return [r.number for r in self.references if r.doi is None]


def build_index(raw_references: list[str]) -> ReferenceIndex:
    refs = [parse_reference(n, raw) for n, raw in enumerate(raw_references, start=1)]
    by_doi: dict[str, list[int]] = {}
    by_key: dict[str, list[int]] = {}
    for ref in refs:
        if ref.doi:
            by_doi.setdefault(ref.doi, []).append(ref.number)
        by_key.setdefault(ref.key, []).append(ref.number)
    return ReferenceIndex(refs, by_doi, by_key)


def year_histogram(index: ReferenceIndex) -> Counter:
    return Counter(r.year for r in index.references if r.year)
