"""set-membership, lists on attributes: a list bound once on ``self`` in ``__init__`` (or in the
class body) and only read in the module, tested with ``x in self.attr``, gets a frozenset made
beside it asked for exact str/int values; same answers before and after, for odd items and odd
values too; refusals leave the text byte for byte and say why."""

from __future__ import annotations

import dataclasses
import math
import re

import pytest

from efficiency.remediate.codemods import codemod
from efficiency.remediate.playbooks import load_playbooks
from tests.remediate.codemods.sample import LooseEq, Text, load, same_results

SET = codemod("set-membership")

# the dev program's spelling: a comprehension in __init__, a one-line helper per item, the
# tested value an attribute of the item
DEPOT = '''\
class Parcel:
    def __init__(self, tracking, postcode):
        self.tracking = tracking
        self.postcode = postcode


class Depot:
    """Routing rules."""

    def __init__(self, rows):
        self.size = len(rows)
        self._embargoed = [r.strip().upper() if isinstance(r, str) else r for r in rows]

    def _is_blocked(self, parcel):
        return parcel.postcode in self._embargoed

    def plan(self, parcels):
        return [p.tracking for p in parcels if self._is_blocked(p)]


def run(rows, codes):
    depot = Depot(rows)
    return depot.plan([Parcel(str(i), c) for i, c in enumerate(codes)])
'''

DEPOT_AFTER = '''\
class Parcel:
    def __init__(self, tracking, postcode):
        self.tracking = tracking
        self.postcode = postcode


class Depot:
    """Routing rules."""

    _embargoed_set = None

    def __init__(self, rows):
        self.size = len(rows)
        self._embargoed = [r.strip().upper() if isinstance(r, str) else r for r in rows]
        self._embargoed_set = ((self._embargoed, frozenset(self._embargoed)) if all(type(v) \
is str or type(v) is int for v in self._embargoed) else None)

    def _is_blocked(self, parcel):
        return (_embargoed_key in self._embargoed_set[1] if (type(_embargoed_key := \
parcel.postcode) is str or type(_embargoed_key) is int) and isinstance(self, Depot) and \
self._embargoed_set is not None and self._embargoed_set[0] is self._embargoed else \
_embargoed_key in self._embargoed)

    def plan(self, parcels):
        return [p.tracking for p in parcels if self._is_blocked(p)]


def run(rows, codes):
    depot = Depot(rows)
    return depot.plan([Parcel(str(i), c) for i, c in enumerate(codes)])
'''


NAN = math.nan
ODD_VALUES = ["A", "b", "", 1, 1.0, True, 2, NAN, None, Text("a"), LooseEq(), ("a",), [1]]
ODD_LISTS = [
    [],
    [" a ", "B", "c"],
    ["a", 1, 2],
    [1, 2, 3],
    [1.0, "a"],
    [True, "b"],
    [[1], "a"],
    [NAN, "a"],
    [LooseEq()],
    [Text("a"), "b"],
]


def test_the_dev_programs_spelling() -> None:
    result = SET.apply(DEPOT, function="Depot._is_blocked")
    assert result.source == DEPOT_AFTER
    assert result.changed and result.sites == 1
    assert result.summary == (
        "membership in Depot._embargoed, an attribute built once and "
        "only read, by a frozenset made beside it, for exact str/int values in _is_blocked "
        "(1 membership test)"
    )


def test_same_answers_for_odd_items_and_odd_values() -> None:
    after = SET.apply(DEPOT).source
    for rows in ODD_LISTS:
        same_results(DEPOT, after, "run", (rows, ODD_VALUES), (rows, []))
    assert load(after)["run"]([" x "], [LooseEq()]) == ["0"]  # found by ==, as in the list
    assert load(after)["run"]([NAN], [NAN]) == load(DEPOT)["run"]([NAN], [NAN])


