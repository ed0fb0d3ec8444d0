"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import Question, QuizGrader, Submission


def make_input() -> tuple[list[Question], list[Submission]]:
    questions: list[Question] = []
    for i in range(20):
        if i % 3 == 0:
            questions.append(Question(f"q{i:02d}", "single", ("abcd"[i % 4],)))
        elif i % 3 == 1:
            questions.append(
                Question(f"q{i:02d}", "multi", ("a", "c") if i % 2 else ("a", "c", "d"), points=2.0)
            )
        else:
            questions.append(Question(f"q{i:02d}", "numeric", float(i) * 1.5, tolerance=0.05))
    subs = []
    for s in range(150):
        answers: dict[str, object] = {}
        for i, q in enumerate(questions):
            if (s + i) % 11 == 0:
                continue
            if q.kind == "single":
                answers[q.qid] = "abcd"[(s + i) % 4]
            elif q.kind == "multi":
                answers[q.qid] = ["a", "c", "d"][: 1 + (s * i) % 3]
            else:
                answers[q.qid] = str(float(i) * 1.5 + ((s % 5) - 2) * 0.03)
        subs.append(Submission(f"student{s:04d}", answers))
    return questions, subs


def run(data: tuple[list[Question], list[Submission]]) -> object:
    questions, subs = data
    return QuizGrader(questions).grade_all(subs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    data = make_input()
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        run(data)


if __name__ == "__main__":
    main()
