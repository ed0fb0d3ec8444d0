import pytest
from app import MarcIndexer

RECORD = "\n".join(
    [
        "=LDR  00000nam  2200000 a 4500",
        "=001  ocm00012345 ",
        "=008  " + "x" * 35 + "engd",
        "=020  \\\\$a978-0-261-10221-7 (pbk.) :$c$9.99",
        "=020  \\\\$ainvalid isbn",
        "=100  1\\$aTolkien, J. R. R.,$d1892-1973.",
        "=245  14$aThe hobbit, or, There and back again /$cJ.R.R. Tolkien.",
        "=260  \\\\$aLondon :$bAllen & Unwin,$cc1937.",
    ]
)


@pytest.fixture
def indexer() -> MarcIndexer:
    return MarcIndexer()


def test_index_record_fields(indexer):
    e = indexer.index_record(RECORD)
    assert e.control_number == "ocm00012345"
    assert e.title == "The hobbit, or, There and back again"
    assert e.filing_title == "hobbit, or, There and back again"
    assert e.author == "Tolkien, J. R. R"
    assert e.isbns == ["9780261102217"]
    assert e.year == 1937
    assert e.language == "eng"


def test_subtitle_joined(indexer):
    block = "=001  x1\n=245  10$aDune /$bthe graphic novel :$cHerbert."
    assert indexer.index_record(block).title == "Dune: the graphic novel"


def test_french_elided_article(indexer):
    block = "=001  f1\n=008  " + "x" * 35 + "fred\n=245  12$aL'étranger /$cCamus."
    e = indexer.index_record(block)
    assert e.filing_title == "étranger"


def test_article_needs_word_boundary(indexer):
    block = "=001  e1\n=245  10$aTheory of everything."
    assert indexer.index_record(block).filing_title == "Theory of everything"


def test_missing_required_fields(indexer):
    assert indexer.index_record("=245  10$aNo control number") is None
    assert indexer.index_record("=001  abc") is None


def test_264_preferred_over_260(indexer):
    block = "=001  y1\n=245  10$aX.\n=260  \\\\$c1999.\n=264  \\1$c[2001]"
    assert indexer.index_record(block).year == 2001


def test_build_index_sorts_by_filing_title_then_year(indexer):
    text = "\n\n".join(
        [
            "=001  b\n=245  14$aThe zebra.\n=264  \\1$c2005",
            "=001  a\n=245  12$aA zebra.\n=264  \\1$c1990",
            "=001  c\n=008  " + "x" * 35 + "gerd\n=245  14$aDer Apfel.",
            "=001  d\n=245  10$aNo id field",
            "\n",
        ]
    )
    assert [e.control_number for e in indexer.build_index(text)] == ["c", "d", "a", "b"]


def test_custom_articles_table():
    indexer = MarcIndexer({"eng": ("ye",)})
    e = indexer.index_record("=001  q\n=245  10$aYe olde shoppe.")
    assert e.filing_title == "olde shoppe"
    assert indexer.index_record("=001  q\n=245  10$aThe shop.").filing_title == "The shop"
