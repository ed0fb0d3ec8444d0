from __future__ import annotations

import app
import pytest


@pytest.fixture(autouse=True)
def _clean():
    app.reset()
    yield
    app.reset()


def test_parse_full_entry():
    e = app.parse_entry("NYSD 1:23-CV-4567-JMF 2024-02-01 #12 ORDER: answer due by 2024-03-15")
    assert e == {
        "court": "nysd",
        "case": "1:23-cv-04567",
        "judge": "JMF",
        "filed": "2024-02-01",
        "seq": 12,
        "text": "ORDER: answer due by 2024-03-15",
        "deadlines": ["2024-03-15"],
    }


def test_parse_without_judge_and_padding():
    e = app.parse_entry("  cacd 2:24-cr-123 2024-01-09 #1 INDICTMENT  \n")
    assert e["case"] == "2:24-cr-00123"
    assert e["judge"] == ""
    assert e["deadlines"] == []


def test_unknown_court_and_garbage_rejected():
    assert app.parse_entry("zzzd 1:23-cv-4567 2024-02-01 #1 x") is None
    assert app.parse_entry("nysd 1:23-xx-4567 2024-02-01 #1 x") is None
    assert app.parse_entry("hello world") is None


def test_court_prefix_must_be_whole_id():
    # "ned" is a district; "nedx" must not match as ned + junk
    assert app.parse_entry("nedx 1:23-cv-4567 2024-02-01 #1 x") is None


def test_sweep_counts_and_skips_blank_lines():
    app.sweep(
        [
            "nysd 1:23-cv-101 2024-02-01 #1 A",
            "",
            "nysd 1:23-cv-202 2024-02-01 #2 B",
            "txed 2:22-bk-303 2024-02-02 #3 C",
            "bogus",
        ]
    )
    assert len(app.entries) == 3
    assert app.skipped == 1
    assert app.per_court == {"nysd": 2, "txed": 1}


def test_upcoming_deadlines_sorted_and_filtered():
    app.sweep(
        [
            "ilnd 1:24-cv-010 2024-01-01 #5 reply due on 2024-06-01; respond by 2024-04-01",
            "ilnd 1:24-cv-011 2024-01-01 #6 Deadline by 2024-02-01",
            "ord 3:24-mj-700 2024-01-01 #2 nothing",
        ]
    )
    assert app.upcoming_deadlines("2024-03-01") == [
        ("2024-04-01", "ilnd", "1:24-cv-00010", 5),
        ("2024-06-01", "ilnd", "1:24-cv-00010", 5),
    ]
    assert len(app.upcoming_deadlines("2000-01-01")) == 3


def test_reset_clears_state():
    app.sweep(["wyd 1:24-cv-101 2024-01-01 #1 x", "nope"])
    app.reset()
    assert app.entries == [] and app.skipped == 0 and not app.per_court
