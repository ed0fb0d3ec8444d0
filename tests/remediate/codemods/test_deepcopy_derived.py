"""deepcopy-read-only on a copy rebound to ``dataclasses.replace`` of itself: same results, the
table untouched, and the refusals of look-alikes that could keep or change the data."""

from __future__ import annotations

import copy
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
    module = types.ModuleType(f"deepcopy_derived_sample_{next(_counter)}")
    sys.modules[module.__name__] = module
    exec(compile(source, module.__name__, "exec", dont_inherit=True), module.__dict__)
    return module.__dict__


CLASSES = """\
{imports}


@dataclass{frozen}
class Panel:
    code: str
    title: str
    analytes: list[str]
    limits: dict[str, float]
    turnaround_h: int = 24
    tags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Row:
    code: str
    low: float
    due: int


PANELS: dict[str, Panel] = {{
    "BMP": Panel("BMP", "Basic", ["NA", "K"], {{"NA": 135.0, "K": 3.5}}, 6),
    "MISC": Panel("MISC", "Misc", [], {{}}, 48),
}}
"""

FROM_IMPORT = "from copy import deepcopy\nfrom dataclasses import dataclass, field, replace"
MODULE_IMPORT = "import copy\nimport dataclasses\nfrom dataclasses import dataclass, field"

# a classmethod reading a module global with a .get default; the copy rebound in a branch
CLASSMETHOD = """

class Sheet:
    @classmethod
    def build(cls, code: str, stat: bool) -> tuple:
        panel = deepcopy(PANELS.get(code, PANELS["MISC"]))
        if stat:
            panel = replace(panel, turnaround_h=min(panel.turnaround_h, 2))
        rows = []
        for analyte in panel.analytes:
            rows.append(Row(analyte, panel.limits[analyte], panel.turnaround_h))
        return (panel.title, panel.turnaround_h, rows)


def run(code: str, stat: bool) -> tuple:
    return Sheet.build(code, stat)
"""

# dataclasses.replace spelled through the module, on a parameter's table, values taken from the
# copy itself (a slice of its list) and a value read from the rebound name that leaves
QUALIFIED = """

def run(code: str, short: bool, panels: dict[str, Panel] = PANELS) -> tuple:
    p = copy.deepcopy(panels[code])
    if short:
        p = dataclasses.replace(p, analytes=p.analytes[:1], title=p.title + " (short)")
    return (p.title, len(p.analytes), p.analytes)
"""

# rebound twice in a row, then the new object's field returned inside a display
TWICE = """

def run(code: str, stat: bool) -> tuple:
    panel = deepcopy(PANELS[code])
    panel = replace(panel, turnaround_h=panel.turnaround_h * 2)
    if stat:
        panel = replace(panel, turnaround_h=1)
    return (panel.turnaround_h, panel.limits, panel.tags)
"""

SPELLINGS = {
    "classmethod, from-import": (FROM_IMPORT, CLASSMETHOD),
    "qualified, parameter table": (MODULE_IMPORT, QUALIFIED),
    "rebound twice, a field leaves": (FROM_IMPORT, TWICE),
}
CALLS = [("BMP", True), ("BMP", False), ("MISC", True), ("MISC", False), ("NONE", True)]


def _source(spelling: str, frozen: bool) -> str:
    imports, body = SPELLINGS[spelling]
    return CLASSES.format(imports=imports, frozen="(frozen=True)" if frozen else "") + body


def _outcome(module: dict[str, Any], args: tuple[Any, ...]) -> Any:
    try:
        return "value", module["run"](*args)  # compared by repr: each module has its classes
    except Exception as exc:
        return "raised", type(exc).__name__


