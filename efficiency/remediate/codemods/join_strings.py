"""Build strings with a list and one ``join`` instead of ``+=`` in a loop (``join-strings``).

``s = ""`` followed by a loop doing ``s += piece`` copies the growing string on every
iteration when CPython cannot resize it in place (always, once anything else holds a reference
to it), which makes the loop quadratic. The rewrite appends the pieces to ``s_parts`` and joins
them once after the loop::

    s = ""                      s_parts = []
    for row in rows:      →     for row in rows:
        s += fmt(row)               s_parts.append(fmt(row))
                                s = "".join(s_parts)

The string may start as any str or bytes literal (``html = "<ul>"`` starts the list with it;
bytes are joined with ``b""``). Three spellings of the append are rewritten: ``s += piece``,
``s = s + a + b`` (the pieces after ``s``, in order) and ``s = "".join([s, a, b])`` (a list or
tuple display whose first item is ``s``, joined with an empty string); several pieces become
``s_parts.extend((a, b))``.
Statements may sit between ``s = ""`` and the loop when they neither mention ``s`` nor
define functions or classes (and, at module level, call nothing that could read the global).

Refused: any other use of ``s`` in the loop (a read, another assignment, ``del``, use in the loop's
``else:`` or in a ``while`` test), ``s`` declared ``global``/``nonlocal`` or used inside a
nested function (which could read it mid-loop), ``locals()``/``eval``-style calls in the scope,
a loop inside ``try``/``with`` (an exception caught there would see ``s`` half-built; a
``try`` with only a ``finally`` that neither mentions ``s`` nor returns, breaks or continues
lets it leave the function, and is fine), class bodies. The pieces are still evaluated in the
same order, once each.

An attribute built the same way (``self.text += piece`` in a loop) is handled by
:mod:`efficiency.remediate.codemods.join_attribute`; one appended to in helper methods that a
loop calls, or in a loop that rewrite refuses, by :mod:`~efficiency.remediate.codemods.join_builder`
(a list of parts behind a property). Each stage analyses the tree the stages before produced.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper

from efficiency.remediate.codemods.base import plural
from efficiency.remediate.codemods.join_attribute import AttrFinder, AttrRewriter
from efficiency.remediate.codemods.join_builder import BuilderFinder
from efficiency.remediate.codemods.join_builder_rewrite import BuilderRewriter, name_parts
from efficiency.remediate.codemods.pysource import (
    SCOPES,
    Edit,
    PythonCodemod,
    ScopedVisitor,
    StatementRewriter,
    Targets,
    calls_introspection,
    declares_global,
    mentions,
    mentions_in_nested_scopes,
    names_in,
    restage,
    unique_name,
    walk,
    where,
)


@dataclass
class _Append:
    """One statement that appends to the string: ``s += a``, ``s = s + a + b`` or
    ``s = "".join([s, a, b])``."""

    node: cst.AugAssign | cst.Assign
    pieces: list[cst.BaseExpression]
    #: the ``s`` names the statement itself writes and reads (nothing else may mention ``s``)
    names: list[cst.Name]


@dataclass
class _Site:
    init: cst.SimpleStatementLine
    loop: cst.For | cst.While
    name: str
    empty: str  # the empty literal to join with, in the init's kind and quotes: "" '' b""
    initial: cst.SimpleString | None  # the init's literal when it is not empty
    augments: list[_Append]
    owner: str


def _is_name(node: cst.CSTNode, name: str) -> bool:
    return isinstance(node, cst.Name) and node.value == name


def _concat_pieces(value: cst.BaseExpression, name: str) -> tuple[cst.Name, list] | None:
    """``s + a + b`` (left-associative, ``s`` leftmost) → (the ``s`` read, [a, b])."""
    pieces: list[cst.BaseExpression] = []
    while isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add):
        pieces.insert(0, value.right)
        value = value.left
    if not pieces or not _is_name(value, name) or value.lpar:
        return None
    assert isinstance(value, cst.Name)
    return value, pieces


def _join_pieces(value: cst.BaseExpression, name: str) -> tuple[cst.Name, list] | None:
    """``"".join([s, a, b])`` (or a tuple display) → (the ``s`` read, [a, b])."""
    if not (
        isinstance(value, cst.Call)
        and isinstance(value.func, cst.Attribute)
        and value.func.attr.value == "join"
        and isinstance(value.func.value, cst.SimpleString)
        and "b" not in value.func.value.prefix.lower()
        and value.func.value.evaluated_value == ""
        and len(value.args) == 1
        and value.args[0].keyword is None
        and not value.args[0].star
        and isinstance(value.args[0].value, (cst.List, cst.Tuple))
    ):
        return None
    elements = value.args[0].value.elements
    if len(elements) < 2 or any(isinstance(e, cst.StarredElement) for e in elements):
        return None
    first = elements[0].value
    if not _is_name(first, name):
        return None
    assert isinstance(first, cst.Name)
    return first, [e.value for e in elements[1:]]


def _append(node: cst.CSTNode, name: str) -> _Append | None:
    """The append ``node`` is, if it is one of the three spellings."""
    if isinstance(node, cst.AugAssign):
        if isinstance(node.operator, cst.AddAssign) and _is_name(node.target, name):
            assert isinstance(node.target, cst.Name)
            return _Append(node, [node.value], [node.target])
        return None
    if not isinstance(node, cst.Assign) or len(node.targets) != 1:
        return None
    target = node.targets[0].target
    if not _is_name(target, name):
        return None
    assert isinstance(target, cst.Name)
    found = _concat_pieces(node.value, name) or _join_pieces(node.value, name)
    if found is None:
        return None
    read, pieces = found
    return _Append(node, pieces, [target, read])


def _string_init(stmt: cst.BaseStatement) -> tuple[str, str, cst.SimpleString | None] | None:
    """For a line ``name = "<literal>"`` (str or bytes): the name, the empty literal of the
    same kind to join with (``""``, ``''``, ``b""`` ...) and the literal when it is not empty."""
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    assign = stmt.body[0]
    if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
        return None
    target, value = assign.targets[0].target, assign.value
    if not isinstance(target, cst.Name) or not isinstance(value, cst.SimpleString) or value.lpar:
        return None
    binary = "b" in value.prefix.lower()
    empty = ("b" if binary else "") + value.quote[0] * 2
    initial = value if value.evaluated_value else None
    return target.value, empty, initial


class _Finder(ScopedVisitor):
    def __init__(self, targets: Targets | None) -> None:
        super().__init__(targets)
        self.sites: list[_Site] = []
        self.refused: list[str] = []

    def visit_Module(self, node: cst.Module) -> None:
        self._scan(node.body)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._scan(node.body)

    def _scan(self, body: tuple[cst.BaseStatement, ...]) -> None:
        if not self.active:
            return
        for index, first in enumerate(body):
            found = _string_init(first)
            if found is None:
                continue
            name, empty, initial = found
            between, loop = _statements_before_loop(body[index + 1 :], name)
            if loop is None:
                continue
            if isinstance(loop, cst.For) and loop.asynchronous is not None:
                continue
            augments = self._augments(loop, name)
            if not augments:
                continue  # not the pattern at all
            why = self._between_refusal(between, name) or self._refusal(first, loop, name, augments)
            if why:
                self.refused.append(f"`{name} += ...` loop: {why}")
                continue
            owner = self.def_stack[-1] if self.def_stack else ""
            assert isinstance(first, cst.SimpleStatementLine)
            self.sites.append(_Site(first, loop, name, empty, initial, augments, owner))

    def _between_refusal(self, between: list[cst.BaseStatement], name: str) -> str | None:
        """Statements between ``s = ""`` and the loop run while ``s`` is not bound yet after
        the rewrite: they must not read it, which at module level also rules out calls (a
        called function could read the global)."""
        if not between:
            return None
        if isinstance(self.scope_of(between[0]), cst.Module) and any(
            isinstance(n, cst.Call) for stmt in between for n in walk(stmt)
        ):
            return f"a call between `{name} = ...` and the loop could read the global {name}"
        return None

    @staticmethod
    def _augments(loop: cst.CSTNode, name: str) -> list[_Append]:
        return [found for n in walk(loop) if (found := _append(n, name)) is not None]

    def _refusal(
        self,
        first: cst.CSTNode,
        loop: cst.For | cst.While,
        name: str,
        augments: list[_Append],
    ) -> str | None:
        allowed = {id(n) for a in augments for n in a.names}
        for node in walk(loop):
            if isinstance(node, cst.Name) and node.value == name and id(node) not in allowed:
                return f"{name} is used in the loop other than by appending to it"
        for augment in augments:
            if any(mentions(piece, name) for piece in augment.pieces):
                return f"{name} is read in the appended expression"
            chain = list(self.ancestors(augment.node))
            if not any(a is loop.body for a in chain):
                return f"{name} += sits outside the loop body"
            inner = chain[: next(i for i, a in enumerate(chain) if a is loop)]
            if any(isinstance(a, SCOPES) for a in inner):
                return f"{name} += sits in a nested function or class"
        scope = self.scope_of(loop)
        if isinstance(scope, cst.ClassDef):
            return "class body"
        if declares_global(scope, name):
            return f"{name} is declared global/nonlocal"
        if mentions_in_nested_scopes(scope, name):
            return f"{name} is used by a nested function, which could read it mid-loop"
        if calls_introspection(scope):
            return "the scope calls locals()/vars()/eval()/exec()"
        if self.exceptions_observable(loop, scope, name):
            return "the loop sits in try/with: a caught exception would see a half-built string"
        return None


def _statements_before_loop(
    rest: tuple[cst.BaseStatement, ...], name: str
) -> tuple[list[cst.BaseStatement], cst.For | cst.While | None]:
    """The statements up to the first loop after ``name = ""`` and that loop, when none of
    those statements (and nothing defined in them) mentions ``name``; else ``([], None)``."""
    between: list[cst.BaseStatement] = []
    for stmt in rest:
        if isinstance(stmt, (cst.For, cst.While)) and mentions(stmt, name):
            return between, stmt
        if mentions(stmt, name) or calls_introspection(stmt):
            return [], None
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            return [], None  # a def between could be the one that reads it
        between.append(stmt)
    return [], None


class _Rewriter(StatementRewriter):
    def __init__(self, sites: list[_Site], parts: dict[int, str]) -> None:
        super().__init__()
        self.inits = {id(s.init): s for s in sites}
        self.loops = {id(s.loop): s for s in sites}
        self.augments = {id(a.node): (a, parts[id(s.init)]) for s in sites for a in s.augments}
        self.parts = parts

    def leave_AugAssign(
        self, original_node: cst.AugAssign, updated_node: cst.AugAssign
    ) -> cst.BaseSmallStatement:
        return self._appended(original_node, updated_node)

    def leave_Assign(
        self, original_node: cst.Assign, updated_node: cst.Assign
    ) -> cst.BaseSmallStatement:
        return self._appended(original_node, updated_node)

    def _appended(self, original: cst.CSTNode, updated: Any) -> cst.BaseSmallStatement:
        found = self.augments.get(id(original))
        if found is None:
            return updated
        append, parts = found
        name = append.names[0].value
        pieces = (_append(updated, name) or append).pieces
        if len(pieces) == 1:
            method, arg = "append", pieces[0]
        else:
            method, arg = "extend", cst.Tuple(elements=[cst.Element(p) for p in pieces])
        call = cst.Call(
            func=cst.Attribute(value=cst.Name(parts), attr=cst.Name(method)), args=[cst.Arg(arg)]
        )
        return cst.Expr(value=call, semicolon=updated.semicolon)

    def _body(self, original: tuple[cst.CSTNode, ...], updated: tuple[cst.CSTNode, ...]) -> list:
        body = []
        for old, new in zip(original, updated, strict=True):
            if id(old) in self.inits:
                site = self.inits[id(old)]
                parts = self.parts[id(old)]
                assign = site.init.body[0]
                assert isinstance(assign, cst.Assign)
                target = assign.targets[0].with_changes(target=cst.Name(parts))
                start = [] if site.initial is None else [cst.Element(site.initial)]
                new = new.with_changes(
                    body=[assign.with_changes(targets=[target], value=cst.List(elements=start))]
                )
            body.append(new)
            if id(old) in self.loops:
                site = self.loops[id(old)]
                join = cst.Call(
                    func=cst.Attribute(value=cst.SimpleString(site.empty), attr=cst.Name("join")),
                    args=[cst.Arg(cst.Name(self.parts[id(site.init)]))],
                )
                body.append(
                    cst.SimpleStatementLine(
                        body=[
                            cst.Assign(targets=[cst.AssignTarget(cst.Name(site.name))], value=join)
                        ]
                    )
                )
        return body


class JoinStrings(PythonCodemod):
    name = "join-strings"
    needs = ("+=", "+", ".join(")

    def rewrite(
        self, wrapper: MetadataWrapper, targets: Targets | None, params: dict[str, Any]
    ) -> Edit:
        finder = _Finder(targets)
        wrapper.visit(finder)
        new, built, owners = wrapper.module, [], [s.owner for s in finder.sites]
        if finder.sites:
            taken = names_in(new)
            parts: dict[int, str] = {}
            for site in finder.sites:
                parts[id(site.init)] = unique_name(f"{site.name}_parts", taken)
                taken.add(parts[id(site.init)])
            new = new.visit(_Rewriter(finder.sites, parts))
            built += sorted({s.name for s in finder.sites})
            wrapper, targets = restage(wrapper.module, new, targets)
            new = wrapper.module
        attrs = AttrFinder(wrapper.module, targets)
        wrapper.visit(attrs)
        skip = {(_class_of(wrapper.module, s.loop), s.attr) for s in attrs.sites}
        if attrs.sites:
            taken = names_in(new)
            for attr in attrs.sites:
                attr.parts = unique_name(f"{attr.attr.lstrip('_')}_parts", taken)
                taken.add(attr.parts)
            new = new.visit(AttrRewriter(attrs.sites))
            built += sorted({f"{s.obj}.{s.attr}" for s in attrs.sites})
            owners += [s.owner for s in attrs.sites]
            wrapper, targets = restage(wrapper.module, new, targets)
            new = wrapper.module
        builders = BuilderFinder(wrapper.module, targets, skip)
        wrapper.visit(builders)
        refused = "; ".join(finder.refused + attrs.refused + builders.refused)
        sites = len(finder.sites) + len(attrs.sites)
        if not sites and not builders.sites:
            why = refused or 'no `s = ""` followed by a loop doing `s += ...` or `s = s + ...`'
            return Edit(wrapper.module, 0, f"{self.name}: nothing to rewrite ({why})")
        summaries = []
        if sites:
            summaries.append(
                f"built {', '.join(built)} with list.append + str.join instead of += in a loop "
                f"{where(targets, owners)} ({plural(sites, 'loop')})"
            )
        if builders.sites:
            name_parts(builders.sites, new)
            new = new.visit(BuilderRewriter(builders.sites))
            kept = [f"{s.cls.name.value}.{s.attr}" for s in builders.sites]
            appenders = sorted({o for s in builders.sites for o in s.owners})
            summaries.append(
                f"kept {', '.join(kept)} as a list of parts behind a property (joined when "
                f"read) instead of += in {', '.join(appenders)} "
                f"({plural(len(builders.sites), 'attribute')})"
            )
        summary = "; ".join(summaries)
        if refused:
            summary += f"; left: {refused}"
        return Edit(new, sites + len(builders.sites), summary)


def _class_of(module: cst.Module, loop: cst.CSTNode) -> str:
    """The name of the innermost class around ``loop``."""
    classes = [c for c in walk(module) if isinstance(c, cst.ClassDef)]
    return next((c.name.value for c in reversed(classes) if any(n is loop for n in walk(c))), "")
