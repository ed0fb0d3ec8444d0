"""Membership in a list a caller builds once and hands to a function of the same module that
only tests it, by a frozenset made once at the caller and handed beside it (part of
``set-membership``).

``banned = self.pairs`` (a property that builds a new list) and then
``[self.check(p, banned) for p in plans]``, with ``check`` using its parameter ``banned`` only
in ``(a, b) in banned``, scans the list in every call. Making a set in every call of ``check``
would cost as much as the scans; the caller makes it once instead and passes it by a new
keyword-only parameter::

    banned = self.pairs
    banned_set = (frozenset(banned) if <exact list of hash-safe items>
                  and getattr(type(self), "check", None) is Auditor.check else None)
    audits = [(self.check(p, banned, _banned_set=banned_set) if banned_set is not None
               else self.check(p, banned)) for p in plans]

    def check(self, plan, banned, *, _banned_set=None):
        ... ((a, b) in _banned_set if _banned_set is not None and <a, b hash-safe>
             else (a, b) in banned) ...

The guards are those of :mod:`~efficiency.remediate.codemods.loop_set`; any other caller passes
no set and the callee scans the list as before. The set stays right because nothing can change
the list: it is new (a display, a comprehension, ``list()``/``sorted()``..., or the result of a
property, method or function of the module that returns such a value, or a local list it only
grows and returns, as :mod:`~efficiency.remediate.codemods.new_lists` proves), the caller only
hands it to the callee, tests it or reads it, and the callee only tests or reads its parameter
(never stores, returns or passes it on, never rebinds it). Each list parameter is proved on its
own and gets its own keyword: a call may hand several sets, and a parameter whose list fails a
proof keeps its scan (the refusal is reported where the caller or the callee is a target). A
method callee is called on the caller's own first parameter; it is plain (no decorator),
defined once, and no class of the module overrides it; the set is passed only while
``type(self)`` has the method the module defines, so a subclass elsewhere that overrides it is
called as before. A callee or producer is one the module cannot rebind after it has run: its
name is bound once at the top (no other def, import, ``with``/``:=``/``del`` target in any block,
no star import), declared ``global`` nowhere, not shadowed where it is called, and a method's
name is never stored or deleted as an attribute (nor ``setattr``/``delattr`` called); a callee
defined after its caller has only plain defs between them (no code that could run the caller
before the callee exists). Anything else is refused with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import GlobalScope, ScopeProvider

from efficiency.remediate.codemods.constant_table import binds
from efficiency.remediate.codemods.frozen_set import _FRESH_CALLS, _fresh, reading_refusal
from efficiency.remediate.codemods.new_lists import (
    bound_by,
    rebound_anywhere,
    returns_new,
    runs_code,
    stored_attributes,
)
from efficiency.remediate.codemods.pysource import (
    SCOPES,
    ScopedVisitor,
    Targets,
    calls_introspection,
    code,
    declares_global,
    walk,
)
from efficiency.remediate.codemods.set_snapshot import (
    SNAPSHOT_BUILTINS,
    needle_refusal,
)

_TRUSTED = SNAPSHOT_BUILTINS | _FRESH_CALLS | {"getattr"}  # the builtins the rewrite relies on


@dataclass
class Callee:
    function: cst.FunctionDef
    param: str
    tests: list[cst.Comparison] = field(default_factory=list)
    #: the class whose method it is ('' for a module-level function)
    cls: str = ""
    keyword: str = ""


@dataclass
class PassedSite:
    init: cst.SimpleStatementLine
    name: str
    owner: str
    #: (id of the call, the callee's parameter) -> the callee that gets the list there
    calls: dict[tuple[int, str], Callee] = field(default_factory=dict)
    shadow: str = ""
    receiver: str = ""
    #: ids of the module's defs the list is handed to (proved or not)
    callees: set[int] = field(default_factory=set)


class PassedFinder(ScopedVisitor):
    METADATA_DEPENDENCIES = (*ScopedVisitor.METADATA_DEPENDENCIES, ScopeProvider)

    def __init__(self, module: cst.Module, targets: Targets | None, skip: frozenset[str]) -> None:
        super().__init__(targets)
        self.module = module
        self.skip = skip
        self.top_binds = [n for s in module.body for n in bound_by(s)]
        self.declared = rebound_anywhere(module)
        if "*" in self.top_binds:  # a star import may rebind any name
            self.declared |= set(self.top_binds)
        self.functions = {
            s.name.value: s for s in module.body
            if isinstance(s, cst.FunctionDef) and not s.decorators
            and self.top_binds.count(s.name.value) == 1 and s.name.value not in self.declared
        }  # fmt: skip
        self.order = {id(s): k for k, s in enumerate(module.body)}
        self.stored = stored_attributes(module)
        self.classes: dict[str, dict[str, cst.FunctionDef]] = {}
        overridden: set[str] = set()
        for cls in (s for s in module.body if isinstance(s, cst.ClassDef)):
            own = [n for s in cls.body.body for n in bound_by(s)]  # type: ignore[union-attr]
            self.classes[cls.name.value] = {
                s.name.value: s for s in cls.body.body  # type: ignore[union-attr]
                if isinstance(s, cst.FunctionDef) and own.count(s.name.value) == 1
            }  # fmt: skip
            if cls.bases:
                overridden |= set(own)
        self.overridden = overridden
        self.module_binds = binds(module, top=True)
        self.sites: list[PassedSite] = []
        self.refused: list[str] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool | None:
        super().visit_FunctionDef(node)
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        for line in body:
            if (
                isinstance(line, cst.SimpleStatementLine)
                and len(line.body) == 1
                and isinstance(line.body[0], cst.Assign)
                and len(line.body[0].targets) == 1
                and isinstance(line.body[0].targets[0].target, cst.Name)
                and line.body[0].targets[0].target.value not in self.skip
            ):
                self._consider(node, line)
        return None

    def _consider(self, function: cst.FunctionDef, line: cst.SimpleStatementLine) -> None:
        assign = line.body[0]
        assert isinstance(assign, cst.Assign) and isinstance(assign.targets[0].target, cst.Name)
        name = assign.targets[0].target.value
        site = PassedSite(line, name, function.name.value)
        why = self._refusal(function, assign, site)
        chosen = self.active or (self.targets is not None and bool(site.callees & self.targets.ids))
        if not chosen or (why == "" and not site.calls) or why == "-":
            return
        if why:
            self.refused.append(f"{name} = {code(assign.value)[:40]}: {why}")
        else:
            self.sites.append(site)

    def _cls(self, function: cst.FunctionDef) -> tuple[str, str]:
        """The class ``function`` is a method of and its first parameter's name, or ''s."""
        parent = self.parent(self.parent(function))  # type: ignore[arg-type]
        params = function.params.params
        if isinstance(parent, cst.ClassDef) and params and not function.decorators:
            return parent.name.value, params[0].name.value
        return "", ""

    def _refusal(self, function: cst.FunctionDef, assign: cst.Assign, site: PassedSite) -> str:
        name = site.name
        cls, receiver = self._cls(function)
        site.receiver = receiver
        uses = [n for n in walk(function.body) if isinstance(n, cst.Name) and n.value == name
                and n is not assign.targets[0].target]  # fmt: skip
        site.callees = {
            id(f) for u in uses if isinstance(arg := self.parent(u), cst.Arg)
            for f in [self._tester(arg, cls, receiver)] if f is not None
        }  # fmt: skip
        if not site.callees:
            return "-"  # not handed to a def of the module that tests it: not this stage's
        if declares_global(function, name) or calls_introspection(function):
            return "it is global/nonlocal or the function reads its locals by name"
        rebound = _TRUSTED & (self.module_binds | binds(function))
        if rebound:
            return f"{', '.join(sorted(rebound))} is rebound, so the rewrite proves nothing"
        scope = self.get_metadata(ScopeProvider, assign.targets[0].target, None)
        if scope is None or len(scope[name]) != 1:
            return f"{name} is bound more than once in {function.name.value}"
        if receiver and len(scope[receiver]) != 1:
            return f"{receiver} is bound more than once in {function.name.value}"
        if not self._new(assign.value, cls, receiver):
            return "it may be a list something else holds and changes (not made by the module)"
        for use in uses:
            if any(isinstance(a, SCOPES) for a in self._between(use, function)):
                return f"{name} is used in a nested function, lambda or class"
            arg = self.parent(use)
            call = self.parent(arg) if isinstance(arg, cst.Arg) else None
            if (
                isinstance(arg, cst.Arg)
                and isinstance(call, cst.Call)
                and self._resolve(call.func, cls, receiver)[0] is not None
            ):
                why = self._call(arg, site, cls, receiver)
            elif isinstance(arg, cst.ComparisonTarget) and isinstance(
                arg.operator, cst.In | cst.NotIn
            ):
                why = ""
            else:
                why = self._reading(use, name)
            if why:
                return why
        return ""

    def _between(self, node: cst.CSTNode, top: cst.CSTNode) -> list[cst.CSTNode]:
        out = []
        for ancestor in self.ancestors(node):
            if ancestor is top:
                break
            out.append(ancestor)
        return out

    def _reading(self, use: cst.Name, shown: str) -> str:
        parent = self.parent(use)
        grandparent = self.parent(parent) if parent is not None else None
        if isinstance(parent, cst.Subscript):
            targets = [t for n in walk(self.module) if isinstance(n, cst.Assign | cst.AugAssign |
                       cst.Del | cst.AnnAssign) for t in walk(n) if t is parent]  # fmt: skip
            return reading_refusal(shown, use, parent, grandparent, bool(targets), set())
        return reading_refusal(shown, use, parent, grandparent, False, set())

    def _resolve(
        self, func: cst.BaseExpression, cls: str, receiver: str
    ) -> tuple[cst.FunctionDef | None, str]:
        """The def a call of ``func`` runs (and its class), when the module shows it."""
        if (
            isinstance(func, cst.Name)
            and func.value in self.functions
            and self._global_here(func, func.value)
        ):
            return self.functions[func.value], ""
        if (
            receiver
            and isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value == receiver
            and func.attr.value in self.classes.get(cls, {})
            and func.attr.value not in self.overridden | self.stored
            and self._fixed_class(func, cls)
        ):
            method = self.classes[cls][func.attr.value]
            return (None if method.decorators else method), cls
        return None, ""

    def _tester(self, arg: cst.Arg, cls: str, receiver: str) -> cst.FunctionDef | None:
        """The def of the module ``arg``'s call runs, when the parameter ``arg`` lands on is
        tested with ``in`` there (or which one it lands on is not plain: the refusal says why)."""
        call = self.parent(arg)
        if not isinstance(call, cst.Call) or arg not in call.args:
            return None
        callee, owner = self._resolve(call.func, cls, receiver)
        if callee is None:
            return None
        param = _param(arg, call, callee, owner)
        if not param:
            return callee
        return callee if any(
            isinstance(n, cst.ComparisonTarget) and isinstance(n.operator, cst.In | cst.NotIn)
            and isinstance(n.comparator, cst.Name) and n.comparator.value == param
            for n in walk(callee.body)
        ) else None  # fmt: skip

    def _global_here(self, node: cst.CSTNode, name: str) -> bool:
        """Does ``name`` read where ``node`` is mean the module's global (no local, enclosing
        or comprehension binding shadows it)?"""
        scope = self.get_metadata(ScopeProvider, node, None)
        assignments = scope[name] if scope is not None else ()
        return bool(assignments) and all(isinstance(a.scope, GlobalScope) for a in assignments)

    def _fixed_class(self, node: cst.CSTNode, cls: str) -> bool:
        return (
            self.top_binds.count(cls) == 1
            and cls not in self.declared
            and self._global_here(node, cls)
        )

    def _defined_first(self, callee: cst.FunctionDef, call: cst.Call) -> bool:
        """Is ``callee`` defined before anything could run ``call``? When it comes after the
        top-level statement holding the call, nothing from that statement to the callee's def
        runs code (plain defs and classes, assignments of literals)."""
        top = next((a for a in self.ancestors(call) if id(a) in self.order), None)
        if top is None or id(callee) not in self.order:
            return False
        if self.order[id(top)] > self.order[id(callee)]:
            return True
        start = self.order[id(top)] + (0 if isinstance(top, cst.ClassDef) else 1)
        return not any(runs_code(s) for s in self.module.body[start : self.order[id(callee)]])

    def _call(self, arg: cst.Arg, site: PassedSite, cls: str, receiver: str) -> str:
        call = self.parent(arg)
        assert isinstance(call, cst.Call)
        callee, owner = self._resolve(call.func, cls, receiver)
        shown = code(call.func)[:40]
        if callee is None:
            return f"{site.name} is passed to `{shown}`, which the module does not show to be plain"
        if not owner and not self._defined_first(callee, call):
            return f"`{shown}` is defined after code that could call {site.owner} before it exists"
        param = _param(arg, call, callee, owner)
        if param.startswith("`"):
            return f"`{shown}` {param[1:]}"
        if not param:
            return f"`{shown}` has no parameter for {site.name}"
        return self._callee(callee, param, site, call, owner)

    def _callee(self, callee: cst.FunctionDef, param: str, site: PassedSite, call: cst.Call,
                owner: str) -> str:  # fmt: skip
        shown = f"{callee.name.value}'s {param}"
        if declares_global(callee, param) or calls_introspection(callee):
            return f"{shown} is global/nonlocal or {callee.name.value} reads its locals by name"
        if SNAPSHOT_BUILTINS & binds(callee):
            return f"{callee.name.value} rebinds a builtin the rewrite uses"
        uses = [n for n in walk(callee.body) if isinstance(n, cst.Name) and n.value == param]
        if param in binds(callee.body) or not uses:
            return f"{shown} is rebound or unused"
        entry = Callee(callee, param, cls=owner)
        for use in uses:
            target = self.parent(use)
            comparison = self.parent(target) if target is not None else None
            if (
                isinstance(target, cst.ComparisonTarget)
                and target.comparator is use
                and isinstance(target.operator, cst.In | cst.NotIn)
                and isinstance(comparison, cst.Comparison)
                and len(comparison.comparisons) == 1
            ):
                why = needle_refusal(comparison, list(self.ancestors(comparison)))
                if why:
                    return why
                entry.tests.append(comparison)
                continue
            if any(isinstance(a, SCOPES) for a in self._between(use, callee)):
                return f"{shown} is used in a nested function other than by `in`"
            why = self._reading(use, shown)
            if why:
                return why
        if not entry.tests:
            return f"{shown} is never tested with `in`"
        site.calls[(id(call), param)] = entry
        return ""

    def _new(self, value: cst.BaseExpression, cls: str, receiver: str) -> bool:
        """Is ``value`` a new list (or tuple) nothing else holds?"""
        if _fresh(value, True):
            return True
        producer: cst.FunctionDef | None = None
        if isinstance(value, cst.Call) and not value.args:
            producer, _ = self._resolve(value.func, cls, receiver)
        elif (
            isinstance(value, cst.Attribute)
            and receiver
            and isinstance(value.value, cst.Name)
            and value.value.value == receiver
            and value.attr.value not in self.overridden | self.stored
            and self._fixed_class(value, cls)
        ):
            method = self.classes.get(cls, {}).get(value.attr.value)
            if method is not None and [code(d.decorator) for d in method.decorators] == [
                "property"
            ]:
                producer = method
        return producer is not None and returns_new(producer)


def _param(arg: cst.Arg, call: cst.Call, callee: cst.FunctionDef, owner: str) -> str:
    """The name of ``callee``'s parameter ``arg`` of ``call`` lands on; '' when none does; a
    text starting with a backquote when the call or the def is not plain enough to say."""
    if any(a.star for a in call.args):
        return "`is called with * or ** arguments"
    params = callee.params
    if params.star_kwarg is not None or isinstance(params.star_arg, cst.Param):
        return "`takes *args or **kwargs"
    if arg.keyword is not None:
        return arg.keyword.value
    positional = [*params.posonly_params, *params.params][1 if owner else 0 :]
    index = [a for a in call.args if a.keyword is None].index(arg)
    return positional[index].name.value if index < len(positional) else ""
