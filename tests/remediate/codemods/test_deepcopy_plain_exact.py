"""deepcopy-plain against the original where the helper once differed from copy.deepcopy or
the rewrite from the original call: each module runs before and after the rewrite and what it
observes (results, the hooks that ran, exceptions) must be the same."""

from __future__ import annotations

import ast
import builtins
import copy
import inspect
import sys
import types
from pathlib import Path
from typing import Any

from efficiency.remediate.codemods import codemod
from efficiency.remediate.codemods.deepcopy_plain_helper import _make_deepcopy_plain
from efficiency.remediate.other_modules import OtherModules
from tests.remediate.codemods.sample import load

PLAIN = codemod("deepcopy-plain")


def _both(source: str, *args: Any) -> tuple[Any, Any]:
    """``run(*args)`` of the module before and after the rewrite (or the exception's type and
    message)."""
    after = PLAIN.apply(source, function="run")
    assert after.changed, after.summary
    return _outcome(load(source), args), _outcome(load(after.source), args)


def _outcome(namespace: dict[str, Any], args: tuple[Any, ...]) -> Any:
    try:
        return namespace["run"](*args)
    except Exception as exc:
        return type(exc).__name__, str(exc)


DICT_SUBCLASS = """
import copy


class Logged(dict):
    def __contains__(self, key):
        LOG.append(("in", key))
        return dict.__contains__(self, key)

    def __len__(self):
        LOG.append("len")
        return dict.__len__(self)


class Plain:
    pass


LOG = []


def run():
    item = Plain()
    item.__dict__ = Logged(v=[1])
    made = copy.deepcopy([item, item])
    return LOG, type(vars(made[0])).__name__, made[0].v, made[0] is made[1]
"""


def test_an_instance_dict_of_a_dict_subclass_runs_none_of_its_methods() -> None:
    """copy reads the instance dict in C; the helper asked it ``in`` and ``len``."""
    before, after = _both(DICT_SUBCLASS)
    assert before == after == ([], "dict", [1], True)


FOREIGN_DESCRIPTOR = """
import copy


class Other:
    pass


class Borrowed:
    __dict__ = vars(Other)["__dict__"]


class Hooked:
    def __deepcopy__(self, memo):
        LOG.append("hook")
        return "copied"


LOG = []


def run():
    item = Borrowed()
    object.__setattr__(item, "v", Hooked())
    try:
        copy.deepcopy(item)
    except TypeError as exc:
        return LOG, str(exc)
    return LOG, None
"""


def test_a_borrowed_dict_descriptor_fails_after_the_hooks_copy_runs() -> None:
    """copy copies the state (running its hooks) before ``y.__dict__`` fails; the helper read
    ``x.__dict__`` first and failed before any hook."""
    before, after = _both(FOREIGN_DESCRIPTOR)
    assert before == after
    assert before[0] == ["hook"] and "doesn't apply to a 'Borrowed' object" in before[1]


PATCHED = """
import copy
from unittest import mock


def run():
    with mock.patch("copy.deepcopy", lambda x, memo=None: ("mocked", x)):
        return copy.deepcopy([1])
"""

FROM_IMPORT = """
from copy import deepcopy


def run():
    return deepcopy({"a": [1]})
"""


def test_a_patched_or_mocked_deepcopy_is_still_called() -> None:
    before, after = _both(PATCHED)
    assert before == after == ("mocked", [1])
    rewritten = load(PLAIN.apply(FROM_IMPORT, function="run").source)
    rewritten["deepcopy"] = lambda x: "the module's own deepcopy now"  # mock.patch("m.deepcopy")
    assert rewritten["run"]() == "the module's own deepcopy now"


TABLE_REBOUND = """
import copy


class Point:
    def __init__(self):
        self.v = [1]


def run():
    saved = copy.dispatch_table
    copy.dispatch_table = {Point: lambda p: (str, ("via copy's dispatch_table",))}
    try:
        return copy.deepcopy([Point()])
    finally:
        copy.dispatch_table = saved
"""


def test_copy_s_own_dispatch_table_is_the_one_read() -> None:
    before, after = _both(TABLE_REBOUND)
    assert before == after == ["via copy's dispatch_table"]


SHADOWED_BUILTINS = """
import copy

id = "an id"


def run():
    shared = [1]
    made = copy.deepcopy(((shared, shared), {"k": (2, "x")}))
    return made, made[0][0] is made[0][1], made[0][0] is not shared


def list():
    return "a command named list"


def map(*args):
    return []
"""


def test_the_module_s_globals_do_not_stand_in_for_builtins() -> None:
    before, after = _both(SHADOWED_BUILTINS)
    assert before == after == ((([1], [1]), {"k": (2, "x")}), True, True)


