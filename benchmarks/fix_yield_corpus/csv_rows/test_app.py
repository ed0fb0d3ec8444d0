import csv
import io

from app import to_csv
from workload import make_input


def test_quoting_and_line_ends():
    assert to_csv([["a", 'say "hi"', None], [1, "x,y", "l1\nl2"]]) == (
        'a,"say ""hi""",\r\n1,"x,y","l1\nl2"\r\n'
    )


def test_empty():
    assert to_csv([]) == ""


def test_fixed_input_round_trips():
    rows = make_input()
    text = to_csv(rows)
    assert list(csv.reader(io.StringIO(text, newline=""))) == [[str(c) for c in r] for r in rows]
    assert len(text) == 89302
