from app import build_index, classify_segment, parse_reference, year_histogram

JOURNAL = (
    "Smith, J. A.; Lee, K. (2019). Deep tides of the North Sea. Journal of Coastal Research, "
    "35(4), 112-130. https://doi.org/10.2112/JCOASTRES-D-18-00012.1"
)
BOOK = "Okafor, N. (2008a). Ledger systems. 2nd ed. Springer, pp. 3\u201319. ISBN 978-3-16-148410-0"


def test_journal_reference_parts():
    ref = parse_reference(1, JOURNAL)
    assert ref.authors == ["Smith, J.A.", "Lee, K."]
    assert ref.year == "2019"
    assert ref.doi == "10.2112/jcoastres-d-18-00012.1"
    assert ref.volume == "35(4)" and ref.pages == "112-130"
    assert ref.text == ["Deep tides of the North Sea", "Journal of Coastal Research"]
    assert ref.key == "smith2019"


def test_book_reference_parts():
    ref = parse_reference(2, BOOK)
    assert ref.authors == ["Okafor, N."] and ref.year == "2008"
    assert ref.edition == 2 and ref.pages == "3-19" and ref.doi is None
    assert ref.isbn == "9783161484100" and ref.text == ["Ledger systems", "Springer"]


def test_classify_segment_kinds():
    assert classify_segment("doi:10.1000/xyz.7") == ("doi", ("10.1000/xyz.7",))
    assert classify_segment("vol. 12(2)") == ("volume", ("12", "2"))
    assert classify_segment("(1999b)") == ("year", ("1999",))
    assert classify_segment("Accessed 2024-01-02")[0] == "accessed"
    assert classify_segment("Marine Geology") == ("text", ("Marine Geology",))


def test_index_duplicates_missing_and_years():
    corporate = "World Bank (2020). Poverty and shared prosperity. Washington, DC"
    index = build_index([JOURNAL, BOOK, JOURNAL.replace("Lee, K.", "Lee, K. M."), corporate])
    assert index.duplicates() == [[1, 3]]
    assert index.missing_doi() == [2, 4]
    assert index.by_key["anon2020"] == [4]
    assert year_histogram(index) == {"2019": 2, "2008": 1, "2020": 1}
