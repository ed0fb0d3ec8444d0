"""When a module function's ``-> float`` can be believed (``deepcopy-read-only``).

``deepcopy_callees`` takes a function of the module annotated to return a number or a string
as returning that immutable scalar (``f = band(...)`` then ``f *= k`` is a new number). An
annotation is not checked at run time, and a return annotation says nothing the body must
keep: ``def pick(t) -> float: return t["tiers"]`` hands back a list of its argument, which the
caller would then return uncopied, or change in place by ``x *= 2``. So the annotation is
believed only where the body agrees: every ``return`` gives ``None`` or a value proven a
scalar by what the function itself declares (``scalar_returns``): a literal, a parameter or
module global annotated as one (believed, as everywhere in ``deepcopy-read-only``), a read of
a container or plain dataclass whose annotation says its items are scalars (a ``for`` over one
included), arithmetic, a conditional, ``and``/``or`` or ``min``/``max`` of such values,
``len``/``round``/``int``... and the number functions of ``math``, a call of another module
function whose annotation is believed the same way, or a local bound only to such values
(``worst = max(worst, f)``, ``f *= k``).
"""

from __future__ import annotations

import libcst as cst

from efficiency.remediate.codemods.deepcopy_builtins import tests_only
from efficiency.remediate.codemods.deepcopy_types import Types
from efficiency.remediate.codemods.pysource import SCOPES, walk


def scalar_returns(helper: cst.FunctionDef, types: Types) -> bool:
    """Does every ``return`` of ``helper`` (``types`` its own) give None or a value proven an
    immutable scalar (above)?"""
    if helper.decorators or helper.asynchronous:
        return False  # what a call gives is then another function's (a coroutine, a wrapper's)
    if any(isinstance(n, (*SCOPES, cst.Yield)) for n in walk(helper.body)):
        return False  # a nested scope's returns are not the function's; a generator's value
    for loop in walk(helper.body):
        if isinstance(loop, cst.For) and isinstance(loop.target, cst.Name):
            name = loop.target.value
            kind = types.element_types(loop.iter, 1)[0]
            if kind is not None and types.bound.get(name) == [loop]:
                types.env[name] = kind  # ``for band in bands`` with ``bands: list[Band]``
    return all(
        node.value is None or _scalar(node.value, types, frozenset(), 0)
        for node in walk(helper.body)
        if isinstance(node, cst.Return)
    )


def _scalar(node: cst.BaseExpression, types: Types, assumed: frozenset[str], depth: int) -> bool:
    """Is ``node``'s value proven an immutable scalar (``assumed``: locals taken as such while
    their own bindings are judged)?"""
    if types.scalar(types.type_of(node)):
        return True
    if depth > 8:
        return False
    parts: list[cst.BaseExpression] = []
    if isinstance(node, cst.UnaryOperation):
        if isinstance(node.operator, cst.Not):
            return True  # a bool
        parts = [node.expression]
    elif isinstance(node, cst.BinaryOperation | cst.BooleanOperation):
        parts = [node.left, node.right]
    elif isinstance(node, cst.IfExp):
        parts = [node.body, node.orelse]
    elif isinstance(node, cst.Call) and _picks(node, types):
        parts = [a.value for a in node.args]  # min/max: one of them
    if parts:
        return all(_scalar(p, types, assumed, depth + 1) for p in parts)
    if isinstance(node, cst.Call):
        return tests_only(node, types.shadowed) or types.math(node.func)
    if not isinstance(node, cst.Name):
        return False
    if node.value in assumed:
        return True
    binds = types.bound.get(node.value, [])
    mine = assumed | {node.value}
    return bool(binds) and all(
        isinstance(b, cst.Assign | cst.AugAssign)
        and (
            isinstance(b.targets[0].target, cst.Name) and len(b.targets) == 1
            if isinstance(b, cst.Assign)
            else isinstance(b.target, cst.Name)
        )
        and _scalar(b.value, types, mine, depth + 1)
        for b in binds
    )


def _picks(call: cst.Call, types: Types) -> bool:
    """Is ``call`` ``min``/``max`` (not rebound) of two or more plain arguments?"""
    return (
        isinstance(call.func, cst.Name)
        and call.func.value in ("min", "max")
        and not types.shadowed(call.func.value)
        and len(call.args) >= 2
        and all(a.keyword is None and not a.star for a in call.args)
    )
