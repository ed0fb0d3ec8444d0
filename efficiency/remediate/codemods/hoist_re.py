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
"""

from __future__ import annotations

import re
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper

from efficiency.remediate.codemods.base import plural
from efficiency.remediate.codemods.hoist_re_sites import Site, SiteFinder
from efficiency.remediate.codemods.module_level import end_of_imports
from efficiency.remediate.codemods.pysource import (
    Edit,
    PythonCodemod,
    Targets,
    names_in,
    unique_name,
)


def _constant_base(owner: str) -> str:
    if not owner:
        return "_RE_PATTERN"
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", owner.strip("_"))
    return f"_RE_{snake.upper()}" if snake else "_RE_PATTERN"


def _drop_last_comma(args: list[cst.Arg], removed_last: cst.Arg | None) -> list[cst.Arg]:
    """After removing the last argument, the new last one takes over its (absent) comma."""
    if args and removed_last is not None:
        args[-1] = args[-1].with_changes(comma=removed_last.comma)
    return args


class _Rewriter(cst.CSTTransformer):
    def __init__(self, replacements: dict[int, cst.BaseExpression]) -> None:
        super().__init__()
        self.replacements = replacements

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        replacement = self.replacements.get(id(original_node))
        if replacement is None:
            return updated_node
        # keep the call's own parentheses, if it had any
        return replacement.with_changes(lpar=original_node.lpar, rpar=original_node.rpar)


class HoistReCompile(PythonCodemod):
    name = "hoist-re-compile"
    needs = ("re",)

    def rewrite(
        self, wrapper: MetadataWrapper, targets: Targets | None, params: dict[str, Any]
    ) -> Edit:
        module = wrapper.module
        finder = SiteFinder(module, targets)
        wrapper.visit(finder)
        sites = finder.sites
        if not sites:
            why = "; ".join(finder.refused) or "no re call with a literal pattern"
            scope = "in a loop" if targets is None else f"in {targets.label}"
            return Edit(module, 0, f"{self.name}: nothing to hoist {scope} ({why})")
        insert_at = self._insertion_index(module, max(s.binding_index for s in sites))
        early = [s for s in sites if not s.owner and s.top_index <= insert_at]
        finder.refused += [
            f"{module.code_for_node(s.call)}: runs before the imports end" for s in early
        ]
        sites = [s for s in sites if s not in early]
        if not sites:
            return Edit(module, 0, f"{self.name}: nothing to hoist ({'; '.join(finder.refused)})")
        taken = names_in(module)
        constants: dict[tuple[object, ...], tuple[str, Site]] = {}
        replacements: dict[int, cst.BaseExpression] = {}
        for site in sites:
            if site.key not in constants:
                constant = unique_name(_constant_base(site.owner), taken)
                taken.add(constant)
                constants[site.key] = (constant, site)
            constant = constants[site.key][0]
            replacements[id(site.call)] = self._replacement(site, constant)
        new = module.visit(_Rewriter(replacements))
        new = self._insert_constants(new, insert_at, constants)
        return Edit(new, len(sites), self._summary(targets, sites, constants, finder.refused))

    @staticmethod
    def _replacement(site: Site, constant: str) -> cst.BaseExpression:
        if site.function == "compile":
            return cst.Name(constant)
        removed_last = None
        call_args = list(site.call.args)
        if site.flags is not None and call_args[-1].value is site.flags:
            removed_last = call_args[-1]
        args = _drop_last_comma(list(site.rest), removed_last)
        return site.call.with_changes(
            func=cst.Attribute(value=cst.Name(constant), attr=cst.Name(site.function)),
            args=args,
        )

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
    ) -> str:
        shown = []
        for constant, site in constants.values():
            pattern = cst.Module(body=[]).code_for_node(site.pattern)
            flags = (
                "" if site.flags is None else ", " + cst.Module(body=[]).code_for_node(site.flags)
            )
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
        text = f"hoisted {', '.join(shown)} {place} ({plural(len(sites), 'site')})"
        if refused:
            text += f"; left {plural(len(refused), 'site')}: " + "; ".join(refused)
        return text
