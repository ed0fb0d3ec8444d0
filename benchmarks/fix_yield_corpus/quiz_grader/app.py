"""Auto-grade quiz submissions for the course platform and build the per-question report."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

log = logging.getLogger("quiz.grader")


@dataclass(frozen=True)
class Question:
    qid: str
    kind: str  # "single", "multi" or "numeric"
    answer: tuple[str, ...] | float
    points: float = 1.0
    tolerance: float = 0.0


@dataclass
class Submission:
    student: str
    answers: dict[str, object]


@dataclass
class GradeBook:
    scores: dict[str, float] = field(default_factory=dict)
    correct_by_question: dict[str, int] = field(default_factory=dict)

    def pass_rate(self, max_points: float, threshold: float = 0.5) -> float:
        if not self.scores:
            return 0.0
        passed = sum(1 for s in self.scores.values() if s >= threshold * max_points)
        return passed / len(self.scores)


def _snapshot(question: Question, given: object) -> str:
    return json.dumps(
        {"qid": question.qid, "kind": question.kind, "expected": question.answer, "given": given},
        sort_keys=True,
        default=str,
    )


class QuizGrader:
    def __init__(self, questions: Iterable[Question], partial_credit: bool = True) -> None:
        self.questions = {q.qid: q for q in questions}
        self.partial_credit = partial_credit
        self.max_points = sum(q.points for q in self.questions.values())

    def score_answer(self, q: Question, given: object) -> float:
        if given is None:
            return 0.0
        if q.kind == "single":
            return q.points if given == q.answer[0] else 0.0
        if q.kind == "multi":
            expected = set(q.answer)
            chosen = set(given) if isinstance(given, (list, tuple, set)) else {given}
            if chosen == expected:
                return q.points
            if not self.partial_credit or chosen - expected:
                return 0.0
            return q.points * len(chosen) / len(expected)
        try:
            value = float(given)
        except (TypeError, ValueError):
            return 0.0
        return q.points if abs(value - float(q.answer)) <= q.tolerance else 0.0

    def grade(self, sub: Submission) -> float:
        total = 0.0
        for qid, q in self.questions.items():
            given = sub.answers.get(qid)
            earned = self.score_answer(q, given)
            log.debug(f"graded {sub.student} {_snapshot(q, given)} -> {earned:.2f}/{q.points}")
            total += earned
        return round(total, 2)

    def grade_all(self, submissions: Iterable[Submission]) -> GradeBook:
        book = GradeBook(correct_by_question={qid: 0 for qid in self.questions})
        for sub in submissions:
            book.scores[sub.student] = self.grade(sub)
            for qid, q in self.questions.items():
                if self.score_answer(q, sub.answers.get(qid)) == q.points:
                    book.correct_by_question[qid] += 1
        log.info("graded %d submissions", len(book.scores))
        return book
