"""Compile each pattern of a module-level table once, not through re's cache on every call
(``re-loop-pattern``).

Rule tables are a common shape of real code: a module-level list of (pattern, replacement)
strings, and a loop that tries each one with ``re.search(rule, word)`` / ``re.sub(rule, ...)``.
Every such call goes through the ``re`` module's wrapper and ``re._compile``'s type check and
cache lookup before the pattern's own method runs; a table of many rules pays it many times per
call. The codemod routes those calls through one module-level memo of ``re.compile``::

    for rule, repl in PLURALS:
        if re.search(rule, word):
            return re.sub(rule, repl, word)

becomes, with ``_re_compiled = functools.lru_cache(maxsize=None)(re.compile)`` after the
imports::

    for rule, repl in PLURALS:
        if _re_compiled(rule).search(word):
            return _re_compiled(rule).sub(repl, word)

``re.compile`` of a string (or bytes) with given flags always gives an equivalent pattern, so
the memo gives what re's own cache gives: the same matches, the same errors (an exception is
not cached), whatever the table holds when the loop runs. Nothing is snapshotted, so a table
that is changed later (rules added at import or by the package's users) is still right: a new
pattern is compiled on first use, as ``re`` would.

Only done where the pattern provably comes from the module's own table, so the memo holds no
more than what that table holds over time, never whatever callers pass: the pattern is the
loop variable (or one name of the loop's tuple target, or ``"literal" % name`` /
``"literal".format(name)`` of it) of a ``for`` or comprehension over a name bound once, at
module level, to a list, tuple, set or dict display whose patterns are all string literals,
and the loop variable is bound nowhere else. Each literal pattern must compile without
warnings (so that compiling before the call's other arguments are evaluated changes no
error). Flags must be constants (``re.I | re.M``, an int; not ``re.DEBUG``). ``re`` must be
imported once at module level, and the name ``functools`` free or that module. Calls at module
level are left alone (they run once). The memo is unbounded since the table bounds it; when the
module already has ``hoist-re-compile``'s bounded memo (:mod:`.re_memo`), that one is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import libcst as cst
from libcst.metadata import GlobalScope, MetadataWrapper, ScopeProvider

from efficiency.remediate.codemods.base import plural
from efficiency.remediate.codemods.hoist_re_sites import SiteFinder, check_compiles
from efficiency.remediate.codemods.pysource import (
    Edit,
    PythonCodemod,
    Targets,
    code,
    literal_value,
    walk,
    where,
)
from efficiency.remediate.codemods.re_memo import add_memo, memo_for
from efficiency.remediate.codemods.re_pattern_method import SIGNATURES

#: how a table is iterated: its items, or a dict display's keys, values or (key, value) pairs
_DICT_VIEWS = ("keys", "values", "items")


@dataclass
class _Site:
    call: cst.Call
    function: str
    pattern: cst.BaseExpression
    flags: cst.BaseExpression | None
    rest: list[cst.Arg]
    table: str
    owner: str


class _Finder(SiteFinder):
    """The ``re.fn(<table pattern>, ...)`` calls, and why each other non-literal one is left."""

    def __init__(self, module: cst.Module, targets: Targets | None) -> None:
        super().__init__(module, targets)
        self.found: list[_Site] = []
        self.deleted = {
            n.value
            for d in walk(module)
            if isinstance(d, cst.Del)
            for n in walk(d.target)
            if isinstance(n, cst.Name)
        }

    def visit_Call(self, node: cst.Call) -> None:
        if not self.active or self.loops == 0 or not self.def_stack:
            return
        found = self._re_name(node.func)
        function = found[0].removeprefix("re.") if found else ""
        if function not in SIGNATURES:
            return
        args = list(node.args)
        if not args or args[0].keyword is not None or args[0].star:
            return
        first = args[0].value
        if literal_value(first) is not None:
            return  # a literal: hoist-re-compile's
        if isinstance(first, cst.Name) and first.value in self.constants:
            return  # a module-level string constant: hoist-re-compile's
        flags_arg, rest = self._split_flags(function, args[1:])
        flags = self._call_flags(function, args, flags_arg, rest)
        if isinstance(flags, str):
            return self._refuse(node, flags)
        table = self._pattern_table(first, flags)
        if table.startswith("!"):
            return self._refuse(node, table[1:])
        self.found.append(_Site(
            node, function, first, None if flags_arg is None else flags_arg.value, rest, table,
            self.def_stack[-1],
        ))  # fmt: skip

    def _call_flags(
        self, function: str, args: list[cst.Arg], flags_arg: cst.Arg | None, rest: list[cst.Arg]
    ) -> int | str:
        """The call's constant flags, or why the call cannot go through the memo."""
        if any(a.star for a in args):
            return "called with *args/**kwargs"
        most, keywords = SIGNATURES[function]
        if len([a for a in rest if a.keyword is None]) > most - 1:
            return f"more positional arguments than re.{function} takes"
        unknown = [a.keyword.value for a in rest if a.keyword and a.keyword.value not in keywords]
        if unknown:
            return f"keyword {unknown[0]!r} has no counterpart in Pattern.{function}"
        made = self._compile_func()
        if made is None or not isinstance(made[0], cst.Attribute):
            return "no module-level `import re` for the memo to compile with"
        if flags_arg is None:
            return 0
        value = self._flags(flags_arg.value)
        if value is None:
            return "flags are not re.<FLAG> constants (DEBUG excluded) or an int"
        return value[0]

    # -- where the pattern comes from -----------------------------------------------------
    def _pattern_table(self, pattern: cst.BaseExpression, flags: int) -> str:
        """The module-level table ``pattern`` provably takes its value from, its literal
        patterns checked to compile; else ``"!"`` and why not."""
        variable, render = _variable(pattern)
        if variable is None:
            return (f"!the pattern {code(pattern)} is not a loop variable over a module-level "
                    "table (a memo of compiled patterns could grow with whatever callers "
                    "pass)")  # fmt: skip
        loop = self._loop_binding(variable)
        if isinstance(loop, str):
            return "!" + loop
        target, iterated = loop
        found = self._table_patterns(target, variable.value, iterated)
        if isinstance(found, str):
            return "!" + found
        table, values = found
        for value in values:
            try:
                rendered = render(value)
            except (TypeError, ValueError, KeyError, IndexError, AttributeError) as exc:
                return f"!formatting the pattern with {value!r} fails ({exc})"
            problem = check_compiles(rendered, flags)
            if problem:
                return f"!{problem}: {rendered!r}"
        return table

    def _loop_binding(
        self, name: cst.Name
    ) -> tuple[cst.BaseAssignTargetExpression, cst.BaseExpression] | str:
        """(the loop's target, what it iterates) of the one ``for`` or comprehension binding
        ``name`` here, with the call inside it; else why not."""
        scope = self.get_metadata(ScopeProvider, name, None)
        assignments = scope[name.value] if scope is not None else set()
        if len(assignments) != 1:
            return f"{name.value} is bound more than once (or not at all) here"
        (assignment,) = assignments
        bound = getattr(assignment, "node", None)
        if assignment.scope is not scope or not isinstance(bound, cst.Name):
            return f"{name.value} is not a local loop variable here (a parameter or a global)"
        for ancestor in self.ancestors(bound):
            if isinstance(ancestor, cst.For | cst.CompFor):
                if not any(n is bound for n in walk(ancestor.target)):
                    break
                if isinstance(ancestor, cst.For) and not any(
                    n is name for n in walk(ancestor.body)
                ):  # fmt: skip
                    return f"the call is not inside the loop over {code(ancestor.iter)}"
                return ancestor.target, ancestor.iter
        return f"{name.value} is not bound by a for loop or comprehension"

    def _table_patterns(
        self, target: cst.BaseAssignTargetExpression, name: str, iterated: cst.BaseExpression
    ) -> tuple[str, list[str | bytes]] | str:
        """The table ``iterated`` names and the literal patterns ``name`` takes over it;
        else why not."""
        view = ""
        if (
            isinstance(iterated, cst.Call)
            and isinstance(iterated.func, cst.Attribute)
            and iterated.func.attr.value in _DICT_VIEWS
            and not iterated.args
        ):
            view, iterated = iterated.func.attr.value, iterated.func.value
        if not isinstance(iterated, cst.Name):
            return f"the loop iterates {code(iterated)}, not a module-level table"
        display = self._module_table(iterated)
        if isinstance(display, str):
            return display
        items = _items(display, view)
        if items is None:
            return f"{iterated.value}.{view}() is not a view of a dict display"
        position = _position(target, name)
        if position is None:
            return f"{name} is nested in the loop's target {code(target)}"
        values = []
        for item in items:
            if position >= 0:
                element = _element(item, position)
                if element is None:
                    return f"an item of {iterated.value} is not a tuple: {code(item)[:40]}"
                item = element
            value = literal_value(item)
            if value is None:
                return f"a pattern in {iterated.value} is not a string literal: {code(item)[:40]}"
            values.append(value)
        return iterated.value, values

    def _module_table(self, table: cst.Name) -> cst.List | cst.Tuple | cst.Set | cst.Dict | str:
        scope = self.get_metadata(ScopeProvider, table, None)
        assignments = scope[table.value] if scope is not None else set()
        if len(assignments) != 1 or table.value in self.deleted:
            return f"{table.value} is bound more than once, deleted or not bound here"
        (assignment,) = assignments
        bound = getattr(assignment, "node", None)
        statement = self.parent(self.parent(bound)) if bound is not None else None
        if not isinstance(assignment.scope, GlobalScope):
            where = "a local or parameter, not a module-level table"
            return f"the loop iterates {table.value}, {where}"
        if not isinstance(statement, cst.Assign):
            return f"{table.value} is not assigned at module level"
        if len(statement.targets) != 1 or statement.targets[0].target is not bound:
            return f"{table.value} is not assigned alone at module level"
        if not isinstance(statement.value, cst.List | cst.Tuple | cst.Set | cst.Dict):
            return f"{table.value} is not bound to a list, tuple, set or dict display"
        return statement.value


