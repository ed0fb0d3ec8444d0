from app import Inventory
from workload import make_input


def test_reorder_list_at_or_under_the_point_in_stocking_order():
    inventory = Inventory([("b", 3, False), ("a", 10, False), ("c", 11, False), ("d", 0, False)])
    assert inventory.to_reorder() == ["b", "a", "d"]


def test_discontinued_skus_are_never_reordered():
    inventory = Inventory([("a", 0, True), ("b", 0, False)], reorder_at=5)
    assert inventory.to_reorder() == ["b"]


def test_receiving_moves_skus_off_the_list_and_adds_new_ones():
    inventory = Inventory([("a", 2, False)], reorder_at=10)
    inventory.receive("new", 2)
    assert inventory.to_reorder() == ["a", "new"]
    inventory.receive("a", 100)
    assert inventory.to_reorder() == ["new"]


def test_empty_inventory():
    assert Inventory([]).to_reorder() == []


def test_fixed_input():
    low = make_input().to_reorder()
    assert len(low) == 86000
    assert low[:3] == ["SKU-000005", "SKU-000006", "SKU-000007"]
    assert low[-1] == "SKU-099999"
