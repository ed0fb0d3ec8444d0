"""join-list: a literal's join gets a list comprehension; same results; refusals say why."""

from __future__ import annotations

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import same_results

JOIN = codemod("join-list")

SOURCE = """\
def render(cells, sep):
    line = " | ".join(str(c).strip() for c in cells if c is not None)
    raw = b",".join(bytes(c) for c in cells if isinstance(c, bytes))
    return line, raw, sep.join(str(c) for c in cells)
"""

AFTER = """\
def render(cells, sep):
    line = " | ".join([str(c).strip() for c in cells if c is not None])
    raw = b",".join([bytes(c) for c in cells if isinstance(c, bytes)])
    return line, raw, sep.join(str(c) for c in cells)
"""


def test_literal_joins_get_a_list() -> None:
    result = JOIN.apply(SOURCE)
    assert result.source == AFTER
    assert result.sites == 2
    assert result.summary.startswith(
        "passed str.join a list comprehension instead of a generator in render (2 calls); "
        "left: sep.join(str(c) for c in cells): the receiver is not a string literal"
    )


def test_same_results_and_same_errors_before_and_after() -> None:
    calls = [([" a ", None, 3, b"x"], "-"), ([], ","), ([b"p", b"q"], ""), ([object()], 5)]
    same_results(SOURCE, AFTER, "render", *calls)
    bad = "def f(xs):\n    return ''.join(x for x in xs)\n"
    same_results(bad, JOIN.apply(bad).source, "f", (["a", 1],), (["a", "b"],), (None,))


def test_refusals_leave_the_text_byte_identical() -> None:
    for src in (
        "import os\ndef f(ps):\n    return os.path.join(p for p in ps)\n",
        "def f(t, xs):\n    t.join(x for x in xs)\n",
        "def f(xs):\n    return ''.join(xs)\n",
        "def f(it, n):\n    return ''.join(next(it) for _ in range(n))\n",
    ):
        result = JOIN.apply(src)
        assert not result.changed and result.source == src
        assert result.summary.startswith("join-list: nothing to rewrite (")
