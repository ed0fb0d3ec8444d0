"""Whether a function of a module gives a new list nothing else holds (the proof
:mod:`~efficiency.remediate.codemods.passed_set` makes of a caller's list and
:mod:`~efficiency.remediate.codemods.attr_set` of an attribute's), which names a top-level
statement binds, which names could be rebound after the module ran (``global``, attribute
stores), and whether a statement runs calls when it is executed."""

from __future__ import annotations

import libcst as cst

from efficiency.remediate.codemods.constant_table import binds
from efficiency.remediate.codemods.frozen_set import _FRESH_CALLS, _fresh
from efficiency.remediate.codemods.pysource import (
    INTROSPECTION,
    SCOPES,
    calls_introspection,
    declares_global,
    walk,
)

_GROWERS = frozenset({"append", "extend", "insert", "sort", "reverse"})
_TARGETED = (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.For, cst.NamedExpr, cst.Del)


def module_call_is_new(module: cst.Module, value: cst.BaseExpression) -> bool:
    """Is ``value`` a call (any arguments) of a function of ``module`` that gives a new list:
    one :func:`module_def` finds, every ``return`` as :func:`returns_new` needs? The caller
    checks the builtins it trusts."""
    function = module_def(module, value)
    return function is not None and returns_new(function)


def module_def(module: cst.Module, value: cst.BaseExpression) -> cst.FunctionDef | None:
    """The function of ``module`` that ``value`` calls (any arguments), if the call can run
    no other: a top-level, undecorated def, its name bound once at the top and declared
    ``global`` nowhere (and no star import)."""
    if not isinstance(value, cst.Call) or not isinstance(value.func, cst.Name):
        return None
    name = value.func.value
    tops = [n for s in module.body for n in bound_by(s)]
    defs = [s for s in module.body if isinstance(s, cst.FunctionDef) and s.name.value == name]
    if (
        "*" in tops
        or tops.count(name) != 1
        or len(defs) != 1
        or defs[0].decorators
        or name in rebound_anywhere(module)
    ):
        return None
    return defs[0]


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
    """The names one top-level statement binds in the module's namespace, each binding counted:
    assignments, ``for``/``with``/``except``/``:=``/``match`` targets, ``del``, imports, and defs
    and classes at any depth of its blocks (``if``/``try``/``with``...), not inside a def, class
    or lambda; ``*`` for a star import, which may bind any name."""
    if isinstance(statement, cst.FunctionDef | cst.ClassDef):
        return [statement.name.value]
    out: list[str] = []
    stack = [statement]
    while stack:
        n = stack.pop()
        if isinstance(n, cst.FunctionDef | cst.ClassDef):
            out.append(n.name.value)
            continue
        if isinstance(n, cst.Lambda):
            continue
        stack.extend(n.children)
        target: cst.CSTNode | None = None
        if isinstance(n, _TARGETED):
            target = n.target
        elif isinstance(n, cst.WithItem) and n.asname is not None:
            target = n.asname.name
        elif isinstance(n, cst.ExceptHandler | cst.ExceptStarHandler) and n.name is not None:
            target = n.name.name
        elif isinstance(n, cst.MatchAs | cst.MatchStar) and n.name is not None:
            target = n.name
        elif isinstance(n, cst.MatchMapping) and n.rest is not None:
            target = n.rest
        elif isinstance(n, cst.ImportAlias):
            alias = n.asname.name if n.asname else n.name
            out += [t.value for t in walk(alias) if isinstance(t, cst.Name)][:1]
        elif isinstance(n, cst.ImportStar):
            out.append("*")
        if target is not None:
            out += [t.value for t in walk(target) if isinstance(t, cst.Name)]
    return out


def rebound_anywhere(module: cst.Module) -> set[str]:
    """Names some function of ``module`` declares ``global`` or ``nonlocal`` (so a call can
    rebind them after the module has run)."""
    return {i.name.value for g in walk(module) if isinstance(g, cst.Global | cst.Nonlocal)
            for i in g.names}  # fmt: skip


def stored_attributes(module: cst.Module) -> set[str]:
    """The attribute names some statement of ``module`` stores or deletes (``x.name = ...``,
    ``del x.name``, a ``for``/``with`` target...); every def's name when the module reaches
    attributes by name (``setattr``, ``delattr``, ``__dict__``, ``vars``...)."""
    out: set[str] = set()
    by_name = False
    for n in walk(module):
        if isinstance(n, cst.Call) and isinstance(n.func, cst.Name):
            by_name |= n.func.value in {"setattr", "delattr", *INTROSPECTION}
        elif isinstance(n, cst.Attribute):
            by_name |= n.attr.value in {"__dict__", "__setattr__", "__delattr__"}
        target = getattr(n, "target", None)
        if isinstance(n, cst.WithItem) and n.asname is not None:
            target = n.asname.name
        if isinstance(target, cst.CSTNode):
            out |= {a.attr.value for a in walk(target) if isinstance(a, cst.Attribute)}
    if by_name:
        out |= {d.name.value for d in walk(module) if isinstance(d, cst.FunctionDef)}
    return out


_INERT = (cst.Name, cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString,
          cst.ConcatenatedString, cst.List, cst.Tuple, cst.Set, cst.Dict, cst.Ellipsis)  # fmt: skip
_PLAIN = (cst.Assign, cst.AnnAssign, cst.Expr, cst.Pass)


def runs_code(statement: cst.CSTNode) -> bool:
    """Could executing the top-level ``statement`` call anything (so run a function of the
    module)? A def: its decorators, defaults and annotations; a class: its decorators, bases
    and body; a line: anything but assignments of literals, names and displays of them."""
    if isinstance(statement, cst.FunctionDef):
        heads = [statement.params, *([statement.returns] if statement.returns else [])]
        return bool(statement.decorators) or any(
            isinstance(n, cst.Call) for h in heads for n in walk(h)
        )
    if isinstance(statement, cst.ClassDef):
        body = statement.body
        return (
            bool(statement.decorators)
            or any(
                isinstance(n, cst.Call)
                for a in (*statement.bases, *statement.keywords)
                for n in walk(a)
            )
            or (
                _runs_in_line(body)
                if isinstance(body, cst.SimpleStatementSuite)
                else any(runs_code(s) for s in body.body)
            )
        )
    return not isinstance(statement, cst.SimpleStatementLine) or _runs_in_line(statement)


def _runs_in_line(line: cst.SimpleStatementLine | cst.SimpleStatementSuite) -> bool:
    return any(
        (isinstance(n, cst.BaseSmallStatement) and not isinstance(n, _PLAIN))
        or (isinstance(n, cst.BaseExpression) and not isinstance(n, _INERT))
        for n in walk(line)
    )
