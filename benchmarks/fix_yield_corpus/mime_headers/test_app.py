from app import parse_block, split_params
from workload import make_input, run


def test_block():
    block = [
        "From: a@b",
        "Subject: hi",
        " there",
        'Content-Type: Text/HTML; Charset="x y"; q=1',
        "bad",
    ]
    assert parse_block(block) == {
        "from": "a@b",
        "subject": "hi there",
        "content-type": ("text/html", {"charset": "x y", "q": "1"}),
    }


def test_params_without_any():
    assert split_params("application/json") == ("application/json", {})


def test_fixed_input():
    parsed = run(make_input())
    assert len(parsed) == 1500
    assert parsed[3]["content-type"] == (
        "text/plain",
        {"charset": "utf-9", "format": "flowed", "delsp": "yes", "x-n": "3"},
    )
    assert sum(len(h["subject"]) for h in parsed) == EXPECTED_SUBJECT_CHARS


EXPECTED_SUBJECT_CHARS = 30390