def _variable(pattern: cst.BaseExpression) -> tuple[cst.Name | None, Any]:
    """The name a pattern expression is built from, and how its value is rendered from the
    name's: ``name``, ``"literal" % name`` or ``"literal".format(name)``."""
    if isinstance(pattern, cst.Name):
        return pattern, lambda v: v
    if (
        isinstance(pattern, cst.BinaryOperation)
        and isinstance(pattern.operator, cst.Modulo)
        and isinstance(pattern.right, cst.Name)
    ):
        template = literal_value(pattern.left)
        if template is not None:
            return pattern.right, lambda v: template % v
    if (
        isinstance(pattern, cst.Call)
        and isinstance(pattern.func, cst.Attribute)
        and pattern.func.attr.value == "format"
        and len(pattern.args) == 1
        and pattern.args[0].keyword is None
        and not pattern.args[0].star
        and isinstance(pattern.args[0].value, cst.Name)
    ):
        template = literal_value(pattern.func.value)
        if isinstance(template, str):
            return pattern.args[0].value, lambda v: template.format(v)
    return None, None


def _items(
    display: cst.List | cst.Tuple | cst.Set | cst.Dict, view: str
) -> list[cst.BaseExpression] | None:
    """The values a loop over the display (or its dict ``view``) gets, as expressions."""
    if isinstance(display, cst.Dict):
        pairs = [e for e in display.elements if isinstance(e, cst.DictElement)]
        if len(pairs) != len(display.elements):
            return None
        if view == "items":
            return [cst.Tuple([cst.Element(e.key), cst.Element(e.value)]) for e in pairs]
        return [e.value if view == "values" else e.key for e in pairs]
    if view or any(not isinstance(e, cst.Element) for e in display.elements):
        return None
    return [e.value for e in display.elements]


