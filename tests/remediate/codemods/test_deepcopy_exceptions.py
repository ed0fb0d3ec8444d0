"""deepcopy-read-only where the function (or a function it calls) raises a builtin exception
(``deepcopy_builtins.EXCEPTIONS``), folds reads into a local with ``*=`` (``rebinding``), keeps
the worst of them with ``max`` and calls module functions annotated to return a number; the
look-alikes that keep their copy (an exception carrying a mutable piece of the copy, a
rebound ``ValueError``, ``+=`` on a list of the copy)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load, same_results

DEEP = codemod("deepcopy-read-only")

HEAD = """\
import copy

SURCHARGE = [1.0, 1.3, 1.7]
BOOK = {
    "version": "v7",
    "lines": {
        "BI": {"base": {"N": 100.0, "S": 80.0}, "bands": [{"min": 16, "max": 24, "f": 1.9},
               {"min": 25, "max": 99, "f": 1.0}], "surcharge": SURCHARGE},
        "PD": {"base": {"N": 60.0, "S": 50.0}, "bands": [{"min": 16, "max": 99, "f": 1.1}],
               "surcharge": SURCHARGE},
    },
    "minimum": 35.0,
    "tags": ["filed"],
}


def _band(bands: list[dict[str, float]], age: int) -> float:
    for band in bands:
        if band["min"] <= age <= band["max"]:
            return band["f"]
    raise ValueError(f"no band for age {age}")


def _worst(table: dict, ages: tuple, claims: int) -> float:
    worst = 0.0
    for age in ages:
        f = _band(table["bands"], age)
        f *= table["surcharge"][min(claims, 2)]
        worst = max(worst, f)
    return worst


