"""Validate and tally responses to a customer-experience survey definition."""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    response_id: str
    question: str
    code: str


class SurveyDefinition:
    """Question schema as loaded from the form builder's JSON export."""

    def __init__(self, questions: list[dict]) -> None:
        self._order = [q["id"] for q in questions]
        self._by_id = {q["id"]: q for q in questions}

    @property
    def question_ids(self) -> list[str]:
        return list(self._order)

    def question(self, qid: str) -> dict:
        # hand out a private copy so validators can't corrupt the shared definition
        return copy.deepcopy(self._by_id[qid])


def _is_skipped(question: dict, answers: dict) -> bool:
    skip = question.get("skip_if")
    if not skip:
        return False
    return any(answers.get(other) in values for other, values in skip.items())


def check_answer(question: dict, value) -> str | None:
    """Return an issue code for a single answer, or None when it is acceptable."""
    kind = question["type"]
    if value is None or value == "" or value == []:
        return "missing" if question.get("required") else None
    if kind == "single":
        allowed = {c["value"] for c in question["choices"]}
        return None if value in allowed else "invalid_choice"
    if kind == "multi":
        allowed = {c["value"] for c in question["choices"]}
        if any(v not in allowed for v in value):
            return "invalid_choice"
        if len(value) > question.get("max_select", len(allowed)):
            return "too_many"
        return None
    if kind == "scale":
        lo, hi = question["range"]
        return None if isinstance(value, int) and lo <= value <= hi else "out_of_range"
    if kind == "text":
        return "too_long" if len(value) > question.get("max_length", 500) else None
    return "unknown_type"


def validate(survey: SurveyDefinition, response_id: str, answers: dict) -> list[Issue]:
    issues = []
    for qid in survey.question_ids:
        question = survey.question(qid)
        if _is_skipped(question, answers):
            if answers.get(qid) not in (None, "", []):
                issues.append(Issue(response_id, qid, "answered_skipped"))
            continue
        code = check_answer(question, answers.get(qid))
        if code:
            issues.append(Issue(response_id, qid, code))
    return issues


def tally(survey: SurveyDefinition, responses: dict[str, dict]) -> dict:
    """Validate every response; count choices and scale scores among the clean ones."""
    issue_counts: Counter = Counter()
    choice_counts: dict[str, Counter] = {}
    scale_totals: dict[str, list[int]] = {}
    clean = 0
    for rid, answers in responses.items():
        issues = validate(survey, rid, answers)
        if issues:
            issue_counts.update(i.code for i in issues)
            continue
        clean += 1
        for qid in survey.question_ids:
            question = survey.question(qid)
            value = answers.get(qid)
            if value in (None, "", []):
                continue
            if question["type"] == "single":
                choice_counts.setdefault(qid, Counter())[value] += 1
            elif question["type"] == "multi":
                choice_counts.setdefault(qid, Counter()).update(value)
            elif question["type"] == "scale":
                acc = scale_totals.setdefault(qid, [0, 0])
                acc[0] += value
                acc[1] += 1
    return {
        "responses": len(responses),
        "clean": clean,
        "issues": dict(sorted(issue_counts.items())),
        "choices": {q: dict(sorted(c.items())) for q, c in sorted(choice_counts.items())},
        "scale_means": {q: round(t / n, 3) for q, (t, n) in sorted(scale_totals.items())},
    }
