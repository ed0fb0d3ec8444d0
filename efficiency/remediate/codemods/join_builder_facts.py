"""What a module shows about names and attributes, for
:mod:`efficiency.remediate.codemods.join_builder`: the names a scope binds, the modules it
imports, the defs that store an attribute."""

from __future__ import annotations

import libcst as cst

from efficiency.remediate.codemods.pysource import code, walk


def callee(func: cst.BaseExpression) -> str | None:
    """The name a call's function goes by: ``f`` for ``f(...)`` and ``x.f(...)``."""
    if isinstance(func, cst.Name):
        return func.value
    return func.attr.value if isinstance(func, cst.Attribute) else None


def storers(module: cst.Module, attr: str) -> set[str]:
    """The module's functions and classes that store ``.attr`` (or call, by name, one that
    does)."""
    defs = [d for d in walk(module) if isinstance(d, cst.FunctionDef | cst.ClassDef)]

    def stores(d: cst.CSTNode) -> bool:
        for n in walk(d):
            targets: list[cst.CSTNode] = []
            if isinstance(n, cst.AugAssign | cst.AnnAssign):
                targets = [n.target]
            elif isinstance(n, cst.Assign):
                targets = [t.target for t in n.targets]
            elif isinstance(n, cst.Del | cst.For | cst.CompFor):
                targets = [n.target]
            elif isinstance(n, cst.AsName):
                targets = [n.name]
            for t in targets:
                if any(isinstance(a, cst.Attribute) and a.attr.value == attr for a in walk(t)):
                    return True
        return False

    found = {d.name.value for d in defs if stores(d)}
    grown = True
    while grown:
        before = len(found)
        found |= {
            d.name.value
            for d in defs
            if any(isinstance(n, cst.Call) and callee(n.func) in found for n in walk(d))
        }
        grown = len(found) > before
    return found


def imported(node: cst.Import | cst.ImportFrom) -> set[str]:
    if isinstance(node, cst.ImportFrom):
        if node.module is None:
            return set()
        return {code(node.module).split(".")[0]}
    return {code(alias.name).split(".")[0] for alias in node.names}


def names_bound(scope: cst.CSTNode) -> set[str]:
    """The names a module or class binds in its own namespace (not inside its defs):
    defs, classes, imports' aliases, assignment, loop and walrus targets."""
    bound: set[str] = set()
    stack = list(scope.children)
    while stack:
        n = stack.pop()
        if isinstance(n, cst.FunctionDef | cst.ClassDef):
            bound.add(n.name.value)
            stack.extend(d.decorator for d in n.decorators)
            continue
        if isinstance(n, cst.ImportAlias):
            name = n.asname.name if n.asname else n.name
            bound.add(code(name).split(".")[0])
        elif isinstance(n, cst.AssignTarget | cst.AnnAssign | cst.AugAssign | cst.For
                        | cst.NamedExpr):  # fmt: skip
            bound |= _target_names(n.target)
        stack.extend(n.children)
    return bound


def _target_names(target: cst.CSTNode) -> set[str]:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, cst.Tuple | cst.List):
        return {n for e in target.elements for n in _target_names(e.value)}
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return set()


def rebinds(node: cst.CSTNode, name: str) -> bool:
    """Does anything under ``node`` bind ``name`` itself (an assignment, loop, ``with``/
    ``except`` or ``match`` target, walrus, ``del``, ``global``/``nonlocal``, a nested
    parameter)? Attribute and subscript targets bind nothing."""
    for n in walk(node):
        if isinstance(n, cst.Global | cst.Nonlocal) and any(a.name.value == name for a in n.names):
            return True
        target: cst.CSTNode | None = None
        if isinstance(n, _TARGETED):
            target = n.target
        elif isinstance(n, cst.AsName | cst.Param | cst.MatchAs | cst.MatchStar):
            target = n.name
        elif isinstance(n, cst.MatchMapping):
            target = n.rest
        if target is not None and name in _unpacked(target):
            return True
    return False


_TARGETED = (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.For, cst.CompFor,
             cst.NamedExpr, cst.Del)  # fmt: skip


def _unpacked(target: cst.CSTNode) -> set[str]:
    """The plain names a target binds (through tuples, lists and ``*``)."""
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, cst.Tuple | cst.List):
        return {n for e in target.elements for n in _unpacked(e.value)}
    if isinstance(target, cst.StarredElement):
        return _unpacked(target.value)
    return set()
