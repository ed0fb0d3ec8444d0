"""Small syntax facts the set-membership attribute stages share: which names a target binds,
whether a node is stored to or rebinds a name, a function's first parameter, a decorator's name."""

from __future__ import annotations

import libcst as cst

from efficiency.remediate.codemods.new_lists import bound_by
from efficiency.remediate.codemods.pysource import code, walk

_STORES = (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.For, cst.CompFor)


def _bare_targets(node: cst.CSTNode) -> set[str]:
    """The plain names a target (or tuple of targets) binds; not attributes or subscripts."""
    if isinstance(node, cst.Name):
        return {node.value}
    if isinstance(node, cst.Tuple | cst.List):
        return {n for e in node.elements for n in _bare_targets(e.value)}
    if isinstance(node, cst.StarredElement):
        return _bare_targets(node.value)
    return set()


def _rebinds(node: cst.CSTNode, name: str, own: cst.Param | None) -> bool:
    """Does anything under ``node`` bind ``name`` again (besides the parameter ``own``)?"""
    for n in walk(node):
        if isinstance(n, cst.Param) and n is not own and n.name.value == name:
            return True
        if isinstance(n, cst.Global | cst.Nonlocal) and any(i.name.value == name for i in n.names):
            return True
        if isinstance(n, (*_STORES, cst.NamedExpr, cst.Del)) and name in _bare_targets(n.target):
            return True
        if isinstance(n, cst.AsName) and name in _bare_targets(n.name):
            return True
    return False


def _is_stored(node: cst.CSTNode, parents: dict[int, cst.CSTNode]) -> bool:
    """Is ``node`` (an attribute) written or deleted, alone or inside a target tuple/list?"""
    current, parent = node, parents.get(id(node))
    while isinstance(parent, cst.Element | cst.StarredElement | cst.List | cst.Tuple):
        current, parent = parent, parents.get(id(parent))
    if isinstance(parent, (*_STORES, cst.Del)):
        return parent.target is current
    return isinstance(parent, cst.AsName)


_DEFS = (cst.ClassDef, cst.FunctionDef)


def _imported_as(alias: cst.ImportAlias) -> str:
    return alias.evaluated_alias or alias.evaluated_name.split(".")[0]


def _first_param(function: cst.FunctionDef) -> cst.Param | None:
    params = [*function.params.posonly_params, *function.params.params]
    return params[0] if params else None


def _decorator_name(node: cst.Decorator) -> str:
    target = node.decorator.func if isinstance(node.decorator, cst.Call) else node.decorator
    return code(target)


def annotated_class(
    function: cst.FunctionDef, name: str, module: cst.Module
) -> tuple[cst.ClassDef | None, cst.Param | None]:
    """The top-level class of ``module`` that the parameter ``name`` of ``function`` is
    annotated with (``p: Cls``, ``p: "Cls"``, ``p: Cls | None``), and the parameter."""
    params = function.params
    for param in (*params.posonly_params, *params.params, *params.kwonly_params):
        if param.name.value != name or param.annotation is None:
            continue
        shown = param.annotation.annotation
        if isinstance(shown, cst.BinaryOperation) and isinstance(shown.operator, cst.BitOr):
            if code(shown.right) == "None":
                shown = shown.left
            elif code(shown.left) == "None":
                shown = shown.right
        if isinstance(shown, cst.SimpleString):
            spelled = shown.evaluated_value
        else:
            spelled = shown.value if isinstance(shown, cst.Name) else None
        for statement in module.body:
            if isinstance(statement, cst.ClassDef) and statement.name.value == spelled:
                return statement, param
    return None, None


#: dict methods whose first argument is a key
_KEY_METHODS = frozenset({"get", "pop", "setdefault"})


def key_string(node: cst.SimpleString, parents: dict[int, cst.CSTNode]) -> bool:
    """Is the string a dictionary key or a comparison's side (``row["name"]``, ``{"name": 1}``,
    ``d.get("name")``, ``k == "name"``), an item of a display tested with ``in`` (``k in
    ("name", "alias")``) or a bare statement (a docstring), where it reaches no attribute by
    name?"""
    parent = parents.get(id(node))
    grand = parents.get(id(parent))
    if isinstance(parent, cst.Index):  # row["name"]
        return isinstance(grand, cst.SubscriptElement)
    if isinstance(parent, cst.Element) and isinstance(grand, cst.Tuple | cst.List | cst.Set):
        side = parents.get(id(grand))  # the display is what ``in`` searches, nothing else
        return (
            isinstance(side, cst.ComparisonTarget)
            and side.comparator is grand
            and isinstance(side.operator, cst.In | cst.NotIn)
        )
    if isinstance(parent, cst.DictElement) and parent.key is node:
        return True
    if isinstance(parent, cst.Comparison | cst.ComparisonTarget | cst.Expr):
        return True
    call = parents.get(id(parent)) if isinstance(parent, cst.Arg) else None
    return (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Attribute)
        and call.func.attr.value in _KEY_METHODS
        and call.args[0] is parent
        and parent.keyword is None  # type: ignore[union-attr]
    )


def from_dataclasses(module: cst.Module, func: cst.BaseExpression, name: str) -> bool:
    """Is ``func`` ``name`` of :mod:`dataclasses`: ``name`` imported from it unaliased, or
    ``dataclasses.name`` with ``import dataclasses``, that import the only top-level binding?"""
    spelled = code(func)
    if spelled == name:
        local, wanted = name, (cst.ImportFrom, "dataclasses", name)
    elif spelled == f"dataclasses.{name}":
        local, wanted = "dataclasses", (cst.Import, "", "dataclasses")
    else:
        return False
    if [n for s in module.body for n in bound_by(s)].count(local) != 1:
        return False
    for line in module.body:
        stmt = line.body[0] if isinstance(line, cst.SimpleStatementLine) else None
        if not isinstance(stmt, wanted[0]) or isinstance(stmt.names, cst.ImportStar):
            continue
        where = code(stmt.module) if isinstance(stmt, cst.ImportFrom) and stmt.module else ""
        if where == wanted[1] and any(
            a.asname is None and code(a.name) == wanted[2] for a in stmt.names
        ):
            return True
    return False
