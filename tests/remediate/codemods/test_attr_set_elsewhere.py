"""set-membership, a public list attribute (a dataclass field whose class is public too) and the
repository's other modules: let through when they only read the list (``sorted(p.excluded)``,
``set(...)``, ``in``, a loop, ``row["excluded"]`` as a dictionary key) and build the class only
through its classmethods or with new lists; refused when one changes it, keeps it, reaches it by
name, builds the class with a list it keeps or by another road (a subclass, ``type(p)(...)``,
``replace(p, **kw)``, ``.__init__``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from efficiency.remediate.codemods import codemod
from efficiency.remediate.other_modules import OtherModules
from tests.remediate.codemods.sample import LooseEq, load, same_results
from tests.remediate.codemods.test_attr_set_fields import ODD_ITEMS, PLAN, _rows

SET = codemod("set-membership")

# the dev program's other modules: a workload and a test that read the list and build the
# class through its classmethod
WORKLOAD = """\
from app import Plan, judge


def make_input(rows) -> tuple[list[str], Plan]:
    for row in rows:
        row["excluded"] = row.get("excluded", False)
    plan = Plan.from_rows("p", rows)
    excluded = sorted(plan.excluded)
    return excluded + [c for c in plan.excluded if c in plan.excluded], plan


def run(data: tuple[list[str], Plan]):
    codes, plan = data
    return [judge(c, plan) for c in codes]
"""
TEST = """\
from app import Plan as P


def test_loading():
    plan = P.from_rows("t", [{"code": "A", "excluded": True}])
    assert set(plan.excluded) == {"A"} and len(plan.excluded) == 1 and plan.excluded[0] == "A"
    assert isinstance(plan, (P, dict)) and "excluded" in {"excluded": 1}
    assert P("n", {}, ["B"]) != P("n", {}, excluded=sorted("B"))
    \"\"\"Checks that excluded is read.\"\"\"
