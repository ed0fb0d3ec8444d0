from app import column_widths, render_grid
from workload import make_input, run


def test_widths_and_padding():
    rows = [["id", "name"], [7, "anvil"], [12, "x"]]
    widths = column_widths(rows)
    assert widths == [2, 5]
    assert render_grid(rows, widths) == "id|name |\n7 |anvil|\n12|x    |\n"


def test_empty():
    assert render_grid([], []) == ""
    assert column_widths([]) == []


def test_fixed_input():
    text = run(make_input())
    lines = text.splitlines()
    assert len(lines) == 400
    assert lines[3] == "3  |item-3 |237.57|no |bin 3 |3  |6  |9  |12 |15 |18 |21 |24 |"
    assert len(text) == 25200
