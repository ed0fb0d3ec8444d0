from __future__ import annotations

import logging

import pytest
from app import GradeBook, Question, QuizGrader, Submission

QS = [
    Question("q1", "single", ("b",)),
    Question("q2", "multi", ("a", "c"), points=2.0),
    Question("q3", "numeric", 3.14, points=1.0, tolerance=0.01),
]


def test_full_marks() -> None:
    g = QuizGrader(QS)
    assert g.max_points == 4.0
    assert g.grade(Submission("s", {"q1": "b", "q2": ["c", "a"], "q3": "3.141"})) == 4.0


def test_partial_credit_and_wrong_choices() -> None:
    g = QuizGrader(QS)
    assert g.grade(Submission("s", {"q2": ["a"]})) == 1.0
    assert g.grade(Submission("s", {"q2": ["a", "b"]})) == 0.0
    assert QuizGrader(QS, partial_credit=False).grade(Submission("s", {"q2": ["a"]})) == 0.0


def test_numeric_tolerance_and_garbage() -> None:
    g = QuizGrader(QS)
    assert g.grade(Submission("s", {"q3": 3.2})) == 0.0
    assert g.grade(Submission("s", {"q3": "pi"})) == 0.0
    assert g.grade(Submission("s", {"q3": 3.135})) == 1.0


def test_grade_all_book() -> None:
    subs = [
        Submission("ann", {"q1": "b", "q2": ["a", "c"], "q3": 3.14}),
        Submission("bob", {"q1": "a", "q2": ["a"], "q3": 3.0}),
        Submission("cid", {}),
    ]
    book = QuizGrader(QS).grade_all(subs)
    assert book.scores == {"ann": 4.0, "bob": 1.0, "cid": 0.0}
    assert book.correct_by_question == {"q1": 1, "q2": 1, "q3": 1}
    assert book.pass_rate(4.0) == pytest.approx(1 / 3)
    assert GradeBook().pass_rate(4.0) == 0.0


def test_debug_log_mentions_student(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="quiz.grader"):
        QuizGrader(QS).grade(Submission("zed", {"q1": "b"}))
    assert any("zed" in r.getMessage() and '"qid": "q1"' in r.getMessage() for r in caplog.records)
