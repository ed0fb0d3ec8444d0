"""Facts about the statements and the function
:mod:`~efficiency.remediate.codemods.join_dict_whole` rewrites: which statements append to a
dict item, their pieces, and whether the function could observe a str's identity."""

from __future__ import annotations

import libcst as cst

from efficiency.remediate.codemods.join_dict_local import _binds
from efficiency.remediate.codemods.pysource import COMPREHENSIONS, SCOPES, code, walk

Append = cst.AugAssign | cst.Assign


def extended(
    node: cst.CSTNode,
) -> tuple[str | None, tuple[cst.Subscript, list[cst.BaseExpression]] | None]:
    """``d[k] = d[k] + a + b`` → ``d``, and the ``d[k]`` read and the pieces ``[a, b]``."""
    if not isinstance(node, cst.Assign) or len(node.targets) != 1:
        return None, None
    target = node.targets[0].target
    if not (isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name)):
        return None, None
    pieces: list[cst.BaseExpression] = []
    value = node.value
    while isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add):
        pieces.insert(0, value.right)
        value = value.left
    if (
        not pieces
        or not isinstance(value, cst.Subscript)
        or value.lpar
        or target.value.lpar
        or not isinstance(value.value, cst.Name)
        or value.value.value != target.value.value
        or code(value.slice[0]) != code(target.slice[0])
        or len(value.slice) != 1
        or len(target.slice) != 1
    ):
        return None, None
    return target.value.value, (value, pieces)


def pieces_of(append: Append) -> list[cst.BaseExpression]:
    if isinstance(append, cst.AugAssign):
        return [append.value]
    found = extended(append)[1]
    assert found is not None
    return found[1]


def clears(piece: cst.BaseExpression, name: str) -> bool:
    return any(
        isinstance(n, cst.Attribute) and isinstance(n.value, cst.Name) and n.value.value == name
        for n in walk(piece)
    )


def identity(body: cst.CSTNode) -> str:
    """Why the function could observe a str's identity, else "": each read joins a new str,
    where the original's reads of an unchanged item gave one object (``x = d[k]`` ...
    ``x is d[k]``), so ``is`` between anything but ``None``/``True``/``False``/``...``, and
    ``id()``, are refused."""
    for node in walk(body):
        if isinstance(node, cst.Call) and code(node.func) == "id":
            return f"`{code(node)[:50]}` reads an identity, which each read's join renews"
        if not isinstance(node, cst.Comparison):
            continue
        operands = [node.left, *(t.comparator for t in node.comparisons)]
        for i, target in enumerate(node.comparisons):
            if isinstance(target.operator, cst.Is | cst.IsNot) and not (
                _singleton(operands[i]) or _singleton(operands[i + 1])
            ):
                return (
                    f"`{code(node)[:50]}` compares identities: two reads of an item give equal "
                    "strs, not one object"
                )
    return ""


def _singleton(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Ellipsis) or (
        isinstance(node, cst.Name) and node.value in ("None", "True", "False")
    )


def bound_outside_comprehensions(func: cst.FunctionDef, name: str) -> bool:
    """Is ``name`` a parameter of ``func`` or bound in its body outside comprehensions and
    nested scopes, so a local? (A comprehension's target is its own variable: a name bound
    only there is a global, which any call in a piece could rebind.)"""
    params = func.params
    own = [*params.posonly_params, *params.params, *params.kwonly_params]
    own += [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
    if any(p.name.value == name for p in own):
        return True  # (a walrus in a default binds in the enclosing scope)
    stack: list[cst.CSTNode] = [func.body]
    while stack:
        node = stack.pop()
        if _binds(node, name):
            return True
        if not isinstance(node, SCOPES + COMPREHENSIONS):
            stack.extend(node.children)
    return False
