"""Hoist regular expressions with literal patterns out of loops (``hoist-re-compile``).

``re.compile(r"\\d+")`` inside a loop, or ``re.search(r"\\d+", line)``, pays a cache lookup
(and, past the cache's 512 entries, a full compile) on every iteration. The pattern becomes a
module-level private constant ``_RE_<FUNCTION>`` compiled once at import; the loop uses it.
With ``function=``, every such call in that function's body is hoisted, loop or not, since a
hot function is itself called in a loop.

A pattern may also be a name bound once, at module level, to a string literal (``WORD =
r"\\w+"`` ... ``re.compile(WORD)``); the constant is then placed after that binding (assumed:
no other module rebinds it). It is only safe for literal patterns and literal flags: the
codemod compiles each pattern itself first and refuses one that fails, warns, or asks for
``re.DEBUG`` (any of which would move an error or output from run time to import time). It also
refuses when ``re`` (or the imported function) is not bound once, at module level, to the real
module: the constant must be able to use the same name.

A pattern held in a parameter or local of the function (a helper called with a handful of
patterns) cannot be hoisted; it goes through one bounded module-level memo of ``re.compile``
instead, under the conditions :mod:`efficiency.remediate.codemods.re_memo` states.

A pattern built in the function the profile names (``re.escape`` of its words, a join, an
f-string over its inputs), then compiled on every call, is compiled once per distinct input
through a memo keyed on those inputs, under the conditions
:mod:`efficiency.remediate.codemods.re_built` states; that stage runs on the result of the
others.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper

from efficiency.remediate.codemods.base import plural
from efficiency.remediate.codemods.hoist_re_sites import Site
from efficiency.remediate.codemods.module_level import end_of_imports
from efficiency.remediate.codemods.pysource import (
    Edit,
    PythonCodemod,
    Targets,
    code,
    names_in,
    restage,
    unique_name,
    where,
)
from efficiency.remediate.codemods.re_built import BuiltFinder
from efficiency.remediate.codemods.re_built_rewrite import rewrite_built
from efficiency.remediate.codemods.re_memo import (
    MemoFinder,
    MemoPlan,
    MemoSite,
    add_memo,
    kept_args,
    memo_for,
    memo_replacement,
)

#: a call's replacement, made from the call with its arguments already rewritten
Replace = Callable[[cst.Call], cst.BaseExpression]


def _constant_base(owner: str) -> str:
    if not owner:
        return "_RE_PATTERN"
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", owner.strip("_"))
    return f"_RE_{snake.upper()}" if snake else "_RE_PATTERN"


class _Rewriter(cst.CSTTransformer):
    def __init__(self, replacements: dict[int, Replace]) -> None:
        super().__init__()
        self.replacements = replacements

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        replace = self.replacements.get(id(original_node))
        return updated_node if replace is None else replace(updated_node)


def _built_locals(wrapper: MetadataWrapper, targets: Targets | None) -> tuple[set[int], list[str]]:
    """The calls whose pattern is a local the built stage would memoise with what builds it,
    and why the built stage leaves the other calls whose pattern is built just before."""
    finder = BuiltFinder(wrapper.module, targets)
    wrapper.visit(finder)
    taken = {id(s.call) for s in finder.built_sites if isinstance(s.pattern, cst.Name)}
    return taken, finder.local_refused


class HoistReCompile(PythonCodemod):
    name = "hoist-re-compile"
    needs = ("re",)

    def rewrite(
        self, wrapper: MetadataWrapper, targets: Targets | None, params: dict[str, Any]
    ) -> Edit:
        """The literal and parameter patterns first, then, on that result, the patterns built
        in the function (:mod:`.re_built`)."""
        built_locals, left = _built_locals(wrapper, targets)
        first = self._rewrite_named(wrapper, targets, built_locals)
        if left:
            note = "the pattern built just before left to re's compile memo: " + "; ".join(left)
            first = Edit(first.module, first.sites, f"{first.summary}; {note}")
        again, chosen = restage(wrapper.module, first.module, targets)
        built = rewrite_built(again, chosen)
        if not built.sites:
            if not built.summary:
                return first
            return Edit(first.module, first.sites, f"{first.summary}; {built.summary}")
        if not first.sites:
            return Edit(built.module, built.sites, built.summary)
        summary = f"{first.summary}; {built.summary}"
        return Edit(built.module, first.sites + built.sites, summary)

    def _rewrite_named(
        self, wrapper: MetadataWrapper, targets: Targets | None, built: set[int]
    ) -> Edit:
        """The literal and parameter patterns, leaving the calls in ``built`` (a local built
        just before them) to the built stage: its memo saves the building, where re_memo's
        would save only re's cache lookup."""
        module = wrapper.module
        finder = MemoFinder(module, targets)
        wrapper.visit(finder)
        sites = finder.sites
        memo_sites = [m for m in finder.memo_sites if id(m.call) not in built]
        insert_at = self._insertion_index(module, max([s.binding_index for s in sites] or [0]))
        early = [s for s in sites if not s.owner and s.top_index <= insert_at]
        finder.refused += [
            f"{module.code_for_node(s.call)}: runs before the imports end" for s in early
        ]
        sites = [s for s in sites if s not in early]
        compile_func, re_at = finder._compile_func() or (None, 0)
        plan = (
            memo_for(module, code(compile_func), bounded=True, re_at=re_at)
            if compile_func
            else None
        )
        if isinstance(plan, str):
            finder.refused += [f"{code(s.call).splitlines()[0]}: {plan}" for s in memo_sites]
            memo_sites = []
        if not sites and not memo_sites:
            why = (
                "; ".join(finder.refused) or "no re call with a literal, parameter or local pattern"
            )
            scope = "in a loop" if targets is None else f"in {targets.label}"
            return Edit(module, 0, f"{self.name}: nothing to hoist {scope} ({why})")
        taken = names_in(module)
        constants: dict[tuple[object, ...], tuple[str, Site]] = {}
        replacements: dict[int, Replace] = {}
        for site in sites:
            if site.key not in constants:
                constant = unique_name(_constant_base(site.owner), taken)
                taken.add(constant)
                constants[site.key] = (constant, site)
            replacements[id(site.call)] = self._replacement(site, constants[site.key][0])
        if memo_sites and isinstance(plan, MemoPlan):
            helper = plan.helper
            for memo in memo_sites:
                replacements[id(memo.call)] = _memo_call(memo, helper)
        new = module.visit(_Rewriter(replacements))
        memo_at = (
            end_of_imports(module, max(re_at, plan.functools_at))
            if isinstance(plan, MemoPlan)
            else -1
        )
        if memo_sites and isinstance(plan, MemoPlan) and memo_at > insert_at:
            new = add_memo(new, plan, re_at)
        if sites:
            new = self._insert_constants(new, insert_at, constants)
        if memo_sites and isinstance(plan, MemoPlan) and memo_at <= insert_at:
            new = add_memo(new, plan, re_at)
        summary = self._summary(targets, sites, constants, finder.refused, memo_sites, plan)
        return Edit(new, len(sites) + len(memo_sites), summary)

    @staticmethod
    def _replacement(site: Site, constant: str) -> Replace:
        if site.function == "compile":
            name = cst.Name(constant)
            return lambda call: name.with_changes(lpar=call.lpar, rpar=call.rpar)
        dropped = {0} | {i for i, a in enumerate(site.call.args) if a.value is site.flags}
        kept = [i for i in range(len(site.call.args)) if i not in dropped]
        method = cst.Attribute(value=cst.Name(constant), attr=cst.Name(site.function))
        return lambda call: call.with_changes(func=method, args=kept_args(call, kept))

    @staticmethod
    def _insertion_index(module: cst.Module, binding_index: int) -> int:
        """After the run of import statements that holds the last import the constants need."""
        return end_of_imports(module, binding_index)

    @staticmethod
    def _insert_constants(
        module: cst.Module, after: int, constants: dict[tuple[object, ...], tuple[str, Site]]
    ) -> cst.Module:
        lines = []
        for number, (constant, site) in enumerate(constants.values()):
            if site.function == "compile":
                value = site.call.with_changes(lpar=[], rpar=[])
            else:
                args = [cst.Arg(site.pattern)]
                if site.flags is not None:
                    args = [
                        cst.Arg(
                            site.pattern,
                            comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
                        ),
                        cst.Arg(site.flags),
                    ]
                value = cst.Call(func=site.compile_func, args=args)
            lines.append(
                cst.SimpleStatementLine(
                    body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(constant))], value=value)],
                    leading_lines=[cst.EmptyLine()] if number == 0 else [],
                )
            )
        body = list(module.body)
        following = body[after + 1 :]
        if following and not following[0].leading_lines:
            following[0] = following[0].with_changes(leading_lines=[cst.EmptyLine()])
        return module.with_changes(body=[*body[: after + 1], *lines, *following])

    def _summary(
        self,
        targets: Targets | None,
        sites: list[Site],
        constants: dict[tuple[object, ...], tuple[str, Site]],
        refused: list[str],
        memo_sites: list[MemoSite],
        plan: MemoPlan | str | None,
    ) -> str:
        parts = []
        if sites:
            parts.append(self._hoisted(targets, sites, constants))
        if memo_sites and isinstance(plan, MemoPlan):
            patterns = ", ".join(sorted({s.pattern.value for s in memo_sites}))
            parts.append(
                f"compiled the patterns passed as {patterns} through {plan.helper} (a memo of "
                f"re.compile bounded as re's cache is) instead of through re's cache on every "
                f"call {where(targets, (s.owner for s in memo_sites))} "
                f"({plural(len(memo_sites), 'call')})"
            )
        text = "; ".join(parts)
        if refused:
            text += f"; left {plural(len(refused), 'site')}: " + "; ".join(refused)
        return text

    @staticmethod
    def _hoisted(
        targets: Targets | None,
        sites: list[Site],
        constants: dict[tuple[object, ...], tuple[str, Site]],
    ) -> str:
        shown = []
        for constant, site in constants.values():
            pattern = code(site.pattern)
            flags = "" if site.flags is None else ", " + code(site.flags)
            shown.append(f"re.compile({pattern}{flags}) as {constant}")
        owners = sorted({s.owner for s in sites if s.owner})
        if targets is not None:
            place = f"out of {targets.label}"
        elif len(owners) == 1 and all(s.owner for s in sites):
            place = f"out of {owners[0]}'s loop"
        elif owners:
            place = "out of loops in " + ", ".join(owners)
        else:
            place = "out of a module-level loop"
        return f"hoisted {', '.join(shown)} {place} ({plural(len(sites), 'site')})"


def _memo_call(site: MemoSite, helper: str) -> Replace:
    return lambda call: memo_replacement(site, helper, call)
