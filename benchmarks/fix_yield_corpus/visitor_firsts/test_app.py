from app import first_visitors
from workload import make_input


def test_first_seen_order_and_count():
    views = ["Ann|/a|3", "bob|/b|4", " ann |/c|5", "|/d|1", "Cy|/e|2", "BOB|/f|9"]
    assert first_visitors(views) == (["ann", "bob", "cy"], 5)


def test_fixed_input():
    visitors, read = first_visitors(make_input())
    assert read == 6000
    assert len(visitors) == 1400
    assert visitors[:3] == ["v0", "v1", "v2"]
    assert visitors[-1] == "v1399"
