"""A str accumulator of a function that the functions nested in it grow through a closure
(``nonlocal``), kept as one list of parts (part of ``join-strings``)::

    def render(tree):                           def render(tree):
        out = "digraph {\\n"                         out_parts = ["digraph {\\n"]
        def visit(n):                               def visit(n):
            nonlocal out                  →             out_parts.append(f"  {n.id};\\n")
            out += f"  {n.id};\\n"                       for c in n.children:
            for c in n.children:                            visit(c)
                visit(c)                            for root in tree:
        for root in tree:                               visit(root)
            visit(root)                             out_parts.append("}\\n")
        out += "}\\n"                                out = "".join(out_parts)
        return out                                  return out

Every ``out += piece`` copies the string (``F``'s cell holds it), so the original is quadratic
in the output. ``F`` starts the list with the init's value (none for an empty literal), every
``out += piece`` of the nested functions and those of ``F``'s own body before the first read
append to it, the nested functions' ``nonlocal out`` goes (their other names stay), and the
one join is a statement of its own right before the top-level statement ``T`` of ``F`` that
first reads ``out``.

Why it is exact: nothing reads ``out`` before ``T`` (the nested functions never read it, and
``F``'s own body only appends before ``T``), and nothing appends once ``T`` starts (``T`` and
what follows call no nested function, and none can be called from elsewhere: each is only
ever called by its name, directly), so the join at ``T`` sees every piece, in order, and ``out``
is the same str from there on. ``F``'s own ``out += piece`` at or after ``T`` stays as it is. An
exception leaves ``F`` (nothing in it can catch one), so its caller sees no string in both.

What must hold, else the reason is given: ``out`` bound once, by a top-level ``out = <exact
str>`` of ``F`` (:func:`~efficiency.remediate.codemods.join_runs.string_init`, not bytes), and
declared ``nonlocal`` by a function nested in ``F``; no other binding of it anywhere (parameter,
``global``, ``del``, loop, ``with``/``except`` or comprehension target, walrus, import,
``match``), no use before the binding; in the nested functions only ``nonlocal out`` and ``out
+= piece`` (in one that declares it), none in a lambda or class; in ``F``'s own body only ``out
+= piece`` between the binding and ``T``, and at least one read; a piece neither reads ``out``
nor calls a nested function (``out += f()`` where ``f`` appends drops ``f``'s pieces) nor is a
number; every nested function (any depth) named once, undecorated, neither a generator nor
``async``, its name used only in direct calls ``f(...)`` that no lambda, class or generator
expression holds, those of ``F``'s own body after the binding and before ``T``; ``F`` neither a
generator nor ``async``; no ``try``/``with``, ``locals()``-style call (``builtins.locals()``,
the ``builtins`` module at all, included) or frame access anywhere in ``F``. With the
profile's sampled lines, only an accumulator with an append on one.

Assumed, as for the other ``join-strings`` stages: the pieces are str. A non-str makes the
original raise ``TypeError`` at that ``+=``, the rewrite at the join, after the appends that
followed it ran; a str subclass piece with its own ``__radd__`` is not consulted by ``join``.
Residual: a debugger or traceback reading ``F``'s frame sees the list, and no ``out`` before
``T``; so does ``locals`` called under another name (``L = locals`` elsewhere, ``L()`` in ``F``)
or a callee reading its caller's frame.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import (
    ExpressionContext,
    ExpressionContextProvider,
    ParentNodeProvider,
    PositionProvider,
)

from efficiency.remediate.codemods.join_runs import string_init
from efficiency.remediate.codemods.join_threaded import _FRAMES, _own
from efficiency.remediate.codemods.pysource import (
    INTROSPECTION,
    SCOPES,
    ScopedVisitor,
    Targets,
    calls_introspection,
    mentions,
    walk,
)

#: where a name is bound or looked up other than as a plain expression
_BINDERS = (cst.Import, cst.ImportFrom, cst.Match)
#: names that reach a frame's locals other than by a plain ``locals()``-style call
_BUILTINS_FRAMES = _FRAMES | {"builtins", "__builtins__"}
#: what may run a call it holds later than the statement that holds it
_DEFERRED = (cst.Lambda, cst.ClassDef, cst.GeneratorExp)


@dataclass
class ClosureSite:
    """``name``, bound by ``init`` in ``func`` and grown by its nested functions; the nodes
    the rewrite changes, by identity."""

    func: cst.FunctionDef
    init: cst.SimpleStatementLine
    name: str
    empty: str  # the empty literal to join with, in the init's quotes
    initial: cst.BaseExpression | None  # the init's value (the first part) unless empty
    read: cst.BaseStatement  # ``T``: the top-level statement of ``func`` that first reads it
    appends: set[int]  # ``name += piece`` statements that become appends
    nonlocals: set[int]  # ``nonlocal`` statements naming it
    parts: str = ""  # the list's name


class ClosureFinder(ScopedVisitor):
    METADATA_DEPENDENCIES = (ParentNodeProvider, PositionProvider, ExpressionContextProvider)

    def __init__(self, module: cst.Module, targets: Targets | None, lines: set[int] | None):
        super().__init__(targets)
        self.module = module
        self.lines = lines
        self.sites: list[ClosureSite] = []
        self.refused: list[str] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool | None:
        super().visit_FunctionDef(node)
        if not isinstance(node.body, cst.IndentedBlock) or not (self.active or self._holds(node)):
            return None
        for index, stmt in enumerate(node.body.body):
            found = string_init(stmt, self.module)
            if found is None or found[1].startswith(("b", "B")):
                continue
            name = found[0]
            if not any(_declares(d, name) for d in _nested(node)):
                continue  # no closure grows it: the loop stage's case
            if self.lines is not None and not any(
                self._sampled(a) for a in walk(node.body) if _append(a, name) is not None
            ):
                continue  # not what the profile blames
            assert isinstance(stmt, cst.SimpleStatementLine)
            site = self._site(node, index, stmt, found)
            if isinstance(site, str):
                self.refused.append(
                    f"`{name} += ...` in functions nested in {node.name.value}: {site}"
                )
            else:
                self.sites.append(site)
        return None

    def _holds(self, func: cst.FunctionDef) -> bool:
        """Is a function nested in ``func`` selected? A profile blames the nested function
        that appends (``f.<locals>.visit``), the engine selects that def, and the accumulator
        is ``func``'s."""
        ids = self.targets.ids if self.targets is not None else set()
        return any(isinstance(d, cst.FunctionDef) and id(d) in ids for d in walk(func.body))

    def _sampled(self, node: cst.CSTNode) -> bool:
        span = self.get_metadata(PositionProvider, node)
        return any(span.start.line <= line <= span.end.line for line in self.lines or ())

    def _chain(self, node: cst.CSTNode, func: cst.FunctionDef) -> list[cst.CSTNode]:
        """The nodes around ``node``, innermost first, up to ``func`` (left out)."""
        chain = []
        for ancestor in self.ancestors(node):
            if ancestor is func:
                break
            chain.append(ancestor)
        return chain

    def _site(
        self,
        func: cst.FunctionDef,
        index: int,
        init: cst.SimpleStatementLine,
        found: tuple[str, str, cst.BaseExpression | None],
    ) -> ClosureSite | str:
        """The site for the accumulator ``init`` binds in ``func``, or why there is none."""
        name = found[0]
        why = _shape_refusal(func, name)
        if why:
            return why
        assert isinstance(func.body, cst.IndentedBlock)
        top = {id(s): i for i, s in enumerate(func.body.body)}
        appends: dict[int, int] = {}  # the appends of F's own body, by statement index
        nested: set[int] = set()  # those of the nested functions
        nonlocals: set[int] = set()
        reads: list[int] = []
        target = cst.ensure_type(init.body[0], cst.Assign).targets[0].target
        for use in _uses(func.body, name):
            if use is target:
                continue
            chain = self._chain(use, func)
            scopes = [a for a in chain if isinstance(a, SCOPES)]
            parent = chain[0]
            if scopes:
                why = _nested_use(use, name, chain, scopes, nonlocals, nested)
                if why:
                    return why
                continue
            at = top[id(chain[-2])]
            if at < index:
                return f"{name} is used before its binding"
            augment = _append(parent, name)
            if augment is not None and augment.target is use:
                appends[id(augment)] = at
                continue
            if (
                isinstance(parent, cst.AugAssign)
                and isinstance(parent.operator, cst.AddAssign)
                and parent.target is use
            ):
                continue  # `out += out`: its read makes the statement T
            context = self.get_metadata(ExpressionContextProvider, use, None)
            if context is not ExpressionContext.LOAD or isinstance(parent, cst.NameItem):
                return f"{name} is bound again (only `{name} += piece` may change it)"
            reads.append(at)
        if not reads:
            return f"{name} is never read once it is built"
        first = min(reads)
        why = self._calls_refusal(func, index, first)
        if why:
            return why
        rewritten = nested | {k for k, at in appends.items() if at < first}
        pieces = [
            cst.ensure_type(n, cst.AugAssign).value for n in walk(func.body) if id(n) in rewritten
        ]
        names = {d.name.value for d in _nested(func)}
        if any(isinstance(p, cst.Integer | cst.Float | cst.Imaginary) for p in pieces):
            return "a piece is a number (a counter, not a string)"
        if any(mentions(p, n) for p in pieces for n in names):
            return (
                "a piece calls a nested function (`+=` drops what that call appends, the list "
                "would keep it)"
            )
        _, empty, initial = found
        read = func.body.body[first]
        return ClosureSite(func, init, name, empty, initial, read, rewritten, nonlocals)

    def _calls_refusal(self, func: cst.FunctionDef, index: int, first: int) -> str:
        """Why a nested function of ``func`` could run once the statement ``first`` starts
        (or before the binding at ``index``)."""
        defs = _nested(func)
        names = [d.name.value for d in defs]
        if len(set(names)) != len(names):
            return "two nested functions share a name"
        own = {id(d.name) for d in defs}
        assert isinstance(func.body, cst.IndentedBlock)
        top = {id(s): i for i, s in enumerate(func.body.body)}
        for use in _uses(func.body, *names):
            if id(use) in own:
                continue
            parent = self.parent(use)
            shown = use.value
            if not isinstance(parent, cst.Call) or parent.func is not use:
                return f"{shown} is used other than by a direct call (it could run after the join)"
            chain = self._chain(use, func)
            if any(isinstance(a, _DEFERRED) for a in chain):
                return f"{shown} is called in a lambda, class or generator expression"
            # a nested def's defaults and annotations run in F, when the def statement does
            in_def = any(
                isinstance(a, cst.FunctionDef) and chain[i - 1] is a.body
                for i, a in enumerate(chain)
                if i
            )
            if not in_def and not index < top[id(chain[-2])] < first:
                return (
                    f"{shown} is called outside the statements between the binding and the "
                    "first read"
                )
        return ""


