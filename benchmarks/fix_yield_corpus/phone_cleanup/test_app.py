from __future__ import annotations

import pytest
from app import InvalidNumber, PhoneNumber, clean_contacts, normalize, split_extension


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("(212) 555-0142", "US", "+12125550142"),
        ("1-212-555-0142", "US", "+12125550142"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("+49 30 901820", "US", None),
        ("0049 30 9018 20001", "US", "+4930901820001"),
        ("06 12 34 56 78", "FR", "+33612345678"),
    ],
)
def test_normalize_to_e164(raw: str, country: str, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(InvalidNumber):
            normalize(raw, country)
    else:
        assert normalize(raw, country).e164 == expected


@pytest.mark.parametrize(
    ("raw", "body", "ext"),
    [
        ("212-555-0142 ext. 301", "212-555-0142", "301"),
        ("212-555-0142 EXT 7", "212-555-0142", "7"),
        ("212-555-0142x12", "212-555-0142", "12"),
        ("212-555-0142 #44", "212-555-0142", "44"),
        ("030 1234567 Durchwahl 55", "030 1234567", "55"),
        ("212-555-0142", "212-555-0142", None),
    ],
)
def test_split_extension(raw: str, body: str, ext: str | None) -> None:
    assert split_extension(raw) == (body, ext)


def test_extension_markers_are_literal_not_regex() -> None:
    # "x." must only match a real dot, and "#" is not a comment
    assert split_extension("555 0142 xa12") == ("555 0142 xa12", None)
    assert split_extension("555 0142 x.9") == ("555 0142", "9")


def test_str_includes_extension() -> None:
    assert str(normalize("+1 (415) 555-2671 ext 12")) == "+14155552671;ext=12"
    assert str(PhoneNumber("+14155552671")) == "+14155552671"


def test_bad_numbers_raise() -> None:
    with pytest.raises(InvalidNumber):
        normalize("call me", "US")
    with pytest.raises(InvalidNumber):
        normalize("555-0142", "US")
    with pytest.raises(InvalidNumber):
        normalize("0612345678", "ZZ")


def test_clean_contacts_splits_good_and_bad() -> None:
    rows = [
        {"id": "a", "phone": "(212) 555-0142", "name": "Ann"},
        {"id": "b", "phone": "n/a"},
        {"id": "c", "phone": "06 12 34 56 78 poste 3", "country": "FR"},
    ]
    cleaned, rejected = clean_contacts(rows)
    assert cleaned == [
        {"id": "a", "phone": "+12125550142", "name": "Ann"},
        {"id": "c", "phone": "+33612345678;ext=3", "country": "FR"},
    ]
    assert rejected == ["b"]
