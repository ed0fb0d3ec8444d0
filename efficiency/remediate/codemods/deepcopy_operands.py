"""Operands of arithmetic on reads of a copy (``deepcopy-read-only``).

``combined`` tells when an operation on a value read from the copy (``-x``, ``x * n``,
``max(a, b)``) is followed as a read itself, and ``_own_operand`` when a value is an immutable
scalar or made only of reads of the copy (subscripts, plain dataclass fields, ``.get`` with a
default of its own, arithmetic, conditionals, ``min``/``max`` and locals bound only to such
values: once, or by plain assignments each made of such values and the local itself, as
``worst = max(worst, f)``; a call of a lambda the function binds and calls, whose body is such
a value given its arguments, ``deepcopy_lambdas``), so that a value it leads to that leaves
holds nothing of anyone else's.
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from efficiency.remediate.codemods.deepcopy_builtins import tests_only
from efficiency.remediate.codemods.deepcopy_flow import Parents, direct_mark
from efficiency.remediate.codemods.deepcopy_lambdas import called_lambda
from efficiency.remediate.codemods.deepcopy_types import Types


def combined(
    parent_of: Parents,
    node: cst.CSTNode,
    types: Types,
    tracked: set[str],
    shadowed: Callable[[str], bool],
) -> cst.CSTNode | None:
    """The arithmetic around a value read from the copy, followed as a read of it: ``-x``,
    ``x * n``, ``x + y`` and ``min(x, 0)``/``max(a, b)`` (the result is one of the arguments)
    where every other operand is an immutable scalar, a literal or read from the copy too, so
    that a value this leads to that leaves holds nothing of anyone else's. Operators on the
    data's values are assumed to change nothing, as for subscripts and comparisons. None when
    ``node``'s parent is no such operation."""
    parent = parent_of(node)
    if isinstance(parent, cst.UnaryOperation) and not isinstance(parent.operator, cst.Not):
        return parent
    if isinstance(parent, cst.BinaryOperation):
        other = parent.right if parent.left is node else parent.left
        return parent if _own_operand(other, types, tracked) else None
    call = parent_of(parent) if isinstance(parent, cst.Arg) else None
    if (
        isinstance(parent, cst.Arg)
        and _picked(call, shadowed)
        and all(_own_operand(a.value, types, tracked) for a in call.args if a is not parent)
    ):
        return call
    return None


def _picked(call: cst.CSTNode | None, shadowed: Callable[[str], bool]) -> bool:
    """Is ``call`` ``min``/``max`` (not shadowed) of two or more plain arguments?"""
    return (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Name)
        and call.func.value in ("min", "max")
        and not shadowed(call.func.value)
        and len(call.args) >= 2
        and all(a.keyword is None and not a.star for a in call.args)
    )


def _own_operand(node: cst.BaseExpression, types: Types, tracked: set[str], depth: int = 0) -> bool:
    """Is ``node`` an immutable scalar, or arithmetic or a conditional on such values and reads
    (subscripts, plain dataclass fields) of a name that holds the copy or a read of it, or a
    local name bound once to such a value (eight levels deep)?"""
    if types.scalar(types.type_of(node)):
        return True
    if depth > 8:
        return False
    parts: list[cst.BaseExpression] = []
    if isinstance(node, cst.UnaryOperation) and not isinstance(node.operator, cst.Not):
        parts = [node.expression]
    elif isinstance(node, cst.BinaryOperation):
        parts = [node.left, node.right]
    elif isinstance(node, cst.IfExp):
        parts = [node.body, node.orelse]
    elif isinstance(node, cst.Tuple) and plain_tuple(node):
        parts = [e.value for e in node.elements]  # a new tuple of such values
    if parts:
        return all(_own_operand(p, types, tracked, depth + 1) for p in parts)
    if isinstance(node, cst.Call) and (tests_only(node, types.shadowed) or types.math(node.func)):
        return True  # a new number: round(x), len(x), math.ceil(x) (deepcopy_builtins)
    if _picked(node, types.shadowed):  # max(a, b): one of them, as ``combined`` takes it
        assert isinstance(node, cst.Call)
        return all(_own_operand(a.value, types, tracked, depth + 1) for a in node.args)
    lam = called_lambda(node, types)  # ``weight(k)``: its body, each parameter as its argument
    if lam is not None:
        assert isinstance(node, cst.Call)
        params = [p.name.value for p in lam.params.params]
        given = {
            p
            for p, a in zip(params, node.args, strict=False)
            if _own_operand(a.value, types, tracked, depth + 1)
        }
        return _own_operand(lam.body, types, (tracked - set(params)) | given, depth + 1)
    while (
        isinstance(node, cst.Subscript)
        or _own_get(node, types, tracked, depth)
        or _field(node, types)
    ):
        node = node.func.value if isinstance(node, cst.Call) else node.value  # type: ignore
    if isinstance(node, cst.Call) and direct_mark(node) in tracked:
        return True  # the copy read directly (``limit = plan_for(t)["rpm"]``)
    if not isinstance(node, cst.Name):
        return False
    if node.value in tracked:
        return True
    binds = types.bound.get(node.value, [])
    if len(binds) == 1 and isinstance(binds[0], cst.For) and plain_tuple(binds[0].target, True):
        return _own_operand(binds[0].iter, types, tracked, depth + 1)  # its elements' parts
    if len(binds) == 1:
        only = binds[0]
        return (
            isinstance(only, cst.Assign)
            and len(only.targets) == 1
            and _own_operand(only.value, types, tracked, depth + 1)
        )
    mine = tracked | {node.value}  # ``worst = max(worst, f)``: each binding given the others'
    return bool(binds) and all(
        isinstance(b, cst.Assign)
        and len(b.targets) == 1
        and isinstance(b.targets[0].target, cst.Name)
        and _own_operand(b.value, types, mine, depth + 1)
        for b in binds
    )


def plain_tuple(node: cst.BaseExpression, name: bool = False) -> bool:
    """Is ``node`` a tuple display of plain items, of names only (or a name, where ``name``)?"""
    if isinstance(node, cst.Name):
        return name
    items = node.elements if isinstance(node, cst.Tuple) else ()
    return bool(items) and all(isinstance(e, cst.Element) for e in items) and (
        not name or all(isinstance(e.value, cst.Name) for e in items))  # fmt: skip


def _field(node: cst.BaseExpression, types: Types) -> bool:
    """Is ``node`` a field of a plain dataclass read from its object (no code runs)?"""
    if not isinstance(node, cst.Attribute):
        return False
    fields = types.fields(types.type_of(node.value))
    return isinstance(fields, dict) and node.attr.value in fields


def _own_get(node: cst.BaseExpression, types: Types, tracked: set[str], depth: int) -> bool:
    """Is ``node`` ``x.get(key)`` or ``x.get(key, default)`` with a default that is itself
    such an operand (``x`` is judged by the caller)?"""
    if not (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "get"
        and 1 <= len(node.args) <= 2
        and all(a.keyword is None and not a.star for a in node.args)
    ):
        return False
    return len(node.args) == 1 or _own_operand(node.args[1].value, types, tracked, depth + 1)
