"""Whether a function of a module gives a new list nothing else holds (the proof
:mod:`~efficiency.remediate.codemods.passed_set` makes of a caller's list and
:mod:`~efficiency.remediate.codemods.attr_set` of an attribute's), and which names a top-level
statement binds."""

from __future__ import annotations

import libcst as cst

from efficiency.remediate.codemods.constant_table import binds
from efficiency.remediate.codemods.frozen_set import _FRESH_CALLS, _fresh
from efficiency.remediate.codemods.pysource import (
    SCOPES,
    calls_introspection,
    declares_global,
    walk,
)

_GROWERS = frozenset({"append", "extend", "insert", "sort", "reverse"})


def module_call_is_new(module: cst.Module, value: cst.BaseExpression) -> bool:
    """Is ``value`` a call (any arguments) of a function of ``module`` that gives a new list:
    top-level, undecorated, bound once at the top and declared ``global`` nowhere, every
    ``return`` as :func:`returns_new` needs? The caller checks the builtins it trusts."""
    if not isinstance(value, cst.Call) or not isinstance(value.func, cst.Name):
        return False
    name = value.func.value
    tops = [n for s in module.body for n in bound_by(s)]
    defs = [s for s in module.body if isinstance(s, cst.FunctionDef) and s.name.value == name]
    declared = {i.name.value for g in walk(module) if isinstance(g, cst.Global) for i in g.names}
    return (
        tops.count(name) == 1
        and len(defs) == 1
        and not defs[0].decorators
        and name not in declared
        and returns_new(defs[0])
    )


def returns_new(function: cst.FunctionDef) -> bool:
    """Does every ``return`` of ``function`` give a new list: a fresh expression, or a local
    bound once to one that the function only grows, reads and returns?"""
    own = list(walk(function.body))
    if any(isinstance(n, cst.Yield | cst.Await) for n in own) or calls_introspection(function):
        return False
    returns = [n for n in own if isinstance(n, cst.Return)]
    if not returns or any(isinstance(n, SCOPES) for n in own):
        return False
    for ret in returns:
        value = ret.value
        if value is not None and _fresh(value, not _FRESH_CALLS & binds(function)):
            continue
        if not isinstance(value, cst.Name) or not _grown_local(function, value.value):
            return False
    return True


def _grown_local(function: cst.FunctionDef, name: str) -> bool:
    bindings = [n for n in walk(function.body) if isinstance(n, cst.Assign)
                and any(isinstance(t.target, cst.Name) and t.target.value == name
                        for t in n.targets)]  # fmt: skip
    if (
        len(bindings) != 1
        or not _fresh(bindings[0].value, False)
        or declares_global(function, name)
    ):
        return False
    if name in {p.name.value for p in walk(function.params) if isinstance(p, cst.Param)}:
        return False
    for n in walk(function.body):
        target = getattr(n, "target", None)
        if (
            not isinstance(n, cst.AssignTarget)
            and isinstance(target, cst.CSTNode)
            and any(isinstance(t, cst.Name) and t.value == name for t in walk(target))
        ):
            return False  # bound elsewhere too (a for target, :=, +=...)
    parents = {id(c): n for n in walk(function) for c in n.children}
    for use in walk(function.body):
        if not isinstance(use, cst.Name) or use.value != name:
            continue
        parent = parents.get(id(use))
        if isinstance(parent, cst.AssignTarget | cst.Return):
            continue
        grand = parents.get(id(parent)) if parent is not None else None
        if isinstance(parent, cst.Attribute) and parent.attr.value in _GROWERS and isinstance(
            grand, cst.Call
        ) and not any(isinstance(n, cst.Name) and n.value == name for a in grand.args
                      for n in walk(a)):  # fmt: skip
            continue
        if isinstance(parent, cst.ComparisonTarget) and parent.comparator is use:
            continue
        return False
    return True


def bound_by(statement: cst.CSTNode) -> list[str]:
    """The names one top-level statement binds (each binding counted)."""
    if isinstance(statement, cst.FunctionDef | cst.ClassDef):
        return [statement.name.value]
    out: list[str] = []
    for n in walk(statement):
        if isinstance(n, cst.AssignTarget | cst.AnnAssign | cst.AugAssign | cst.For):
            out += [t.value for t in walk(n.target) if isinstance(t, cst.Name)]
        elif isinstance(n, cst.ImportAlias):
            alias = n.asname.name if n.asname else n.name
            out += [t.value for t in walk(alias) if isinstance(t, cst.Name)][:1]
    return out
