import pytest
from app import RoyaltyCalculator, UsageLine, normalise_isrc, render_statement

CATALOGUE = {
    "GB-ABC-24-00001": "Harbour Lights",
    "GBABC2400002": "Low Tide",
    "gb-abc-24-00003": "Lantern",
}
FX = {"EUR": 1.0, "USD": 0.9}
TAX = {"US": 0.3}


def _calc(share=0.2):
    return RoyaltyCalculator(CATALOGUE, share, FX, TAX)


def _u(isrc, streams, revenue, territory="DE", currency="EUR", service="spotify"):
    return UsageLine(service, isrc, territory, streams, revenue, currency)


def test_normalise_isrc():
    assert normalise_isrc("gb-abc-24-00001") == "GBABC2400001"
    assert normalise_isrc(" GB ABC 24 00001") == "GBABC2400001"
    with pytest.raises(ValueError):
        normalise_isrc("GB-ABC-24-0001")


def test_invalid_share_rejected():
    with pytest.raises(ValueError):
        RoyaltyCalculator(CATALOGUE, 0, FX, TAX)
    with pytest.raises(ValueError):
        RoyaltyCalculator(CATALOGUE, 1.5, FX, TAX)


def test_credit_converts_and_withholds():
    gross, withheld = _calc().credit(_u("GBABC2400001", 10, 100.0, "US", "USD"))
    assert gross == pytest.approx(18.0)
    assert withheld == pytest.approx(5.4)
    with pytest.raises(ValueError):
        _calc().credit(_u("GBABC2400001", 10, 1.0, "JP", "JPY"))


def test_lines_in_first_appearance_order_and_aggregated():
    usage = [
        _u("GBABC2400003", 5, 10.0),
        _u("gb-abc-24-00001", 7, 20.0),
        _u("GBABC2400003", 3, 5.0, "US", "USD", "apple"),
        _u("GBABC2400001", 1, 10.0),
    ]
    statement = _calc().statement(usage)
    assert [line.isrc for line in statement.lines] == ["GBABC2400003", "GBABC2400001"]
    lantern, harbour = statement.lines
    assert (lantern.title, lantern.streams) == ("Lantern", 8)
    assert lantern.gross == pytest.approx(2.9)
    assert lantern.withheld == pytest.approx(0.27)
    assert lantern.payable == pytest.approx(2.63)
    assert (harbour.streams, harbour.gross, harbour.withheld) == (8, 6.0, 0.0)
    assert statement.total_streams == 16
    assert statement.total_payable == pytest.approx(8.63)


def test_each_recording_listed_once():
    usage = [_u("GBABC2400002", 1, 1.0)] * 50 + [_u("GBABC2400001", 1, 1.0)] * 3
    statement = _calc().statement(usage)
    assert [line.isrc for line in statement.lines] == ["GBABC2400002", "GBABC2400001"]
    assert statement.lines[0].streams == 50


def test_unmatched_and_bad_rows():
    usage = [
        _u("USXYZ9900001", 40, 1.0),
        _u("not-an-isrc", 9, 1.0),
        _u("GBABC2400002", 2, 4.0),
        _u("us-xyz-99-00001", 10, 1.0),
        _u("FRQQQ0100001", 1, 1.0),
    ]
    statement = _calc().statement(usage)
    assert statement.unmatched == {"USXYZ9900001": 50, "FRQQQ0100001": 1}
    assert list(statement.unmatched) == ["USXYZ9900001", "FRQQQ0100001"]
    assert statement.skipped == 1
    assert [line.isrc for line in statement.lines] == ["GBABC2400002"]


def test_empty_usage():
    statement = _calc().statement([])
    assert statement.lines == [] and statement.total_payable == 0


def test_render_statement():
    usage = [_u("GBABC2400001", 1200, 50.0), _u("ZZ-ZZZ-00-00000", 3, 1.0)]
    text = render_statement(_calc().statement(usage), "The Harbour Lights", "2024-Q3")
    lines = text.splitlines()
    assert lines[0] == "Royalty statement - The Harbour Lights - 2024-Q3"
    assert lines[2].split() == [
        "GBABC2400001",
        "Harbour",
        "Lights",
        "1,200",
        "10.00",
        "0.00",
        "10.00",
    ]
    assert lines[2].startswith("GBABC2400001  Harbour Lights" + " " * 24 + "1,200")
    assert lines[3].startswith("Total") and lines[3].endswith("10.00")
    assert lines[4] == "Unmatched recordings: 1 (3 streams)"
