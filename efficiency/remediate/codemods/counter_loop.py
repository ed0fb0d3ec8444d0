"""Count items with ``collections.Counter`` instead of a Python loop (``count-with-counter``).

A fresh dict filled by a loop that only counts, one dict update per item in bytecode::

    d = collections.defaultdict(int)         d = collections.defaultdict(int)
    for item in seq:                    →    d.update(collections.Counter(iter(seq)))
        d[item] += 1

``Counter`` counts in C (``_count_elements``) and keeps the order in which each item was first
seen; updating the still empty ``d`` from it gives the same keys, in the same order, with the
same counts, in the same type of dict. The items go through ``iter(...)``: given ``None``
``Counter`` counts nothing and given a mapping it copies the mapping's values, where the loop
raises ``TypeError`` or counts the keys. Also for ``d = {}`` / ``dict()`` with
``d[item] = d.get(item, 0) + 1``.

Only done when the loop comes right after the statement that makes ``d`` empty, its body is
that one counting statement, it has no ``else``, and the loop variable is a plain name used
nowhere else in the function (the rewrite no longer binds it). Refused when an exception from
the loop could be caught in the function (a ``try`` or ``with`` around it: it would see ``d``
empty instead of half counted), when a nested function or ``lambda`` mentions ``d`` (it
could read the half-counted dict while the loop runs), when the function reads its locals by
name, and when ``collections`` (or ``Counter`` from it) is not imported at module level and
bound nowhere else. Equal results assume the items' ``__hash__`` and ``__eq__`` have no side
effects (the C loop calls them fewer times).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper

from efficiency.remediate.codemods.any_all_loop import comprehension_locals
from efficiency.remediate.codemods.base import plural
from efficiency.remediate.codemods.pysource import (
    Edit,
    PythonCodemod,
    ScopedVisitor,
    StatementRewriter,
    Targets,
    calls_introspection,
    code,
    declares_global,
    mentions,
    mentions_in_nested_scopes,
    same_ast,
    walk,
    where,
)


@dataclass
class _Site:
    loop: cst.For
    name: str
    owner: str


def counter_name(module: cst.Module) -> str | None:
    """How the module can name ``collections.Counter``: ``collections.Counter`` or
    ``Counter``, when imported at module level and bound nowhere else; None otherwise."""
    bound = [n for n in walk(module) if isinstance(n, cst.ImportAlias)]
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.Import) and any(
                code(a.name) == "collections" and a.asname is None for a in small.names
            ):
                return "collections.Counter" if _bound_once(module, bound, "collections") else None
            if (
                isinstance(small, cst.ImportFrom)
                and small.module is not None
                and code(small.module) == "collections"
                and not isinstance(small.names, cst.ImportStar)
                and any(code(a.name) == "Counter" and a.asname is None for a in small.names)
            ):
                return "Counter" if _bound_once(module, bound, "Counter") else None
    return None


def _bound_once(module: cst.Module, aliases: list[cst.ImportAlias], name: str) -> bool:
    imports = [a for a in aliases if code(a.asname.name if a.asname else a.name) == name]
    others = [
        n
        for n in walk(module)
        if isinstance(n, cst.AssignTarget | cst.AugAssign | cst.AnnAssign | cst.For)
        and mentions(n.target, name)
    ]
    others += [
        n
        for n in walk(module)
        if isinstance(n, cst.Param | cst.FunctionDef | cst.ClassDef) and n.name.value == name
    ]
    return len(imports) == 1 and not others


def _empty_dict(stmt: cst.CSTNode, counter: str) -> tuple[str, bool] | None:
    """``NAME = {}`` / ``dict()`` → (NAME, False); ``NAME = [collections.]defaultdict(int)``
    → (NAME, True); None otherwise."""
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1):
        return None
    assign = stmt.body[0]
    if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
        return None
    target = assign.targets[0].target
    if not isinstance(target, cst.Name):
        return None
    value = code(assign.value).replace(" ", "")
    if value in ("{}", "dict()"):
        return target.value, False
    prefix = "collections." if counter.startswith("collections.") else ""
    if value == f"{prefix}defaultdict(int)":
        return target.value, True
    return None


def _counts(loop: cst.For, name: str, default_int: bool) -> bool:
    """Is the loop's body exactly ``name[item] += 1`` (a defaultdict(int)) or
    ``name[item] = name.get(item, 0) + 1``?"""
    body = loop.body
    if loop.orelse is not None:
        return False
    stmts = body.body if isinstance(body, cst.SimpleStatementSuite) else list(body.body)
    if len(stmts) != 1:
        return False
    small = stmts[0]
    if isinstance(small, cst.SimpleStatementLine):
        if len(small.body) != 1:
            return False
        small = small.body[0]
    item = code(loop.target)
    if isinstance(small, cst.AugAssign) and default_int:
        return (
            isinstance(small.operator, cst.AddAssign)
            and same_ast(code(small.target), f"{name}[{item}]")
            and same_ast(code(small.value), "1")
        )
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        return same_ast(code(small.targets[0].target), f"{name}[{item}]") and same_ast(
            code(small.value), f"{name}.get({item}, 0) + 1"
        )
    return False


class _Finder(ScopedVisitor):
    def __init__(self, module: cst.Module, targets: Targets | None) -> None:
        super().__init__(targets)
        self.counter = counter_name(module)
        self.sites: list[_Site] = []
        self.refused: list[str] = []

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        if not self.active or not self.def_stack:
            return
        for before, loop in zip(node.body, node.body[1:], strict=False):
            if not isinstance(loop, cst.For):
                continue
            made = _empty_dict(before, self.counter or "collections.Counter")
            if made is None or not _counts(loop, *made):
                continue
            shown = code(loop).splitlines()[0]
            why = self._refusal(loop, made[0])
            if why:
                self.refused.append(f"{shown}: {why}")
            else:
                self.sites.append(_Site(loop, made[0], self.def_stack[-1]))

    def _refusal(self, loop: cst.For, name: str) -> str:
        if self.counter is None:
            return "collections (or Counter from it) is not imported once at module level"
        scope = self.scope_of(loop)
        if not isinstance(scope, cst.FunctionDef):
            return "not inside a function"
        if not isinstance(loop.target, cst.Name) or loop.asynchronous is not None:
            return "the loop variable is not one plain name (or the loop is async)"
        item = loop.target.value
        if mentions(loop.iter, name) or mentions(loop.iter, item):
            return f"the iterable mentions {name} or {item}"
        if calls_introspection(scope) or declares_global(scope, name):
            return f"{name} is global/nonlocal or the function reads its locals by name"
        if declares_global(scope, item):
            return f"{item} is declared global or nonlocal"
        if mentions_in_nested_scopes(scope, name):
            return f"a nested function or lambda mentions {name} (it could see it half counted)"
        if self.exceptions_observable(loop, scope):
            return "an exception from the loop could be caught here, with the dict half counted"
        own = {id(n) for n in walk(loop)} | comprehension_locals(scope, item)
        if any(isinstance(n, cst.Name) and n.value == item and id(n) not in own
               for n in walk(scope)):  # fmt: skip
            return f"{item} is also used after the loop (the rewrite no longer binds it)"
        return ""


class _Rewriter(StatementRewriter):
    def __init__(self, sites: list[_Site], counter: str) -> None:
        super().__init__()
        self.sites = {id(s.loop): s for s in sites}
        self.counter = counter

    def _body(self, original: tuple[Any, ...], updated: tuple[Any, ...]) -> list[Any]:
        out: list[Any] = []
        for old, new in zip(original, updated, strict=True):
            site = self.sites.get(id(old))
            if site is None:
                out.append(new)
                continue
            items = code(old.iter)
            if isinstance(old.iter, cst.Tuple) and not old.iter.lpar:
                items = f"({items})"
            # through iter(...): Counter(None) counts nothing and Counter(mapping) copies the
            # mapping's values, where the loop fails or counts the keys
            line = cst.parse_statement(f"{site.name}.update({self.counter}(iter({items})))\n")
            out.append(line.with_changes(leading_lines=old.leading_lines))
        return out


class CountWithCounter(PythonCodemod):
    name = "count-with-counter"
    needs = ("dict(", "{}")

    def rewrite(
        self, wrapper: MetadataWrapper, targets: Targets | None, params: dict[str, Any]
    ) -> Edit:
        finder = _Finder(wrapper.module, targets)
        wrapper.visit(finder)
        refused = "; ".join(finder.refused)
        if not finder.sites or finder.counter is None:
            why = refused or "no fresh dict followed by a loop that only counts items into it"
            return Edit(wrapper.module, 0, f"{self.name}: nothing to rewrite ({why})")
        new = wrapper.module.visit(_Rewriter(finder.sites, finder.counter))
        summary = (
            f"counted with {finder.counter} instead of a Python loop "
            f"{where(targets, (s.owner for s in finder.sites))} "
            f"({plural(len(finder.sites), 'loop')})"
        )
        if refused:
            summary += f"; left: {refused}"
        return Edit(new, len(finder.sites), summary)
