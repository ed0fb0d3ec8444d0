from app import PickItem, classify, match_token, parse_line, totals
from workload import make_input


def test_full_line():
    assert parse_line("ab-1234/xl x3 @4.5 c7-02 LOT:k9x12 Fragile cold") == PickItem(
        "AB", 1234, "XL", 3, 450, "C07-02", "K9X12", ("fragile", "cold")
    )


def test_defaults_and_ignored_tokens():
    assert parse_line("CDX-01") is None  # too few digits
    assert parse_line("cdx-0012") == PickItem("CDX", 12, "", 1, 0, "", "", ())
    assert parse_line("kl-555 x12x @1.234 urgent @2.05 x7 i1-01 h123-01 lot:ab") == PickItem(
        "KL", 555, "", 7, 205, "", "", ()
    )
    assert parse_line("  ") is None
    assert parse_line("abcde-123 x1") is None
    assert parse_line("ab-123/abcd") is None


def test_classify_order_and_whole_token_match():
    assert classify("x12")[0] == "qty"
    assert classify("@3")[0] == "price"
    assert classify("a1-09")[0] == "bin"
    assert classify("lot:abc")[0] == "lot"
    assert classify("HAZMAT")[0] == "flag"
    assert classify("hazmats") is None
    assert classify("x12345") is None
    assert match_token("x(\\d{1,4})", "X12") is not None
    assert match_token("x(\\d{1,4})", "x12 ") is None


def test_totals_sorted_with_rejects():
    lines = ["mn-100 x2 @1.50", "ab-100 @0.05", "bad line", "", "MN-101 @3 x1", "ab-100 x4"]
    result, rejected = totals(lines)
    assert result == {"AB": (5, 5), "MN": (3, 600)}
    assert list(result) == ["AB", "MN"]
    assert rejected == 2


def test_fixed_input():
    lines = make_input()
    result, rejected = totals(lines)
    assert rejected == 109
    assert list(result) == ["AB", "CDX", "EFGH", "KL", "MNO"]
    assert result == EXPECTED
    items = [item for item in map(parse_line, lines) if item is not None]
    assert len(items) == 2391
    assert sum(1 for item in items if item.lot) == 1195
    assert len({item.location for item in items}) == 120
    assert items[4] == PickItem("AB", 1185, "", 6, 505, "F06-05", "", ("fragile",))
    assert items[-1] == PickItem("MNO", 3463, "", 1, 1990, "D04-39", "", ())


EXPECTED = {
    "AB": (2400, 4512450),
    "CDX": (2383, 4731094),
    "EFGH": (2396, 4538335),
    "KL": (2380, 4735974),
    "MNO": (2387, 5493587),
}
