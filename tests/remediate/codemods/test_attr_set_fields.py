"""set-membership, a list attribute tested through a parameter annotated with a class of the
module (``x in plan.excluded`` in a module function), the list a dataclass field the constructor
takes from its caller: a classmethod that builds it fresh and hands it over, a display, or the
field's ``default_factory``. The code runs before and after on the same inputs: odd items and
values, a subclass made elsewhere (with and without its own ``__post_init__``), a method borrowed
by another object, a non-instance passed as the parameter, a list bound from outside, copies and
``dataclasses.replace``; and what the module could do to the list refuses, the text left alone."""

from __future__ import annotations

import copy
import dataclasses
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from efficiency.remediate.codemods import codemod
from efficiency.remediate.other_modules import OtherModules
from tests.remediate.codemods.sample import LooseEq, Text, load, same_results

SET = codemod("set-membership")


def apply(source: str, function: str | None = None, others: dict[str, str] | None = None) -> Any:
    """The codemod on ``source`` as ``app.py`` of a repository holding ``others`` besides."""
    with tempfile.TemporaryDirectory() as tree:
        (Path(tree) / "app.py").write_text(source)
        for rel, text in (others or {}).items():
            (Path(tree) / rel).write_text(text)
        params = {"other_modules": OtherModules(Path(tree), "app.py")}
        return SET.apply(source, function=function, params=params)


HEAD = """\
import sys
import types
from dataclasses import dataclass, field

# dataclass looks its string annotations up in the module (`sample.load` registers none)
sys.modules[__name__] = types.ModuleType(__name__)
"""

# the dev program's shape: a field built by a classmethod and handed to cls(...), tested in a
# module function whose parameter is annotated with the class; a local rebound next to it
# (``total = _money(total)``) that is no list and no business of the rewrite
PLAN = (
    HEAD
    + """

@dataclass
class Plan:
    name: str
    tiers: dict[str, int]
    excluded: list[str] = field(default_factory=list)
    held: frozenset = frozenset()

    @classmethod
    def from_rows(cls, name, rows):
        tiers, excluded = {}, []
        for row in rows:
            if row.get("excluded"):
                excluded.append(row["code"])
                continue
            tiers[row["code"]] = row["tier"]
        return cls(name, tiers, excluded)

    def bars(self, code):
        return code in self.excluded


def _money(x):
    return round(x, 2)


def judge(code, plan: Plan):
    if code in plan.excluded:
        return "rejected"
    total = plan.tiers.get(code, 0) * 1.5
    total = _money(total)
    return total


def run(rows, codes):
    plan = Plan.from_rows("p", rows)
    return [judge(c, plan) for c in codes], [plan.bars(c) for c in codes]
"""
)

NAN = float("nan")
ODD_VALUES = ["A", "b", "", 1, 1.0, True, 2, NAN, None, Text("a"), LooseEq(), ("a",)]
ODD_ITEMS = [[], ["A", "b"], ["a", 1, 2], [1, 2], [1.0, "a"], [True], [NAN, "A"], [LooseEq()],
             [Text("a"), "b"], [("a",)]]  # fmt: skip


def _rows(items: list) -> list[dict]:
    return [{"code": c, "excluded": True} for c in items] + [{"code": "T", "tier": 2}]


def test_the_dev_programs_shape_is_rewritten() -> None:
    result = apply(PLAN)
    assert result.changed and result.sites == 1, result.summary
    assert "    excluded: list[str] = field(default_factory=list)\n    excluded_set = None\n" in (
        result.source
    )
    assert (
        "    def __post_init__(self):\n        self.excluded_set = ((self.excluded, frozenset("
        in result.source
    )
    assert (
        "isinstance(plan, Plan) and plan.excluded_set is not None and plan.excluded_set[0] "
        "is plan.excluded else code in plan.excluded)" in result.source
    )
    assert "total" not in result.summary and "left:" not in result.summary, result.summary
    for items in ODD_ITEMS:
        same_results(PLAN, result.source, "run", (_rows(items), ODD_VALUES))