def _shape_refusal(func: cst.FunctionDef, name: str) -> str:
    """Why nothing in ``func`` may be rewritten for ``name``, whatever its uses."""
    if func.asynchronous or any(isinstance(n, cst.Yield | cst.Await) for n in _own(func)):
        return "a generator or async function"
    defs = _nested(func)
    if any(
        d.asynchronous or any(isinstance(n, cst.Yield | cst.Await) for n in _own(d)) for d in defs
    ):
        return "a nested function is a generator or async"
    if any(d.decorators for d in defs):
        return "a nested function is decorated (the decorator could keep it, to call it later)"
    if any(isinstance(n, cst.Try | cst.TryStar | cst.With) for n in walk(func.body)):
        return "try/with in the function or a nested one (a handler could see a half-built string)"
    if calls_introspection(func) or any(_introspects(n) for n in walk(func)):
        return "locals()/vars()/eval()/exec() or frame access in the function"
    if any(isinstance(n, _BINDERS) and mentions(n, name) for n in walk(func.body)):
        return f"{name} in an import or match statement"
    params = func.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    for extra in (params.star_arg, params.star_kwarg):
        if isinstance(extra, cst.Param):
            every.append(extra)
    if any(p.name.value == name for p in every):
        return f"{name} is a parameter"
    return ""


