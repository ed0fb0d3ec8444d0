import hashlib

from app import render_table
from workload import HEADERS, make_input


def test_small_table():
    assert render_table(["a", "n"], [["x", "1.5"], ["y", "1.2.3"]], css="t") == (
        '<table class="t">\n<tr><th>a</th><th>n</th></tr>\n'
        "<tr><td>x</td><td>1.5</td></tr>\n"
        "<tr><td>y</td><td>1.2.3</td></tr>\n"
        "</table>\n"
    )


def test_no_rows_and_empty_row():
    assert render_table(["a"], []) == '<table class="usage">\n<tr><th>a</th></tr>\n</table>\n'
    assert render_table([], [[]]) == '<table class="usage">\n<tr></tr>\n<tr></tr>\n</table>\n'


def test_cells_are_not_escaped_again():
    assert "<td>&amp;lt;</td>" in render_table(["a"], [["&amp;lt;"]])


def test_fixed_input():
    html = render_table(HEADERS, make_input())
    assert len(html) == 194583
    assert hashlib.sha256(html.encode()).hexdigest() == (
        "64f51c256edce17058e56b5f85dfb565a607f321958be3fe9235134ea6b0fcf5"
    )
