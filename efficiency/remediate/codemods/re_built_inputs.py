"""How :mod:`efficiency.remediate.codemods.re_built_check` tells where a pattern's inputs come
from: the value kinds, the scope lookups of its walk (a builtin, ``re.<attr>``, a parameter, a
name whose read can neither raise nor run code) and the syntax an input may have (an item with
a quiet key, a dict view, a chain of plain attributes, two unpacked names, a literal argument).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import libcst as cst
from libcst.metadata import (
    BuiltinAssignment,
    ComprehensionScope,
    GlobalScope,
    QualifiedNameProvider,
    Scope,
    ScopeProvider,
)

Kind = Literal["str", "strs", "pairs", "bool"]

#: the dict views a container input may be read through: the kind of what each yields
VIEWS: dict[str, Kind] = {"keys": "strs", "values": "strs", "items": "pairs"}


class ScopeLookups:
    """Mixed into ``Checker``: what the scope metadata says of the names a pattern reads."""

    #: the analysing visitor's ``get_metadata``
    meta: Callable[..., Any]
    re_names: set[str]

    # -- metadata ---------------------------------------------------------------------------
    def _scope(self, node: cst.CSTNode) -> Scope | None:
        found: Scope | None = self.meta(ScopeProvider, node, None)
        return found

    def _qualified(self, node: cst.CSTNode) -> set[str]:
        names = self.meta(QualifiedNameProvider, node, set())
        return {q.name for q in names}

    def _builtin(self, node: cst.BaseExpression, name: str) -> bool:
        if not isinstance(node, cst.Name) or node.value != name:
            return False
        scope = self._scope(node)
        found = scope[name] if scope is not None else set()
        return bool(found) and all(isinstance(a, BuiltinAssignment) for a in found)

    def _is_re(self, node: cst.BaseExpression, attr: str) -> bool:
        """Is ``node`` ``re.<attr>``, ``re`` the module imported once at module level?"""
        if not (
            isinstance(node, cst.Attribute)
            and node.attr.value == attr
            and isinstance(node.value, cst.Name)
            and node.value.value in self.re_names
            and f"re.{attr}" in self._qualified(node)
        ):
            return False
        scope = self._scope(node.value)
        found = list(scope[node.value.value]) if scope is not None else []
        return len(found) == 1 and isinstance(found[0].scope, GlobalScope)

    def _parameter(self, node: cst.BaseExpression) -> bool:
        """Is ``node`` a name bound as a parameter of a function (reading it is harmless)?"""
        scope = self._scope(node) if isinstance(node, cst.Name) else None
        found = scope[node.value] if scope is not None else set()  # type: ignore[attr-defined]
        return any(isinstance(a.node, cst.Param) for a in found)

    def _quiet(self, name: cst.Name) -> bool:
        """Reading ``name`` can neither raise nor run code: every binding is a parameter of
        its function (never deleted: checked by the caller) or a module-level one."""
        scope = self._scope(name)
        if scope is None:
            return False
        found = scope[name.value]
        if not found:
            return False
        if all(isinstance(a.scope, GlobalScope) for a in found):
            return not any(isinstance(a, BuiltinAssignment) for a in found)
        if all(isinstance(a.scope, ComprehensionScope) for a in found):
            return True
        return any(isinstance(a.node, cst.Param) for a in found)


def item_of(node: cst.Subscript, quiet: Callable[[cst.Name], bool]) -> cst.BaseExpression | None:
    """The container of ``x[key]`` when ``key`` is a literal or a name that reads quietly (a
    parameter, a module-level name), one plain index; else None."""
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return None
    key = node.slice[0].slice.value
    if isinstance(key, cst.SimpleString | cst.Integer) or (
        isinstance(key, cst.Name) and quiet(key)
    ):
        return node.value
    return None


def view_of(node: cst.BaseExpression) -> str | None:
    """``keys``, ``values`` or ``items`` for ``x.keys()`` and the like, called bare."""
    if (
        isinstance(node, cst.Call)
        and not node.args
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value in VIEWS
    ):
        return node.func.attr.value
    return None


def view_container(node: cst.Call) -> cst.BaseExpression:
    return node.func.value  # type: ignore[attr-defined, no-any-return]


def two_names(target: cst.BaseExpression) -> tuple[str, str] | None:
    if not isinstance(target, cst.Tuple) or len(target.elements) != 2:
        return None
    first, second = (e.value for e in target.elements)
    if isinstance(first, cst.Name) and isinstance(second, cst.Name) and first.value != second.value:
        return first.value, second.value
    return None


def plain_attribute(node: cst.Attribute) -> bool:
    return isinstance(node.value, cst.Name) or (
        isinstance(node.value, cst.Attribute) and plain_attribute(node.value)
    )


def literal(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.SimpleString | cst.Integer):
        return True
    if isinstance(node, cst.Tuple):
        return all(
            not isinstance(e, cst.StarredElement) and isinstance(e.value, cst.SimpleString)
            for e in node.elements
        )
    return False
