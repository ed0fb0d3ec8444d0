"""deepcopy-read-only on dataclasses: field reads, values stored into results, refusals."""

from __future__ import annotations

import itertools
import sys
import types
from typing import Any

import pytest

from efficiency.remediate.codemods import codemod

DEEP = codemod("deepcopy-read-only")
_counter = itertools.count()


def load(source: str) -> dict[str, Any]:
    """Run ``source`` as a registered module of its own (dataclasses look their module up)."""
    module = types.ModuleType(f"deepcopy_attributes_sample_{next(_counter)}")
    sys.modules[module.__name__] = module
    exec(compile(source, module.__name__, "exec", dont_inherit=True), module.__dict__)
    return module.__dict__


CLASSES = """\
from copy import deepcopy
from dataclasses import dataclass


@dataclass{frozen}
class Tier:
    name: str
    limits: dict[str, int]
    overage_cents: dict[str, int]
    extras: list[str]
    notes: dict[str, list[str]]
    max_seats: int = 5


@dataclass(frozen=True)
class Overage:
    account: str
    metric: str
    over: int
    cents: int


@dataclass
class Grant:
    account: str
    extras: list[str]
    note: list[str]


TIERS = {{
    "free": Tier("free", {{"api": 10}}, {{"api": 3}}, ["docs"], {{"api": ["hard cap"]}}),
    "pro": Tier("pro", {{"api": 100, "gb": 5}}, {{"api": 1, "gb": 50}}, ["sso"], {{}}, 50),
}}
"""

CHECK = """

def check(account: str, tier: str, usage: dict[str, int], tiers: dict[str, Tier]) -> list:
    plan = deepcopy(tiers[tier])  # never work on the table's entry
    out: list[Overage | Grant] = []
    if len(usage) > plan.max_seats:
        return out
    for metric, used in usage.items():
        limit = plan.limits.get(metric, 0)
        if used > limit:
            cents = (used - limit) * plan.overage_cents[metric]
            out.append(Overage(account, metric, used - limit, cents))
    out.append(Grant(account, plan.extras, plan.notes.get("api", plan.extras)))
    return out
"""


def _source(frozen: bool = True) -> str:
    return CLASSES.format(frozen="(frozen=True)" if frozen else "") + CHECK


@pytest.mark.parametrize("frozen", [True, False])
def test_a_dataclass_read_through_fields_is_not_copied(frozen: bool) -> None:
    source = _source(frozen)
    result = DEEP.apply(source, function="check")
    assert result.sites == 1
    assert "    plan = tiers[tier]  # never work on the table's entry\n    memo = {}\n" in (
        result.source
    )
    # numbers are immutable: stored as they are; the lists are copied where they leave
    assert "out.append(Overage(account, metric, used - limit, cents))" in result.source
    assert (
        'Grant(account, deepcopy(plan.extras, memo), deepcopy(plan.notes.get("api", '
        "plan.extras), memo))" in result.source
    )
    assert result.summary.endswith("2 values that leave deep-copied where they leave, one memo)")
    calls = [
        ("a", "free", {"api": 12}),
        ("a", "free", {"api": 3, "gb": 1}),
        ("b", "pro", {"api": 300, "gb": 9}),
        ("c", "pro", {f"m{i}": 1 for i in range(60)}),
        ("d", "gold", {}),
        ("e", "free", {"api": "x"}),
    ]
    old, new = load(source), load(result.source)
    for args in calls:
        assert _run(old, args) == _run(new, args), args


def _run(module: dict[str, Any], args: tuple[Any, ...]) -> object:
    try:
        return repr(module["check"](*args, module["TIERS"]))
    except Exception as exc:
        return type(exc).__name__


def test_the_table_is_untouched_and_mutating_the_result_behaves_the_same() -> None:
    source = _source(frozen=False)
    after = DEEP.apply(source).source
    call = ("a", "free", {"api": 12})
    assert _run(load(source), call) == _run(load(after), call)
    for text in (source, after):
        module = load(text)
        before = repr(module["TIERS"])
        out = module["check"]("a", "pro", {"api": 120}, module["TIERS"])
        grant = out[-1]
        assert grant.note is grant.extras  # the default came from the same list: still shared
        grant.extras.append("hacked")
        grant.note.append("again")
        assert repr(module["TIERS"]) == before
        again = module["check"]("a", "pro", {"api": 120}, module["TIERS"])
        assert again[-1].extras == ["sso"] and again[0].cents == 20


ONLY_CLASSES = CLASSES.format(frozen="(frozen=True)")


def _with(check_body: str, classes: str = ONLY_CLASSES) -> str:
    return classes + "\n\n" + check_body


