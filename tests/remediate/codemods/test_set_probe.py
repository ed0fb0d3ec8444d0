"""set-membership, a tested value that is not a plain name (``b.voter_id in eligible``): every
stage binds it once by ``:=``, so it runs exactly as often, in the same order and raising the
same exceptions as before; refused where the binding cannot be placed."""

from __future__ import annotations

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load, same_results

SET = codemod("set-membership")

#: a value whose every read is counted and logged, and raises for a missing id
VOTER = """\
LOG = []


class Voter:
    def __init__(self, vid):
        self._vid = vid

    @property
    def vid(self):
        LOG.append(("vid", self._vid))
        if self._vid is None:
            raise LookupError("no id")
        return self._vid


def mark(tag):
    LOG.append(("mark", tag))
    return tag


def run(func, *args):
    LOG.clear()
    try:
        out = func(*args)
    except LookupError:
        out = "raised"
    return out, list(LOG)
"""

LITERAL = (
    VOTER
    + """

def literal(bs):
    t = ['a', 'b', 'c', 'd']
    return [b.vid for b in bs if b.vid not in t and mark(b.vid)]
"""
)

BUILT = (
    VOTER
    + """

def built(roll, bs):
    eligible = [r.vid for r in roll if r._vid != 'x']
    on_roll = [b for b in bs if b.vid in eligible]
    seen = any(mark(b) and b.vid in eligible for b in bs)
    keep = list(filter(lambda b: (b.vid not in eligible) is False, bs))

    def inner(b):
        return b.vid in eligible

    flags = []
    i = 0
    while i < len(bs) and bs[i].vid in eligible:
        i += 1
    for b in bs:
        if mark(1) and b.vid in eligible:
            flags.append(1)
        elif b.vid not in eligible:
            flags.append(2)
    return [v.vid for v in on_roll], seen, len(keep), [inner(b) for b in bs], i, flags
"""
)

GROWING = (
    VOTER
    + """

def growing(bs):
    s = []
    for b in bs:
        if mark(b) is b and b.vid not in s:
            s.append(b)
    return [b._vid for b in s]
"""
)

GLOBAL = (
    VOTER
    + """
ALLOWED = [c for c in 'abcd']


def allowed(bs):
    return [b.vid in ALLOWED for b in bs]
"""
)

ROLL = ["a", "b", "c", "x", 3]
BALLOTS = [["a", "z", 3, "c"], [], ["x", "b"], ["a", None, "b"], [None]]


def _calls(name: str) -> list[tuple[object, ...]]:
    return [
        (name, *(([v for v in ROLL],) if name == "built" else ()), ballots) for ballots in BALLOTS
    ]


@pytest.mark.parametrize(
    ("source", "name", "probe"),
    [
        (LITERAL, "literal", "_t_key := b.vid"),
        (BUILT, "built", "_eligible_key := b.vid"),
        (GROWING, "growing", "_s_key := b.vid"),
        (GLOBAL, "allowed", "_allowed_key := b.vid"),
    ],
)
def test_the_value_runs_once_in_order_with_the_same_results(
    source: str, name: str, probe: str
) -> None:
    result = SET.apply(source)
    assert result.changed, result.summary
    assert probe in result.source
    assert "is not a plain name" not in result.summary
    before, after = load(source), load(result.source)
    for args in _calls(name):
        # the objects are made by each module's own class, so the logs compare alike
        old = before["run"](before[name], *([before["Voter"](v) for v in a] for a in args[1:]))
        new = after["run"](after[name], *([after["Voter"](v) for v in a] for a in args[1:]))
        assert _plain(old) == _plain(new), args


def _plain(outcome: object) -> object:
    """``outcome`` with the module's objects replaced by their ids (they differ between runs)."""
    if isinstance(outcome, list | tuple):
        return type(outcome)(_plain(v) for v in outcome)
    if hasattr(outcome, "_vid"):
        return ("voter", outcome._vid)
    return outcome


def test_the_dev_program_shape_gets_a_set() -> None:
    source = (
        "def canvass(roll, ballots):\n"
        "    eligible = [r.voter_id for r in roll if r.status == 'active']\n"
        "    return [b for b in ballots if b.voter_id in eligible]\n"
    )
    result = SET.apply(source)
    assert result.sites == 1
    assert "type(_eligible_key := b.voter_id) is str" in result.source


def test_a_comprehension_variable_of_the_probe_s_name_is_not_clobbered() -> None:
    source = (
        "def f(xs, rows):\n    t = list(xs)\n"
        "    return [(_t_key, r[0] in t) for _t_key in rows for r in [_t_key]]\n"
    )
    result = SET.apply(source)
    assert result.changed and "_t_key_2 := r[0]" in result.source
    same_results(source, result.source, "f", (["a", 1], ["ab", "ba", (1,)]), ([], [[1]]))


REFUSED = {
    "in a comprehension's iterable": (
        "def f(xs, g):\n    t = list(xs)\n    return [[y for y in (g(x) in t,)] for x in xs]\n",
        "in a comprehension's iterable",
    ),
    "chained": (
        "def f(xs, g):\n    t = list(xs)\n    return [x for x in xs if 0 < g(x) in t]\n",
        "chained comparison",
    ),
    "locals in the lambda": (
        "def f(xs, g):\n    t = list(xs)\n"
        "    return list(filter(lambda x: g(x) in t and locals(), xs))\n",
        "reads its locals by name",
    ),
    "annotation of a nested function": (
        "def f(g):\n    t = ['a', 'b', 'c', 'd', 'e']\n"
        "    def h(x: g() in t):\n        return x\n    return h.__annotations__\n",
        "in an annotation",
    ),
    "annotated local": (
        "def f(g):\n    t = ['a', 'b', 'c', 'd', 'e']\n    y: g() in t = 1\n    return y\n",
        "in an annotation",
    ),
    "class body in a function": (
        "X = ['a', 'b', 'c', 'd']\n\n\ndef f(g):\n    class K:\n        hit = g() in X\n"
        "    return K.hit\n",
        "in a class body",
    ),
    "comprehension in a class body": (
        "X = ['a', 'b', 'c', 'd']\n\n\ndef f(g, xs):\n    class K:\n"
        "        hits = [g(x) in X for x in xs]\n    return K.hits\n",
        "in a class body",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_leave_the_text_and_say_why(case: str) -> None:
    source, why = REFUSED[case]
    result = SET.apply(source)
    assert not result.changed and result.source == source
    assert why in result.summary


def test_a_list_named_underscore_in_a_method_gets_no_name_python_mangles() -> None:
    # `__key` (or a constant `__2`) in a class's method is read as `_K__key`: it would clobber
    # the method's own `_K__key`, or miss the module's constant
    source = (
        "class K:\n    def m(self, xs):\n        _ = ['a', 'b', 'c', 'd', 'e']\n"
        "        _K__key = 'keep'\n        return [x[0] in _ for x in xs], _K__key\n\n\n"
        "def f(xs):\n    return K().m(xs)\n"
    )
    result = SET.apply(source)
    assert result.changed, result.summary
    same_results(source, result.source, "f", (["ab", "zz"],), ([],))
