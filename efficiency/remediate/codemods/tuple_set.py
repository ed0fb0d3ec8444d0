"""Membership in a tuple, or in a value of a dict of tuples, bound once before the loop that
tests it, by a frozenset made once beside it (part of ``set-membership``).

``roster = roster_for(day, permits)`` (a function of the module returning
``{zone: tuple(plates) ...}``) followed by ``for s in sightings: ... plate in roster.get(s.zone,
())`` scans a tuple on every test. A tuple never changes, so a frozenset of it made once answers
``in`` alike for as long as the very same tuple is asked about::

    roster = roster_for(day, self.permits)
    _roster_sets = {id(v): (v, frozenset(v)) for v in (tuple(dict.values(roster))
        if issubclass(type(roster), dict) else ()) if type(v) is tuple and len(v) >= 8
        and {str, int}.issuperset(map(type, v))}
    for s in sightings:
        if (_roster_probe in _roster_entry[1] if ((type(_roster_probe := plate) is str
                or type(_roster_probe) is int),
                (_roster_entry := _roster_sets.get(id(_roster_held := roster.get(s.zone, ())))))[0]
                and _roster_entry is not None and _roster_entry[0] is _roster_held
            else _roster_probe in _roster_held): ...

Why the answers are the same: the tested value, then the tuple expression, are evaluated once
each, in their order, exactly as before; the value is kept under a name of its own (a plain name
is read again only in ``x in t``, where nothing runs between the reads), since the tuple
expression may rebind the name (``:=``, a ``global`` or ``nonlocal`` a call changes), and a test
inside another's expression keeps its value under yet another name. The set is asked only when
the tuple the expression gave *is* (by identity, not equality) a tuple the snapshot was made of,
so whatever the dict or the name holds later (rebound, items replaced, the dict shared and
changed by others) can only send a test to the scan. Each snapshot tuple is exactly a ``tuple``
(immutable, so its set stays right) of exactly ``str``/``int`` items (whose ``==`` and ``hash``
agree), and the set is asked only for a value that is exactly a ``str`` or an ``int``; anything
else scans the tuple as before. The snapshot holds its tuples, so no other object can take one's
``id`` while it lives. Making it runs no code of anyone's: an exact ``type`` test,
``dict.values`` read at C speed (not an override, not racing a thread), ``frozenset`` of exact
str/int items.

What the codemod checks, for relevance and for the snapshot's own safety: the name is a local
(not global/nonlocal, no ``locals()``/``eval``), bound once, by a statement of its own at the top
of the function's body, before the statement holding the tests; its value is shown to be a
tuple (a display, ``tuple(...)``, a function of the module all of whose returns are) or a dict
of them (a display or comprehension with such values, or a function returning one); the tests
run repeatedly (a loop, a comprehension), in the function itself (not a nested def or lambda),
not in a comprehension's iterable (no ``:=`` there); and no builtin the rewrite calls is
rebound (at the top of the module, in the function or those around it, or by a function that
declares it ``global``). Anything else is left, with the reason where the name was shown to
hold tuples.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import ScopeProvider

from efficiency.remediate.codemods.constant_table import binds
from efficiency.remediate.codemods.frozen_set import _nested_binds, runs_repeatedly
from efficiency.remediate.codemods.new_lists import module_def, rebound_anywhere
from efficiency.remediate.codemods.pysource import (
    SCOPES,
    ScopedVisitor,
    Targets,
    calls_introspection,
    declares_global,
    walk,
)

#: builtins the rewrite calls
USED = frozenset({"type", "str", "int", "id", "frozenset", "tuple", "len", "map", "issubclass",
                  "dict"})  # fmt: skip


@dataclass
class TupleSite:
    name: str
    owner: str
    #: the statement line that binds the name (the snapshot is made right after it)
    init: cst.SimpleStatementLine
    #: the tuples are the values of a dict (``name.get(k)``, ``name[k]``), not the name's own
    from_dict: bool
    tests: list[cst.Comparison] = field(default_factory=list)
    #: filled by the caller: the snapshot's name and the names the tests bind with ``:=``
    snapshot: str = ""
    entry: str = ""
    held: str = ""
    #: one name per depth: a test inside another test's tuple expression (or value) keeps its
    #: value under a name of its own, so the outer test's value is not overwritten
    probes: list[str] = field(default_factory=list)
    #: ``id(test)``: how many tests of the site are around it
    depth: dict[int, int] = field(default_factory=dict)


def _own_nodes(function: cst.FunctionDef) -> list[cst.CSTNode]:
    """The nodes of ``function``'s body outside the defs, lambdas and classes nested in it."""
    out: list[cst.CSTNode] = []
    stack: list[cst.CSTNode] = [function.body]
    while stack:
        node = stack.pop()
        out.append(node)
        if not isinstance(node, SCOPES):
            stack.extend(node.children)
    return out


