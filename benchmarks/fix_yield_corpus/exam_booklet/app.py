"""Printable exam booklets and answer keys from a question bank.

A booklet is a list of sections, each drawing questions from the bank by
topic.  Every variant of a paper shuffles the answer options with its own
seed, so the answer key is produced alongside the paper in the same pass.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

LETTERS = "ABCDEFGH"


@dataclass(frozen=True)
class Question:
    qid: str
    topic: str
    stem: str
    options: tuple[str, ...]  # options[0] is the correct answer as authored
    marks: int = 1
    keep_order: bool = False  # e.g. "all of the above" style options


@dataclass
class Section:
    title: str
    topics: tuple[str, ...]
    instructions: str = ""


@dataclass
class Booklet:
    paper: str
    key: str
    total_marks: int
    question_count: int
    by_topic: dict[str, int] = field(default_factory=dict)


def arrange_options(question: Question, rng: random.Random) -> tuple[list[str], int]:
    """Return the options in print order and the index of the correct one."""
    if len(question.options) > len(LETTERS):
        raise ValueError(f"{question.qid}: too many options")
    order = list(range(len(question.options)))
    if not question.keep_order:
        rng.shuffle(order)
    return [question.options[i] for i in order], order.index(0)


def marks_label(marks: int) -> str:
    return "[1 mark]" if marks == 1 else f"[{marks} marks]"


def select_questions(bank: list[Question], section: Section) -> list[Question]:
    wanted = set(section.topics)
    return [q for q in bank if q.topic in wanted]


def build_booklet(
    title: str, sections: list[Section], bank: list[Question], variant: int = 1
) -> Booklet:
    rng = random.Random(f"{title}/{variant}")
    docs = {"paper": "", "key": ""}
    docs["paper"] += f"{title}\nVariant {variant}\n\n"
    docs["key"] += f"{title} - answer key, variant {variant}\n"
    number = 0
    total_marks = 0
    by_topic: dict[str, int] = {}
    used: set[str] = set()

    for s_index, section in enumerate(sections, start=1):
        questions = [q for q in select_questions(bank, section) if q.qid not in used]
        if not questions:
            log.warning("section %r has no questions", section.title)
            continue
        docs["paper"] += f"Section {s_index}: {section.title}\n"
        if section.instructions:
            docs["paper"] += f"  {section.instructions}\n"
        docs["paper"] += "\n"
        docs["key"] += f"-- {section.title}\n"
        for question in questions:
            used.add(question.qid)
            number += 1
            total_marks += question.marks
            by_topic[question.topic] = by_topic.get(question.topic, 0) + 1
            options, correct = arrange_options(question, rng)
            docs["paper"] += f"{number}. {question.stem} {marks_label(question.marks)}\n"
            for letter, text in zip(LETTERS, options, strict=False):
                docs["paper"] += f"    ({letter}) {text}\n"
            docs["paper"] += "\n"
            docs["key"] += f"{number}. {LETTERS[correct]} ({question.qid})\n"

    docs["paper"] += f"End of paper. Total: {total_marks} marks.\n"
    return Booklet(docs["paper"], docs["key"], total_marks, number, by_topic)


def build_variants(
    title: str, sections: list[Section], bank: list[Question], count: int
) -> list[Booklet]:
    if count < 1:
        raise ValueError("at least one variant")
    return [build_booklet(title, sections, bank, v) for v in range(1, count + 1)]
