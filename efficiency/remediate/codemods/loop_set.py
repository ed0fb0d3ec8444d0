"""Membership in a list of unknown origin, tested many times in one loop, by a frozenset
snapshot taken right before the loop (part of ``set-membership``).

``banned = self.bans.get(zone, [])`` (a list another object holds and may change between
calls) followed by ``for row in rows: ... if row.key in banned: ...`` scans the list on every
test. For as long as the loop runs, nothing may change the list if nothing the loop runs can
reach it, so a snapshot made just before the loop answers the same::

    banned_set = (frozenset(banned) if (type(banned) is list or type(banned) is tuple)
        and len(banned) >= 8 and ({str, int}.issuperset(map(type, banned))
        or all(type(v) is tuple and {str, int}.issuperset(map(type, v)) for v in banned))
        else None)
    for row in rows:
        if ((type(_banned_key := row.key) is str or type(_banned_key) is int)
                and banned_set is not None and _banned_key in banned_set
                ...

The snapshot is made only of an exact list or tuple (a ``str`` would answer substrings) of at
least :data:`MIN_LEN` items, each exactly a ``str`` or an ``int`` or a tuple of those, whose
``==`` and ``hash`` agree; it is asked only for a value of exactly those types (a tuple display
``(a, b)`` of plain names is asked when each name's value is); anything else scans the list
as before. The tested value is evaluated once, first, as before (bound by ``:=`` unless it is a
plain name or such a display).

What must hold: the name is a parameter or bound by top-level simple statements only (``xs =
xs or []`` rebinding a parameter included), the last of them before the loop's own top-level
statement, never deleted, and the function reads no locals by name; the
loop (its body, its ``while`` test, its ``else``) calls only builtins that run no code of the
module's but dunder methods (``len``, ``isinstance``, ``min``...), and methods of lists, dicts
and sets the function made itself (``pool.append``); it stores only to plain names and to items
of such containers, makes no function, lambda or class, has no ``yield``/``await``/``with``; and
no class of the module defines a dunder method (but ``__init__``/``__post_init__``/``__repr__``
/``__str__``/``__format__``, and these only when the loop formats nothing) or a decorated method
or descriptor named like an attribute the loop reads. A ``for`` loop's iterable, evaluated once
before the first test, may be anything: it is then evaluated into a name before the snapshot.
What other modules' dunder methods do is beyond what one module can show (as for
:mod:`~efficiency.remediate.codemods.attr_set`). Anything else is refused with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import ScopeProvider

from efficiency.remediate.codemods.constant_table import binds
from efficiency.remediate.codemods.pysource import (
    COMPREHENSIONS,
    ScopedVisitor,
    Targets,
    calls_introspection,
    code,
    declares_global,
    walk,
)
from efficiency.remediate.codemods.set_snapshot import (
    SNAPSHOT_BUILTINS,
    module_generators,
    module_hooks,
    needle_refusal,
    scalar_local,
)

#: builtins that run no code of the module's but the dunder methods of their arguments
_PURE = frozenset({
    "len", "isinstance", "abs", "min", "max", "round", "int", "float", "bool", "str", "tuple",
    "list", "dict", "set", "frozenset", "range", "enumerate", "zip", "reversed", "sorted",
    "sum", "any", "all", "divmod", "hash", "repr", "ord", "chr", "format",
})  # fmt: skip
#: methods of a list, dict or set that change or read only it
_CONTAINER_METHODS = frozenset({
    "append", "extend", "insert", "add", "update", "setdefault", "get", "pop", "remove",
    "discard", "clear", "index", "count", "keys", "values", "items", "copy", "sort", "reverse",
})  # fmt: skip
#: dunder methods a loop can reach only by a call the checks refuse, or only by formatting
_INERT = frozenset({
    "__init__", "__post_init__", "__init_subclass__", "__new__", "__class_getitem__",
    "__set_name__",
})  # fmt: skip
_FORMATTING = frozenset({"__repr__", "__str__", "__format__"})
_BANNED = (
    cst.Lambda, cst.FunctionDef, cst.ClassDef, cst.Yield, cst.Await,
    cst.With, cst.Global, cst.Nonlocal, cst.Import, cst.ImportFrom, cst.Match,
)  # fmt: skip


@dataclass
class LoopSite:
    name: str
    owner: str
    #: the loop statements the snapshot goes before, and whether each one's iterable is
    #: evaluated into a name first
    loops: dict[int, bool] = field(default_factory=dict)
    tests: list[cst.Comparison] = field(default_factory=list)
    shadow: str = ""
    probe: str = ""


class LoopFinder(ScopedVisitor):
    METADATA_DEPENDENCIES = (*ScopedVisitor.METADATA_DEPENDENCIES, ScopeProvider)

    def __init__(self, module: cst.Module, targets: Targets | None, skip: frozenset[str]) -> None:
        super().__init__(targets)
        self.module_binds = binds(module, top=True)
        if any(isinstance(n, cst.ImportStar) for n in walk(module)):
            self.module_binds |= SNAPSHOT_BUILTINS | _PURE
        self.dunders, self.hook_attrs = module_hooks(module)
        self.generators = module_generators(module)
        self.defs = {n.name.value for n in walk(module) if isinstance(n, cst.FunctionDef)}
        self.skip = skip
        self.sites: list[LoopSite] = []
        self.refused: list[str] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool | None:
        super().visit_FunctionDef(node)
        if self.active and isinstance(node.body, cst.IndentedBlock):
            self._function(node)
        return None

    def _function(self, function: cst.FunctionDef) -> None:
        tested: dict[str, list[cst.Comparison]] = {}
        for n in walk(function.body):
            if (
                isinstance(n, cst.Comparison)
                and len(n.comparisons) == 1
                and isinstance(n.comparisons[0].operator, cst.In | cst.NotIn)
                and isinstance(n.comparisons[0].comparator, cst.Name)
                and n.comparisons[0].comparator.value not in self.skip
                and self.scope_of(n) is function
                and self._loops(n, function)
            ):
                tested.setdefault(n.comparisons[0].comparator.value, []).append(n)
        for name, tests in tested.items():
            site = LoopSite(name, function.name.value)
            why = self._refusal(function, site, tests)
            if why:
                self.refused.append(f"{name} (tested in a loop in {function.name.value}): {why}")
            else:
                self.sites.append(site)

    def _loops(self, node: cst.CSTNode, function: cst.FunctionDef) -> list[cst.CSTNode]:
        """The ``for``/``while`` statements whose bodies hold ``node``, outermost first."""
        out: list[cst.CSTNode] = []
        child = node
        for ancestor in self.ancestors(node):
            if ancestor is function:
                break
            if isinstance(ancestor, cst.For | cst.While) and child is ancestor.body:
                out.append(ancestor)
            child = ancestor
        return out[::-1]

    def _refusal(self, function: cst.FunctionDef, site: LoopSite, tests: list) -> str:
        name = site.name
        if declares_global(function, name) or calls_introspection(function):
            return "it is global/nonlocal or the function reads its locals by name"
        rebound = SNAPSHOT_BUILTINS & (self.module_binds | binds(function))
        if rebound:
            return (
                f"{', '.join(sorted(rebound))} is rebound, so the snapshot's guard proves nothing"
            )
        body = list(function.body.body)  # type: ignore[union-attr]
        start = self._binding(function, name, body)
        if isinstance(start, str):
            return start
        for test in tests:
            why = needle_refusal(test, list(self.ancestors(test)))
            if why:
                return why
            reasons = []
            for loop in self._loops(test, function):
                top = next(
                    a for a in [loop, *self.ancestors(loop)] if self.parent(a) is function.body
                )
                if body.index(top) <= start:
                    reasons.append("the loop may run before the list is bound")
                    continue
                why = self._loop_refusal(loop, function, name, id(loop) in site.loops)
                if not why:
                    site.loops.setdefault(id(loop), self._hoisted(loop, function, name))
                    break
                reasons.append(why)
            else:
                return reasons[0]
        chosen = set(site.loops)
        site.tests = [t for t in tests if any(id(loop) in chosen
                                              for loop in self._loops(t, function))]  # fmt: skip
        for loop_id in list(site.loops):  # a loop inside another chosen one needs no snapshot
            loop = next(n for n in walk(function) if id(n) == loop_id)
            if any(id(a) in chosen for a in self.ancestors(loop)):
                del site.loops[loop_id]
        return ""

    def _binding(self, function: cst.FunctionDef, name: str, body: list) -> int | str:
        """The index of the last top-level statement that binds ``name`` (-1 when only the
        parameter does), or why its bindings are not all done before any loop could test it:
        each is the parameter or a top-level simple statement (``xs = xs or []`` rebinding a
        parameter is fine: the snapshot is made after the last of them)."""
        params = {id(p) for p in walk(function.params) if isinstance(p, cst.Param)}
        scope = self.get_metadata(ScopeProvider, function.body.body[0], None)  # type: ignore[union-attr]
        if scope is None or not scope[name] or any(
            isinstance(d, cst.Del) and name in {n.value for n in walk(d) if isinstance(n, cst.Name)}
            for d in walk(function.body)
        ):  # fmt: skip
            return f"{name} is bound more than once or deleted"
        last = -1
        for assignment in scope[name]:
            node = assignment.node
            if id(node) in params:
                continue
            index = next(
                (i for i, statement in enumerate(body) if any(n is node for n in walk(statement))),
                None,
            )
            if index is None:
                return f"{name} is not bound in the function's body"
            if not isinstance(body[index], cst.SimpleStatementLine):
                return f"{name} is bound inside a compound statement"
            last = max(last, index)
        return last

    def _hoisted(self, loop: cst.CSTNode, function: cst.FunctionDef, name: str) -> bool:
        return isinstance(loop, cst.For) and bool(self._region(loop.iter, function, name))

    def _loop_refusal(
        self, loop: cst.CSTNode, function: cst.FunctionDef, name: str, seen: bool
    ) -> str:
        if seen:
            return ""
        parts: list[cst.CSTNode] = [loop.body]  # type: ignore[attr-defined]
        if isinstance(loop, cst.While):
            parts.append(loop.test)
        else:
            assert isinstance(loop, cst.For)
            parts.append(loop.target)
            if loop.asynchronous is not None:
                return "the loop is `async for`"
            why = self._store_refusal(loop.target, function, name) or self._lazy_refusal(
                loop.iter, function, name
            )
            if why:
                return why
        if loop.orelse is not None:  # type: ignore[attr-defined]
            parts.append(loop.orelse)  # type: ignore[attr-defined]
        for part in parts:
            why = self._region(part, function, name)
            if why:
                return why
        return ""

    def _region(self, region: cst.CSTNode, function: cst.FunctionDef, name: str) -> str:
        """Why code in ``region`` could change the list ``name`` holds while it runs, or ''."""
        local = binds(function)
        dunders = {d: w for d, w in self.dunders.items() if d not in _INERT}
        formats = any(
            isinstance(n, cst.FormattedString)
            or (
                isinstance(n, cst.Call)
                and isinstance(n.func, cst.Name)
                and n.func.value in {"str", "repr", "format"}
            )
            for n in walk(region)
        )
        hooks = [w for d, w in dunders.items() if formats or d not in _FORMATTING]
        if hooks:
            return f"{hooks[0]} is defined in the module and could run in the loop"
        if self.generators:
            return f"{self.generators[0]} is a generator of the module; iterating could run it"
        for node in walk(region):
            if isinstance(node, _BANNED):
                return f"the loop has a {type(node).__name__} in it"
            if isinstance(node, cst.Call):
                func = node.func
                pure = _PURE - local - self.module_binds
                if isinstance(func, cst.Name) and func.value in pure:
                    key = next((a.value for a in node.args if a.keyword and a.keyword.value ==
                                "key"), None)  # fmt: skip
                    if key is None or (isinstance(key, cst.Name) and key.value in pure):
                        continue
                    return f"the loop's `{func.value}` calls back `{code(key)[:40]}`"
                if (
                    isinstance(func, cst.Attribute)
                    and isinstance(func.value, cst.Name)
                    and func.attr.value in _CONTAINER_METHODS
                    and func.value.value != name
                    and self._made_here(func.value.value, function)
                ):
                    continue
                return f"the loop calls `{code(func)[:40]}`, which could change {name}"
            if isinstance(node, cst.Attribute) and node.attr.value in self.hook_attrs:
                return (
                    f".{node.attr.value} may run code when read (a decorated method or descriptor)"
                )
            if (
                isinstance(node, cst.AugAssign)
                and isinstance(node.operator, cst.AddAssign | cst.MultiplyAssign)
                and isinstance(node.target, cst.Name)
                and not scalar_local(node.target.value, function)
            ):
                return f"`{code(node.target)} +=` or `*=` could grow {name} in place"
            targets: list[cst.CSTNode] = []
            if isinstance(node, cst.Assign):
                targets = [t.target for t in node.targets]
            elif isinstance(node, cst.AugAssign | cst.AnnAssign | cst.For | cst.CompFor | cst.Del):
                targets = [node.target]
            for target in targets:
                why = self._store_refusal(target, function, name)
                if why:
                    return why
        return ""

    def _lazy_refusal(self, iterable: cst.CSTNode, function: cst.FunctionDef, name: str) -> str:
        """Why iterating ``iterable`` (evaluated before the snapshot, iterated in the loop)
        could run code that changes ``name``: a generator expression's calls, or a function
        of the module handed to a lazy call (``map(self.bump, rows)``), or ''."""
        for node in walk(iterable):
            if isinstance(node, cst.GeneratorExp):
                why = self._region(node, function, name)
                if why:
                    return f"iterating the loop's generator expression runs code: {why}"
            if isinstance(node, cst.Lambda):
                return "the loop iterates something that calls a lambda"
            parent = self.parent(node)
            if (
                isinstance(node, cst.Name | cst.Attribute)
                and (node.value if isinstance(node, cst.Name) else node.attr.value) in self.defs
                and not (isinstance(parent, cst.Call) and parent.func is node)
            ):
                return f"iterating the loop could call `{code(node)[:40]}` of the module"
        return ""

    def _store_refusal(self, target: cst.CSTNode, function: cst.FunctionDef, name: str) -> str:
        """Why storing to ``target`` could change the list ``name`` holds, or ''."""
        for part in walk(target):
            if isinstance(part, cst.Attribute) or (
                isinstance(part, cst.Subscript)
                and not (
                    isinstance(part.value, cst.Name)
                    and part.value.value != name
                    and self._made_here(part.value.value, function)
                )
            ):
                return f"the loop stores to `{code(part)[:40]}`, which could be {name}"
        return ""

    def _made_here(self, local: str, function: cst.FunctionDef) -> bool:
        """Is ``local`` bound once, in ``function``, to a list, dict or set it makes, and used
        only as itself (its methods called, its items read or stored, read by a builtin,
        iterated, tested, returned), so that no other name can hold it?"""
        for use in walk(function.body):
            if not isinstance(use, cst.Name) or use.value != local:
                continue
            parent = self.parent(use)
            if isinstance(parent, cst.Attribute | cst.Subscript) and parent.value is use:
                continue
            call = self.parent(parent) if isinstance(parent, cst.Arg) else None
            if (
                isinstance(call, cst.Call)
                and isinstance(call.func, cst.Name)
                and call.func.value in _PURE - binds(function) - self.module_binds
            ):
                continue
            if isinstance(parent, cst.Return | cst.AssignTarget | cst.ComparisonTarget):
                continue
            if isinstance(parent, cst.For | cst.CompFor) and parent.iter is use:
                continue
            return False
        scope = self.get_metadata(ScopeProvider, function.body.body[0], None)  # type: ignore[union-attr]
        if scope is None or len(scope[local]) != 1 or declares_global(function, local):
            return False
        node = next(iter(scope[local])).node
        parent = self.parent(node)
        value = getattr(parent, "value", None) if isinstance(
            parent, cst.AssignTarget | cst.AnnAssign) else None  # fmt: skip
        if isinstance(parent, cst.AssignTarget):
            value = getattr(self.parent(parent), "value", None)
        if isinstance(value, (cst.List, cst.Dict, cst.Set, *COMPREHENSIONS)) and not isinstance(
            value, cst.GeneratorExp
        ):
            return True
        return (
            isinstance(value, cst.Call)
            and isinstance(value.func, cst.Name)
            and value.func.value in {"list", "dict", "set"} - binds(function) - self.module_binds
        )