def test_an_instance_made_without_init_scans_or_fails_as_before() -> None:
    after = SET.apply(DEPOT).source
    for source in (DEPOT, after):
        cls = load(source)["Depot"]
        bare = cls.__new__(cls)
        with pytest.raises(AttributeError, match="_embargoed"):
            bare._is_blocked(load(source)["Parcel"]("t", "A"))
        bare._embargoed = ["A"]
        assert bare._is_blocked(load(source)["Parcel"]("t", "A"))


def test_a_list_bound_where_the_module_cannot_see_is_scanned() -> None:
    """Another module (or a test's monkeypatch) binding a new list: the set is left alone."""
    after = SET.apply(DEPOT).source
    for source in (DEPOT, after):
        namespace = load(source)
        depot = namespace["Depot"](["A"])
        depot._embargoed = ["B", LooseEq()]
        assert depot.plan([namespace["Parcel"]("1", "A"), namespace["Parcel"]("2", "B")]) == [
            "1",
            "2",
        ]
    for source in (CLASS_ATTRIBUTE, SET.apply(CLASS_ATTRIBUTE).source):
        codes = load(source)["Codes"]
        codes.BLOCKED = ["y"]
        assert codes().hits(["x-1", "y"]) == ["y"] and codes.count(["x-1", "y"]) == 1


# other spellings of the class
PLAIN_NAME_IN_A_COMPREHENSION = """\
class Filter:
    def __init__(self, names, extra=()):
        self._allowed = list(names) + [e for e in extra]

    def keep(self, users):
        return [u for u in users if u not in self._allowed], len(self._allowed)

    def first(self):
        return self._allowed[0] if self._allowed else None, sorted(self._allowed, key=repr)


def run(names, users):
    f = Filter(names, ["z"])
    return f.keep(users), f.first(), [n for n in f._allowed]
"""

CLASS_ATTRIBUTE = """\
class Codes:
    BLOCKED = ["x-1", "x-2", "x-3", "x-4"]

    def hits(self, values):
        out = []
        for v in values:
            if v in self.BLOCKED:
                out.append(v)
        return out

    @classmethod
    def count(cls, values):
        return sum(1 for v in values if v in cls.BLOCKED)


def run(values):
    return Codes().hits(values), Codes.count(values), Codes.BLOCKED.index("x-2")
"""

DATACLASS_TUPLE = """\
import sys
import types
from dataclasses import dataclass, field

# dataclass looks its string annotations up in the module (`sample.load` registers none)
sys.modules[__name__] = types.ModuleType(__name__)


@dataclass
class Policy:
    codes: list = field(default_factory=list)

    def __post_init__(self):
        self._codes: tuple = tuple(sorted(self.codes, key=repr))

    def rejected(self, rows):
        return [r for r in rows if r["code"] not in self._codes]


def run(codes, values):
    p = Policy(codes)
    return p.rejected([{"code": v} for v in values]), p == Policy(list(codes))
"""

SUBSCRIPT_IN_A_LAMBDA = """\
class Words:
    def __init__(self, stop):
        self._stop: list[str] = [w.lower() if isinstance(w, str) else w for w in stop]

    def clean(self, rows):
        return list(filter(lambda row: row[0] not in self._stop, rows))


def run(stop, values):
    return Words(stop).clean([(v,) for v in values])
"""


@pytest.mark.parametrize(
    ("source", "shadow", "calls"),
    [
        (PLAIN_NAME_IN_A_COMPREHENSION, "self._allowed_set = ((self._allowed, frozenset(", "lists"),
        (CLASS_ATTRIBUTE, "    BLOCKED_SET = ((BLOCKED, frozenset(BLOCKED))", "values"),
        (DATACLASS_TUPLE, "self._codes_set = ((self._codes, frozenset(self._codes))", "lists"),
        (SUBSCRIPT_IN_A_LAMBDA, "self._stop_set = ((self._stop, frozenset(self._stop))", "lists"),
    ],
)
def test_other_spellings_give_the_same_answers(source: str, shadow: str, calls: str) -> None:
    result = SET.apply(source)
    assert result.changed and "an attribute built once and only read" in result.summary
    assert "left:" not in result.summary
    assert shadow in result.source
    if calls == "values":
        same_results(source, result.source, "run", (ODD_VALUES,), (["x-1", "x-4", "y"],))
    else:
        for rows in ODD_LISTS:
            same_results(source, result.source, "run", (rows, ODD_VALUES))