def test_the_dataclass_keeps_its_fields_equality_repr_and_copies() -> None:
    after = load(apply(PLAN).source)
    plan = after["Plan"]
    assert [f.name for f in dataclasses.fields(plan)] == ["name", "tiers", "excluded", "held"]
    made = plan.from_rows("p", _rows(["A"]))
    assert repr(made) == "Plan(name='p', tiers={'T': 2}, excluded=['A'], held=frozenset())"
    assert made == plan("p", {"T": 2}, ["A"]) and made != plan("p", {"T": 2}, ["B"])
    for other in (copy.copy(made), copy.deepcopy(made), dataclasses.replace(made, name="q")):
        assert [after["judge"](c, other) for c in ("A", "T", 1)] == ["rejected", 3.0, 0.0]
    assert after["judge"]("B", dataclasses.replace(made, excluded=["B"])) == "rejected"


def test_a_subclass_made_elsewhere_answers_alike() -> None:
    """A subclass of another module keeps the set (the inherited ``__post_init__`` makes it),
    or, overriding ``__post_init__`` without calling it, scans as before."""
    outcomes = []
    for source in (PLAN, apply(PLAN).source):
        namespace = load(source)
        plan = namespace["Plan"]
        kept = type("Kept", (plan,), {})
        bare = type("Bare", (plan,), {"__post_init__": lambda self: None})
        answers = []
        for cls in (kept, bare):
            made = cls.from_rows("p", _rows(["A", 1, LooseEq()]))
            answers.append([namespace["judge"](v, made) for v in ODD_VALUES if v == v])
        outcomes.append(answers)
    assert outcomes[0] == outcomes[1]


def test_a_non_instance_and_a_borrowed_method_scan_their_own_list() -> None:
    """An object that is no Plan, passed as the parameter or as a borrowed method's self, has
    its own list (and no set, not even the class-level None): it is scanned, as before."""
    outcomes = []
    for source in (PLAN, apply(PLAN).source):
        namespace = load(source)
        other = SimpleNamespace(excluded=["B", LooseEq()], tiers={"T": 1}, excluded_set=None)
        forged = SimpleNamespace(excluded=["B"], tiers={}, excluded_set=(["B"], frozenset("A")))
        outcomes.append(
            [namespace["judge"](v, other) for v in ("A", "B", 1)]
            + [namespace["Plan"].bars(other, v) for v in ("A", "B", 1)]
            + [namespace["judge"](v, forged) for v in ("A", "B")]
        )
    assert outcomes[0] == outcomes[1] == [
        "rejected", "rejected", 0.0, True, True, False, 0.0, "rejected"
    ]  # fmt: skip


def test_a_list_bound_from_outside_is_scanned() -> None:
    for source in (PLAN, apply(PLAN).source):
        namespace = load(source)
        made = namespace["Plan"].from_rows("p", _rows(["A"]))
        made.excluded = ["Z"]  # a test's monkeypatch, code the module cannot see
        assert [namespace["judge"](v, made) for v in ("A", "Z")] == [0.0, "rejected"]


OTHER_SPELLINGS = {
    "a display and the default, built by name": (
        PLAN.replace(
            '    plan = Plan.from_rows("p", rows)\n',
            '    plan = Plan("p", {}, [r["code"] for r in rows if r.get("excluded")])\n'
            '    judge(1, Plan("q", {}))\n',
        ),
        "excluded_set = None",
    ),
    "its own __post_init__, a keyword and an optional parameter": (
        PLAN.replace(
            "    def bars(self, code):",
            '    def __post_init__(me):\n        """Checks."""\n'
            "        me.count = len(me.excluded)\n\n    def bars(self, code):",
        )
        .replace("return cls(name, tiers, excluded)", "return cls(name, tiers, excluded=excluded)")
        .replace("def judge(code, plan: Plan):", "def judge(code, plan: Plan | None):"),
        '        """Checks."""\n        me.excluded_set = ((me.excluded, frozenset(me.excluded))',
    ),
    "a module function building a local, a string annotation": (
        PLAN.replace(
            '    plan = Plan.from_rows("p", rows)\n',
            "    plan = load(rows)\n",
        ).replace("def judge(code, plan: Plan):", 'def judge(code, plan: "Plan"):')
        + "\n\ndef load(rows):\n    codes = list()\n    for r in rows:\n"
        '        if r.get("excluded"):\n            codes.append(r["code"])\n'
        '    if "A" in codes:\n        codes.extend("a")\n'
        '    return Plan("p", {r["code"]: r["tier"] for r in rows if "tier" in r}, codes)\n',
        "def __post_init__(self):",
    ),
}