def test_every_builtin_the_helper_reads_is_bound_inside_it() -> None:
    tree = ast.parse(inspect.getsource(_make_deepcopy_plain))
    bound = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
             for a in n.names if n.module == "builtins"}  # fmt: skip
    read = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and hasattr(builtins, n.id)}
    assert read <= bound, read - bound


DEFAULT_COPY = """
import copy


def run():
    return copy.deepcopy([[1], (2, [3])])
"""


def test_a_copy_module_that_is_not_the_standard_library_s_is_only_called() -> None:
    after = PLAIN.apply(DEFAULT_COPY, function="run").source
    fake = types.ModuleType("copy")
    fake.deepcopy = lambda x, memo=None: ("fake", x)  # type: ignore[attr-defined]
    real = sys.modules["copy"]
    sys.modules["copy"] = fake
    try:
        before, rewritten = load(DEFAULT_COPY), load(after)
    finally:
        sys.modules["copy"] = real
    assert before["run"]() == rewritten["run"]() == ("fake", [[1], (2, [3])])


def test_a_dispatch_entry_replaced_before_the_helper_is_made_is_used() -> None:
    after = PLAIN.apply(DEFAULT_COPY, function="run").source
    saved = copy._deepcopy_dispatch[list]  # type: ignore[attr-defined]
    copy._deepcopy_dispatch[list] = lambda x, memo: "a list copier"  # type: ignore[attr-defined]
    try:
        assert load(DEFAULT_COPY)["run"]() == load(after)["run"]() == "a list copier"
    finally:
        copy._deepcopy_dispatch[list] = saved  # type: ignore[attr-defined]


def test_a_statement_on_the_copy_import_line_may_call_the_rewritten_code() -> None:
    source = "def run(x):\n    return copy.deepcopy(x)\n\n\nimport copy; EARLY = run([1])\n"
    assert load(source)["EARLY"] == [1]
    result = PLAIN.apply(source, function="run")
    assert not result.changed, result.summary
    assert "line 5: the statement importing copy runs more than standard-library" in (
        result.summary
    )


def test_a_project_module_named_like_the_standard_library_s_comes_after_the_helper(
    tmp_path: Path,
) -> None:
    """``import secrets`` may import the project's secrets.py, which may import this module
    back and call the rewritten function before the helper exists."""
    source = "import copy\nimport secrets\n\n\ndef run(x):\n    return copy.deepcopy(x)\n"
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "jobs.py").write_text(source)
    (tmp_path / "app" / "secrets.py").write_text("")
    params = {"other_modules": OtherModules(tmp_path, "app/jobs.py")}
    after = PLAIN.apply(source, function="run", params=params).source
    assert after.startswith(
        "import copy\n\n\ndef _make_deepcopy_plain():  # untyped: checkers skip it, "
        "its calls type as Any\n"
    )
    assert "_deepcopy_plain = _make_deepcopy_plain()\n\n\nimport secrets\n" in after


def test_a_second_run_refuses_a_helper_name_bound_otherwise() -> None:
    once = PLAIN.apply(DEFAULT_COPY, function="run").source
    source = once + "\n\ndef other(_deepcopy_plain):\n    return copy.deepcopy([_deepcopy_plain])\n"
    result = PLAIN.apply(source, function="other")
    assert not result.changed
    assert "_deepcopy_plain, the helper a run before added, is bound otherwise" in result.summary


def test_a_second_run_over_every_line_finds_nothing_left() -> None:
    once = PLAIN.apply(DEFAULT_COPY, function="run").source
    result = PLAIN.apply(once, params={"sampled_lines": list(range(1, once.count("\n") + 1))})
    assert result.summary == (
        "deepcopy-plain: nothing to rewrite (no copy.deepcopy call on the sampled lines)"
    )


def test_a_generator_argument_gets_the_parentheses_it_needs_beside_another() -> None:
    source = "import copy\n\n\ndef run(items):\n    return copy.deepcopy(v for v in items)\n"
    after = PLAIN.apply(source, function="run")
    assert after.changed, after.summary
    assert "    return _deepcopy_plain(copy.deepcopy, (v for v in items))\n" in after.source
    before, now = _outcome(load(source), ([1],)), _outcome(load(after.source), ([1],))
    assert before == now and before[0] == "TypeError"  # a generator cannot be copied


def test_a_call_in_a_class_body_is_said_to_be_at_module_level() -> None:
    source = "import copy\n\nD = {'a': [1]}\n\n\nclass C:\n    d = copy.deepcopy(D)\n"
    result = PLAIN.apply(source, params={"sampled_lines": [7]})
    assert result.summary.startswith("copy.deepcopy at line(s) 7 at module level now calls")