def test_the_dataclass_keeps_its_fields_and_equality() -> None:
    after = SET.apply(DATACLASS_TUPLE).source
    policy = load(after)["Policy"]
    assert [f.name for f in dataclasses.fields(policy)] == ["codes"]
    assert repr(policy(["a"])) == "Policy(codes=['a'])"
    assert policy(["a"]) == policy(["a"])


def test_the_name_as_an_item_of_a_display_tested_with_in_reaches_nothing() -> None:
    """``kind in ("_t", "other")`` only compares strings; the same string handed to a call, or
    an item of a display that is not what ``in`` searches, could reach the attribute."""
    tested = INIT + TEST + "\n\ndef is_field(kind):\n    return kind in ('_t', 'other')\n"
    result = SET.apply(tested)
    assert result.changed, result.summary
    run = tested + "\n\ndef run(xs, x):\n    return C(xs).has(x), is_field(x)\n"
    after = SET.apply(run).source
    same_results(run, after, "run", (["a", "_t"], "_t"), (["a"], "b"), ([], "other"))
    for escape in ("getattr(c, ('_t', 'other')[0])", "('_t', 'other') in c"):
        source = INIT + TEST + f"\n\ndef peek(c):\n    return {escape}\n"
        assert not SET.apply(source).changed, escape


def test_a_name_the_module_already_uses_gets_another() -> None:
    source = DEPOT.replace("def run(", "_embargoed_set = 1\n\n\ndef run(")
    after = SET.apply(source).source
    assert "self._embargoed_set_2 = ((self._embargoed, frozenset(" in after
    same_results(source, after, "run", (["a"], ["A", "b"]))