@pytest.mark.parametrize("frozen", [True, False])
@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
def test_a_copy_rebound_by_replace_of_itself_is_not_copied(spelling: str, frozen: bool) -> None:
    source = _source(spelling, frozen)
    result = DEEP.apply(source)
    assert result.sites == 1, result.summary
    assert "deepcopy(PANELS" not in result.source and "deepcopy(panels" not in result.source
    old, new = load(source), load(result.source)
    table = copy.deepcopy(new["PANELS"])
    for args in CALLS:
        before, after = _outcome(old, args), _outcome(new, args)
        assert repr(before) == repr(after), args
        assert new["PANELS"] == table  # the table itself is never changed
        if after[0] == "value":  # nothing returned is the table's own object
            table_ids = {id(v) for p in new["PANELS"].values() for v in vars(p).values()}
            assert not any(id(v) in table_ids for v in after[1] if not isinstance(v, str | int))


def test_the_rewrite_keeps_the_replace_and_copies_what_leaves() -> None:
    result = DEEP.apply(_source("rebound twice, a field leaves", frozen=True))
    assert "    panel = PANELS[code]\n    memo = {}\n" in result.source
    assert "panel = replace(panel, turnaround_h=panel.turnaround_h * 2)" in result.source
    assert (
        "return (panel.turnaround_h, deepcopy(panel.limits, memo), deepcopy(panel.tags, memo))"
    ) in result.source


def _refused(imports: str, body: str, classes: str = CLASSES) -> str:
    return classes.format(imports=imports, frozen="") + body


POST_INIT = CLASSES.replace(
    "    turnaround_h: int = 24\n",
    "    turnaround_h: int = 24\n\n    def __post_init__(self):\n        self.analytes.sort()\n",
)
ITEM_MUTATED = TWICE.replace("    return (", "    panel.analytes.append('X')\n    return (")
STORED = CLASSMETHOD.replace("        return (", "        cls.last = panel\n        return (")
RETURNED = TWICE.replace("return (panel.turnaround_h, panel.limits, panel.tags)", "return panel")
UNKNOWN = TWICE.replace("panel = replace(panel, turnaround_h=1)", "panel = tweak(panel)")
FOREIGN = (
    "\n\ndef run(code: str, extra: list) -> tuple:\n    p = deepcopy(PANELS[code])\n"
    "    p = replace(p, analytes=extra)\n    return (p.title, p.analytes)\n"
)
PASSED = TWICE.replace(
    "return (panel.turnaround_h, panel.limits, panel.tags)", "return show(panel)"
)

REFUSED = {
    "a default factory that is not a builtin container": (
        _refused(
            FROM_IMPORT, TWICE, CLASSES.replace("default_factory=list", "default_factory=make")
        ),
        "not a field with a literal default",
    ),
    "a default factory whose builtin is rebound": (
        _refused(FROM_IMPORT, TWICE + "\n\ndef list():\n    return PANELS\n"),
        "not a field with a literal default",
    ),
    "replace on a class with __post_init__": (
        _refused(FROM_IMPORT, TWICE, POST_INIT),
        "defines __post_init__",
    ),
    "an item of the rebound copy mutated": (
        _refused(FROM_IMPORT, ITEM_MUTATED),
        "could mutate the data",
    ),
    "the rebound copy stored on the class": (
        _refused(FROM_IMPORT, STORED),
        "assigns to a subscript or attribute",
    ),
    "the rebound copy returned whole": (_refused(FROM_IMPORT, RETURNED), "panel"),
    "a rebinding by an unknown call": (
        _refused(FROM_IMPORT, UNKNOWN),
        "not only to replace(panel, ...)",
    ),
    "replace of a value from elsewhere": (
        _refused(FROM_IMPORT, FOREIGN),
        "not only to replace(p, ...)",
    ),
    "a replace not from dataclasses": (
        _refused(
            "from copy import deepcopy\nfrom dataclasses import dataclass\n"
            "from helpers import replace",
            TWICE,
        ),
        "not only to replace(panel, ...)",
    ),
    "replace rebound in the module": (
        _refused(FROM_IMPORT, TWICE + "\n\ndef replace(p, **kw):\n    p.limits.clear()\n"),
        "panel",
    ),
    "the rebound copy passed to a call": (_refused(FROM_IMPORT, PASSED), "panel"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_leave_the_text_and_say_why(case: str) -> None:
    source, why = REFUSED[case]
    result = DEEP.apply(source)
    assert result.source == source
    assert not result.changed and result.sites == 0
    assert why in result.summary, result.summary