"""

QUOTE = (
    "def quote(region, ages, claims=0, lines=('BI', 'PD')):\n"
    "    if not ages:\n        raise ValueError(f'{region}: nobody to rate')\n"
    "    book = copy.deepcopy(BOOK)\n    out = {}\n    for line in lines:\n"
    "        table = book['lines'][line]\n"
    "        if region not in table['base']:\n"
    "            raise KeyError(f'no base rate for {region} in {line}')\n"
    "        out[line] = round(table['base'][region] * _worst(table, ages, claims), 2)\n"
    "    total = round(max(sum(out.values()), book['minimum']), 2)\n"
    "    return {'version': book['version'], 'lines': out, 'total': total}\n"
)

CALLS: list[tuple[Any, ...]] = [
    ("N", (30,)),
    ("S", (18, 40), 1),
    ("N", (17,), 5, ("BI",)),
    ("N", (10,)),  # _band raises ValueError
    ("E", (30,)),  # KeyError with an f-string
    ("N", ()),  # ValueError before the copy
]


def test_raising_builtin_exceptions_and_folding_reads_let_the_copy_go() -> None:
    source = HEAD + QUOTE
    result = DEEP.apply(source)
    assert result.sites == 1, result.summary
    assert "    book = BOOK\n" in result.source
    assert "copy.deepcopy(book['version'], memo)" in result.source
    same_results(source, result.source, "quote", *CALLS)
    after = load(result.source)
    pristine = copy.deepcopy(after["BOOK"])
    for args in CALLS:
        try:
            after["quote"](*args)["lines"].clear()
        except (KeyError, ValueError) as exc:
            assert all(isinstance(a, str) for a in exc.args)  # nothing of the book in it
    assert after["BOOK"] == pristine and after["SURCHARGE"] == [1.0, 1.3, 1.7]


def test_an_exception_carrying_a_number_the_annotations_prove_is_fine() -> None:
    source = HEAD + (
        "def check(caps: dict[str, int], key: str) -> int:\n    c = copy.deepcopy(caps)\n"
        "    if c[key] > 3:\n        raise OverflowError(c[key], key)\n    return c[key]\n"
    )
    result = DEEP.apply(source)
    assert result.sites == 1 and "    c = caps\n" in result.source, result.summary
    calls = [({"a": 1, "b": 9}, "a"), ({"a": 1, "b": 9}, "b"), ({"a": 1}, "z")]
    same_results(source, result.source, "check", *calls)


REFUSED = {
    "an exception carrying a list of the copy": (
        HEAD + "def f(line):\n    book = copy.deepcopy(BOOK)\n"
        "    if line not in book['lines']:\n        raise LookupError(book['tags'])\n"
        "    return book['lines'][line]['base']['N'] > 50\n",
        "is carried by LookupError()",
    ),
    "an exception carrying a table, in a function called": (
        HEAD + "def _pick(book, line):\n    table = book['lines'][line]\n"
        "    if table['base']['N'] < 70:\n        raise ValueError('cheap', table)\n"
        "    return 1.0\n\n"
        "def f(line):\n    book = copy.deepcopy(BOOK)\n    return _pick(book, line) > 0\n",
        "where book table is carried by ValueError()",
    ),
    "a ValueError class of the module": (
        "class ValueError(Exception):\n    def __init__(self, tags):\n"
        "        tags.clear()\n\n" + HEAD + QUOTE,
        "calls ValueError(), which could mutate the data",
    ),
    "ValueError rebound at module level": (
        HEAD + "ValueError = print\n\n" + QUOTE,
        "calls ValueError(), which could mutate the data",
    ),
    "ValueError a parameter": (
        HEAD + QUOTE.replace("claims=0,", "claims=0, ValueError=ValueError,"),
        "calls ValueError(), which could mutate the data",
    ),
    "a star import that may bind ValueError": (
        "from os.path import *\n" + HEAD + QUOTE,
        "ValueError()",
    ),
    # a return annotation is believed only where the body proves it (deepcopy_returns)
    "a -> float function returning a list of the copy": (
        HEAD + "def _tags(book) -> float:\n    return book['tags']\n\n"
        "def f():\n    book = copy.deepcopy(BOOK)\n    tags = _tags(book)\n    return [tags]\n",
        "leaves the function through the value of _tags()",
    ),
    "a -> int function returning the original's list, grown by *=": (
        HEAD + "def _tags() -> int:\n    return BOOK['tags']\n\n"
        "def f():\n    book = copy.deepcopy(BOOK)\n    n = _tags()\n    n *= 2\n"
        "    return len(book['tags'])\n",
        "changes n in place",
    ),
    "a -> float whose body proves nothing": (
        HEAD.replace("bands: list[dict[str, float]]", "bands: list") + QUOTE,
        "calls _worst()",
    ),
    "+= on a list of the copy": (
        HEAD + "def f(extra):\n    book = copy.deepcopy(BOOK)\n    tags = book['tags']\n"
        "    tags += [extra]\n    return len(tags)\n",
        "tags is bound more than once (an augmented assignment",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_look_alikes_keep_their_copy_and_say_why(case: str) -> None:
    source, why = REFUSED[case]
    result = DEEP.apply(source)
    assert result.source == source and result.sites == 0
    assert why in result.summary, result.summary


def test_the_exception_hands_the_catcher_what_the_copy_kept_apart() -> None:
    """Why a mutable piece in an exception keeps the copy: the catcher may change it."""
    source, _ = REFUSED["an exception carrying a list of the copy"]
    module = load(source)
    try:
        module["f"]("XX")
    except LookupError as exc:
        exc.args[0].append("changed by the catcher")
    assert module["BOOK"]["tags"] == ["filed"]


def test_an_annotation_the_body_contradicts_is_why_the_copy_stays() -> None:
    """The ``-> int`` look-alike above: ``n *= 2`` grows the original's list, which the copy
    had kept apart from what the function reads afterwards."""
    source, _ = REFUSED["a -> int function returning the original's list, grown by *="]
    module = load(source)
    assert module["f"]() == 1  # the copy's list, taken before
    assert module["BOOK"]["tags"] == ["filed", "filed"]  # the original's, doubled


def test_a_number_times_a_list_of_the_copy_is_copied_where_it_leaves() -> None:
    source = HEAD + (
        "def f(n: int):\n    book = copy.deepcopy(BOOK)\n    out = n\n    out *= book['tags']\n"
        "    return out\n"
    )
    result = DEEP.apply(source)
    assert result.sites == 1, result.summary
    assert "    return copy.deepcopy(out, memo)\n" in result.source
    same_results(source, result.source, "f", (2,), (0,))
    after = load(result.source)
    after["f"](1)[0] += "!"
    after["f"](2).append("x")
    assert after["BOOK"]["tags"] == ["filed"]
