"""What an append loop looks like, read from libcst nodes: the syntax questions
:mod:`efficiency.remediate.codemods.comprehension` asks before it rewrites one (is this
``out = []``, is this statement exactly ``out.append(expr)``, which names does a loop target
bind, is a name used outside the loop)."""

from __future__ import annotations

import libcst as cst

from efficiency.remediate.codemods.pysource import COMPREHENSIONS


def empty_list_init(stmt: cst.BaseStatement) -> str | None:
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    assign = stmt.body[0]
    if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
        return None
    target, value = assign.targets[0].target, assign.value
    if isinstance(target, cst.Name) and isinstance(value, cst.List) and not value.elements:
        return target.value
    return None


def single(block: cst.BaseSuite) -> cst.BaseStatement | cst.BaseSmallStatement | None:
    if isinstance(block, cst.IndentedBlock):
        return block.body[0] if len(block.body) == 1 else None
    if isinstance(block, cst.SimpleStatementSuite):
        return block.body[0] if len(block.body) == 1 else None
    return None


def append_arg(stmt: object, name: str) -> cst.BaseExpression | None:
    """``expr`` when ``stmt`` is exactly ``name.append(expr)``."""
    if isinstance(stmt, cst.SimpleStatementLine):
        if len(stmt.body) != 1:
            return None
        stmt = stmt.body[0]
    if not isinstance(stmt, cst.Expr) or not isinstance(stmt.value, cst.Call):
        return None
    call = stmt.value
    func = call.func
    if not (
        isinstance(func, cst.Attribute)
        and isinstance(func.value, cst.Name)
        and func.value.value == name
        and func.attr.value == "append"
        and len(call.args) == 1
        and call.args[0].keyword is None
        and not call.args[0].star
    ):
        return None
    return call.args[0].value


def target_names(target: cst.BaseExpression) -> list[str] | None:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        names: list[str] = []
        for element in target.elements:
            if not isinstance(element, cst.Element):
                return None
            inner = target_names(element.value)
            if inner is None:
                return None
            names += inner
        return names
    return None


def binds(target: cst.BaseExpression, name: str) -> bool:
    return name in (target_names(target) or [])


def other_uses(scope: cst.CSTNode, loop: cst.For, name: str) -> bool:
    """Is ``name`` used in ``scope`` outside ``loop``, other than where another ``for`` loop
    or comprehension binds it afresh (its target and body, not its iterable or ``else``)?"""
    stack: list[cst.CSTNode] = [scope]
    while stack:
        node = stack.pop()
        if node is loop:
            continue
        if isinstance(node, cst.For) and binds(node.target, name):
            stack += [node.iter, *([node.orelse] if node.orelse else [])]
            continue
        if isinstance(node, COMPREHENSIONS):
            fors, comp = [], node.for_in
            while comp is not None:
                fors.append(comp)
                comp = comp.inner_for_in
            if any(binds(f.target, name) for f in fors):
                stack.append(fors[0].iter)
                continue
        if isinstance(node, cst.Name) and node.value == name:
            return True
        stack.extend(node.children)
    return False
