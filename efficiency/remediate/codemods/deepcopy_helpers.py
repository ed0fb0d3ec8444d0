"""Helpers that hand out a deep copy, and the reads a caller of one may do (``deepcopy-read-only``).

A helper is a module-level function whose whole body (a docstring aside) is
``return deepcopy(X)`` or ``return copy.deepcopy(X)``, with no parameter and no decorator, ``X``
a module global. A call ``cfg = helper()`` is then the same as ``cfg = copy.deepcopy(X)``, and
when the caller only reads ``cfg`` the call is replaced by ``X`` itself (the helper stays: other
callers may change their copies). That holds only when both names mean, at the call, what they
meant in the helper: the helper's name and ``X`` are each bound exactly once in the whole module
(the ``def``, the module-level assignment) and never declared ``global``/``nonlocal`` or
deleted, and the name the helper reached deepcopy by is bound only at module level. What stays
assumed is that no other module rebinds them (``app.X = ...``, a monkeypatched helper).

A method returning ``copy.deepcopy(self.attr)`` is refused: a subclass may override the method
or the attribute, and the attribute may be rebound through any reference to the object, none of
which one module can rule out.

The reads a caller may do, beyond those ``deepcopy_read_only`` allows: ``min``/``max``/
``sorted`` of a value read from the copy (one positional argument, ``key=`` a lambda that only
reads, ``reverse=``), whose result is an element of the copy (or a new list of them) and is
followed as a read of the copy; and using a read as a subscript's key. A key lambda is only
called by that ``min``/``max``/``sorted`` and its result only compared, so its body may compute
anything from what it reads, as long as it runs nothing that could change or keep data: no call
other than a few builtins (``abs``, ``len``...; ``LAMBDA_CALLS``) and the read methods, no
keyword arguments, no walrus, no nested lambda or comprehension, and its parameter shadows no
local name. Which lambdas are taken, and how, is ``deepcopy_lambdas``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import libcst as cst

from efficiency.remediate.codemods.deepcopy_builtins import IDENTITY
from efficiency.remediate.codemods.deepcopy_types import SCALAR_BUILTINS
from efficiency.remediate.codemods.pysource import walk

#: builtins that pick an element of their argument (``sorted``: a new list of its elements)
PICKERS = frozenset({"min", "max", "sorted"})
#: builtins a key lambda may call: they read their arguments and keep none of them
LAMBDA_CALLS = (SCALAR_BUILTINS - IDENTITY) | {"abs", "round", "min", "max", "sum"}
_TARGETS = (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.For, cst.CompFor, cst.Del)


@dataclass
class Helper:
    name: str
    #: the module global the helper deep-copies, and how it reaches deepcopy
    source: cst.Name
    copier: cst.BaseExpression
    node: cst.FunctionDef


def module_bindings(module: cst.Module) -> dict[str, int]:
    """How many times each name is bound anywhere in ``module`` (any scope), counting
    ``global``/``nonlocal`` declarations and ``del`` as bindings too."""
    bound: dict[str, int] = {}

    def add(name: str) -> None:
        bound[name] = bound.get(name, 0) + 1

    for node in walk(module):
        if isinstance(node, cst.ClassDef | cst.FunctionDef | cst.Param):
            add(node.name.value)
        elif isinstance(node, cst.Import | cst.ImportFrom):
            if isinstance(node.names, cst.ImportStar):
                add("*")
                continue
            for alias in node.names:
                if alias.asname is not None:
                    continue  # counted once, as the AsName it holds (below)
                target = alias.name
                while isinstance(target, cst.Attribute):
                    target = target.value
                if isinstance(target, cst.Name):
                    add(target.value)
        elif isinstance(node, cst.Global | cst.Nonlocal):
            for item in node.names:
                add(item.name.value)
        elif isinstance(node, _TARGETS):
            _add_names(node.target, add)
        elif isinstance(node, cst.AsName):
            _add_names(node.name, add)
        elif isinstance(node, cst.NamedExpr):
            _add_names(node.target, add)
        elif isinstance(node, cst.MatchAs | cst.MatchStar | cst.MatchMapping):
            captured = node.rest if isinstance(node, cst.MatchMapping) else node.name
            if captured is not None:  # a match pattern's capture (``case sorted:``) binds
                add(captured.value)
    return bound


def _add_names(target: cst.CSTNode, add: Callable[[str], None]) -> None:
    for name in walk(target):
        if isinstance(name, cst.Name):
            add(name.value)


def _returned_copy(function: cst.FunctionDef) -> cst.Call | None:
    """The ``deepcopy(...)`` call of a body that is only ``return <call>`` (and a docstring)."""
    body = list(function.body.body) if isinstance(function.body, cst.IndentedBlock) else []
    if body and isinstance(body[0], cst.SimpleStatementLine):
        first = body[0].body
        docstring = cst.SimpleString | cst.ConcatenatedString
        if len(first) == 1 and isinstance(first[0], cst.Expr):
            body = body[1:] if isinstance(first[0].value, docstring) else body
    if len(body) != 1 or not isinstance(body[0], cst.SimpleStatementLine):
        return None
    (only,) = body[0].body if len(body[0].body) == 1 else (None,)
    if not isinstance(only, cst.Return) or not isinstance(only.value, cst.Call):
        return None
    return only.value


def find_helpers(
    module: cst.Module, is_deepcopy: Callable[[cst.Call], bool]
) -> tuple[dict[str, Helper], dict[str, str]]:
    """The module's deep-copy helpers by name, and why each function or method that looks like
    one is not taken (by the name a call reaches it: ``f`` or ``self.f``)."""
    bound = module_bindings(module)
    helpers: dict[str, Helper] = {}
    refused: dict[str, str] = {}
    for statement in module.body:
        if isinstance(statement, cst.ClassDef):
            for method in statement.body.body:
                call = _returned_copy(method) if isinstance(method, cst.FunctionDef) else None
                if call is not None and is_deepcopy(call):
                    assert isinstance(method, cst.FunctionDef)
                    refused[f"self.{method.name.value}"] = (
                        f"{method.name.value} is a method: a subclass may override it or the "
                        "attribute it copies, which this module cannot rule out"
                    )
            continue
        if not isinstance(statement, cst.FunctionDef):
            continue
        call = _returned_copy(statement)
        if call is None or not is_deepcopy(call):
            continue
        name = statement.name.value
        why = _helper_refusal(statement, call, bound)
        if why is None and not source_is_global(module, call.args[0].value):
            why = "copies a name that is not a module-level global"
        if why is not None:
            refused[name] = f"the helper {name}() {why}"
            continue
        source = call.args[0].value
        assert isinstance(source, cst.Name)
        helpers[name] = Helper(name, source, call.func, statement)
    return helpers, refused


def _helper_refusal(function: cst.FunctionDef, call: cst.Call, bound: dict[str, int]) -> str | None:
    params = function.params
    if function.decorators or function.asynchronous:
        return "is decorated or async"
    if params.params or params.posonly_params or params.kwonly_params or params.star_kwarg:
        return "takes parameters"
    if isinstance(params.star_arg, cst.Param | cst.ParamStar):
        return "takes parameters"
    if len(call.args) != 1 or call.args[0].keyword is not None or call.args[0].star:
        return "calls deepcopy with a memo or unusual arguments"
    source = call.args[0].value
    if not isinstance(source, cst.Name):
        return "copies something other than a module global"
    if bound.get("*"):
        return "is in a module with a star import (any name may be rebound)"
    if bound.get(function.name.value) != 1:
        return "is bound more than once in the module (redefined or rebound)"
    if bound.get(source.value) != 1:
        return f"copies {source.value}, which is bound more than once in the module (rebound)"
    root = call.func
    while isinstance(root, cst.Attribute):
        root = root.value
    if not isinstance(root, cst.Name) or bound.get(root.value) != 1:
        return "reaches deepcopy by a name bound more than once in the module"
    return None


def source_is_global(module: cst.Module, source: cst.BaseExpression) -> bool:
    """Is ``source`` a name bound by a module-level (not nested) assignment?"""
    if not isinstance(source, cst.Name):
        return False
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                targets: list[cst.CSTNode] = []
                if isinstance(small, cst.Assign):
                    targets = [t.target for t in small.targets]
                elif isinstance(small, cst.AnnAssign) and small.value is not None:
                    targets = [small.target]
                if any(isinstance(t, cst.Name) and t.value == source.value for t in targets):
                    return True
    return False


def builtin_read(call: cst.Call, shadowed: Callable[[str], bool]) -> bool:
    """Is ``call`` one of the read builtins (``abs``, ``min``, ``sorted``...; not shadowed) with
    no keyword other than ``reverse=`` and a ``key=`` lambda (each lambda is judged apart)?"""
    func = call.func
    if not isinstance(func, cst.Name) or func.value not in LAMBDA_CALLS | PICKERS:
        return False
    return not shadowed(func.value) and all(
        a.keyword is None
        or (a.keyword.value == "key" and isinstance(a.value, cst.Lambda))
        or a.keyword.value == "reverse"
        for a in call.args
    )


def picker(arg: cst.Arg, call: cst.CSTNode | None, shadowed: Callable[[str], bool]) -> bool:
    """Is ``arg`` the one positional argument of ``min``/``max``/``sorted`` (not shadowed),
    with only ``key=`` and ``reverse=`` beside it? Its result is then an element of it (or a new
    list of its elements)."""
    if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Name):
        return False
    if call.func.value not in PICKERS or shadowed(call.func.value):
        return False
    if arg.keyword is not None or arg.star or call.args[0] is not arg:
        return False
    others = call.args[1:]
    return all(
        a.keyword is not None and a.keyword.value in ("key", "reverse") and not a.star
        for a in others
    )