"""


def _apply(tmp_path: Path, others: dict[str, str], source: str = PLAN) -> tuple[str, str]:
    (tmp_path / "app.py").write_text(source)
    for rel, text in others.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    result = SET.apply(source, params={"other_modules": OtherModules(tmp_path, "app.py")})
    return result.source, result.summary


def test_modules_that_only_read_it_and_build_it_fresh_let_it_through(tmp_path: Path) -> None:
    after, summary = _apply(tmp_path, {"workload.py": WORKLOAD, "tests/test_app.py": TEST})
    assert after != PLAN, summary
    assert (
        "excluded is public; other modules of the repository only read it (tests/test_app.py, "
        "workload.py; code outside the repository could still change it in place); Plan takes "
        "excluded from its caller; the repository's other modules build it only with new lists"
    ) in summary
    for items in ODD_ITEMS:
        same_results(PLAN, after, "run", (_rows(items), ["A", 1, LooseEq(), "T"]))


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("def f(p):\n    p.excluded.append('X')\n", "uses .excluded other than to read it"),
        ("def f(p):\n    p.excluded += ['X']\n", "stores or deletes .excluded"),
        ("def f(p):\n    return p.excluded\n", "uses .excluded other than to read it (Return)"),
        ("def f(p):\n    keep(p.excluded)\n", "uses .excluded other than to read it (Call)"),
        ("sorted = list.sort\n\ndef f(p):\n    sorted(p.excluded)\n", "other than to read it"),
        ("def f(p):\n    return getattr(p, 'excluded')\n", "spells 'excluded' where it could"),
        ("def f(p):\n    eval('p.excluded.clear()')\n", "spells excluded inside the string"),
        ("from app import Plan\n\nx = Plan('n', {}, KEPT)\n", "hands Plan a list for excluded"),
        ("from app import Plan\n\nx = Plan('n', {}, excluded=KEPT)\n", "passes excluded="),
        # not iterable: the set made at construction would raise where the test only would
        ("from app import Plan\n\nx = Plan('n', {}, excluded=None)\n", "passes excluded="),
        ("from app import Plan\n\nx = Plan(*ARGS)\n", "builds Plan with * or ** arguments"),
        ("import app\n\nx = app.Plan(**KW)\n", "builds Plan with * or ** arguments"),
        ("from app import Plan\n\nclass Sub(Plan):\n    pass\n", "uses Plan as a value"),
        ("from app import Plan\n\nmake = Plan\n", "uses Plan as a value"),
        ("def f(p, kept):\n    return type(p)('n', {}, kept)\n", "calls type(...)"),
        ("def f(p, kept):\n    make = type(p)\n    return make('n', {}, kept)\n", "calls type("),
        ("import dataclasses\n\ndef f(p, kw):\n    return dataclasses.replace(p, **kw)\n",
         "calls replace(..., **...)"),
        ("def f(p, kept):\n    p.__init__('n', {}, kept)\n", "reaches .__init__"),
    ],
)  # fmt: skip
def test_refused_when_another_module_may_change_it(tmp_path: Path, text: str, why: str) -> None:
    after, summary = _apply(tmp_path, {"jobs.py": text})
    assert after == PLAN, summary
    assert "is public and jobs.py names it: it could change the list in place" in summary
    assert why in summary, summary


def test_super_init_and_a_template_saying_type_are_no_other_road(tmp_path: Path) -> None:
    others = {
        "base.py": "class B(dict):\n    def __init__(self):\n        super().__init__()\n",
        "templates/form.html": '<input type="text" name="{{ name }}">',
    }
    after, _ = _apply(tmp_path, others)
    assert after != PLAN
    after, summary = _apply(tmp_path, {"templates/list.html": "{{ plan.excluded }}"})
    assert after == PLAN and "templates/list.html names it" in summary


def test_a_python_file_that_does_not_parse_refuses_where_it_could_remake(tmp_path: Path) -> None:
    after, summary = _apply(tmp_path, {"fast.pyx": "cdef f(p):\n    return type(p)(1)\n"})
    assert after == PLAN and "fast.pyx names it" in summary, summary


def test_a_private_class_and_field_need_no_repository() -> None:
    source = PLAN.replace("Plan", "_Plan").replace("excluded", "_excluded")
    source = source.replace('row.get("_excluded")', 'row.get("excluded")')
    result = SET.apply(source)
    assert result.changed and "public" not in result.summary, result.summary
    for items in ODD_ITEMS:
        same_results(source, result.source, "run", (_rows(items), ["A", 1, "T"]))


def test_a_public_class_needs_the_repository_even_for_a_private_field() -> None:
    source = PLAN.replace("excluded", "_excluded").replace('row.get("_excluded")', 'row.get("x")')
    result = SET.apply(source)
    assert not result.changed
    assert "Plan takes _excluded from its caller: another module could change" in result.summary


def test_a_class_pattern_elsewhere_that_binds_the_list_refuses(tmp_path: Path) -> None:
    """``case object(excluded=kept)`` names the attribute by no ``.excluded``: it hands the list
    itself to ``kept``, which could change it behind the set."""
    text = (
        "def f(p):\n    match p:\n        case object(excluded=kept):\n            kept.append(1)\n"
    )
    after, summary = _apply(tmp_path, {"jobs.py": text})
    assert after == PLAN
    assert "jobs.py names it" in summary and "a class pattern binds .excluded" in summary, summary


def test_another_module_using_the_sets_name_refuses(tmp_path: Path) -> None:
    """An attribute ``excluded_set`` another module stores on the instance would overwrite the
    set (and the guard would index what it stored), so the name must be free there too."""
    after, summary = _apply(tmp_path, {"jobs.py": "def f(p):\n    p.excluded_set = {'Q'}\n"})
    assert after == PLAN
    assert "the set's name, excluded_set, is used elsewhere (jobs.py names it)" in summary, summary


@pytest.mark.parametrize(
    "text",
    [
        "def f(p):\n    for v in p.__getstate__().values():\n        v.append(1)\n",
        "def f(p):\n    p.__reduce_ex__(2)[2]['excluded'].append(1)\n",
    ],
)
def test_the_pickling_hooks_elsewhere_hand_out_the_list_and_refuse(
    tmp_path: Path, text: str
) -> None:
    """``__getstate__``/``__reduce_ex__`` give the instance's attribute values (the list itself)
    without a ``.excluded``: they count as reaching every attribute by name."""
    after, summary = _apply(tmp_path, {"jobs.py": text})
    assert after == PLAN
    assert "jobs.py reaches attributes by a computed name (__" in summary, summary


def test_the_pickling_hooks_in_the_module_refuse() -> None:
    source = PLAN + "\n\ndef spoil(p):\n    p.__getstate__()['excluded'].append('X')\n"
    result = SET.apply(source, params={"other_modules": None})
    assert result.source == source
    assert "the module may reach attributes by name" in result.summary, result.summary
    namespace = load(source)
    made = namespace["Plan"]("n", {}, ["A"])
    namespace["spoil"](made)
    assert made.excluded == ["A", "X"]  # the state's list is the field's
