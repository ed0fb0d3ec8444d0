from app import SalesReport
from workload import make_input


def test_lines_header_and_total():
    sales = [
        {"region": "north", "sku": "A-1", "cents": 1250},
        {"region": "s", "sku": "B", "cents": 5},
    ]
    assert SalesReport("USD").render(sales) == (
        "2 sales in USD\n"
        "north     A-1                12.50\n"
        "s         B                   0.05\n"
        "total 12.55\n"
    )


def test_no_sales():
    assert SalesReport().render([]) == "0 sales in EUR\ntotal 0.00\n"


def test_fixed_input():
    text = SalesReport().render(make_input())
    assert text.count("\n") == 3002
    assert text.splitlines()[-1] == "total 3748715.00"
