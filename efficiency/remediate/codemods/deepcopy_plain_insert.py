"""Where ``deepcopy-plain`` puts its helper (:mod:`.deepcopy_plain_helper`): its statements,
the one a run before added (reused), the place after the imports that nothing can call the
rewritten code before."""

from __future__ import annotations

import inspect
import sys
from itertools import pairwise

import libcst as cst

from efficiency.remediate.codemods.deepcopy_plain_helper import _make_deepcopy_plain
from efficiency.remediate.codemods.module_level import is_import_line
from efficiency.remediate.codemods.pysource import code

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


def insert_at(module: cst.Module, index: int) -> int:
    """After the copy import at ``index`` and the import lines right after it that import only
    the standard library (a module of the project might import this one back and call into it
    before the helper exists)."""
    while index + 1 < len(module.body) and _stdlib_imports(module.body[index + 1]):
        index += 1
    return index


def _stdlib_imports(stmt: cst.BaseStatement) -> bool:
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
    return all(t in sys.stdlib_module_names or t == "__future__" for t in tops)


def spaced(stmt: cst.BaseStatement) -> cst.BaseStatement:
    """``stmt`` with at least two blank lines above it (its comments stay on it)."""
    lines = list(stmt.leading_lines)
    blank = 0
    while blank < len(lines) and lines[blank].comment is None:
        blank += 1
    return stmt.with_changes(leading_lines=[cst.EmptyLine()] * max(2 - blank, 0) + lines)
