from app import Receipt
from workload import make_input


def test_layout():
    receipt = Receipt("Corner Shop", width=20)
    receipt.add_items([("apples", 3, 45), ("a very long product name", 1, 1299)])
    assert receipt.close() == (
        "    Corner Shop\n3 x apples      1.35\n1 x a very lon 12.99\nTOTAL          14.34\n"
    )


def test_items_added_twice_and_none():
    receipt = Receipt("S", width=12)
    receipt.add_items([])
    receipt.add_items([("tea", 2, 150)])
    assert receipt.body == "     S\n     S\n2 x tea 3.00\n"
    assert receipt.total_cents == 300


def test_fixed_input():
    receipt = Receipt("Market Hall")
    body = receipt.add_items(make_input())
    lines = body.splitlines()
    assert len(lines) == 4001
    assert lines[1] == "1 x item-0                  0.99"
    assert receipt.total_cents == 6577100
    assert receipt.close().endswith("\nTOTAL                   65771.00\n")
