"""Where ``deepcopy-plain`` puts its helper (:mod:`.deepcopy_plain_helper`): its statements,
the one a run before added (reused), the place after the imports that nothing can call the
rewritten code before."""

from __future__ import annotations

import inspect
import sys
from itertools import pairwise
from pathlib import Path
from typing import Any

import libcst as cst

from efficiency.remediate.codemods.deepcopy_plain_helper import _make_deepcopy_plain
from efficiency.remediate.codemods.module_level import is_import_line
from efficiency.remediate.codemods.pysource import code, walk

FACTORY = "_make_deepcopy_plain"
HELPER = "_deepcopy_plain"


def helper_statements(factory: str, helper: str) -> list[cst.BaseStatement]:
    """The helper's definition under ``factory`` and the line binding ``helper`` to it."""
    source = inspect.getsource(_make_deepcopy_plain).replace(f"def {FACTORY}(", f"def {factory}(")
    made = cst.parse_module(f"{source}\n\n{helper} = {factory}()\n")
    first, bind = made.body
    blank = [cst.EmptyLine()] * 2
    return [first.with_changes(leading_lines=blank), bind.with_changes(leading_lines=blank)]


def existing_helper(module: cst.Module) -> tuple[str, int] | None:
    """The name bound to the helper a run before added to ``module`` (if it is still there as
    it was added) and the index of the statement binding it."""
    body = module.body
    for index, (first, bind) in enumerate(pairwise(body)):
        if not isinstance(first, cst.FunctionDef) or not first.name.value.startswith(FACTORY):
            continue
        factory = first.name.value
        added = helper_statements(factory, "_")
        if code(first.with_changes(leading_lines=[])) != code(
            added[0].with_changes(leading_lines=[])
        ):
            continue
        small = bind.body[0] if isinstance(bind, cst.SimpleStatementLine) else None
        if (
            isinstance(small, cst.Assign)
            and len(small.targets) == 1
            and isinstance(small.targets[0].target, cst.Name)
            and code(small.value) == f"{factory}()"
        ):
            return small.targets[0].target.value, index + 1
    return None


def insert_at(module: cst.Module, index: int, params: dict[str, Any]) -> int:
    """After the copy import at ``index`` and the import lines right after it that import only
    the standard library (a module of the project might import this one back and call into it
    before the helper exists)."""
    while index + 1 < len(module.body) and stdlib_imports(module.body[index + 1], params):
        index += 1
    return index


def stdlib_imports(stmt: cst.BaseStatement, params: dict[str, Any]) -> bool:
    """Does ``stmt`` only import modules of the standard library (none that a module of the
    repository named alike may stand in for)?"""
    if not is_import_line(stmt):
        return False
    assert isinstance(stmt, cst.SimpleStatementLine)
    tops = []
    for small in stmt.body:
        if isinstance(small, cst.Import):
            tops += [code(a.name).split(".")[0] for a in small.names]
        elif isinstance(small, cst.ImportFrom):
            if small.relative or small.module is None:
                return False
            tops.append(code(small.module).split(".")[0])
    return all(
        t == "__future__" or (t in sys.stdlib_module_names and shadowing(params, t) is None)
        for t in tops
    )


def shadowing(params: dict[str, Any], name: str) -> str | None:
    """A module ``name`` of the repository in the rewritten file's folder or above it, which
    ``import name`` may find before the standard library's, else None."""
    others = params.get("other_modules")
    if others is None:
        return None
    tree = Path(others.tree)
    folder = (tree / others.path).parent
    while True:
        for candidate in (folder / f"{name}.py", folder / name / "__init__.py"):
            if candidate.is_file():
                return candidate.relative_to(tree).as_posix()
        if folder == tree or tree not in folder.parents:
            return None
        folder = folder.parent


def rebound(module: cst.Module, helper: str) -> str | None:
    """Why the name of the helper a run before added may not be that helper where a new call
    would use it (any other use of the name: a local, a parameter, a second binding), else
    None."""
    calls = {id(n.func) for n in walk(module) if isinstance(n, cst.Call)}
    binds = 0
    for node in walk(module):
        if isinstance(node, cst.Assign) and code(node.value).startswith(FACTORY):
            binds += any(code(t.target) == helper for t in node.targets)
    uses = [n for n in walk(module) if isinstance(n, cst.Name) and n.value == helper]
    if binds != 1 or len([n for n in uses if id(n) not in calls]) != 1:
        return f"{helper}, the helper a run before added, is bound otherwise as well"
    return None


def spaced(stmt: cst.BaseStatement) -> cst.BaseStatement:
    """``stmt`` with at least two blank lines above it (its comments stay on it)."""
    lines = list(stmt.leading_lines)
    blank = 0
    while blank < len(lines) and lines[blank].comment is None:
        blank += 1
    return stmt.with_changes(leading_lines=[cst.EmptyLine()] * max(2 - blank, 0) + lines)
