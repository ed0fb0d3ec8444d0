from app import Parcel, QuoteLine, quote_all, quote_parcel
from workload import CARDS, make_input


def test_lines_for_a_parcel():
    got = quote_parcel(Parcel("a", "dhl", "z3", 2, ("fragile", "signed")), CARDS)
    assert got == [
        QuoteLine("a", "dhl", "base", 430),
        QuoteLine("a", "dhl", "weight", 106),
        QuoteLine("a", "dhl", "fragile", 300),
    ]


def test_unknown_zone_and_too_heavy():
    got = quote_parcel(Parcel("b", "ups", "z45", 3, ("oversize",)), CARDS)
    assert [line.cents for line in got] == [1800, 0, 2400]
    assert quote_parcel(Parcel("c", "dhl", "z3", 31, ()), CARDS) == []


def test_cards_are_not_changed():
    before = repr(CARDS)
    quote_all(make_input(), CARDS)
    assert repr(CARDS) == before


def test_fixed_input():
    got = quote_all(make_input(), CARDS)
    assert len(got) == 3060
    assert sum(line.cents for line in got) == 3042932
    assert sum(line.charge == "base" for line in got) == 1093
