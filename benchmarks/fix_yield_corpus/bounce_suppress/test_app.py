from app import sendable
from workload import make_input


def test_suppressed_and_order():
    kept, held = sendable(
        [" Ann@x.io", "bob@x.io", "", "CY@x.io", "dee@x.io"], ["ann@x.io "], ["Cy@X.io"]
    )
    assert kept == ["bob@x.io", "dee@x.io"]
    assert held == 3


def test_fixed_input():
    kept, held = sendable(*make_input())
    assert len(kept) + held == 4000
    assert kept[0] == "user1@example.org"
    assert "user7@example.org" not in kept and "user3@example.org" not in kept
    assert len(kept) == 2494
