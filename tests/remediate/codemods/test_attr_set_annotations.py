"""set-membership, a dataclass field and the other annotations of its class: a name that could
be ``ClassVar`` or ``InitVar`` by another spelling (an ``as`` import, a type alias, a name from
a module not of the standard library, one the class body binds) refuses, as reading it as a
field would misplace the list among ``__init__``'s parameters (a kept list goes unchecked) or
add a ``__post_init__`` taking too few arguments; builtins, standard-library names and classes
of the module still let the rewrite through, with the same answers."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from tests.remediate.codemods.test_attr_set_fields import ODD_ITEMS, ODD_VALUES, PLAN, _rows, apply

_COUNTER = itertools.count()


def _load(source: str) -> dict[str, Any]:
    """``source`` run as a module whose annotations are evaluated as it says (not the strings
    this file's future import would make them), so ``dataclass`` sees what a program sees."""
    namespace: dict[str, Any] = {"__name__": f"annotation_sample_{next(_COUNTER)}"}
    exec(compile(source, "<annotation sample>", "exec", dont_inherit=True), namespace)
    return namespace


def _outcome(namespace: dict[str, Any], *args: Any) -> Any:
    try:
        return namespace["run"](*args)
    except Exception as exc:  # the same failure is the same behaviour
        return type(exc).__name__


IMPORTS = "from dataclasses import dataclass, field\n"
KEEPS = (
    "\n\ndef keep():\n    kept = ['A']\n    p = Plan('n', {}, kept)\n    kept.append('X')\n"
    "    return judge('X', p)\n"
)


def _with(imports: str, before: str = "", after: str = "", tail: str = "") -> str:
    source = PLAN.replace(IMPORTS, IMPORTS + imports)
    source = source.replace("    name: str\n", before + "    name: str\n", 1)
    return source.replace("    held: frozenset = frozenset()\n",
                          "    held: frozenset = frozenset()\n" + after, 1) + tail  # fmt: skip


UNCERTAIN = {
    "a ClassVar imported under another name": _with(
        "from typing import ClassVar as CV\n", before="    registry: CV[int] = 0\n", tail=KEEPS
    ),
    "a type alias of ClassVar": _with(
        "from typing import ClassVar\nReg = ClassVar[int]\n",
        before="    registry: Reg = 0\n",
        tail=KEEPS,
    ),
    "a type alias in the class body, as a string": _with(
        "from typing import ClassVar\n",
        before="    Reg = ClassVar[int]\n    registry: 'Reg' = 0\n",
        tail=KEEPS,
    ),
    "an InitVar imported under another name": _with(
        "from dataclasses import InitVar as IV\n", after="    seed: IV[int] = 0\n"
    ),
    "a name of a module outside the standard library": _with(
        "from app_types import Seed\n", after="    seed: Seed = 0\n"
    ),
    "a ClassVar not from typing": _with(
        "from app_types import ClassVar\n", after="    seed: ClassVar[int] = 0\n"
    ),
}


@pytest.mark.parametrize("case", sorted(UNCERTAIN))
def test_an_annotation_that_may_be_no_field_refuses(case: str) -> None:
    source = UNCERTAIN[case]
    result = apply(source, function="judge")
    assert result.source == source and not result.changed, case
    assert "may not make a plain field (a ClassVar or InitVar by another name?)" in (
        result.summary
    ), result.summary


def test_the_aliases_did_change_the_answers() -> None:
    """What the refusals keep: read as fields, the alias moves ``excluded`` (the kept list is
    the one the instance holds) and the InitVar reaches ``__post_init__``."""
    namespace = _load(UNCERTAIN["a ClassVar imported under another name"])
    assert namespace["keep"]() == "rejected"  # the list appended to after is the field
    made = _load(UNCERTAIN["an InitVar imported under another name"])["Plan"]("n", {}, ["A"])
    assert made.excluded == ["A"]


CERTAIN = _with(
    "import datetime\nfrom decimal import Decimal\nfrom typing import ClassVar, Optional\n",
    before="    registry: ClassVar[int] = 0\n    when: 'datetime.date | None'\n",
    after="    price: Optional[Decimal] = None\n    again: 'Plan | None' = None\n",
).replace("cls(name, tiers,", "cls(None, name, tiers,")


def test_builtins_standard_library_names_and_module_classes_still_rewrite() -> None:
    result = apply(CERTAIN, function="judge")
    assert result.changed and "Plan.excluded" in result.summary, result.summary
    values = [v for v in ODD_VALUES if v == v]  # nan is no equal answer to compare
    for items in ODD_ITEMS:
        before, after = _load(CERTAIN), _load(result.source)
        expected = _outcome(before, _rows(items), values)
        assert expected == _outcome(after, _rows(items), values)
        assert not isinstance(expected, str), expected


KW_ONLY_FIELD = (
    PLAN.replace("@dataclass\n", "@dataclass(kw_only=True)\n")
    .replace("field(default_factory=list)", "field(default_factory=list, kw_only=False)")
    .replace("return cls(name, tiers, excluded)", "return cls(excluded, name=name, tiers=tiers)")
)


@pytest.mark.parametrize("where", ["module", "elsewhere"])
def test_a_field_positional_in_a_keyword_only_class_is_checked_at_its_place(where: str) -> None:
    """``field(kw_only=False)`` in a ``@dataclass(kw_only=True)`` class is the one positional
    parameter: ``Plan(kept, ...)`` hands it a list the caller keeps, refused in the module and
    in another module alike (read as keyword-only, the call went unchecked)."""
    call = "Plan(kept, name='n', tiers={})"
    if where == "module":
        source, others = KW_ONLY_FIELD + f"\n\ndef keep(kept):\n    return {call}\n", {}
    else:
        source, others = KW_ONLY_FIELD, {"jobs.py": f"from app import Plan\n\nx = {call}\n"}
    result = apply(source, function="judge", others=others)
    assert result.source == source and not result.changed
    assert "hands excluded `kept`" in result.summary or "hands Plan a list for excluded" in (
        result.summary
    ), result.summary
    namespace = _load(KW_ONLY_FIELD + f"\n\ndef keep(kept):\n    return {call}\n")
    kept = ["A"]
    assert namespace["keep"](kept).excluded is kept
