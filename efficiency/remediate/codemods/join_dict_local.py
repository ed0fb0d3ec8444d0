"""The str values of a local dict grown with ``d[k] += piece`` in a loop, built as lists of
parts and added once per key when the loop ends (part of ``join-strings``).

``d[k] += piece`` copies the whole value built so far: the dict holds a reference to the
string, so CPython can never grow it in place, and a loop doing it is quadratic. The outermost
loop holding the appends (below the block that binds ``d``) becomes::

    lanes = defaultdict(str)
    for t in ordered:
        lanes[t.owner] += bar(t)

    lanes = defaultdict(str)
    lanes_parts = {}
    try:
        for t in ordered:
            lanes_parts.setdefault(t.owner, []).append(bar(t))
    finally:
        for lanes_key, lanes_list in lanes_parts.items():
            lanes[lanes_key] += "".join(lanes_list)

Why it is exact: the key is evaluated once, before the piece, as before; keys are first
touched in the same order, so the keys ``d`` gains (dict insertion order) come in the same
order; for a ``defaultdict(str)`` a key whose piece raises was inserted with ``""`` by the
original's ``__getitem__`` before the piece ran, and gets ``"".join([])`` here; the ``finally``
adds the parts on every way out of the loop (``break``, ``return``, an exception), and nothing
can see ``d`` while the loop runs.

What must hold, else the reason is given: ``d`` is a plain local of an ordinary function (not
``async``, not a generator; not a parameter, not ``global``/``nonlocal``), bound exactly once
in it, by ``d = defaultdict(str)`` (``collections.defaultdict`` imported at the module's top
as such or as ``collections.defaultdict``; neither ``str`` nor that name bound anywhere else in
the module), ``d = {}``, ``d = dict()`` or a dict display of str literal keys and provably
exact str values (:mod:`~efficiency.remediate.codemods.join_exact`), an annotation allowed;
the loop lies in a later statement of the block holding that binding (so the binding ran, and
each run of the loop starts from a fresh dict); between the binding and the loop and in the
whole loop (body, ``else:``, ``while`` test, ``for`` iterable) ``d`` appears only as the
target of ``d[k] += piece`` (``d[k] = d[k] + a`` is refused): no read, alias, deletion or
escape; no nested function, lambda or class of the function names ``d``; the function calls
no ``locals()``/``vars()``/``eval``/``exec``/``globals()``/``dir()`` and names no
``_getframe``/``currentframe``/``f_locals``; the loop is not in a ``try``/``with`` of the
function (a handler could see the values half-added) and no append in it sits in a
``try``/``with`` inside it; for a dict with no default every key the loop appends to is a str
literal of the display (a missing key raises ``KeyError`` at ``+=``, ``setdefault`` would
not: so a loop appending to ``{}`` or ``dict()`` is always refused). Counters
(``d[k] += 1``, ``defaultdict(int)``) are not strings and are passed by silently.

Assumed, as for the other ``join-strings`` stages: the pieces are str. A piece of another
type makes the original raise ``TypeError`` at that ``+=``, the rewrite at the join in the
``finally``; a str subclass's ``__radd__`` is not consulted by ``join``. Residual: code reading the
function's frame from elsewhere (a debugger, ``sys._getframe(1)`` in a callee) sees ``d`` lag
while the loop runs; a key whose ``__hash__``/``__eq__`` has effects is hashed a different
number of times.

Rewritten only where the profile blames it: in the selected function(s), and, when the
profile's sampled lines are given, only a loop holding one of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import ParentNodeProvider, PositionProvider

from efficiency.remediate.codemods.join_attribute_uses import is_reference
from efficiency.remediate.codemods.join_builder_facts import _TARGETED, _unpacked
from efficiency.remediate.codemods.join_exact import exact_str
from efficiency.remediate.codemods.pysource import (
    SCOPES,
    ScopedVisitor,
    Targets,
    calls_introspection,
    code,
    declares_global,
    literal_value,
    mentions_in_nested_scopes,
    walk,
)

Loop = cst.For | cst.While
#: names through which a function's frame, and so its locals, can be reached
_FRAMES = frozenset({"_getframe", "currentframe", "f_locals"})


@dataclass
class LocalDictSite:
    """One dict ``name`` of ``func`` whose appends in ``loop`` go to lists of parts."""

    func: cst.FunctionDef
    name: str
    loop: Loop
    appends: list[cst.AugAssign]
    #: the fresh names of the dict of parts and of the flush loop's key and list
    parts: str = ""
    key: str = ""
    items: str = ""


@dataclass
class _Binding:
    stmt: cst.SimpleStatementLine
    block: cst.IndentedBlock
    #: None for a defaultdict(str), else the keys of the dict display
    keys: set[str] | None


class LocalDictFinder(ScopedVisitor):
    METADATA_DEPENDENCIES = (ParentNodeProvider, PositionProvider)

    def __init__(self, module: cst.Module, targets: Targets | None, lines: set[int] | None):
        super().__init__(targets)
        self.module = module
        self.lines = lines
        self.sites: list[LocalDictSite] = []
        self.refused: list[str] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool | None:
        super().visit_FunctionDef(node)
        if self.active:
            grown: dict[str, list[cst.AugAssign]] = {}
            for found in walk(node.body):
                name = _grown_name(found)
                if name is not None and self.scope_of(found) is node:
                    assert isinstance(found, cst.AugAssign)
                    grown.setdefault(name, []).append(found)
            for name, appends in grown.items():
                self._consider(node, name, appends)
        return None

    def _consider(self, func: cst.FunctionDef, name: str, appends: list[cst.AugAssign]) -> None:
        looped = [a for a in appends if any(isinstance(x, Loop) for x in self._up(a, func))]
        if not looped or any(_number(a.value) for a in appends):
            return  # no loop, or counters
        shown = f"`{name}[...] += ...` in {func.name.value}"
        binding, why = self._binding(func, name)
        if binding is None:
            if why and any(exact_str(a.value, self.module) for a in looped):
                self.refused.append(f"{shown}: {why}")
            return  # else a counter or a dict of lists, not strings
        groups: dict[int, tuple[Loop, list[cst.AugAssign]]] = {}
        for append in looped:
            chain = list(self._up(append, binding.block))
            if chain[-1] is not binding.block or _index(binding.block, chain[-2]) <= _index(
                binding.block, binding.stmt
            ):
                self.refused.append(f"{shown}: an append sits where the binding may not have run")
                return
            loops = [x for x in chain if isinstance(x, Loop)]
            if loops:  # else in a loop around the binding: one append per fresh dict
                groups.setdefault(id(loops[-1]), (loops[-1], []))[1].append(append)
        if self.lines is not None:  # only what the profile blames
            groups = {k: g for k, g in groups.items() if self._sampled(g[0])}
        why = _function_refusal(func, name) if groups else ""
        if why:
            self.refused.append(f"{shown}: {why}")
            return
        allowed = {id(a.target.value) for a in appends}  # type: ignore[attr-defined]
        for loop, held in groups.values():
            why = self._loop_refusal(func, name, binding, loop, held, allowed)
            if why:
                self.refused.append(f"{shown}: {why}")
            else:
                self.sites.append(LocalDictSite(func, name, loop, held))

    def _up(self, node: cst.CSTNode, stop: cst.CSTNode) -> Iterator[cst.CSTNode]:
        """The ancestors of ``node`` up to ``stop`` (included) or the function around it."""
        for ancestor in self.ancestors(node):
            yield ancestor
            if ancestor is stop or isinstance(ancestor, SCOPES):
                return

    def _sampled(self, loop: Loop) -> bool:
        span = self.get_metadata(PositionProvider, loop)
        return any(span.start.line <= line <= span.end.line for line in self.lines or ())

    def _binding(self, func: cst.FunctionDef, name: str) -> tuple[_Binding | None, str]:
        """The one statement binding ``name`` in ``func`` and what it binds, or why not."""
        binders = [n for n in walk(func) if n is not func and _binds(n, name)]
        params = func.params
        own = [*params.posonly_params, *params.params, *params.kwonly_params]
        own += [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
        if any(p.name.value == name for p in own):
            return None, f"{name} is a parameter (the caller's dict)"
        if declares_global(func, name):
            return None, f"{name} is declared global/nonlocal"
        if len(binders) != 1:
            return None, f"{name} is bound more than once (or deleted) in {func.name.value}"
        binder = binders[0]
        assign = binder if isinstance(binder, cst.AnnAssign) else self.parent(binder)
        stmt = self.parent(assign) if assign is not None else None
        block = self.parent(stmt) if stmt is not None else None
        if (
            not isinstance(binder, cst.AssignTarget | cst.AnnAssign)
            or not isinstance(binder.target, cst.Name)
            or not isinstance(assign, cst.Assign | cst.AnnAssign)
            or (isinstance(assign, cst.Assign) and len(assign.targets) != 1)
            or assign.value is None
            or not isinstance(stmt, cst.SimpleStatementLine)
            or len(stmt.body) != 1
            or not isinstance(block, cst.IndentedBlock)
        ):
            return None, f"{name} is not bound by a statement `{name} = ...` of its own"
        keys, why = _start(assign.value, self.module)
        if why:
            return None, why
        return _Binding(stmt, block, keys), ""

    def _loop_refusal(
        self,
        func: cst.FunctionDef,
        name: str,
        binding: _Binding,
        loop: Loop,
        held: list[cst.AugAssign],
        allowed: set[int],
    ) -> str:
        order = {id(n): i for i, n in enumerate(walk(func))}
        after = max(order[id(n)] for n in walk(binding.stmt))
        for node in walk(func):
            if (
                isinstance(node, cst.Name)
                and node.value == name
                and id(node) not in allowed
                and is_reference(self.parent, node)
            ):
                where = order[id(node)]
                if after < where < order[id(loop)]:
                    return f"{name} is used between its binding and the loop other than by +="
                if order[id(loop)] <= where and any(a is loop for a in self.ancestors(node)):
                    return f"{name} is used in the loop other than by `{name}[k] += piece`"
        if self.exceptions_observable(loop, func, name):
            return "the loop sits in try/with: a handler could see the values half-added"
        for append in held:
            if self.exceptions_observable(append, loop, name):
                return (
                    "an append sits in try/with in the loop: a += that raises there (a non-str "
                    "piece) would be caught, where list.append does not raise"
                )
            assert isinstance(append.target, cst.Subscript)
            elements = append.target.slice
            if any(not isinstance(e.slice, cst.Index) or e.slice.star for e in elements):
                return f"`{code(append.target)}` is not a plain key"
            if binding.keys is None:
                continue
            key = literal_value(elements[0].slice.value)  # type: ignore[attr-defined]
            if (
                len(elements) != 1
                or isinstance(elements[0].comma, cst.Comma)  # d["a",] looks up ("a",)
                or not isinstance(key, str)
                or key not in binding.keys
            ):
                return (
                    f"`{code(append.target)}`: the key is not a str literal of the dict display "
                    "(a missing key raises KeyError at +=, which setdefault would not)"
                )
        return ""


def _grown_name(node: cst.CSTNode) -> str | None:
    """``d[k] += piece`` → ``d``."""
    if not (isinstance(node, cst.AugAssign) and isinstance(node.operator, cst.AddAssign)):
        return None
    target = node.target
    if isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name):
        return None if target.value.lpar else target.value.value
    return None


def _index(block: cst.IndentedBlock, stmt: cst.CSTNode) -> int:
    return next(i for i, s in enumerate(block.body) if s is stmt)


def _function_refusal(func: cst.FunctionDef, name: str) -> str:
    if func.asynchronous is not None:
        return f"{func.name.value} is async: code elsewhere could run mid-loop"
    own = list(_own_nodes(func.body))
    if any(isinstance(n, cst.Yield) for n in own):
        return f"{func.name.value} is a generator: it could be left suspended mid-loop"
    if mentions_in_nested_scopes(func, name):
        return f"{name} is used by a nested function, lambda or class, which could read it"
    if calls_introspection(func) or any(
        isinstance(n, cst.Name) and n.value in _FRAMES for n in walk(func)
    ):
        return "the function calls locals()/vars()/eval()/exec() or reaches frames"
    return ""


def _own_nodes(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The nodes under ``node`` outside nested functions, lambdas and classes."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if current is node or not isinstance(current, SCOPES):
            stack.extend(current.children)


def _binds(node: cst.CSTNode, name: str) -> bool:
    """Does ``node`` itself bind ``name`` (a target, a parameter, an import or a def)?"""
    if isinstance(node, cst.FunctionDef | cst.ClassDef):
        return node.name.value == name
    if isinstance(node, cst.ImportAlias):
        return node.asname is None and code(node.name).split(".")[0] == name  # else AsName
    target: cst.CSTNode | None = None
    if isinstance(node, _TARGETED):
        target = node.target
    elif isinstance(node, cst.AsName | cst.Param | cst.MatchAs | cst.MatchStar):
        target = node.name
    elif isinstance(node, cst.MatchMapping):
        target = node.rest
    return target is not None and name in _unpacked(target)


def _start(value: cst.BaseExpression, module: cst.Module) -> tuple[set[str] | None, str]:
    """The keys of a str dict display (None for a ``defaultdict(str)``), or why the value is
    not one of the accepted starts."""
    if isinstance(value, cst.Dict):
        keys: set[str] = set()
        for element in value.elements:
            if not isinstance(element, cst.DictElement):
                return set(), f"`{code(value)[:50]}` unpacks another mapping"
            key = literal_value(element.key)
            if not isinstance(key, str):
                return set(), f"the key `{code(element.key)[:40]}` is not a str literal"
            if not exact_str(element.value, module):
                return set(), f"the value `{code(element.value)[:40]}` is not provably a str"
            keys.add(key)
        return keys, ""
    why = "is not defaultdict(str), {}, dict() or a dict display of str literals"
    if not isinstance(value, cst.Call):
        return set(), f"`{code(value)[:50]}` {why}"
    if isinstance(value.func, cst.Name) and value.func.value == "dict" and not value.args:
        return set(), _shadowed(module, "dict")
    if not _is_defaultdict(value.func, module):
        return set(), f"`{code(value)[:50]}` {why}"
    args = value.args
    if len(args) != 1 or args[0].keyword or args[0].star:
        return set(), f"`{code(value)[:50]}` {why}"
    factory = args[0].value
    if not (isinstance(factory, cst.Name) and factory.value == "str"):
        return set(), f"`{code(value)[:50]}` {why}"
    return None, _shadowed(module, "str")


def _shadowed(module: cst.Module, name: str) -> str:
    if _other_bindings(module, name):
        return f"{name} is bound in the module and may not be the builtin"
    return ""


def _other_bindings(module: cst.Module, name: str) -> list[cst.CSTNode]:
    """The nodes of ``module`` binding ``name`` (any ``import *`` counts as one)."""
    return [n for n in walk(module) if isinstance(n, cst.ImportStar) or _binds(n, name)]


def _is_defaultdict(func: cst.BaseExpression, module: cst.Module) -> bool:
    """``defaultdict`` (``from collections import defaultdict [as name]``) or
    ``collections.defaultdict`` (``import collections [as name]``), imported once at the
    module's top and bound nowhere else."""
    if isinstance(func, cst.Name):
        name, wanted = func.value, ("collections", "defaultdict")
    elif isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
        if func.attr.value != "defaultdict":
            return False
        name, wanted = func.value.value, (None, "collections")
    else:
        return False
    if len(_other_bindings(module, name)) != 1:
        return False
    for stmt in module.body:
        for small in stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ():
            if isinstance(small, cst.ImportFrom) and wanted[0] is not None:
                source = code(small.module) if small.module and not small.relative else None
                aliases = () if isinstance(small.names, cst.ImportStar) else small.names
            elif isinstance(small, cst.Import) and wanted[0] is None:
                source, aliases = None, small.names
            else:
                continue
            for alias in aliases:
                bound = alias.asname.name.value if alias.asname else code(alias.name)  # type: ignore[union-attr]
                if source == wanted[0] and code(alias.name) == wanted[1] and bound == name:
                    return True
    return False


def _number(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.UnaryOperation):
        return _number(node.expression)
    return isinstance(node, cst.Integer | cst.Float | cst.Imaginary)
