"""The statement shapes :mod:`efficiency.remediate.codemods.re_built` reads around a built
pattern: which statements bind a local, what kind of value an absorbed local holds (one
string, strings, or pairs of strings), and whether the call is the first thing its statement
evaluates that can run code or raise."""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from efficiency.remediate.codemods.pysource import walk
from efficiency.remediate.codemods.re_built_check import Kind

#: absorbed statements whose value is of this syntax hold strings
STRS = (cst.GeneratorExp, cst.ListComp, cst.Tuple, cst.List)


def local_kind(
    value: cst.BaseExpression, use: cst.CSTNode, parent: Callable[[cst.CSTNode], cst.CSTNode | None]
) -> Kind:
    """What an absorbed local holds: strings for a display, a comprehension or
    ``sorted``/``map``; ``pairs`` for a dict's ``items()``; for an item or a view of a
    container, what its one reader iterates (a comprehension's source, the argument of a
    join, ``sorted`` or ``map``) or else one string."""
    if isinstance(value, STRS) or sorted_call(value):
        return "strs"
    if _view_name(value) == "items":
        return "pairs"
    if not isinstance(value, cst.Subscript) and _view_name(value) is None:
        return "str"
    above = parent(use)
    if isinstance(above, cst.CompFor) and above.iter is use:
        return "pairs" if _unpacks_two(above.target) else "strs"
    if isinstance(above, cst.Arg):
        call = parent(above)
        if isinstance(call, cst.Call) and (
            (isinstance(call.func, cst.Attribute) and call.func.attr.value == "join")
            or (isinstance(call.func, cst.Name) and call.func.value in ("sorted", "map"))
        ):
            return "strs"
    return "str"


def single_assign(stmt: cst.CSTNode) -> tuple[str, cst.BaseExpression] | None:
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    small = stmt.body[0]
    if (
        isinstance(small, cst.Assign)
        and len(small.targets) == 1
        and isinstance(small.targets[0].target, cst.Name)
    ):
        return small.targets[0].target.value, small.value
    return None


def binds(stmt: cst.CSTNode, name: str) -> bool:
    """Does ``stmt`` bind ``name`` whenever it runs (``name = ...``, a def or class)?"""
    if isinstance(stmt, cst.FunctionDef | cst.ClassDef):
        return stmt.name.value == name
    bound = single_assign(stmt)
    return bound is not None and bound[0] == name


def sorted_call(value: cst.BaseExpression) -> bool:
    return (
        isinstance(value, cst.Call)
        and isinstance(value.func, cst.Name)
        and value.func.value in ("sorted", "map")
    )


def _view_name(value: cst.BaseExpression) -> str | None:
    if (
        isinstance(value, cst.Call)
        and not value.args
        and isinstance(value.func, cst.Attribute)
        and value.func.attr.value in ("keys", "values", "items")
    ):
        return value.func.attr.value
    return None


def _unpacks_two(target: cst.BaseExpression) -> bool:
    return (
        isinstance(target, cst.Tuple)
        and len(target.elements) == 2
        and all(isinstance(e.value, cst.Name) for e in target.elements)
    )


def call_runs_first(
    statement: cst.CSTNode, call: cst.Call, builtin: Callable[[cst.BaseExpression], bool]
) -> bool:
    """Is ``call`` the first thing ``statement`` evaluates that can run code or raise: its
    whole value, the object whose method the value calls, the left side of a comparison or
    an operation, the operand of ``not``, the first argument of a builtin (``len(...)``) or
    the first source of a comprehension, each of these nested in the others?"""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    small = statement.body[0]
    if not isinstance(small, cst.Assign | cst.AnnAssign | cst.Expr | cst.Return):
        return False
    value = small.value
    while value is not call:
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute):
            value = value.func.value
        elif isinstance(value, cst.Call) and builtin(value.func) and value.args:
            first = value.args[0]
            if first.keyword is not None or first.star:
                return False
            value = first.value
        elif isinstance(value, cst.Comparison | cst.BinaryOperation):
            value = value.left
        elif isinstance(value, cst.UnaryOperation):
            value = value.expression
        elif isinstance(value, cst.ListComp | cst.SetComp | cst.GeneratorExp | cst.DictComp):
            value = value.for_in.iter  # the first source is evaluated before anything else
        else:
            return False
    return True


def patches_module(module: cst.Module, names: set[str]) -> bool:
    """Does ``module`` assign or delete an attribute of a module bound to one of ``names``
    (``re.escape = ...``, ``setattr(re, ...)``)? The memo would keep what it built before."""
    for node in walk(module):
        if isinstance(node, cst.AssignTarget | cst.AugAssign | cst.AnnAssign | cst.Del):
            targets = [node.target]
        elif (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Name)
            and node.func.value in ("setattr", "delattr")
            and node.args
        ):
            targets = [cst.Attribute(node.args[0].value, cst.Name("_"))]
        else:
            continue
        while targets:
            target = targets.pop()
            if isinstance(target, cst.Tuple | cst.List):
                targets += [e.value for e in target.elements]
            elif isinstance(target, cst.StarredElement):
                targets.append(target.value)
            elif (
                isinstance(target, cst.Attribute)
                and isinstance(target.value, cst.Name)
                and target.value.value in names
            ):
                return True
    return False