@pytest.mark.parametrize("case", sorted(OTHER_SPELLINGS))
def test_other_spellings_give_the_same_answers(case: str) -> None:
    source, shown = OTHER_SPELLINGS[case]
    result = apply(source)
    assert result.changed and "Plan.excluded" in result.summary, result.summary
    assert shown in result.source
    for items in ODD_ITEMS:
        same_results(source, result.source, "run", (_rows(items), ODD_VALUES))


def test_none_for_an_optional_parameter_fails_as_before() -> None:
    source = OTHER_SPELLINGS["its own __post_init__, a keyword and an optional parameter"][0]
    for text in (source, apply(source).source):
        with pytest.raises(AttributeError, match="excluded"):
            load(text)["judge"]("A", None)


INSTANCE = """\
class Depot:
    BLOCKED = ["x-1", "x-2"]

    def __init__(self, rows):
        self._codes = [r for r in rows]


def check(depot: Depot, value):
    return value in depot._codes, value not in depot.BLOCKED


def run(rows, values):
    depot = Depot(rows)
    return [check(depot, v) for v in values]
"""


def test_an_init_list_and_a_class_list_through_a_parameter() -> None:
    result = apply(INSTANCE)
    assert result.changed and result.sites == 2, result.summary
    assert "Depot.BLOCKED_SET[0] is depot.BLOCKED" in result.source
    assert "isinstance(depot, Depot) and depot._codes_set is not None" in result.source
    for items in ODD_ITEMS:
        same_results(INSTANCE, result.source, "run", (items, [*ODD_VALUES, "x-1"]))
    outcomes = []
    for source in (INSTANCE, result.source):
        check = load(source)["check"]
        outcomes.append(check(SimpleNamespace(_codes=["A"], BLOCKED=["A"]), "A"))
    assert outcomes == [(True, False), (True, False)]


def test_the_later_stages_still_find_their_targets_after_a_def_is_added() -> None:
    """The field's ``__post_init__`` is a new def: the stages after it find the function to
    rewrite by its place among the defs, and a module-level list tested there is rewritten."""
    source = (
        PLAN.replace(
            "def judge(code, plan: Plan):\n",
            "def judge(code, plan: Plan):\n    if code in HOLD:\n        return 'held'\n",
        )
        + "\n\nHOLD = [c for c in ('H1', 'H2')]\n"
    )
    result = apply(source, function="judge")
    assert "Plan.excluded" in result.summary and "module-level HOLD" in result.summary, (
        result.summary
    )
    same_results(source, result.source, "run", (_rows(["A"]), ["H1", "A", "T", 1]))