def evidence(value: cst.BaseExpression, module: cst.Module, free: set[str], depth: int = 0) -> str:
    """``tuple`` when ``value`` is shown to give a tuple, ``dict`` a dict whose values are
    tuples, else ''. ``free``: the builtins not rebound where ``value`` is evaluated."""
    if isinstance(value, cst.Tuple):
        return "tuple"
    if isinstance(value, cst.DictComp):
        return "dict" if evidence(value.value, module, free, depth) == "tuple" else ""
    if isinstance(value, cst.Dict):
        values = [e.value for e in value.elements if isinstance(e, cst.DictElement)]
        shown = len(values) == len(value.elements) and all(
            evidence(v, module, free, depth) == "tuple" for v in values
        )
        return "dict" if values and shown else ""
    if not isinstance(value, cst.Call) or not isinstance(value.func, cst.Name):
        return ""
    if value.func.value == "tuple" and "tuple" in free:
        return "tuple"
    function = module_def(module, value)
    if function is None or depth >= 2:
        return ""
    inner = free - binds(function)
    own = _own_nodes(function)
    returns = [n for n in own if isinstance(n, cst.Return)]
    kinds = set()
    for ret in returns:
        result = ret.value
        if isinstance(result, cst.Name):  # a local bound once, by a plain assignment
            assigns = [n for n in own if isinstance(n, cst.Assign) and any(
                result.value in {x.value for x in walk(t.target) if isinstance(x, cst.Name)}
                for t in n.targets)]  # fmt: skip
            if len(assigns) != 1 or len(assigns[0].targets) != 1:
                return ""
            result = assigns[0].value
        kinds.add(evidence(result, module, inner, depth + 1) if result is not None else "")
    return kinds.pop() if len(kinds) == 1 else ""


def _source(hay: cst.BaseExpression) -> tuple[str, bool] | None:
    """The local a tested tuple comes from: ``(name, False)`` for ``x in name``, ``(name,
    True)`` for ``x in name.get(k[, default])`` and ``x in name[k]``; None for anything else."""
    if isinstance(hay, cst.Name):
        return hay.value, False
    if (
        isinstance(hay, cst.Subscript)
        and isinstance(hay.value, cst.Name)
        and len(hay.slice) == 1
        and isinstance(hay.slice[0].slice, cst.Index)
    ):
        return hay.value.value, True
    if (
        isinstance(hay, cst.Call)
        and isinstance(hay.func, cst.Attribute)
        and isinstance(hay.func.value, cst.Name)
        and hay.func.attr.value == "get"
        and 1 <= len(hay.args) <= 2
        and all(not a.keyword and not a.star for a in hay.args)
    ):
        return hay.func.value.value, True
    return None


