"""String building on an attribute (``self.text += piece`` in a loop) with a list and one
``join`` (part of ``join-strings``).

An attribute holds a reference to the string, so CPython can never grow it in place: every
``+=`` copies all of it. The pieces go to a local list and are added to the attribute once,
in a ``finally`` so that an exception leaving the loop (or a ``return``/``break`` in it) leaves
the attribute holding exactly the pieces appended so far, as before::

    for row in rows:                         body_parts = []
        self.body += fmt(row)          →     try:
                                                 for row in rows:
                                                     body_parts.append(fmt(row))
                                             finally:
                                                 if body_parts:
                                                     self.body += "".join(body_parts)

``self.body = self.body + a + b`` is rewritten alike (``body_parts.extend((a, b))``). The object
is a parameter of the loop's function: a plain method's first one, or one annotated with a
class of the module (``def export(job: Job)``); see
:mod:`~efficiency.remediate.codemods.join_attribute_uses`. A loop may append to several
attributes of it: those that are provably str (below) are each built with a list of their own
and added in the same ``finally``; the others (``job.written += 1``) are ordinary uses. Loops
building attributes of two objects are refused (they could be one object).

While the loop runs the built attributes lag behind, so nothing that could read them may run
there: the loop (its body, ``else:``, a ``while`` test, a ``for``'s iterable, whose generator
runs at each step) mentions ``.body`` only in the appends, calls no function or method of the
module whose code reads ``.body``, directly or through calls (nor ``getattr``-style
introspection, nor a module-level value such as a lambda or ``partial`` mentioning it), uses
the object only in ways that provably cannot read it (its other plain attributes, its
non-reading methods, passing it to the module's non-reading functions, which use it alike),
names no name or attribute assigned anywhere in the module a value naming such a function
(``self._cb = self.show`` in ``__init__``, then ``map(self._cb, xs)`` in the loop: see
:func:`~efficiency.remediate.codemods.join_dict_reach.reach`),
does not rebind or alias the object in the function, and neither yields nor awaits (``async
for``/``async with`` included). Names the module shows may hold the same object (another
parameter annotated with the class, a ``TypeVar``/``Protocol`` naming it or ``"Job"``; a
module-level name bound to something naming the class, or declared ``global``) are held to
the same rules, since a dataclass's ``__repr__``/``__eq__`` reads every field. Before the loop
the function keeps nothing for later: no lambda, nested def or generator expression capturing
the object (or mentioning ``.body``), no bound method, container or foreign call holding it.
The attribute must be a plain one holding a str when the loop starts: the class has no bases
(and no class of the module subclasses it), no ``__setattr__``/``__getattr__``/
``__getattribute__``/``__delattr__``, no class-level ``body`` other than an exact str, no
decorator but the standard non-frozen ``dataclass``, nothing in the module patches it
(``setattr``, ``__dict__``, ``Job.x = ...``, ``x.__class__ = ...``) or stores to the name of a
method called in the loop, every store to ``.body`` in the module is a provably exact str (a
literal, an f-string, a conditional of them, a module constant...:
:mod:`~efficiency.remediate.codemods.join_exact`) or one of these appends, and it is set when
the loop starts: stored by the function before the statement holding the loop, or bound at
class level (not as a dataclass field, which ``Job(...)`` sets to whatever it is given), or
stored by ``__init__`` in a statement of its own. (A subclass defined elsewhere that makes
``body`` a property, code elsewhere storing a non-str in it, an argument that is not the
annotated class, or the object reaching the loop inside a container, another object or a
value not declared to be the class, is beyond what one module can show.) As for a local
string, the pieces are taken to be str: one that is not makes both versions raise
``TypeError``, the original at that piece with the pieces before it added, the rewrite after
the loop with none of them added (nor those of the attributes added after it).
Anything else is refused with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from efficiency.remediate.codemods.join_attribute_class import (
    attr_append as _attr_append,
)
from efficiency.remediate.codemods.join_attribute_class import (
    class_refusal,
    patch_refusal,
    start_refusal,
    subclass_of,
    type_refusal,
)
from efficiency.remediate.codemods.join_attribute_uses import (
    DEFERRED,
    ObjectUses,
    alias_names,
    is_reference,
    object_class,
    parameters,
)
from efficiency.remediate.codemods.join_builder_facts import callee as _callee
from efficiency.remediate.codemods.join_builder_facts import rebinds
from efficiency.remediate.codemods.join_dict_reach import naming, reach
from efficiency.remediate.codemods.pysource import (
    INTROSPECTION,
    SCOPES,
    ScopedVisitor,
    StatementRewriter,
    Targets,
    code,
    walk,
)

#: an appending statement's id -> (attribute, pieces, the statement)
Appends = dict[int, tuple[str, list[cst.BaseExpression], cst.CSTNode]]


@dataclass
class AttrSite:
    loop: cst.For | cst.While
    obj: str
    #: the attributes built, sorted
    attrs: list[str]
    #: the appending statements -> their pieces, in order
    appends: dict[int, list[cst.BaseExpression]]
    owner: str
    cls: cst.ClassDef
    #: attribute -> the name of its list
    parts: dict[str, str] = field(default_factory=dict)


class AttrFinder(ScopedVisitor):
    def __init__(self, module: cst.Module, targets: Targets | None) -> None:
        super().__init__(targets)
        self.module = module
        self.sites: list[AttrSite] = []
        self.refused: list[str] = []
        self._done: set[int] = set()

    def visit_For(self, node: cst.For) -> None:
        self._consider(node)

    def visit_While(self, node: cst.While) -> None:
        self._consider(node)

    def _consider(self, loop: cst.For | cst.While) -> None:
        if not self.active or id(loop) in self._done:
            return
        func = self.scope_of(loop)
        if not isinstance(func, cst.FunctionDef):
            return
        found: dict[str, Appends] = {}
        for param in parameters(func):
            name = param.name.value
            for node in walk(loop):
                append = _attr_append(node, name)
                if append is not None:
                    found.setdefault(name, {})[id(node)] = (*append, node)
        if not found:
            return
        self._done |= {id(n) for n in walk(loop) if isinstance(n, cst.For | cst.While)}
        built: dict[str, list[str]] = {}
        unproven: list[str] = []
        for obj, appends in found.items():
            attrs = sorted({a for a, _, _ in appends.values()})
            typed = {a: type_refusal(self.module, self.parent, a) for a in attrs}
            unproven += [why for why in typed.values() if why]
            if any(not why for why in typed.values()):
                built[obj] = [a for a in attrs if not typed[a]]
        first = next(iter(found))
        shown = f"`{first}.{sorted({a for a, _, _ in found[first].values()})[0]} += ...` loop"
        if not built:
            self.refused.append(f"{shown}: {'; '.join(unproven)}")
            return
        if len(built) > 1:
            objects = ", ".join(sorted(built))
            why = f"the loop builds attributes of several objects ({objects}), maybe one"
            self.refused.append(f"{shown}: {why}")
            return
        ((obj, attrs),) = built.items()
        shown = f"`{', '.join(f'{obj}.{a}' for a in attrs)} += ...` loop"
        appends = {k: v for k, v in found[obj].items() if v[0] in attrs}
        cls, why = object_class(self.module, self.parent, func, obj)
        if cls is not None:
            why = self._refusal(loop, func, obj, cls, attrs, appends)
        if why or cls is None:
            self.refused.append(f"{shown}: {why}")
            return
        pieces = {key: p for key, (_, p, _) in appends.items()}
        self.sites.append(AttrSite(loop, obj, attrs, pieces, self.def_stack[-1], cls))

    def _refusal(
        self,
        loop: cst.For | cst.While,
        func: cst.FunctionDef,
        obj: str,
        cls: cst.ClassDef,
        attrs: list[str],
        appends: Appends,
    ) -> str:
        if isinstance(loop, cst.For) and loop.asynchronous:
            return "an async for awaits each step: code elsewhere could read the attribute"
        allowed: set[int] = set()
        for attr, _, node in appends.values():
            if not any(a is loop.body for a in self.ancestors(node)):
                return f"{obj}.{attr} is appended to outside the loop body"
            if any(isinstance(a, SCOPES) for a in self._between(node, loop)):
                return f"{obj}.{attr} is appended to in a nested function or class"
            allowed |= _append_targets(node)
        if rebinds(func.body, obj):
            return f"{obj} is rebound in {func.name.value}"
        others, shared = alias_names(self.module, func, cls, obj)
        names = {obj} | others
        alias = next(((n, o) for n in walk(func.body) for o in names if _aliases(n, o)), None)
        if alias is not None:
            return f"`{code(alias[0])[:50]}` aliases {alias[1]}"
        uses = ObjectUses(self.module, self.parent, cls, set(attrs), shared)
        for part in _run_each_time(loop):
            for node in walk(part):
                if isinstance(node, cst.Yield | cst.Await) or (
                    isinstance(node, cst.With) and node.asynchronous
                ):
                    return "the loop yields or awaits: code elsewhere could read the attribute"
                if (
                    isinstance(node, cst.Attribute)
                    and node.attr.value in attrs
                    and id(node) not in allowed
                ):
                    return f"the loop uses `{code(node)}` other than to append to it"
                if isinstance(node, cst.Call) and _could_read(node.func, uses.readers):
                    return f"`{code(node.func)}` is called in the loop and could read {uses.shown}"
                if (
                    isinstance(node, cst.Name)
                    and node.value in names
                    and id(node) not in allowed
                    and is_reference(self.parent, node)
                ):
                    why = uses.refusal(node, func)
                    if why:
                        return why
        why = self._outside(loop, func, names, uses)
        if why:
            return why
        subclass = subclass_of(self.module, cls)
        if subclass:
            return f"{subclass} subclasses {cls.name.value} (and could make .{attrs[0]} a property)"
        for attr in attrs:
            why = class_refusal(self.module, cls, attr) or start_refusal(
                self.module, cls, func, loop, obj, attr
            )
            if why:
                return why
        return patch_refusal(self.module, cls) or self._held(loop, attrs, uses)

    def _held(self, loop: cst.For | cst.While, attrs: list[str], uses: ObjectUses) -> str:
        """Why the loop could read a built attribute through a name or attribute that holds
        a reader without calling it here (``self._cb`` set to ``self.show`` elsewhere, handed
        to ``map``), else ""."""
        held = reach(self.module, uses.readers, set(attrs))
        for part in _run_each_time(loop):
            found = naming(part, held - set(attrs))
            if found is not None:
                return f"`{code(found)}` in the loop could hold code that reads {uses.shown}"
        return ""

    def _outside(
        self, loop: cst.CSTNode, func: cst.FunctionDef, names: set[str], uses: ObjectUses
    ) -> str:
        """Why a use of the object (or of a name that may hold it) in ``func``, outside the
        loop but maybe before it runs (earlier, or anywhere when a loop encloses it), could let
        the loop read a built attribute, else ""."""
        order = {id(n): i for i, n in enumerate(walk(func.body))}
        start, end = order[id(loop)], max(order[id(n)] for n in walk(loop))
        enclosed = any(isinstance(a, cst.For | cst.While) for a in self._between(loop, func))
        for node in walk(func.body):
            at = order[id(node)]
            if start <= at <= end or (at > end and not enclosed):
                continue
            if (
                isinstance(node, cst.Name)
                and node.value in names
                and is_reference(self.parent, node)
                and (why := uses.outside(node, func))
            ):
                return why
            if isinstance(node, DEFERRED) and any(
                isinstance(n, cst.Attribute) and n.attr.value in uses.built for n in walk(node)
            ):
                return f"`{code(node)[:50]}` could read {uses.shown} later, before the loop"
        return ""

    def _between(self, node: cst.CSTNode, loop: cst.CSTNode) -> list[cst.CSTNode]:
        chain = list(self.ancestors(node))
        return chain[: next(i for i, a in enumerate(chain) if a is loop)]


def _append_targets(node: cst.CSTNode) -> set[int]:
    """The ids of an append's ``obj.attr`` nodes (the target, and the left operand of
    ``obj.attr = obj.attr + ...``) and of their ``obj`` names."""
    if isinstance(node, cst.AugAssign):
        ends = [node.target]
    else:
        assert isinstance(node, cst.Assign)
        value = node.value
        while isinstance(value, cst.BinaryOperation):
            value = value.left
        ends = [node.targets[0].target, value]
    return {id(n) for end in ends for n in (end, end.value)}  # type: ignore[attr-defined]


def _aliases(node: cst.CSTNode, obj: str) -> bool:
    """Does ``node`` bind another name (or anything) to the object itself?"""
    if isinstance(node, cst.Assign | cst.AnnAssign | cst.NamedExpr):
        value = node.value
    elif isinstance(node, cst.WithItem):
        value = node.item if node.asname is not None else None
    else:
        return False
    return isinstance(value, cst.Name) and value.value == obj


def _could_read(func: cst.BaseExpression, readers: set[str]) -> bool:
    name = _callee(func)
    if name is None:
        return True  # a call of a call's result, a subscript...: unknown
    if name in INTROSPECTION or name in {"getattr", "setattr", "delattr"}:
        return True
    return name in readers


def _run_each_time(loop: cst.For | cst.While) -> list[cst.CSTNode]:
    """The parts of a loop that run while it builds: body, else, a while's test, a for's
    target and iterable (evaluated once, but a generator it makes runs at each step)."""
    parts: list[cst.CSTNode] = [loop.body]
    if loop.orelse is not None:
        parts.append(loop.orelse)
    parts += [loop.test] if isinstance(loop, cst.While) else [loop.target, loop.iter]
    return parts


class AttrRewriter(StatementRewriter):
    def __init__(self, sites: list[AttrSite]) -> None:
        super().__init__()
        self.loops = {id(s.loop): s for s in sites}
        self.appends = {key: (s, p) for s in sites for key, p in s.appends.items()}

    def leave_AugAssign(
        self, original_node: cst.AugAssign, updated_node: cst.AugAssign
    ) -> cst.BaseSmallStatement:
        return self._appended(original_node, updated_node)

    def leave_Assign(
        self, original_node: cst.Assign, updated_node: cst.Assign
    ) -> cst.BaseSmallStatement:
        return self._appended(original_node, updated_node)

    def _appended(self, original: cst.CSTNode, updated: cst.AugAssign | cst.Assign) -> cst.Expr:
        found = self.appends.get(id(original))
        if found is None:
            return updated  # type: ignore[return-value]
        site, _ = found
        again = _attr_append(updated, site.obj)
        assert again is not None
        attr, pieces = again
        if len(pieces) == 1:
            method, arg = "append", pieces[0]
        else:
            method, arg = "extend", cst.Tuple(elements=[cst.Element(p) for p in pieces])
        call = cst.Call(
            func=cst.Attribute(value=cst.Name(site.parts[attr]), attr=cst.Name(method)),
            args=[cst.Arg(arg)],
        )
        return cst.Expr(value=call, semicolon=updated.semicolon)

    def _body(self, original: tuple[cst.CSTNode, ...], updated: tuple[cst.CSTNode, ...]) -> list:
        body: list = []
        for old, new in zip(original, updated, strict=True):
            site = self.loops.get(id(old))
            if site is None:
                body.append(new)
                continue
            names = [site.parts[a] for a in site.attrs]
            adds = "".join(
                f'    if {p}:\n        {site.obj}.{a} += "".join({p})\n'
                for a, p in zip(site.attrs, names, strict=True)
            )
            body += flushed(new, [f"{p} = []" for p in names], adds)
        return body


def flushed(loop: cst.CSTNode, starts: list[str], adds: str) -> list[cst.BaseStatement]:
    """``starts`` (statements), then ``try: <loop> finally: <adds>`` (``adds``: the finally's
    lines, indented by four), the first start taking the loop's leading lines."""
    final = cst.parse_statement(f"try:\n    pass\nfinally:\n{adds}")
    assert isinstance(final, cst.Try)
    made = [cst.parse_statement(f"{start}\n") for start in starts]
    leading = loop.leading_lines  # type: ignore[attr-defined]
    body: list[cst.BaseStatement] = [made[0].with_changes(leading_lines=leading), *made[1:]]
    block = cst.IndentedBlock(body=[loop.with_changes(leading_lines=[])])  # type: ignore[list-item]
    return [*body, final.with_changes(body=block)]
