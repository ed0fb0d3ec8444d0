import random

import pytest
from app import Question, Section, arrange_options, build_booklet, build_variants, marks_label


def _bank():
    return [
        Question("Q1", "algebra", "Solve 2x = 6.", ("3", "2", "6", "12")),
        Question("Q2", "geometry", "Angles in a triangle sum to?", ("180", "90", "360"), 2),
        Question("Q3", "algebra", "Expand (x+1)^2.", ("x^2+2x+1", "x^2+1"), 3, keep_order=True),
        Question("Q4", "stats", "Mean of 2, 4, 6?", ("4", "3", "6", "12")),
    ]


def _sections():
    return [
        Section("Algebra", ("algebra",), "No calculators."),
        Section("Shapes", ("geometry",)),
        Section("Empty", ("calculus",)),
    ]


def test_marks_label():
    assert marks_label(1) == "[1 mark]"
    assert marks_label(4) == "[4 marks]"


def test_arrange_options_tracks_correct_answer():
    q = _bank()[0]
    options, correct = arrange_options(q, random.Random(5))
    assert sorted(options) == sorted(q.options)
    assert options[correct] == "3"


def test_keep_order_is_respected():
    options, correct = arrange_options(_bank()[2], random.Random(1))
    assert options == ["x^2+2x+1", "x^2+1"]
    assert correct == 0


def test_too_many_options_rejected():
    q = Question("Q9", "t", "?", tuple(str(i) for i in range(9)))
    with pytest.raises(ValueError):
        arrange_options(q, random.Random(0))


def test_booklet_layout_and_totals():
    booklet = build_booklet("Maths quiz", _sections(), _bank(), variant=2)
    lines = booklet.paper.splitlines()
    assert lines[:3] == ["Maths quiz", "Variant 2", ""]
    assert lines[3] == "Section 1: Algebra"
    assert lines[4] == "  No calculators."
    assert lines[6] == "1. Solve 2x = 6. [1 mark]"
    assert lines[7].startswith("    (A) ")
    assert "2. Expand (x+1)^2. [3 marks]" in lines
    assert "Section 2: Shapes" in lines
    assert "Empty" not in booklet.paper
    assert "Mean of" not in booklet.paper
    assert lines[-1] == "End of paper. Total: 6 marks."
    assert booklet.total_marks == 6
    assert booklet.question_count == 3
    assert booklet.by_topic == {"algebra": 2, "geometry": 1}


def test_answer_key_matches_printed_options():
    booklet = build_booklet("Maths quiz", _sections(), _bank(), variant=7)
    key = booklet.key.splitlines()
    assert key[0] == "Maths quiz - answer key, variant 7"
    assert key[1] == "-- Algebra"
    assert key[3] == "2. A (Q3)"
    paper = booklet.paper
    for entry, correct_text in ((key[2], "3"), (key[5], "180")):
        number, rest = entry.split(". ", 1)
        letter = rest[0]
        block = paper.split(f"\n{number}. ", 1)[1].split("\n\n", 1)[0]
        assert f"({letter}) {correct_text}\n" in block + "\n"


def test_booklet_is_deterministic_per_variant():
    a = build_booklet("Quiz", _sections(), _bank(), variant=1)
    b = build_booklet("Quiz", _sections(), _bank(), variant=1)
    assert a.paper == b.paper and a.key == b.key


def test_question_used_once_across_sections():
    sections = [Section("A", ("algebra",)), Section("B", ("algebra", "stats"))]
    booklet = build_booklet("Quiz", sections, _bank())
    assert booklet.paper.count("Solve 2x = 6.") == 1
    assert booklet.question_count == 3
    assert booklet.key.splitlines()[-1] == "3. " + booklet.key.splitlines()[-1][3] + " (Q4)"


def test_build_variants():
    variants = build_variants("Quiz", _sections(), _bank(), 3)
    assert [v.paper.splitlines()[1] for v in variants] == ["Variant 1", "Variant 2", "Variant 3"]
    with pytest.raises(ValueError):
        build_variants("Quiz", _sections(), _bank(), 0)
