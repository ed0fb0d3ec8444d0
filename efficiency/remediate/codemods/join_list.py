"""Hand ``str.join`` a list comprehension instead of a generator (``join-list``).

``"".join(t.value for t in tokens)`` first turns its argument into a list (``str.join`` needs
the length up front: CPython calls ``PySequence_Fast`` on it), so the generator is resumed
once per item only to fill that list. A list comprehension fills it directly, without a
generator frame to resume: on CPython 3.11 about a quarter less time for a short row::

    ", ".join(str(c) for c in row)   →   ", ".join([str(c) for c in row])

Both consume every item, in the same order, before joining; an item that is not a string
raises the same ``TypeError`` after the same items were computed. Only done when the receiver
is a string or bytes literal (so ``join`` is ``str.join`` or ``bytes.join``, which consume
their argument whole, and not, say, a thread's ``join`` or a lazy one of the service's own),
and the generator is the call's only argument. The one difference, a ``StopIteration`` that
escapes an item (``RuntimeError`` from a generator, itself from a list comprehension), is
ruled out by refusing generators that call ``next()``; from any other call it would be a bug
already.
"""

from __future__ import annotations

from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper

from efficiency.remediate.codemods.base import plural
from efficiency.remediate.codemods.pysource import (
    Edit,
    PythonCodemod,
    ScopedVisitor,
    Targets,
    calls_next,
    code,
    where,
)


class _Finder(ScopedVisitor):
    def __init__(self, targets: Targets | None) -> None:
        super().__init__(targets)
        self.sites: dict[int, str] = {}
        self.refused: list[str] = []

    def visit_Call(self, node: cst.Call) -> None:
        if not self.active or not isinstance(node.func, cst.Attribute):
            return
        if node.func.attr.value != "join" or not any(
            isinstance(a.value, cst.GeneratorExp) for a in node.args
        ):
            return
        shown = code(node).splitlines()[0][:60]
        if not isinstance(node.func.value, cst.SimpleString | cst.ConcatenatedString):
            self.refused.append(
                f"{shown}: the receiver is not a string literal, so join may not be str.join"
            )
            return
        if len(node.args) != 1 or node.args[0].keyword is not None or node.args[0].star:
            self.refused.append(f"{shown}: more than the generator is passed")
            return
        if calls_next(node.args[0].value):
            self.refused.append(
                f"{shown}: next() in the generator (its StopIteration would change type)"
            )
            return
        self.sites[id(node.args[0].value)] = self.def_stack[-1] if self.def_stack else ""


class _Rewriter(cst.CSTTransformer):
    def __init__(self, sites: dict[int, str]) -> None:
        super().__init__()
        self.sites = sites

    def leave_GeneratorExp(
        self, original_node: cst.GeneratorExp, updated_node: cst.GeneratorExp
    ) -> cst.BaseExpression:
        if id(original_node) not in self.sites:
            return updated_node
        # the generator's own parentheses (if any) become the brackets
        return cst.ListComp(elt=updated_node.elt, for_in=updated_node.for_in)


class JoinList(PythonCodemod):
    name = "join-list"
    needs = (".join(",)

    def rewrite(
        self, wrapper: MetadataWrapper, targets: Targets | None, params: dict[str, Any]
    ) -> Edit:
        finder = _Finder(targets)
        wrapper.visit(finder)
        refused = "; ".join(finder.refused)
        if not finder.sites:
            why = refused or "no '<string>'.join(<generator>)"
            return Edit(wrapper.module, 0, f"{self.name}: nothing to rewrite ({why})")
        new = wrapper.module.visit(_Rewriter(finder.sites))
        summary = (
            "passed str.join a list comprehension instead of a generator "
            f"{where(targets, (o for o in finder.sites.values() if o))} "
            f"({plural(len(finder.sites), 'call')})"
        )
        if refused:
            summary += f"; left: {refused}"
        return Edit(new, len(finder.sites), summary)