class TupleFinder(ScopedVisitor):
    METADATA_DEPENDENCIES = (*ScopedVisitor.METADATA_DEPENDENCIES, ScopeProvider)

    def __init__(self, module: cst.Module, targets: Targets | None, skip: frozenset[str]) -> None:
        super().__init__(targets)
        self.module = module
        # a builtin some function declares ``global`` can be rebound by a call at any time
        self.module_binds = binds(module, top=True) | rebound_anywhere(module)
        if any(isinstance(n, cst.ImportStar) for n in walk(module)):
            self.module_binds |= USED
        #: names another part of the codemod already rewrote
        self.skip = skip
        self.sites: list[TupleSite] = []
        self.refused: list[str] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool | None:
        super().visit_FunctionDef(node)
        if self.active and isinstance(node.body, cst.IndentedBlock):
            self._function(node)
        return None

    def _between(self, node: cst.CSTNode, function: cst.FunctionDef) -> list[cst.CSTNode]:
        out = []
        for ancestor in self.ancestors(node):
            if ancestor is function:
                break
            out.append(ancestor)
        return out

    def _function(self, function: cst.FunctionDef) -> None:
        groups: dict[tuple[str, bool], list[cst.Comparison]] = {}
        for n in walk(function.body):
            if (
                isinstance(n, cst.Comparison)
                and len(n.comparisons) == 1
                and isinstance(n.comparisons[0].operator, cst.In | cst.NotIn)
                and self.scope_of(n) is function
                and runs_repeatedly(n, self._between(n, function))
            ):
                source = _source(n.comparisons[0].comparator)
                if source is not None and source[0] not in self.skip:
                    groups.setdefault(source, []).append(n)
        for (name, from_dict), tests in groups.items():
            site = TupleSite(name, function.name.value, cst.SimpleStatementLine([]), from_dict)
            why = self._refusal(function, site, tests)
            if why:
                shown = f"{name}.get(...)/{name}[...]" if from_dict else name
                self.refused.append(f"{shown} (tested in a loop in {function.name.value}): {why}")
            elif site.tests:
                self.sites.append(site)

    def _refusal(self, function: cst.FunctionDef, site: TupleSite, tests: list) -> str:
        """Why the site cannot be rewritten; '' with ``site.tests`` empty when the name is not
        shown to hold tuples at all (nothing to say: not this rewrite's business)."""
        name, body = site.name, list(function.body.body)  # type: ignore[union-attr]
        scope = self.get_metadata(ScopeProvider, body[0], None)
        params = {p.name.value for p in walk(function.params) if isinstance(p, cst.Param)}
        if scope is None or name in params or not scope[name]:
            return ""
        around = self.module_binds | binds(function)
        for outer in self.ancestors(function):  # a closure sees the defs' names around it
            if isinstance(outer, cst.FunctionDef):
                around |= binds(outer, top=True)
        node = next(iter(scope[name])).node
        line = next((s for s in body if any(n is node for n in walk(s))), None)
        value = _bound_value(line, name)
        if value is None:
            return ""  # not a local bound by a line of its own at the top of the body
        kind = evidence(value, self.module, set(USED - around))
        if kind != ("dict" if site.from_dict else "tuple"):
            if site.from_dict and kind != "tuple":
                return f"{name}'s values are not shown to be tuples (a list could change)"
            return ""
        if len(scope[name]) != 1 or name in _nested_binds(function):
            return f"{name} is bound more than once"
        if declares_global(function, name) or calls_introspection(function):
            return f"{name} is global/nonlocal or the function reads its locals by name"
        if USED & around:
            return f"{', '.join(sorted(USED & around))} is rebound, so the guards prove nothing"
        assert isinstance(line, cst.SimpleStatementLine)
        start = body.index(line)
        for test in tests:
            chain = self._between(test, function)
            statement = next(a for a in chain if self.parent(a) is function.body)
            if body.index(statement) <= start:  # type: ignore[arg-type]
                return f"{name} is tested before or beside its binding"
            child: cst.CSTNode = test
            for ancestor in chain:
                if isinstance(ancestor, cst.CompFor) and child is ancestor.iter:
                    return f"{name} is tested in a comprehension's iterable (no `:=` there)"
                child = ancestor
        site.init, site.tests = line, tests
        ids = {id(t) for t in tests}
        site.depth = {id(t): sum(id(a) in ids for a in self._between(t, function)) for t in tests}
        return ""


def _bound_value(line: cst.CSTNode | None, name: str) -> cst.BaseExpression | None:
    """The value ``line`` binds ``name`` to, when it is a statement line of one plain
    assignment to the name alone."""
    if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
        return None
    small = line.body[0]
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        target: cst.BaseExpression = small.targets[0].target
    elif isinstance(small, cst.AnnAssign) and small.value is not None:
        target = small.target
    else:
        return None
    if not isinstance(target, cst.Name) or target.value != name:
        return None
    return small.value
