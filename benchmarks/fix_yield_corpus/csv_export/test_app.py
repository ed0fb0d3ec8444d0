import csv
import hashlib
import io

from app import to_csv
from workload import HEADER, make_input


def test_quoting():
    assert to_csv(["a", "b"], [["x,y", 'say "hi"'], ["line\nbreak", ""]]) == (
        'a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",\r\n'
    )


def test_header_only_and_empty_fields():
    assert to_csv(["a"], []) == "a\r\n"
    assert to_csv([], [[], ["", ""]]) == "\r\n\r\n,\r\n"


def test_same_as_the_csv_module():
    rows = [["1", 'q"q', "c,c", ""], ["é", "\n", "plain", "x"]]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["h1", "h2", "h3", "h4"], *rows])
    assert to_csv(["h1", "h2", "h3", "h4"], rows) == buffer.getvalue()


def test_fixed_input():
    text = to_csv(HEADER, make_input())
    assert len(text) == 107599
    assert hashlib.sha256(text.encode()).hexdigest() == (
        "0b0f52d88a843b8f9cc5488884a903225b6835e97369db00a5e4e55852cf1e98"
    )