def _element(item: cst.BaseExpression, position: int) -> cst.BaseExpression | None:
    if not isinstance(item, cst.Tuple) or position >= len(item.elements):
        return None
    element = item.elements[position]
    return element.value if isinstance(element, cst.Element) else None


def _position(target: cst.BaseAssignTargetExpression, name: str) -> int | None:
    """-1 when the target is the name itself, its index in a flat tuple target, else None."""
    if isinstance(target, cst.Name):
        return -1 if target.value == name else None
    if isinstance(target, cst.Tuple | cst.List) and all(
        isinstance(e, cst.Element) for e in target.elements
    ):
        for index, element in enumerate(target.elements):
            if isinstance(element.value, cst.Name) and element.value.value == name:
                return index
    return None


class _Rewriter(cst.CSTTransformer):
    def __init__(self, sites: list[_Site], helper: str) -> None:
        super().__init__()
        self.sites = {id(s.call): s for s in sites}
        self.helper = helper

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        site = self.sites.get(id(original_node))
        if site is None:
            return updated_node
        key = [cst.Arg(site.pattern)]
        if site.flags is not None:
            key = [cst.Arg(site.pattern, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(
                " "))), cst.Arg(site.flags)]  # fmt: skip
        rest = list(site.rest)
        if rest and rest[-1] is not original_node.args[-1]:
            rest[-1] = rest[-1].with_changes(comma=original_node.args[-1].comma)
        memo = cst.Call(func=cst.Name(self.helper), args=key)
        return updated_node.with_changes(
            func=cst.Attribute(value=memo, attr=cst.Name(site.function)), args=rest
        )


class ReLoopPattern(PythonCodemod):
    name = "re-loop-pattern"
    needs = ("re",)

    def rewrite(
        self, wrapper: MetadataWrapper, targets: Targets | None, params: dict[str, Any]
    ) -> Edit:
        module = wrapper.module
        finder = _Finder(module, targets)
        wrapper.visit(finder)
        refused = "; ".join(finder.refused)
        if not finder.found:
            why = refused or "no re call in a loop with a pattern from a module-level table"
            return Edit(module, 0, f"{self.name}: nothing to rewrite ({why})")
        compile_func, re_at = finder._compile_func() or (None, 0)
        plan = memo_for(module, code(compile_func), bounded=False, re_at=re_at)
        if isinstance(plan, str):
            return Edit(module, 0, f"{self.name}: nothing to rewrite ({plan})")
        helper = plan.helper
        new = add_memo(module.visit(_Rewriter(finder.found, helper)), plan, re_at)
        tables = ", ".join(sorted({s.table for s in finder.found}))
        summary = (
            f"compiled each pattern of {tables} once, through {helper} (a memo of re.compile), "
            f"instead of through re's cache on every call "
            f"{where(targets, (s.owner for s in finder.found))} "
            f"({plural(len(finder.found), 'call')})"
        )
        if refused:
            summary += f"; left: {refused}"
        return Edit(new, len(finder.found), summary)
