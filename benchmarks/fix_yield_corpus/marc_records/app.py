"""Build catalogue index entries from mnemonic MARC (MarcEdit ``.mrk``) records.

Each record is a block of lines such as ``=245  14$aThe hobbit /$cJ.R.R. Tolkien.``;
records are separated by a blank line.  The indexer pulls out the fields the
OPAC needs and computes a filing title with leading articles removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Leading articles ignored when filing titles, per cataloguing language.
NONFILING_ARTICLES: dict[str, tuple[str, ...]] = {
    "eng": ("the", "a", "an"),
    "fre": ("le", "la", "les", "l'", "un", "une"),
    "ger": ("der", "die", "das", "ein", "eine"),
    "spa": ("el", "la", "los", "las", "un", "una"),
    "ita": ("il", "lo", "la", "i", "gli", "le", "l'", "un", "una"),
}

FIELD_LINE = r"^=(\d{3})  (.*)$"
TRAILING_PUNCT = r"[\s/:;,.]+$"


@dataclass
class CatalogEntry:
    control_number: str
    title: str
    filing_title: str
    author: str | None = None
    isbns: list[str] = field(default_factory=list)
    year: int | None = None
    language: str = "eng"

    @property
    def sort_key(self) -> tuple[str, int]:
        return (self.filing_title.casefold(), self.year or 0)


class MarcIndexer:
    def __init__(self, articles: dict[str, tuple[str, ...]] | None = None) -> None:
        self.articles = articles or NONFILING_ARTICLES

    def _fields(self, block: str) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for line in block.splitlines():
            m = re.match(FIELD_LINE, line)
            if m:
                out.setdefault(m.group(1), []).append(m.group(2))
        return out

    def _subfield(self, body: str, code: str) -> str | None:
        m = re.search(r"\$" + re.escape(code) + r"([^$]*)", body)
        if m is None:
            return None
        return re.sub(TRAILING_PUNCT, "", m.group(1)).strip() or None

    def _filing_title(self, title: str, language: str) -> str:
        words = self.articles.get(language, ())
        if not words:
            return title
        alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        pattern = re.compile(r"^(?:" + alternatives + r")(?:\s+|(?<=')\s*)", re.IGNORECASE)
        return pattern.sub("", title, count=1)

    def _isbn(self, body: str) -> str | None:
        raw = self._subfield(body, "a")
        if raw is None:
            return None
        m = re.match(r"^([0-9Xx-]{10,17})", raw)
        return m.group(1).replace("-", "").upper() if m else None

    def index_record(self, block: str) -> CatalogEntry | None:
        fields = self._fields(block)
        if "001" not in fields or "245" not in fields:
            return None
        title_body = fields["245"][0]
        title = self._subfield(title_body, "a") or ""
        subtitle = self._subfield(title_body, "b")
        if subtitle:
            title = f"{title}: {subtitle}"
        language = fields["008"][0][35:38] if "008" in fields else "eng"
        entry = CatalogEntry(
            control_number=fields["001"][0].strip(),
            title=title,
            filing_title=self._filing_title(title, language),
            language=language,
        )
        for tag in ("100", "110"):
            if tag in fields:
                entry.author = self._subfield(fields[tag][0], "a")
                break
        entry.isbns = [i for body in fields.get("020", []) if (i := self._isbn(body))]
        for tag in ("264", "260"):
            for body in fields.get(tag, []):
                m = re.search(r"(\d{4})", self._subfield(body, "c") or "")
                if m and entry.year is None:
                    entry.year = int(m.group(1))
        return entry

    def build_index(self, text: str) -> list[CatalogEntry]:
        blocks = [b for b in text.split("\n\n") if b.strip()]
        entries = [e for b in blocks if (e := self.index_record(b)) is not None]
        entries.sort(key=lambda e: (e.sort_key, e.control_number))
        return entries
