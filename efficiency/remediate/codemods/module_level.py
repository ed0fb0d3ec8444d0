"""Module-level names for codemods: whether a name is free, adding an import and new statements
after the imports, and the string constants a module binds."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import libcst as cst

from efficiency.remediate.codemods.pysource import code, literal_value, walk


def name_free(module: cst.Module, name: str) -> bool:
    """Is ``name`` neither bound nor used in ``module`` (module paths of ``from`` imports and
    attribute names aside)?"""
    skip: set[int] = set()
    for node in walk(module):
        if isinstance(node, cst.ImportFrom) and node.module is not None:
            skip |= {id(n) for n in walk(node.module)}
        elif isinstance(node, cst.Attribute):
            skip.add(id(node.attr))
    return not any(
        isinstance(n, cst.Name) and n.value == name and id(n) not in skip for n in walk(module)
    )


def with_import(module: cst.Module, name: str) -> cst.Module:
    """``module`` with ``import <name>`` after its leading docstring and imports."""
    body = list(module.body)
    at = 0
    for index, stmt in enumerate(body):
        if not isinstance(stmt, cst.SimpleStatementLine):
            break
        if all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body) or (
            index == 0 and isinstance(stmt.body[0], cst.Expr)
        ):
            at = index + 1
        else:
            break
    line = cst.SimpleStatementLine(body=[cst.Import(names=[cst.ImportAlias(cst.Name(name))])])
    return module.with_changes(body=[*body[:at], line, *body[at:]])


def module_string_constants(module: cst.Module) -> dict[str, tuple[str | bytes, int]]:
    """Names bound at module level by ``NAME = <str or bytes literal>`` → (value, index)."""
    found: dict[str, tuple[str | bytes, int]] = {}
    for index, stmt in enumerate(module.body):
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
            continue
        small = stmt.body[0]
        value = None
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            target, value = small.targets[0].target, small.value
        elif isinstance(small, cst.AnnAssign) and small.value is not None:
            target, value = small.target, small.value
        if value is None or not isinstance(target, cst.Name):
            continue
        literal = literal_value(value)
        if literal is not None:
            found[target.value] = (literal, index)
    return found


@dataclass(frozen=True)
class TopImport:
    """A name a module-level import statement binds to a standard module or to a name in it."""

    local: str  #: the name bound in the module
    target: str  #: ``re`` for the module itself, ``re.compile`` for a name imported from it
    index: int  #: the statement's index in the module's body
    node: cst.Import | cst.ImportFrom


def top_imports(module: cst.Module, name: str) -> list[TopImport]:
    """What the module's own top-level statements import of the module ``name`` (one plain
    name: ``re``, ``copy``), in order: ``import name [as x]`` and ``from name import a [as
    b]`` (absolute, not ``*``)."""
    found: list[TopImport] = []
    for index, stmt in enumerate(module.body):
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    if isinstance(alias.name, cst.Name) and alias.name.value == name:
                        found.append(TopImport(alias.evaluated_alias or name, name, index, small))
            elif (
                isinstance(small, cst.ImportFrom)
                and not small.relative
                and isinstance(small.module, cst.Name)
                and small.module.value == name
                and not isinstance(small.names, cst.ImportStar)
            ):
                for alias in small.names:
                    local = alias.evaluated_alias or alias.evaluated_name
                    found.append(TopImport(local, f"{name}.{alias.evaluated_name}", index, small))
    return found


def module_import(module: cst.Module, name: str) -> int | None:
    """The index of the module-level ``import <name>`` statement (no alias), if any."""
    for index, stmt in enumerate(module.body):
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Import) and any(
                    isinstance(a.name, cst.Name) and a.name.value == name and a.asname is None
                    for a in small.names
                ):
                    return index
    return None


def insert_after_imports(module: cst.Module, index: int, lines: list[str]) -> cst.Module:
    """``lines`` as statements after the run of import statements that holds ``index``,
    ``import`` lines first, the others after a blank line."""
    body = list(module.body)
    index = end_of_imports(module, index)
    made = []
    for number, line in enumerate(lines):
        stmt = cst.parse_statement(line + "\n")
        if not line.startswith("import ") and number == len(lines) - 1:
            stmt = stmt.with_changes(leading_lines=[cst.EmptyLine()])
        made.append(stmt)
    following = body[index + 1 :]
    if following and not following[0].leading_lines:
        following[0] = following[0].with_changes(leading_lines=[cst.EmptyLine()])
    return module.with_changes(body=[*body[: index + 1], *made, *following])


def end_of_imports(module: cst.Module, index: int) -> int:
    """The index of the last statement in the run of import statements that holds ``index``."""
    while index + 1 < len(module.body) and is_import_line(module.body[index + 1]):
        index += 1
    return index


def is_import_line(stmt: cst.BaseStatement) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(small, (cst.Import, cst.ImportFrom)) for small in stmt.body
    )


#: calls that can bind any module-level name by its text (``vars`` only without arguments)
_BINDS_BY_TEXT = frozenset({"exec", "globals", "vars"})


def hidden_binding(module: cst.Module, names: Iterable[str]) -> str | None:
    """Why one of ``names`` may be bound at module level in a way libcst's scope analysis
    misses, else None: a star import (but struct's, whose ``__all__`` is fixed), a ``match``
    capture (``case name``, ``*name``, ``**name``, ``as name``), a ``:=`` (in a comprehension
    it binds the enclosing scope's name), or a call of exec, globals or ``vars()`` (any name,
    by its text)."""
    wanted = set(names)
    for node in walk(module):
        if isinstance(node, cst.ImportFrom) and isinstance(node.names, cst.ImportStar):
            source = code(node.module) if node.module is not None else "."
            if source != "struct":
                return f"the module star-imports from {source}"
        elif isinstance(node, cst.MatchAs | cst.MatchStar) and node.name is not None:
            if node.name.value in wanted:
                return f"a match pattern binds {node.name.value}"
        elif isinstance(node, cst.MatchMapping) and node.rest is not None:
            if node.rest.value in wanted:
                return f"a match pattern binds {node.rest.value}"
        elif isinstance(node, cst.NamedExpr) and isinstance(node.target, cst.Name):
            if node.target.value in wanted:
                return f"a := binds {node.target.value}"
        elif (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Name)
            and node.func.value in _BINDS_BY_TEXT
            and (node.func.value != "vars" or not node.args)
        ):
            return f"the module calls {node.func.value}(), which can bind any name"
    return None
