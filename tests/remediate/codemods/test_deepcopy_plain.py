"""deepcopy-plain: the rewrite, same results before and after, refusals (the helper itself
against copy.deepcopy: ``test_deepcopy_plain_helper``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from efficiency.remediate.codemods import codemod
from efficiency.remediate.other_modules import OtherModules
from tests.remediate.codemods.sample import load, same_results

PLAIN = codemod("deepcopy-plain")

SOURCE = '''\
"""Seasons."""

import copy
import logging

log = logging.getLogger(__name__)


def table_after(season, day):
    snapshot = copy.deepcopy(season)  # the caller keeps its own
    snapshot["rows"].append(day)
    return snapshot


def untouched(season):
    return copy.deepcopy(season)
'''


def test_the_sampled_call_calls_the_helper_added_after_the_imports() -> None:
    result = PLAIN.apply(SOURCE, function="table_after")
    assert result.changed and result.sites == 1
    after = result.source
    head, _, rest = after.partition(
        "\n\n\ndef _make_deepcopy_plain():  # untyped: checkers skip it, its calls type as Any\n"
    )
    assert head == '"""Seasons."""\n\nimport copy\nimport logging'
    assert "\n\n\n_deepcopy_plain = _make_deepcopy_plain()\n\n\nlog = logging" in rest
    assert (
        "    snapshot = _deepcopy_plain(copy.deepcopy, season)  # the caller keeps its own\n"
        in after
    )
    assert "    return copy.deepcopy(season)\n" in after  # another function: left
    assert result.summary.startswith(
        "copy.deepcopy at line(s) 10 in table_after now calls _deepcopy_plain (1 call)"
    )


def test_same_results_before_and_after() -> None:
    after = PLAIN.apply(SOURCE, function="table_after").source
    shared = [1]
    season = {"rows": [shared, shared], "name": "s"}
    same_results(SOURCE, after, "table_after", (season, 3), ({"rows": []}, 1), ({}, 2))
    old, new = load(SOURCE)["table_after"](season, 4), load(after)["table_after"](season, 4)
    assert old == new and season == {"rows": [shared, shared], "name": "s"}
    assert new["rows"][0] is new["rows"][1] and new["rows"][0] is not shared


def test_only_the_sampled_lines_when_they_are_given() -> None:
    result = PLAIN.apply(SOURCE, function="table_after", params={"sampled_lines": [16]})
    assert result.sites == 1  # line 16, in another function, was sampled: rewritten
    assert "return _deepcopy_plain(copy.deepcopy, season)" in result.source
    assert "snapshot = copy.deepcopy(season)" in result.source
    missed = PLAIN.apply(SOURCE, function="table_after", params={"sampled_lines": [11]})
    assert not missed.changed
    assert missed.summary == (
        "deepcopy-plain: nothing to rewrite (no copy.deepcopy call on the sampled lines)"
    )


def test_a_sampled_line_inside_a_call_over_several_lines() -> None:
    source = "import copy\n\n\ndef f(x):\n    return copy.deepcopy(\n        x\n    )\n"
    result = PLAIN.apply(source, params={"sampled_lines": [6]})
    assert "    return _deepcopy_plain(\n        copy.deepcopy, x\n    )\n" in result.source


@pytest.mark.parametrize(
    ("imports", "call"),
    [
        ("import copy as cp", "cp.deepcopy"),
        ("from copy import deepcopy", "deepcopy"),
        ("from copy import deepcopy as dc", "dc"),
        ("import copy, json", "copy.deepcopy"),
    ],
)
def test_each_way_of_importing_deepcopy(imports: str, call: str) -> None:
    source = f"{imports}\n\n\ndef f(x):\n    return {call}(x)\n"
    result = PLAIN.apply(source, function="f")
    assert result.changed and f"    return _deepcopy_plain({call}, x)\n" in result.source
    value = {"a": [1, (2, [3])]}
    same_results(source, result.source, "f", (value,), ([value, value],))


def test_a_second_run_reuses_the_helper() -> None:
    source = SOURCE.replace("def untouched", "def other")
    once = PLAIN.apply(source, function="table_after").source
    twice = PLAIN.apply(once, function="other")
    assert twice.changed and twice.source.count("def _make_deepcopy_plain") == 1
    assert "    return _deepcopy_plain(copy.deepcopy, season)\n" in twice.source
    load(twice.source)


def test_taken_names_get_a_suffix() -> None:
    source = SOURCE + "\n\ndef _deepcopy_plain():\n    return 1\n"
    after = PLAIN.apply(source, function="table_after").source
    assert "def _make_deepcopy_plain_2():  # untyped" in after
    assert "_deepcopy_plain_2 = _make_deepcopy_plain_2()" in after
    assert "snapshot = _deepcopy_plain_2(copy.deepcopy, season)" in after
    assert load(after)["_deepcopy_plain"]() == 1


def test_the_helper_goes_above_a_project_import() -> None:
    """A module of the project may import this one back and call it during its import."""
    source = (
        "import copy\nimport json\nimport app.models\n\n\ndef f(x):\n    return copy.deepcopy(x)\n"
    )
    after = PLAIN.apply(source).source
    assert after.startswith("import copy\nimport json\n\n\ndef _make_deepcopy_plain()")
    assert "_make_deepcopy_plain()\n\n\nimport app.models\n" in after


LOCAL = "copy is bound otherwise as well (a local or a second binding)"
REFUSED = [
    ("from mylib import copy\n\ndef f(x):\n    return copy.deepcopy(x)\n",
     "copy is not copy or copy.deepcopy imported at the module's top level"),
    ("def f(x):\n    import copy\n    return copy.deepcopy(x)\n",
     "copy is not copy or copy.deepcopy imported at the module's top level"),
    ("import copy\n\ndef f(x, copy=copy):\n    return copy.deepcopy(x)\n", LOCAL),
    ("import copy\n\ndef f(x):\n    global copy\n    copy = x\n    return copy.deepcopy(x)\n",
     LOCAL),
    ("import copy\nimport copy\n\ndef f(x):\n    return copy.deepcopy(x)\n", LOCAL),
    ("import copy\n\ndef f(x):\n    return copy.deepcopy(x)\n\ndel copy\n",
     "copy is deleted in the module"),
    ("import copy\nfrom shapes import *\n\ndef f(x):\n    return copy.deepcopy(x)\n",
     "the module star-imports from shapes"),
    ("try:\n    import copy\nexcept ImportError:\n    pass\n\ndef f(x):\n"
     "    return copy.deepcopy(x)\n",
     "copy is not copy or copy.deepcopy imported at the module's top level"),
    ("import copy\n\ndef f(x, m):\n    return copy.deepcopy(x, m)\n",
     "not one positional argument (a memo, a keyword or * is left to copy)"),
    ("import copy\n\ndef f(x, m):\n    return copy.deepcopy(x, memo=m)\n",
     "not one positional argument (a memo, a keyword or * is left to copy)"),
    ("import copy\n\ndef f(args):\n    return copy.deepcopy(*args)\n",
     "not one positional argument (a memo, a keyword or * is left to copy)"),
    ("from copy import deepcopy\n\ndef f(x):\n    deepcopy = print\n    return deepcopy(x)\n",
     LOCAL.replace("copy", "deepcopy", 1)),
    ("import copy\n\ndef f(x):\n    return x\n\ndef g(x):\n    return copy.deepcopy(x)\n",
     "no copy.deepcopy call on the selected code"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "why"), REFUSED)
def test_refusals(source: str, why: str) -> None:
    result = PLAIN.apply(source, function="f")
    assert not result.changed and result.source == source
    assert why in result.summary, result.summary


def test_a_call_that_runs_before_the_existing_helper_is_refused() -> None:
    once = PLAIN.apply(SOURCE, function="table_after").source
    early = once.replace("import logging\n", "import logging\nEARLY = copy.deepcopy([1])\n", 1)
    result = PLAIN.apply(early, params={"sampled_lines": [5]})
    assert not result.changed
    assert "line 5: runs at import, before the helper would be defined" in result.summary


def test_a_copy_module_of_the_repository_is_refused(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "jobs.py").write_text(SOURCE)
    params = {"other_modules": OtherModules(tmp_path, "app/jobs.py")}
    assert PLAIN.apply(SOURCE, function="table_after", params=params).changed
    (tmp_path / "copy.py").write_text("")
    result = PLAIN.apply(SOURCE, function="table_after", params=params)
    assert not result.changed
    assert "copy.py may be imported as copy instead of the standard one" in result.summary


def test_bad_sampled_lines_are_a_value_error() -> None:
    with pytest.raises(ValueError, match="sampled_lines"):
        PLAIN.apply(SOURCE, params={"sampled_lines": ["10"]})