INIT = "class C:\n    def __init__(self, xs):\n        self._t = [x for x in xs]\n"
TEST = "\n    def has(self, x):\n        return x in self._t\n"
REFUSED = {
    "appended": INIT + TEST + "\n    def add(self, x):\n        self._t.append(x)\n",
    "sorted in place": INIT + "        self._t.sort()\n" + TEST,
    "bound twice": INIT + TEST + "\n    def reset(self):\n        self._t = []\n",
    "bound outside the class": INIT + TEST + "\n\ndef clear(c):\n    c._t = []\n",
    "bound in another method": "class C:\n    def load(self, xs):\n        self._t = list(xs)\n"
    + TEST,
    "bound in a branch": "class C:\n    def __init__(self, xs):\n        if xs:\n"
    "            self._t = list(xs)\n" + TEST,
    "returned": INIT + TEST + "\n    def items(self):\n        return self._t\n",
    "passed to a call": INIT + "        print(self._t)\n" + TEST,
    "aliased": INIT + TEST + "\n    def view(self):\n        v = self._t\n        return len(v)\n",
    "augmented": INIT + TEST + "\n    def more(self, x):\n        self._t += [x]\n",
    "a subscript store": INIT + TEST + "\n    def put(self, x):\n        self._t[0] = x\n",
    "a slice deleted": INIT + TEST + "\n    def drop(self):\n        del self._t[:1]\n",
    "compared with ==": INIT + TEST + "\n    def same(self, o):\n        return self._t == o\n",
    "not fresh: a parameter": "class C:\n    def __init__(self, xs):\n        self._t = xs\n"
    + TEST,
    "not fresh: a call": "class C:\n    def __init__(self, load):\n        self._t = load()\n"
    + TEST,
    "a base class": INIT.replace("class C:", "class C(dict):") + TEST,
    "a metaclass": INIT.replace("class C:", "class C(metaclass=type):") + TEST,
    "slots": INIT.replace("class C:", "class C:\n    __slots__ = ('_t',)\n") + TEST,
    "a __setattr__ hook": INIT + TEST + "\n    def __setattr__(self, k, v):\n"
    "        object.__setattr__(self, k, v)\n",
    "a subclass in the module": INIT + TEST + "\n\nclass D(C):\n    pass\n",
    "another decorator": "import functools\n\n\n@functools.total_ordering\n" + INIT + TEST,
    "a slotted dataclass": "from dataclasses import dataclass\n\n\n@dataclass(slots=True)\n"
    + INIT
    + TEST,
    "set by name": INIT + TEST + "\n\ndef reset(c):\n    setattr(c, '_t', [])\n",
    "named in a string": INIT + TEST + "\n\nFIELDS = ['_t']\n",
    "type rebound": "type = len\n\n\n" + INIT + TEST,
    "type rebound in the method": INIT + "\n    def has(self, x, type=None):\n"
    "        return x in self._t\n",
    "self rebound": INIT + "\n    def has(self, x, other):\n        self = other\n"
    "        return x in self._t\n",
    "no := in a comprehension iterable": INIT + "\n    def has(self, xs, o):\n"
    "        return [y for y in (xs if o.k in self._t else [])]\n",
    "class attribute used by name": "class C:\n    T = ['a', 'b']\n    U = T\n\n"
    "    def has(self, x):\n        return x in self.T\n",
    "the class body binds a builtin": "class C:\n    all = any\n    T = ['a', 'b']\n\n"
    "    def has(self, x):\n        return x in self.T\n",
    "list rebound in __init__": "class C:\n    def __init__(self, xs, list=list):\n"
    "        self._t = list(xs)\n" + TEST,
    "class attribute redefined by a def": "class C:\n    T = ['a', 'b']\n\n"
    "    def T(self):\n        return 1\n\n    def has(self, x):\n        return x in self.T\n",
    "import *": "from os.path import *\n\n\n" + INIT + TEST,
    "a public attribute": (INIT + TEST).replace("self._t", "self.t"),
    "class attribute shadowed on the instance": "class C:\n    T = ['a', 'b']\n\n"
    "    def __init__(self):\n        self.T = []\n\n    def has(self, x):\n"
    "        return x in self.T\n",
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_leave_the_text_byte_identical(case: str) -> None:
    result = SET.apply(REFUSED[case])
    assert result.source == REFUSED[case]
    assert not result.changed and result.sites == 0
    assert result.summary.startswith("set-membership: nothing to rewrite (")


@pytest.mark.parametrize(
    ("case", "why"),
    [
        ("appended", "self._t.append may change it or let it out"),
        ("sorted in place", "self._t.sort may change it or let it out"),
        ("bound twice", "._t is stored 2 times"),
        ("bound outside the class", "._t is stored 2 times"),
        ("bound in another method", "is not bound by a statement of its own in the body of"),
        ("bound in a branch", "is not bound by a statement of its own in the body of"),
        ("returned", "self._t is used other than to read it (Return)"),
        ("passed to a call", "self._t is passed to `print(self._t)`"),
        ("aliased", "self._t is used other than to read it (Assign)"),
        ("augmented", "._t is stored 2 times"),
        ("a subscript store", "self._t[...] is assigned or deleted"),
        ("a slice deleted", "self._t[...] is assigned or deleted"),
        ("compared with ==", "self._t is used other than to read it (Comparison)"),
        ("not fresh: a parameter", "may be a list something else holds"),
        ("not fresh: a call", "may be a list something else holds"),
        ("a base class", "has bases or a metaclass"),
        ("a metaclass", "has bases or a metaclass"),
        ("slots", "__slots__"),
        ("a __setattr__ hook", "attribute hooks"),
        ("a subclass in the module", "D subclasses it in this module"),
        ("another decorator", "decorated with functools.total_ordering"),
        ("a slotted dataclass", "the dataclass has slots"),
        ("set by name", "reach attributes by name"),
        ("named in a string", "reach attributes by name"),
        ("type rebound", "type is rebound"),
        ("type rebound in the method", "has rebinds a builtin"),
        ("self rebound", "self is rebound in has"),
        ("no := in a comprehension iterable", "in a comprehension's iterable"),
        ("class attribute used by name", "bound or used by name in the class body"),
        ("class attribute shadowed on the instance", "bound in the class body and stored"),
        ("the class body binds a builtin", "the class body binds all"),
        ("class attribute redefined by a def", "bound or used by name in the class body"),
        ("import *", "reach attributes by name"),
        ("a public attribute", "t is public: another module could change the list in place"),
        ("list rebound in __init__", "may be a list something else holds"),
    ],
)
def test_refusals_say_why(case: str, why: str) -> None:
    assert why in SET.apply(REFUSED[case]).summary


def test_an_attribute_of_another_object_is_not_this_rewrites_business() -> None:
    source = INIT + "\n    def has(self, x, other):\n        return x in other._t\n"
    assert not SET.apply(source).changed


@pytest.mark.parametrize(
    ("line", "matches"),
    [
        ("        return parcel.postcode in self._embargoed", True),
        ("            if v not in self.BLOCKED:", True),
        ("    y = [p for p in ps if p.k not in self.allowed]", True),
        ("    for a in self.items:", False),
        ("    names = [a for a in self.xs]", False),
        ("    x = a in self.b.c", False),
    ],
)
def test_the_playbook_sees_tests_of_an_attribute(line: str, matches: bool) -> None:
    (book,) = [b for b in load_playbooks() if b.id == "python-list-membership"]
    (rule,) = book.match.frames
    assert rule.source is not None
    assert bool(re.search(rule.source, line)) is matches


BORROWED = """\
class Codes:
    BLOCKED = ["x-1", "x-2", "x-3", "x-4"]

    def hit(self, value):
        return value in self.BLOCKED


class Other:
    BLOCKED = ["y"]


def run(values):
    return [Codes().hit(v) for v in values], [Codes.hit(Other(), v) for v in values]
"""


def test_a_method_borrowed_by_another_class_scans_that_class_list() -> None:
    """``Codes.hit(other, v)`` runs the test with a self of another class, which has its own
    ``BLOCKED`` and no set: the set is read through ``Codes``, and ``other.BLOCKED`` is not the
    list it was made from, so that list is scanned, as before."""
    result = SET.apply(BORROWED)
    assert result.changed, result.summary
    assert "Codes.BLOCKED_SET[0] is self.BLOCKED" in result.source
    same_results(BORROWED, result.source, "run", (["x-1", "y", 3],), (ODD_VALUES,))


def test_a_class_name_bound_again_is_refused() -> None:
    source = BORROWED + "\n\nCodes = type('Codes', (Codes,), {})\n"
    result = SET.apply(source)
    assert not result.changed
    assert "Codes is bound again" in result.summary


BORROWED_INSTANCE = """\
from types import SimpleNamespace


class Depot:
    def __init__(self, rows):
        self._codes = [r for r in rows]

    def ok(self, value):
        return value in self._codes


def run(values):
    other = SimpleNamespace(_codes=["h"])
    return [Depot(["a", 1]).ok(v) for v in values], [Depot.ok(other, v) for v in values]
"""


def test_an_instance_method_borrowed_by_another_object_scans_its_list() -> None:
    """``Depot.ok(other, v)`` with a self that is no Depot (so has no set, not even the
    class-level None): the test scans ``other._codes``, as before."""
    result = SET.apply(BORROWED_INSTANCE)
    assert result.changed, result.summary
    same_results(BORROWED_INSTANCE, result.source, "run", (["a", "h", 1],), (ODD_VALUES,))
