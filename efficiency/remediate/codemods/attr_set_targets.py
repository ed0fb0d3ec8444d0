"""Small syntax facts the set-membership attribute stages share: which names a target binds,
whether a node is stored to or rebinds a name, a function's first parameter, a decorator's name."""

from __future__ import annotations

import libcst as cst

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
