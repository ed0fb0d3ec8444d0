"""The rewrite of :mod:`~efficiency.remediate.codemods.passed_set`: the set made after the
caller's list, handed to the callee by a new keyword-only parameter (only while ``type(self)``
has the module's method), and asked there in place of the list when the tested value allows."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper

from efficiency.remediate.codemods.passed_set import Callee, PassedFinder, PassedSite
from efficiency.remediate.codemods.pysource import StatementRewriter, Targets, code, unique_name
from efficiency.remediate.codemods.set_snapshot import needle_test, snapshot_line


class PassedRewriter(StatementRewriter):
    """Makes each site's set after its list, hands it to the callees and asks it there."""

    def __init__(self, sites: list[PassedSite]) -> None:
        super().__init__()
        self.inits = {id(s.init): s for s in sites}
        self.calls = {k: (s, c) for s in sites for k, c in s.calls.items()}
        self.funcs: dict[int, str] = {}  # id(call) -> the called expression's text
        self.params: dict[int, str] = {}  # id(callee) -> its keyword
        self.tests: dict[int, tuple[Callee, str]] = {}
        for site in sites:
            for callee in site.calls.values():
                self.params[id(callee.function)] = callee.keyword
                for test in callee.tests:
                    self.tests[id(test)] = (callee, callee.keyword)

    def _body(self, original: tuple[cst.CSTNode, ...], updated: tuple[cst.CSTNode, ...]) -> list:
        out: list = []
        for old, new in zip(original, updated, strict=True):
            out.append(new)
            site = self.inits.get(id(old))
            if site is not None:
                checks = sorted(
                    {
                        f" and type({site.receiver}).{c.function.name.value} is "
                        f"{c.cls}.{c.function.name.value}"
                        for c in site.calls.values()
                        if c.cls
                    }
                )
                # what the calls run now must be the def that takes the set (not a callable
                # rebound on the instance or in the module's globals after it was defined)
                checks += sorted(
                    {
                        f' and "{c.keyword}" in (getattr({f}, "__kwdefaults__", None) or ())'
                        for k, c in site.calls.items()
                        for f in [self.funcs[k]]
                    }
                )
                out.append(snapshot_line(site.shadow, site.name, "".join(checks)))
        return out

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        found = self.calls.get(id(original_node))
        if found is None:
            return updated_node
        self.funcs[id(original_node)] = code(original_node.func)
        site, callee = found
        given = updated_node.with_changes(
            args=[
                *updated_node.args[:-1],
                updated_node.args[-1].with_changes(
                    comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                ),
                cst.Arg(
                    cst.Name(site.shadow),
                    keyword=cst.Name(callee.keyword),
                    equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
                ),
            ]
        )
        return cst.parse_expression(
            f"({code(given)} if {site.shadow} is not None else {code(updated_node)})"
        ).with_changes(
            lpar=[*updated_node.lpar, cst.LeftParen()], rpar=[cst.RightParen(), *updated_node.rpar]
        )

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        keyword = self.params.get(id(original_node))
        if keyword is None:
            return updated_node
        params = updated_node.params
        extra = cst.Param(
            cst.Name(keyword),
            default=cst.Name("None"),
            equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
        )
        star = params.star_arg if isinstance(params.star_arg, cst.Param) else cst.ParamStar()
        return updated_node.with_changes(
            params=params.with_changes(star_arg=star, kwonly_params=[*params.kwonly_params, extra])
        )

    def leave_Comparison(
        self, original_node: cst.Comparison, updated_node: cst.Comparison
    ) -> cst.BaseExpression:
        found = self.tests.get(id(original_node))
        if found is None:
            return updated_node
        callee, keyword = found
        return needle_test(updated_node, keyword, callee.param, f"_{callee.param}_key")


def passed_stage(
    wrapper: MetadataWrapper, targets: Targets | None, taken: set[str], skip: frozenset[str]
) -> tuple[cst.Module, list[PassedSite], list[str]]:
    """The handed-down-list rewrite of the wrapped tree: the new tree, the sites and the
    refusals (``skip``: names another stage rewrote). ``taken`` gets the names it adds."""
    module = wrapper.module
    finder = PassedFinder(module, targets, skip)
    wrapper.visit(finder)
    if not finder.sites:
        return module, [], finder.refused
    keywords: dict[tuple[int, str], str] = {}
    for site in finder.sites:
        site.shadow = unique_name(f"{site.name}_set", taken)
        taken.add(site.shadow)
        for callee in site.calls.values():
            key = (id(callee.function), callee.param)
            if key not in keywords:
                keywords[key] = unique_name(f"_{callee.param.strip('_')}_set", taken)
                taken.add(keywords[key])
            callee.keyword = keywords[key]
    if len({k[0] for k in keywords}) != len(keywords):
        return module, [], [*finder.refused, "one callee would need two sets"]
    new = module.visit(PassedRewriter(finder.sites))
    try:
        compile(new.code, "<set-membership>", "exec")
    except SyntaxError as exc:
        return module, [], [*finder.refused, f"the handed-down rewrite would not compile ({exc})"]
    return new, finder.sites, finder.refused
