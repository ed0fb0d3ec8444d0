"""Library catalogue: filing order and browse shelves for title records."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass

DEFAULT_ARTICLES: dict[str, tuple[str, ...]] = {
    "eng": ("the", "a", "an"),
    "fre": ("le", "la", "les", "l'", "un", "une"),
    "ger": ("der", "die", "das", "ein", "eine"),
    "spa": ("el", "la", "los", "las", "un", "una"),
    "ita": ("il", "lo", "la", "i", "gli", "le", "l'", "un", "una"),
}


@dataclass(frozen=True)
class TitleRecord:
    record_id: str
    title: str
    language: str
    year: int


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


_PUNCT = re.compile(r"[^\w\s]")


class CatalogIndex:
    """Sorted browse index; filing ignores a leading article in the title's language."""

    def __init__(self, articles: dict[str, tuple[str, ...]] | None = None) -> None:
        self.articles = articles if articles is not None else DEFAULT_ARTICLES
        self._keys: list[tuple[str, int, str]] = []
        self._records: dict[str, TitleRecord] = {}

    def filing_key(self, title: str, language: str) -> str:
        words = self.articles.get(language, ())
        folded = _fold(title).strip()
        if words:
            alternatives = "|".join(
                re.escape(w) + ("" if w.endswith("'") else r"\s+")
                for w in sorted(words, key=len, reverse=True)
            )
            article = re.compile(rf"^(?:{alternatives})", re.IGNORECASE)
            folded = article.sub("", folded, count=1)
        folded = _PUNCT.sub("", folded)
        return " ".join(folded.split())

    def build(self, records: list[TitleRecord]) -> None:
        keys = []
        for rec in records:
            self._records[rec.record_id] = rec
            keys.append((self.filing_key(rec.title, rec.language), rec.year, rec.record_id))
        keys.sort()
        self._keys = keys

    def browse(self, start: str, limit: int = 10, language: str = "eng") -> list[TitleRecord]:
        probe = (self.filing_key(start, language), 0, "")
        pos = bisect_left(self._keys, probe)
        return [self._records[rid] for _, _, rid in self._keys[pos : pos + limit]]

    def shelf_letters(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for key, _, _ in self._keys:
            letter = key[:1].upper() if key[:1].isalpha() else "#"
            counts[letter] = counts.get(letter, 0) + 1
        return counts


def build_index(records: list[TitleRecord]) -> CatalogIndex:
    index = CatalogIndex()
    index.build(records)
    return index
