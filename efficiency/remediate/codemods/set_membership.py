"""Membership in a constant list of strings or integers by hashing, not scanning
(``set-membership``).

``user in service_accounts``, with ``service_accounts = ["svc-a", "svc-b", ...]`` built in the
function, builds the list on every call and then compares ``user`` with each item in turn. A
module-level frozenset answers in one hash lookup, but only for values whose hash agrees with
their ``==``: a list answers ``False`` for an unhashable value where a set raises, and an object
whose ``__eq__`` says it equals ``"svc-a"`` is found by the list, not by the set. So the set is
asked only when the value's type is exactly ``str`` (``int`` for a table of integers), whose
``==`` and ``hash`` agree; any other value is still looked up in the same items, in order::

    def keep(user):                        _SERVICE_ACCOUNTS = ("svc-a", "svc-b", ...)
        service_accounts = ["svc-a", ...]  _SERVICE_ACCOUNTS_SET = frozenset(_SERVICE_ACCOUNTS)
        return user not in service_accounts
                                       →   def keep(user):
                                               service_accounts = _SERVICE_ACCOUNTS
                                               return not (user in _SERVICE_ACCOUNTS_SET
                                                   if type(user) is str
                                                   else user in service_accounts)

(``x not in t`` is ``not (x in t)``.) Done only when the local name is bound once, in the
function, to a list or tuple display of at least :data:`MIN_ITEMS` string literals (or of
integer literals), every other use of the name is the right side of one ``in``/``not in`` test
(so nothing can change or keep the list: the tuple that replaces it answers ``in`` alike), the
value tested is evaluated once (:mod:`~efficiency.remediate.codemods.set_probe`) and neither
``type`` nor ``str``/``int`` is rebound in the module or the function. Anything else is refused.

A list the function starts empty and grows with ``append`` is kept, with a set in step with it
(:mod:`efficiency.remediate.codemods.shadow_set`); a list built once by any expression and only
read after, tested in a loop, a comprehension or a closure, gets a frozenset made beside it
(:mod:`efficiency.remediate.codemods.frozen_set`). A list held on an attribute (bound once in
``__init__`` or the class body) or by a module-level name, only read in the module and tested in
methods or functions, gets one too (:mod:`efficiency.remediate.codemods.attr_set`,
:mod:`efficiency.remediate.codemods.global_set`). A tuple, or a dict of tuples, bound before the
loop that tests it gets frozensets asked only for the very tuples they were made of
(:mod:`efficiency.remediate.codemods.tuple_set`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper, ScopeProvider

from efficiency.remediate.codemods.attr_set_rewrite import attribute_stage
from efficiency.remediate.codemods.base import plural
from efficiency.remediate.codemods.constant_table import binds
from efficiency.remediate.codemods.frozen_set import FrozenFinder, FrozenRewriter
from efficiency.remediate.codemods.global_set import global_stage
from efficiency.remediate.codemods.loop_set_rewrite import loop_stage
from efficiency.remediate.codemods.passed_set_rewrite import passed_stage
from efficiency.remediate.codemods.pysource import (
    Edit,
    PythonCodemod,
    ScopedVisitor,
    Targets,
    calls_introspection,
    code,
    declares_global,
    insert_above,
    mentions_in_nested_scopes,
    names_in,
    restage,
    unique_name,
    walk,
    where,
)
from efficiency.remediate.codemods.set_probe import (
    in_operator,
    keep_parens,
    probe_refusal,
    probed,
    stem,
)
from efficiency.remediate.codemods.shadow_set import GrowingFinder, GrowingRewriter
from efficiency.remediate.codemods.tuple_set_rewrite import tuple_stage

#: fewer items scan about as fast as the type test and the hash lookup
MIN_ITEMS = 4


@dataclass
class _Site:
    assign: cst.Assign
    #: the ``in`` / ``not in`` comparisons that use the name
    tests: list[cst.Comparison]
    name: str
    #: ``str`` or ``int``
    kind: str
    #: the top-level statement the function is defined in (the constants go before it)
    anchor: cst.CSTNode
    owner: str
    #: the tested value's name, when it is no plain name
    probe: str = ""


def _item_kind(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString) and not node.prefix.lower().strip("r"):
        return "str"  # no b/f/u prefix: a str literal
    if isinstance(node, cst.ConcatenatedString):
        left, right = _item_kind(node.left), _item_kind(node.right)
        return "str" if left == right == "str" else None
    if isinstance(node, cst.Integer):
        return "int"
    if (
        isinstance(node, cst.UnaryOperation)
        and isinstance(node.operator, cst.Minus)
        and isinstance(node.expression, cst.Integer)
    ):
        return "int"
    return None


class _Finder(ScopedVisitor):
    METADATA_DEPENDENCIES = (*ScopedVisitor.METADATA_DEPENDENCIES, ScopeProvider)

    def __init__(self, module: cst.Module, targets: Targets | None) -> None:
        super().__init__(targets)
        self.module_binds = binds(module, top=True)
        if any(isinstance(n, cst.ImportStar) for n in walk(module)):
            self.module_binds |= {"type", "str", "int"}  # `import *` may bind any of them
        self.sites: list[_Site] = []
        self.refused: list[str] = []

    def visit_Assign(self, node: cst.Assign) -> None:
        if not self.active or not isinstance(node.value, (cst.List, cst.Tuple)):
            return
        items = node.value.elements
        if len(items) < MIN_ITEMS or not all(isinstance(e, cst.Element) for e in items):
            return
        kinds = {_item_kind(e.value) for e in items}
        if len(kinds) != 1 or None in kinds:
            return
        kind = kinds.pop()
        assert kind is not None
        shown = code(node).splitlines()[0][:60]
        why, tests = self._refusal(node, kind)
        if why:
            self.refused.append(f"{shown}: {why}")
            return
        anchor = next(a for a in self.ancestors(node) if isinstance(self.parent(a), cst.Module))
        target = node.targets[0].target
        assert isinstance(target, cst.Name)
        self.sites.append(_Site(node, tests, target.value, kind, anchor, self.def_stack[-1]))

    def _refusal(self, node: cst.Assign, kind: str) -> tuple[str, list[cst.Comparison]]:
        if len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return "not bound to one plain name", []
        name = node.targets[0].target.value
        function = self.scope_of(node)
        if not isinstance(function, cst.FunctionDef):
            return "not inside a function", []
        if declares_global(function, name) or calls_introspection(function):
            return f"{name} is global/nonlocal or the function reads its locals by name", []
        rebound = ({"type", kind} & (self.module_binds | binds(function))) - {name}
        if rebound:
            return f"{', '.join(sorted(rebound))} is rebound, so the type test proves nothing", []
        if mentions_in_nested_scopes(function, name):
            return f"{name} is used in a nested function, lambda or class", []
        scope = self.get_metadata(ScopeProvider, node.targets[0].target, None)
        if scope is None or len(scope[name]) != 1:
            return f"{name} is bound more than once", []
        tests: list[cst.Comparison] = []
        for use in walk(function.body):
            if not isinstance(use, cst.Name) or use.value != name or use is node.targets[0].target:
                continue
            why = self._use_refusal(use, name)
            if why:
                return why, []
            comparison = self.parent(self.parent(use))
            assert isinstance(comparison, cst.Comparison)
            tests.append(comparison)
        if not tests:
            return f"{name} is never tested with `in`", []
        return "", tests

    def _use_refusal(self, use: cst.Name, name: str) -> str:
        target = self.parent(use)
        if not (
            isinstance(target, cst.ComparisonTarget)
            and target.comparator is use
            and isinstance(target.operator, cst.In | cst.NotIn)
        ):
            kind = type(target).__name__ if target is not None else "?"
            return f"{name} is used other than as `x in {name}` ({kind}), so it could change"
        comparison = self.parent(target)
        if not isinstance(comparison, cst.Comparison) or len(comparison.comparisons) != 1:
            return f"{name} is tested in a chained comparison"
        return probe_refusal(comparison, self.ancestors(comparison))


class _Rewriter(cst.CSTTransformer):
    def __init__(self, sites: list[_Site], names: dict[int, tuple[str, str]]) -> None:
        super().__init__()
        self.names = names  # id(assign) -> (tuple name, set name)
        self.tests = {id(t): s for s in sites for t in s.tests}
        self.before: dict[int, list[_Site]] = {}
        for site in sites:
            self.before.setdefault(id(site.anchor), []).append(site)

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        if id(original_node) not in self.names:
            return updated_node
        return updated_node.with_changes(value=cst.Name(self.names[id(original_node)][0]))

    def leave_Comparison(
        self, original_node: cst.Comparison, updated_node: cst.Comparison
    ) -> cst.BaseExpression:
        site = self.tests.get(id(original_node))
        if site is None:
            return updated_node
        first, value = probed(updated_node.left, site.probe)
        lookup = (
            f"{value} in {self.names[id(site.assign)][1]} if type({first}) is {site.kind} "
            f"else {value} in {site.name}"
        )
        negated = in_operator(updated_node) == "not in"
        return keep_parens(updated_node, cst.parse_expression(f"(not ({lookup}))" if negated
                                                             else f"({lookup})"))  # fmt: skip

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        def statements(site: Any) -> list[cst.BaseStatement]:
            items, members = self.names[id(site.assign)]
            constants = cst.parse_module(f"{items} = ()\n{members} = frozenset({items})\n")
            first = constants.body[0]
            assert isinstance(first, cst.SimpleStatementLine)
            assign = first.body[0]
            assert isinstance(assign, cst.Assign)
            value = _as_tuple(site.assign.value)
            return [first.with_changes(body=[assign.with_changes(value=value)]), constants.body[1]]

        return insert_above(original_node, updated_node, self.before, statements)


def _as_tuple(value: cst.BaseExpression) -> cst.Tuple:
    """The list or tuple display as a parenthesised tuple, its items and layout kept."""
    if isinstance(value, cst.Tuple):
        return value if value.lpar else value.with_changes(lpar=[cst.LeftParen()],
                                                           rpar=[cst.RightParen()])  # fmt: skip
    assert isinstance(value, cst.List)
    return cst.Tuple(
        elements=value.elements,
        lpar=[cst.LeftParen(whitespace_after=value.lbracket.whitespace_after)],
        rpar=[cst.RightParen(whitespace_before=value.rbracket.whitespace_before)],
    )


class SetMembership(PythonCodemod):
    name = "set-membership"
    needs = (" in ",)

    def rewrite(
        self, wrapper: MetadataWrapper, targets: Targets | None, params: dict[str, Any]
    ) -> Edit:
        # in stages, each analysing the tree the one before made (a rewriter finds its nodes
        # by identity, which a transform does not keep)
        finder = _Finder(wrapper.module, targets)
        wrapper.visit(finder)
        refused = list(finder.refused)
        taken = names_in(wrapper.module)
        original = frozenset(taken)
        names: dict[int, tuple[str, str]] = {}
        for site in finder.sites:
            items = unique_name(f"_{stem(site.name).upper()}", taken)
            taken.add(items)
            members = unique_name(f"{items}_SET", taken)
            site.probe = unique_name(f"_{stem(site.name)}_key", taken | {members})
            taken |= {members, site.probe}
            names[id(site.assign)] = (items, members)
        new = wrapper.module
        parts = []
        if finder.sites:
            new = new.visit(_Rewriter(finder.sites, names))
            tests = sum(len(s.tests) for s in finder.sites)
            parts.append(
                f"membership in {', '.join(s.name for s in finder.sites)} by a module-level "
                f"frozenset for exact {'/'.join(sorted({s.kind for s in finder.sites}))} values "
                f"{where(targets, (s.owner for s in finder.sites))} "
                f"({plural(tests, 'membership test')})"
            )
        staged, staged_targets = restage(wrapper.module, new, targets)
        growing = GrowingFinder(staged.module, staged_targets)
        staged.visit(growing)
        refused += growing.refused
        new = staged.module
        if growing.sites:
            for grown in growing.sites:
                grown.shadow = unique_name(f"{grown.name}_set", taken)
                grown.probe = unique_name(f"_{stem(grown.name)}_key", taken | {grown.shadow})
                taken |= {grown.shadow, grown.probe}
            new = new.visit(GrowingRewriter(growing.sites))
            tests = sum(len(s.tests) for s in growing.sites)
            parts.append(
                f"membership in the growing list {', '.join(s.name for s in growing.sites)} by "
                f"a set kept in step with it, for exact str values "
                f"{where(targets, (s.owner for s in growing.sites))} "
                f"({plural(tests, 'membership test')})"
            )
        done = frozenset(s.name for s in finder.sites) | {
            n for s in growing.sites for n in (s.name, s.shadow)
        }
        staged, staged_targets = restage(staged.module, new, staged_targets)
        frozen = FrozenFinder(staged.module, staged_targets, done)
        staged.visit(frozen)
        refused += frozen.refused
        new = staged.module
        if frozen.sites:
            for site in frozen.sites:
                site.shadow = unique_name(f"{site.name}_set", taken)
                site.probe = unique_name(f"_{stem(site.name)}_key", taken | {site.shadow})
                taken |= {site.shadow, site.probe}
            new = new.visit(FrozenRewriter(frozen.sites))
            rewritten = tuple(f"{site.name}{end}" for site in frozen.sites for end in " =:")
            refused = [r for r in refused if not r.startswith(rewritten)]  # refused before
            tests = sum(len(s.tests) for s in frozen.sites)
            parts.append(
                f"membership in {', '.join(s.name for s in frozen.sites)}, built once and only "
                f"read, by a frozenset made beside it, for exact str/int values "
                f"{where(targets, (s.owner for s in frozen.sites))} "
                f"({plural(tests, 'membership test')})"
            )
        staged, staged_targets = restage(staged.module, new, staged_targets)
        new, held, left = attribute_stage(
            staged, staged_targets, taken, params.get("other_modules")
        )
        refused += left
        if held:
            rewritten = tuple(f"{s.attr}{end}" for s in held if not s.holder for end in " =:")
            refused = [r for r in refused if not rewritten or not r.startswith(rewritten)]
            tests = sum(len(s.nodes) for s in held)
            parts.append(
                f"membership in {', '.join(f'{s.cls.name.value}.{s.attr}' for s in held)}, an "
                f"attribute built once and only read, by a frozenset made beside it, for exact "
                f"str/int values {where(targets, (s.cls.name.value for s in held))} "
                f"({plural(tests, 'membership test')})"
            )
            parts += [s.assumed for s in held if s.assumed]
        staged, staged_targets = restage(staged.module, new, staged_targets)
        skip = done | {s.name for s in frozen.sites} | {n for pair in names.values() for n in pair}
        new, moduled, left = global_stage(staged, staged_targets, taken, frozenset(skip))
        refused += left
        if moduled:
            rewritten = tuple(f"{s.name}{end}" for s in moduled for end in " =:")
            refused = [r for r in refused if not r.startswith(rewritten)]
            tests = sum(len(s.tests) for s in moduled)
            parts.append(
                f"membership in the module-level {', '.join(s.name for s in moduled)}, built "
                f"once and only read, by a frozenset made beside it, for exact str/int values "
                f"{where(targets, (o for s in moduled for o in s.owners))} "
                f"({plural(tests, 'membership test')})"
            )
        skip |= {s.name for s in moduled} | (taken - original)
        staged, staged_targets = restage(staged.module, new, staged_targets)
        new, passed, left = passed_stage(staged, staged_targets, taken, frozenset(skip))
        refused = _unrefused(refused, {s.name for s in passed}) + left
        if passed:
            callees = [c for s in passed for c in s.calls.values()]
            tests = len({id(t) for c in callees for t in c.tests})
            parts.append(
                f"membership in {', '.join(dict.fromkeys(s.name for s in passed))}, "
                f"{'a new list' if len(passed) == 1 else 'new lists'} handed to "
                f"{', '.join(sorted({c.function.name.value for c in callees}))}, by a frozenset "
                f"made once beside each and handed along, for exact str/int values or tuples of "
                f"them {where(targets, (s.owner for s in passed))} "
                f"({plural(tests, 'membership test')})"
            )
        staged, staged_targets = restage(staged.module, new, staged_targets)
        skip |= {s.name for s in passed} | (taken - original)
        new, looped, left = loop_stage(staged, staged_targets, taken, frozenset(skip))
        refused = _unrefused(refused, {s.name for s in looped}) + left
        if looped:
            parts.append(
                f"membership in {', '.join(s.name for s in looped)} by a frozenset snapshot "
                f"taken before the loop that tests it, for exact str/int values or tuples of "
                f"them {where(targets, (s.owner for s in looped))} "
                f"({plural(sum(len(s.tests) for s in looped), 'membership test')})"
            )
        staged, staged_targets = restage(staged.module, new, staged_targets)
        skip |= {s.name for s in looped} | (taken - original)
        new, tupled, left, part = tuple_stage(staged, staged_targets, taken, frozenset(skip))
        refused = _unrefused(refused, {s.name for s in tupled if not s.from_dict}) + left
        parts += [part] if part else []
        sites = len(finder.sites) + len(growing.sites) + len(frozen.sites) + len(held)
        sites += len(moduled) + len(passed) + len(looped) + len(tupled)
        if not sites:
            why = "; ".join(refused) or (
                f"no local list or tuple of {MIN_ITEMS} or more string or integer literals, "
                "no local list grown by append, and no list built once and only read (local, "
                "attribute or module-level), tested with `in`"
            )
            return Edit(wrapper.module, 0, f"{self.name}: nothing to rewrite ({why})")
        summary = "; ".join(parts)
        if refused:
            summary += f"; left: {'; '.join(refused)}"
        return Edit(new, sites, summary)


def _unrefused(refused: list[str], names: set[str]) -> list[str]:
    """``refused`` without the earlier stages' refusals of ``names``, which a later one took."""
    ends = tuple(f"{n}{end}" for n in names for end in (" =", ":", " (tested"))
    return [r for r in refused if not ends or not r.startswith(ends)]