TIER_SIG = "def f(t: str, tiers: dict[str, Tier]) -> list:\n    plan = deepcopy(tiers[t])\n"
PROPERTY = _source().replace(
    "    max_seats: int = 5\n",
    "    max_seats: int = 5\n\n    @property\n    def cap(self) -> int:\n        return 1\n",
)
GETATTR = _source().replace(
    "    max_seats: int = 5\n",
    "    max_seats: int = 5\n\n    def __getattr__(self, name):\n        return 0\n",
)
REFUSED = {
    "property on the dataclass read": (
        PROPERTY.replace("plan.max_seats", "plan.cap", 1),
        ".cap read, and it has no such field",
    ),
    "property named as a field": (
        _source().replace(
            "    max_seats: int = 5\n",
            "    max_seats: int = 5\n\n    @property\n    def max_seats(self) -> int:\n"
            "        return 1\n",
        ),
        "has a property named as one of its fields",
    ),
    "__getattr__": (GETATTR, "defines __getattr__"),
    "method call on the copy": (
        _with(
            TIER_SIG + "    return [plan.cap()]\n",
            ONLY_CLASSES.replace(
                "    max_seats: int = 5\n",
                "    max_seats: int = 5\n\n    def cap(self):\n        return 1\n",
            ),
        ),
        "calls plan.cap(), which could mutate",
    ),
    "class not known": (
        _with("def f(t, tiers):\n    plan = deepcopy(tiers[t])\n    return plan.max_seats > 1\n"),
        "its class is not known",
    ),
    "not a dataclass": (
        "from copy import deepcopy\n\nclass Tier:\n    n: int\n\n\n"
        + TIER_SIG
        + "    return plan.n > 1\n",
        "not a class decorated only with @dataclass",
    ),
    "base class": (
        "from copy import deepcopy\nfrom dataclasses import dataclass\n\nclass B:\n    pass\n\n"
        "@dataclass\nclass Tier(B):\n    n: int\n\n\n" + TIER_SIG + "    return plan.n > 1\n",
        "base class",
    ),
    "default factory": (
        "from copy import deepcopy\nfrom dataclasses import dataclass, field\n\n@dataclass\n"
        "class Tier:\n    n: list = field(default_factory=make)\n\n\n"
        + TIER_SIG
        + "    return len(plan.n)\n",
        "not a field with a literal default",
    ),
    "passed to an unknown function": (
        _with(TIER_SIG + "    return [shuffled(plan.extras)]\n"),
        "calls shuffled()",
    ),
    "appended to a list it did not make": (
        _with(
            "def f(t: str, tiers: dict[str, Tier], out: list) -> list:\n"
            "    plan = deepcopy(tiers[t])\n    out.append(plan.extras)\n    return out\n"
        ),
        "calls out.append()",
    ),
    "list arithmetic": (
        _with(TIER_SIG + "    return [1, *(2 * plan.extras)]\n"),
        "flows into `*(2 * plan.extras)`",
    ),
    "field assigned": (
        _with(TIER_SIG + "    plan.limits['api'] = 0\n    return []\n"),
        "assigns to a subscript or attribute",
    ),
    "stored whole": (
        _with(TIER_SIG + "    out = []\n    out.append(plan)\n    return out\n"),
        "stored whole",
    ),
    "not a field": (_with(TIER_SIG + "    return plan.seats > 1\n"), ".seats read, and it has no"),
    "table parameter rebound": (
        _with(TIER_SIG.replace("    plan", "    tiers = {}\n    plan") + "    return plan.name\n"),
        "its class is not known",
    ),
    "dataclass not from dataclasses": (
        ONLY_CLASSES.replace("from dataclasses import dataclass", "from mine import dataclass")
        + "\n\n"
        + TIER_SIG
        + "    return plan.max_seats > 1\n",
        "not a class decorated only with @dataclass",
    ),
    "class rebound in the function": (
        _with(TIER_SIG + "    Grant = dict\n    return [Grant(a=plan.extras)]\n"),
        "calls Grant()",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_leave_the_text_and_say_why(case: str) -> None:
    source, why = REFUSED[case]
    result = DEEP.apply(source)
    assert result.source == source
    assert not result.changed and result.sites == 0
    assert why in result.summary, result.summary


NESTED = """\
from copy import deepcopy
from dataclasses import dataclass


@dataclass
class Band:
    upto: int
    zones: list[str]


@dataclass
class Table:
    bands: dict[str, Band]
    fallback: Band


@dataclass
class Row:
    name: str
    zones: list[str]


def rows(kind: str, tables: dict[str, Table]) -> list[Row]:
    table = deepcopy(tables[kind])
    out = []
    for name, band in table.bands.items():
        if band.upto > table.fallback.upto:
            out.append(Row(name, band.zones))
    out.append(Row("*", table.fallback.zones))
    return out


SHARED = ["eu"]
TABLES = {"a": Table({"x": Band(5, SHARED), "y": Band(1, ["us"])}, Band(2, SHARED))}
"""


def test_nested_dataclasses_and_values_bound_by_a_loop() -> None:
    result = DEEP.apply(NESTED)
    assert result.sites == 1
    assert "out.append(Row(name, deepcopy(band.zones, memo)))" in result.source
    for source in (NESTED, result.source):
        module = load(source)
        out = module["rows"]("a", module["TABLES"])
        assert repr(out) == "[Row(name='x', zones=['eu']), Row(name='*', zones=['eu'])]"
        assert out[0].zones is out[1].zones  # shared in the table, shared in the result
        out[0].zones.append("hacked")
        assert module["SHARED"] == ["eu"]
        assert _run_rows(module, "b") == "KeyError"


def _run_rows(module: dict[str, Any], kind: str) -> str:
    try:
        return repr(module["rows"](kind, module["TABLES"]))
    except Exception as exc:
        return type(exc).__name__
