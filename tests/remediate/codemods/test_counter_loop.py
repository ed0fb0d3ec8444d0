"""count-with-counter: counting loops become Counter updates with the same dict after;
refusals say why and leave the text alone."""

from __future__ import annotations

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load, same_results

COUNT = codemod("count-with-counter")

SOURCE = """\
import collections


def frequencies(seq):
    d = collections.defaultdict(int)
    # one pass
    for item in seq:
        d[item] += 1
    return dict(d)


def tally(words):
    seen = {}
    for w in words:
        seen[w] = seen.get(w, 0) + 1
    return seen
"""

AFTER = """\
import collections


def frequencies(seq):
    d = collections.defaultdict(int)
    # one pass
    d.update(collections.Counter(iter(seq)))
    return dict(d)


def tally(words):
    seen = {}
    seen.update(collections.Counter(iter(words)))
    return seen
"""


def test_counting_loops_become_counter_updates() -> None:
    result = COUNT.apply(SOURCE)
    assert result.source == AFTER
    assert result.sites == 2
    assert result.summary == (
        "counted with collections.Counter instead of a Python loop in frequencies, tally (2 loops)"
    )


def test_same_dict_same_order_same_type() -> None:
    # None and a mapping are what Counter(...) itself would treat specially: counted through
    # iter(...), they fail and count keys as the loop does
    calls = [(["b", "a", "b", 1, 1.0, True],), ([],), ("hello",), ([[1]],), (None,), ({"a": 5},)]
    same_results(SOURCE, AFTER, "frequencies", *calls)
    same_results(SOURCE, AFTER, "tally", *calls)
    for name in ("frequencies", "tally"):
        old, new = load(SOURCE)[name]("mississippi"), load(AFTER)[name]("mississippi")
        assert list(old.items()) == list(new.items()) and type(old) is type(new)


def test_from_collections_import_counter_is_used() -> None:
    src = (
        "from collections import Counter, defaultdict\n\n"
        "def f(xs):\n    d = {}\n    for x in xs:\n        d[x] = d.get(x, 0) + 1\n    return d\n"
    )
    assert "d.update(Counter(iter(xs)))" in COUNT.apply(src).source


REFUSED = {
    "used after": (
        "import collections\n\ndef f(xs):\n    d = collections.defaultdict(int)\n"
        "    for x in xs:\n        d[x] += 1\n    return d, x\n"
    ),
    "caught": (
        "import collections\n\ndef f(xs):\n    try:\n        d = collections.defaultdict(int)\n"
        "        for x in xs:\n            d[x] += 1\n    except TypeError:\n        return d\n"
    ),
    "closure": (
        "import collections\n\ndef f(xs):\n    d = collections.defaultdict(int)\n"
        "    for x in xs:\n        d[x] += 1\n    return d, lambda: len(d)\n"
    ),
    "no import": "def f(xs):\n    d = {}\n    for x in xs:\n        d[x] = d.get(x, 0) + 1\n",
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_leave_the_text_byte_identical(case: str) -> None:
    result = COUNT.apply(REFUSED[case])
    assert not result.changed and result.source == REFUSED[case]
    assert result.summary.startswith("count-with-counter: nothing to rewrite (")


def test_refusals_say_why() -> None:
    why = {case: COUNT.apply(src).summary for case, src in REFUSED.items()}
    assert "x is also used after the loop" in why["used after"]
    assert "an exception from the loop could be caught here" in why["caught"]
    assert "a nested function or lambda mentions d" in why["closure"]
    assert "collections (or Counter from it) is not imported" in why["no import"]


def test_not_a_counting_loop_is_left_alone() -> None:
    src = (
        "import collections\n\ndef f(xs):\n    d = {}\n    for x in xs:\n        d[x] += 1\n"
        "    e = collections.defaultdict(int)\n    for x in xs:\n        e[x] += 2\n"
    )
    assert not COUNT.apply(src).changed
