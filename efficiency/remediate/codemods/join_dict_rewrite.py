"""The rewrite :mod:`efficiency.remediate.codemods.join_dict` decided on: appends to an item
become list appends, items stored become one-part lists, and every item read whole is
joined."""

from __future__ import annotations

import libcst as cst

from efficiency.remediate.codemods.join_dict import DictSite


def _joined(value: cst.BaseExpression) -> cst.Call:
    join = cst.Attribute(value=cst.SimpleString('""'), attr=cst.Name("join"))
    return cst.Call(func=join, args=[cst.Arg(value)])


def _bare(value: cst.BaseExpression) -> cst.BaseExpression:
    """A call's argument needs no parentheses of its own (a parenthesized implicit
    concatenation stays one expression inside the call's)."""
    if len(value.lpar) == 1 and len(value.rpar) == 1:
        return value.with_changes(lpar=[], rpar=[])
    return value


def _parts(value: cst.BaseExpression) -> cst.List:
    """``[value]``, or ``[]`` for the empty str literal."""
    if isinstance(value, cst.SimpleString) and value.evaluated_value == "":
        return cst.List(elements=[])
    return cst.List(elements=[cst.Element(_bare(value))])


class DictRewriter(cst.CSTTransformer):
    def __init__(self, sites: list[DictSite]) -> None:
        super().__init__()
        self.appends = {k: v for s in sites for k, v in s.uses.appends.items()}
        self.items = {k for s in sites for k in s.uses.items}
        self.reads = {k for s in sites for k in s.uses.reads}
        self.calls = {k: v for s in sites for k, v in s.uses.calls.items()}

    def leave_Subscript(
        self, original_node: cst.Subscript, updated_node: cst.Subscript
    ) -> cst.BaseExpression:
        if id(original_node) in self.reads:
            return _joined(updated_node)
        return updated_node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        found = self.calls.get(id(original_node))
        if found is None:
            return updated_node
        used, default = found
        call = updated_node
        if default is not None:
            args = list(call.args)
            args[1] = args[1].with_changes(value=_parts(args[1].value))
            call = call.with_changes(args=args)
        return _joined(call) if used else call

    def leave_AugAssign(
        self, original_node: cst.AugAssign, updated_node: cst.AugAssign
    ) -> cst.BaseSmallStatement:
        if id(original_node) not in self.appends:
            return updated_node
        return self._append(updated_node.target, [updated_node.value], updated_node.semicolon)

    def leave_Assign(
        self, original_node: cst.Assign, updated_node: cst.Assign
    ) -> cst.BaseSmallStatement:
        target = updated_node.targets[0].target if updated_node.targets else None
        if id(original_node) in self.items:
            return updated_node.with_changes(value=_parts(updated_node.value))
        if id(original_node) not in self.appends:
            return updated_node
        pieces: list[cst.BaseExpression] = []
        value = updated_node.value
        while isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add):
            pieces.insert(0, value.right)
            value = value.left
        count = len(self.appends[id(original_node)])
        assert target is not None and len(pieces) >= count
        return self._append(target, pieces[-count:], updated_node.semicolon)

    @staticmethod
    def _append(
        target: cst.BaseExpression,
        pieces: list[cst.BaseExpression],
        semicolon: cst.Semicolon | cst.MaybeSentinel,
    ) -> cst.Expr:
        func = cst.Attribute(value=target, attr=cst.Name("append"))
        if len(pieces) > 1:
            arg = cst.Tuple(elements=[cst.Element(p) for p in pieces])
            call = cst.Call(func=func.with_changes(attr=cst.Name("extend")), args=[cst.Arg(arg)])
        elif len(pieces[0].lpar) == 1 and len(pieces[0].rpar) == 1:
            # the piece's own parentheses become the call's, with their line breaks
            piece = pieces[0]
            call = cst.Call(
                func=func,
                whitespace_before_args=piece.lpar[0].whitespace_after,
                args=[
                    cst.Arg(
                        piece.with_changes(lpar=[], rpar=[]),
                        whitespace_after_arg=piece.rpar[0].whitespace_before,
                    )
                ],
            )
        else:
            call = cst.Call(func=func, args=[cst.Arg(pieces[0])])
        return cst.Expr(value=call, semicolon=semicolon)
