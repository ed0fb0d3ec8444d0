import pytest
from app import StockLine, stock_page
from workload import make_input


def test_page_with_a_low_line_and_escaping():
    lines = [
        StockLine("A-1", "bolt | M6", 40, 25, 10),
        StockLine("B-2", "nut", 3, 10, 5),
    ]
    assert stock_page("Yard|1", lines, "USD") == (
        "# Stock report\n"
        "\nWarehouse: **Yard\\|1**\n\n"
        "| SKU | Item | Qty | Value |\n|---|---|--:|--:|\n"
        "| A-1 | bolt \\| M6 | 40 | 10.00 USD |\n"
        "| B-2 | nut | 3 | 0.30 USD |\n"
        "| | reorder 2 | | |\n"
        "\n**Total value:** 10.30 USD\n"
        "**Lines below their reorder level:** 1 of 2\n"
    )


def test_no_lines():
    assert stock_page("W", []) == (
        "# Stock report\n\nWarehouse: **W**\n\n| SKU | Item | Qty | Value |\n|---|---|--:|--:|\n"
        "\n**Total value:** 0.00 EUR\n**Lines below their reorder level:** 0 of 0\n"
    )


def test_a_bad_line_fails_the_whole_page():
    with pytest.raises(AttributeError):
        stock_page("W", [StockLine("A", None, 1, 1, 0)])


def test_fixed_input():
    page = stock_page("North Yard", make_input())
    rows = [r for r in page.splitlines() if r.startswith("| WH-")]
    assert len(rows) == 6000
    assert rows[1] == "| WH-00001 | part 1 \\| size 1 | 31 | 225.37 EUR |"
    assert page.count("| | reorder ") == 1000
    assert page.endswith("**Lines below their reorder level:** 1000 of 6000\n")