BAD = PLAN + "\n\ndef other(plan: Plan, code):\n"
REFUSED = {
    "rebound in the module": (BAD + "    plan.excluded = []\n", "stored as .excluded too"),
    "appended in the module": (BAD + "    plan.excluded.append(code)\n", "append may change it"),
    "a list its caller keeps": (
        BAD + "    kept = list(code)\n    p = Plan('n', {}, kept)\n    kept.append(1)\n"
        "    return p\n",
        "hands excluded `kept`, a list its caller may keep",
    ),
    "a parameter's list": (BAD + "    return Plan('n', {}, code)\n", "hands excluded `code`"),
    "a keyword elsewhere": (
        BAD + "    return dataclasses.replace(plan, excluded=code)\n",
        "names excluded with a list its caller may keep",
    ),
    "** arguments": (BAD + "    return Plan(**code)\n", "with * or ** arguments"),
    "type(x)(...)": (BAD + "    return type(plan)('n', {}, code)\n", "by another road"),
    "the class as a value": (BAD + "    return map(Plan, code)\n", "Plan is used as a value"),
    "handed over in a closure": (
        PLAN.replace("return cls(", "return lambda: cls("),
        "hands excluded `excluded`",
    ),
    "passed on before the hand-over": (
        PLAN.replace("        return cls(name, tiers, excluded)",
                     "        print(excluded)\n        return cls(name, tiers, excluded)"),
        "hands excluded `excluded`",
    ),
    "frozen": (PLAN.replace("@dataclass\n", "@dataclass(frozen=True)\n"), "frozen"),
    "slots": (PLAN.replace("@dataclass\n", "@dataclass(slots=True)\n"), "slots"),
    "a shared default": (
        PLAN.replace("field(default_factory=list)", "field(default_factory=lambda: SHARED)"),
        "may be a shared list",
    ),
    "an InitVar": (
        PLAN.replace("    held:", "    seed: dataclasses.InitVar[int] = 0\n    held:"),
        "InitVar",
    ),
    "a match class pattern": (
        BAD + "    match plan:\n        case Plan(excluded=x):\n            return x\n",
        "could bind the list to a name",
    ),
    "the parameter rebound": (
        PLAN.replace("    if code in plan.", "    plan = plan or None\n    if code in plan."),
        "plan is rebound in judge",
    ),
    "its name in a string": (BAD + "    return getattr(plan, 'excluded')\n", "by name"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_leave_the_text_and_say_why(case: str) -> None:
    source, why = REFUSED[case]
    source = source.replace(
        "from dataclasses import", "import dataclasses\nfrom dataclasses import"
    )
    result = apply(source, function="judge")
    assert result.source == source and not result.changed, case
    assert why in result.summary, (case, result.summary)


def test_an_unannotated_parameter_is_not_this_rewrites_business() -> None:
    source = PLAN.replace("def judge(code, plan: Plan):", "def judge(code, plan):")
    result = apply(source, function="judge")
    assert not result.changed
    assert "excluded" not in result.summary, result.summary


FIELD_SHAPES = {
    "a field in a branch of the class body": (
        "    held: frozenset = frozenset()\n",
        "    if sys:\n        extra: int = 0\n    held: frozenset = frozenset()\n",
        "inside a compound statement",
    ),
    "two fields on a line": (
        "    held: frozenset = frozenset()\n",
        "    extra: int = 0; held: frozenset = frozenset()\n",
        "a line of several",
    ),
    "a field never set": ("field(default_factory=list)", "field(init=False)", "shared list"),
    "the class's type passed on": (
        "    def bars(self, code):\n",
        "    def again(self, kept):\n        make = type(self)\n"
        "        return make('n', {}, kept)\n\n"
        "    def bars(self, code):\n",
        "could make an instance by another road",
    ),
}


@pytest.mark.parametrize("case", sorted(FIELD_SHAPES))
def test_field_shapes_it_cannot_map_are_refused(case: str) -> None:
    old, new, why = FIELD_SHAPES[case]
    source = PLAN.replace(old, new, 1)
    result = apply(source, function="judge")
    assert result.source == source and why in result.summary, result.summary


def test_a_classmethod_under_another_decorator_is_still_checked() -> None:
    """``cls(...)`` in a classmethod wrapped in another decorator builds the class too: a list
    it takes from its caller is refused there."""
    source = PLAN.replace(
        "    def bars(self, code):\n",
        "    @classmethod\n    @functools.cache\n    def of(cls, kept):\n"
        "        return cls('n', {}, kept)\n\n    def bars(self, code):\n",
    ).replace("import sys\n", "import functools\nimport sys\n")
    result = apply(source, function="judge")
    assert result.source == source
    assert "`cls('n', {}, kept)` hands excluded `kept`" in result.summary, result.summary
