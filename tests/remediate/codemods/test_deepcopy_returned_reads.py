"""deepcopy-read-only where a module function annotated ``-> float`` returns a value read from
the copy (``return band["factor"]``) and the caller does arithmetic with it: the copy is kept
whichever operand the value is, since neither the annotation nor the body proves its type,
and the data is not a literal constant whose shape would (``deepcopy_returns``). Each
refusal is checked to matter: with data that breaks the annotation, the program as written
leaves its data as it was, and the same program with the copy dropped does not."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load

DEEP = codemod("deepcopy-read-only")

#: a rating engine holding a table handed to it, as the premium programs do
ENGINE = """\
import copy


def _band(bands: list[dict], age: int) -> float:
    for band in bands:
        if band["min"] <= age <= band["max"]:
            return band["factor"]
    raise ValueError(f"no band for {age}")


def _worst(table: dict, ages: tuple) -> float:
    worst = 0.0
    for age in ages:
BODY
    return worst


class Engine:
    def __init__(self, book: dict) -> None:
        self.book = book

    def quote(self, ages: tuple) -> float:
        book = copy.deepcopy(self.book)
        return round(book["base"] * _worst(book, ages), 2)
"""

#: each loop body, with the reason its copy is kept
BODIES = {
    # the helper's value is the left operand of ``*=``: a list there would be repeated in place
    "the helper's value as the left operand of *=": (
        "        f = _band(table['bands'], age)\n"
        "        f *= table['sur'][0]\n"
        "        worst = max(worst, f)\n",
        "the function calls _worst(), which could mutate the data",
    ),
    # the helper's value is the right operand of ``*=`` on a number: its ``__rmul__`` runs
    "the helper's value as the right operand of *= on a number": (
        "        f = 2.0\n        f *= _band(table['bands'], age)\n        worst = max(worst, f)\n",
        "f is bound more than once (an augmented assignment could change",
    ),
    # the helper's value is the right operand of ``*`` on a number literal
    "the helper's value as the right operand of a product": (
        "        worst = max(worst, 2.0 * _band(table['bands'], age))\n",
        "worst is bound more than once, not always to a value read from the copy",
    ),
}


def _source(body: str) -> str:
    return ENGINE.replace("BODY\n", body)


def _dropped(source: str) -> str:
    """The same program with its copy dropped, as a rewrite that believed ``-> float`` would."""
    dropped = source.replace("copy.deepcopy(self.book)", "self.book")
    assert dropped != source
    return dropped


class Growing:
    """A factor whose ``*`` by a number, from either side, changes the object itself."""

    def __init__(self) -> None:
        self.seen: list[float] = []

    def __mul__(self, other: object) -> float:
        assert isinstance(other, float)
        self.seen.append(other)
        return other

    __rmul__ = __mul__

    def __lt__(self, other: object) -> bool:
        return False

    def __gt__(self, other: object) -> bool:
        return True


def _book(factor: Any, sur: Any) -> dict:
    return {"base": 100.0, "bands": [{"min": 0, "max": 120, "factor": factor}], "sur": [sur]}


def _liars(case: str) -> dict:
    """Data for which ``_band``'s ``-> float`` is not true and ``case`` changes it."""
    if "left operand" in case:
        return _book([1.5], 2)  # a list, repeated in place by ``f *= 2``
    return _book(Growing(), 1.0)


@pytest.mark.parametrize("case", sorted(BODIES))
def test_a_read_returned_under_a_number_annotation_keeps_the_copy(case: str) -> None:
    body, why = BODIES[case]
    source = _source(body)
    result = DEEP.apply(source)
    assert not result.changed and result.source == source, result.source
    assert why in result.summary, result.summary


@pytest.mark.parametrize("case", sorted(BODIES))
def test_the_copy_kept_for_a_returned_read_is_what_protects_the_data(case: str) -> None:
    """Why each refusal matters: data that breaks the annotation is left as it was by the
    program as written, and changed by the same program with its copy dropped."""
    source = _source(BODIES[case][0])
    for program, changes in ((source, False), (_dropped(source), True)):
        book = _liars(case)
        engine = load(program)["Engine"](book)
        with contextlib.suppress(TypeError):  # ``max`` of a list: raised after the change
            engine.quote((30, 40))
        factor = book["bands"][0]["factor"]
        changed = factor != [1.5] if isinstance(factor, list) else bool(factor.seen)
        assert changed is changes, (case, program == source)


def test_with_numbers_both_programs_agree() -> None:
    """The refused programs do compute the same premiums on data that keeps the annotation:
    the copy is kept because this cannot be proven, not because it fails here."""
    for body, _ in BODIES.values():
        source = _source(body)
        for ages in ((30,), (30, 70), (5, 130)):
            results = []
            for program in (source, _dropped(source)):
                engine = load(program)["Engine"](_book(1.25, 1.5))
                try:
                    results.append(("value", engine.quote(ages)))
                except ValueError as exc:
                    results.append(("raised", str(exc)))
            assert results[0] == results[1], (body, ages)
