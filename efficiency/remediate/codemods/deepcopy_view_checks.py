"""What makes a helper's view (:mod:`~efficiency.remediate.codemods.deepcopy_views`) answer
differently from the helper, beyond the copy itself.

A view hands out the data the helper copied. That is the same only if nothing runs between
taking the copy and returning it (a later statement, a ``finally``, a ``with``'s exit could
change the data: the helper's caller saw the data as it was, a view's caller would see it
changed), and if no handler around the copy catches deepcopy's own failure (an uncopyable
value: the helper answered its fallback, a view would answer the data)."""

from __future__ import annotations

import libcst as cst

from efficiency.remediate.codemods.deepcopy_types import bound_names
from efficiency.remediate.codemods.pysource import code, walk


def runs_after(function: cst.FunctionDef, call: cst.Call, held: str | None) -> bool:
    """Can code run between taking the copy ``call`` makes and the helper's return: a
    ``finally`` or a ``with`` around it, or a statement between ``name = copy`` and the one
    ``return name`` (which must come right after it; ``held`` is that name, or None)?"""
    parents = {id(c): n for n in walk(function) for c in n.children}
    node: cst.CSTNode | None = call
    while node is not None and node is not function:
        if isinstance(node, cst.With) or (
            isinstance(node, cst.Try | cst.TryStar) and node.finalbody is not None
        ):
            return True
        node = parents.get(id(node))
    if held is None:
        return False
    returns = [
        n
        for n in walk(function.body)
        if isinstance(n, cst.Return) and isinstance(n.value, cst.Name) and n.value.value == held
    ]
    assign = parents.get(id(call))
    line = parents.get(id(assign))
    block = parents.get(id(line))
    if len(returns) != 1 or not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
        return True
    siblings = list(getattr(block, "body", ()))
    after = siblings[siblings.index(line) + 1] if line in siblings[:-1] else None
    return not (isinstance(after, cst.SimpleStatementLine) and after.body[0] is returns[0])


#: handlers that only a failed lookup reaches (a plain deepcopy does not raise these)
_LOOKUP_ERRORS = frozenset({"KeyError", "IndexError", "LookupError"})


def catches_copy_failure(function: cst.FunctionDef, call: cst.Call) -> str | None:
    """The handler of a ``try`` around ``call`` that could catch what deepcopy raises (anything
    but the lookup errors), as written; None when there is none."""
    for node in walk(function.body):
        if not isinstance(node, cst.Try | cst.TryStar) or call not in walk(node.body):
            continue
        for handler in node.handlers:
            kind = handler.type
            names = kind.elements if isinstance(kind, cst.Tuple) else [kind]
            for item in names:
                value = item.value if isinstance(item, cst.Element) else item
                if not (isinstance(value, cst.Name) and value.value in _LOOKUP_ERRORS):
                    return code(value) if value is not None else "everything (a bare except)"
    return None


def rebinds(function: cst.FunctionDef, name: str) -> bool:
    """Is ``name`` bound again in ``function``'s body (``self = ...``, not ``self.x = ...``)?"""
    for node in bound_names(function).get(name, []):
        if isinstance(node, cst.Param):
            continue
        targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else []
        if isinstance(node, cst.AnnAssign | cst.AugAssign | cst.For | cst.CompFor):
            targets = [node.target]
        if not targets or any(_names_directly(t, name) for t in targets):
            return True  # (an ``as`` or walrus, a match capture: taken as rebinding)
    return False


def _names_directly(target: cst.BaseExpression, name: str) -> bool:
    """Does the target ``target`` bind ``name`` itself (through unpacking at most)?"""
    if isinstance(target, cst.Name):
        return target.value == name
    if isinstance(target, cst.StarredElement):
        return _names_directly(target.value, name)
    if isinstance(target, cst.Tuple | cst.List):
        return any(_names_directly(e.value, name) for e in target.elements)
    return False
