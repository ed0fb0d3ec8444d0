from __future__ import annotations

from app import CatalogIndex, TitleRecord, build_index


def test_leading_article_dropped_per_language() -> None:
    index = CatalogIndex()
    assert index.filing_key("The Old Man and the Sea", "eng") == "old man and the sea"
    assert index.filing_key("L'Étranger", "fre") == "etranger"
    assert index.filing_key("Die Verwandlung", "ger") == "verwandlung"
    assert index.filing_key("Die Hard", "eng") == "die hard"


def test_article_must_be_a_whole_word() -> None:
    index = CatalogIndex()
    assert index.filing_key("Theory of Everything", "eng") == "theory of everything"
    assert index.filing_key("Anatomy", "eng") == "anatomy"


def test_punctuation_and_spacing_normalised() -> None:
    index = CatalogIndex()
    assert index.filing_key("  A  Tale: of Two   Cities! ", "eng") == "tale of two cities"
    assert index.filing_key("Title", "xxx") == "title"


def test_custom_articles() -> None:
    index = CatalogIndex({"eng": ("ye",)})
    assert index.filing_key("Ye Olde Shoppe", "eng") == "olde shoppe"
    assert index.filing_key("The Shop", "eng") == "the shop"


def test_build_sorts_and_browses() -> None:
    records = [
        TitleRecord("1", "The Zebra", "eng", 2001),
        TitleRecord("2", "Apple Days", "eng", 1999),
        TitleRecord("3", "Les Misérables", "fre", 1862),
        TitleRecord("4", "A Mango", "eng", 2010),
    ]
    index = build_index(records)
    assert [r.record_id for r in index.browse("m", limit=2)] == ["4", "3"]
    assert [r.record_id for r in index.browse("a")] == ["2", "4", "3", "1"]
    assert index.shelf_letters() == {"A": 1, "M": 2, "Z": 1}