def _introspects(node: cst.CSTNode) -> bool:
    """Is ``node`` frame access, or the builtins module (``builtins.locals()``,
    ``getattr(__builtins__, "vars")()`` list the caller's locals as ``locals()`` does)?"""
    if isinstance(node, cst.Attribute):
        return node.attr.value in INTROSPECTION
    return isinstance(node, cst.Name) and node.value in _BUILTINS_FRAMES


def _nested_use(
    use: cst.Name,
    name: str,
    chain: list[cst.CSTNode],
    scopes: list[cst.CSTNode],
    nonlocals: set[int],
    appends: set[int],
) -> str:
    """Check a use of ``name`` in a scope nested in ``F`` (``scopes``, innermost first), adding
    a ``nonlocal`` or an append it is to the ids given; why it may not stay, else ``""``."""
    inner = scopes[0]
    if not all(isinstance(s, cst.FunctionDef) for s in scopes):
        return f"{name} is used in a lambda or class"
    assert isinstance(inner, cst.FunctionDef)
    parent = chain[0]
    if isinstance(parent, cst.NameItem) and isinstance(chain[1], cst.Nonlocal):
        nonlocals.add(id(chain[1]))
        return ""
    augment = _append(parent, name)
    if augment is not None and augment.target is use and _declares(inner, name):
        appends.add(id(augment))
        return ""
    return (
        f"{inner.name.value} uses {name} other than by `nonlocal {name}` and "
        f"`{name} += piece` (it must never read it)"
    )


def _nested(func: cst.FunctionDef) -> list[cst.FunctionDef]:
    """The functions defined in ``func``, at any depth."""
    return [n for n in walk(func.body) if isinstance(n, cst.FunctionDef)]


def _declares(func: cst.FunctionDef, name: str) -> bool:
    """Does ``func``'s own body declare ``nonlocal name``?"""
    return any(
        isinstance(n, cst.Nonlocal) and any(item.name.value == name for item in n.names)
        for n in _own(func)
    )


def _append(node: cst.CSTNode, name: str) -> cst.AugAssign | None:
    """``node`` as ``name += piece`` with a piece that does not read ``name``."""
    if (
        isinstance(node, cst.AugAssign)
        and isinstance(node.operator, cst.AddAssign)
        and isinstance(node.target, cst.Name)
        and node.target.value == name
        and not mentions(node.value, name)
    ):
        return node
    return None


def _uses(node: cst.CSTNode, *names: str) -> Iterator[cst.Name]:
    """The ``Name`` nodes under ``node`` spelling one of ``names``, but an attribute's name
    (``x.out``) and a keyword argument's (``f(out=1)``)."""
    skipped: set[int] = set()
    for n in walk(node):
        if isinstance(n, cst.Attribute):
            skipped.add(id(n.attr))
        elif isinstance(n, cst.Arg) and n.keyword is not None:
            skipped.add(id(n.keyword))
        elif isinstance(n, cst.Name) and n.value in names and id(n) not in skipped:
            yield n
