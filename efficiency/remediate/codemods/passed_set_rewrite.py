"""The rewrite of :mod:`~efficiency.remediate.codemods.passed_set`: the set made after the
caller's list, handed to the callee by a new keyword-only parameter (only while ``type(self)``
has the module's method), and asked there in place of the list when the tested value allows.

A callee may take several sets, one keyword per list parameter; a call hands every set its
caller made for it (``None`` where a list is no exact list of hash-safe items, which the
callee's default is anyway) once any of them is made, and each of those sets is made only
after checking that what the call runs takes every keyword the call hands. A function's call
checks that again, reading the function's name just before the call reads it, so a function
rebound while the caller runs (by code the caller calls) is called as before; a method's check
is made once, beside the set."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper

from efficiency.remediate.codemods.passed_set import Callee, PassedFinder, PassedSite
from efficiency.remediate.codemods.pysource import StatementRewriter, Targets, code, unique_name
from efficiency.remediate.codemods.set_snapshot import needle_test, snapshot_line


def _position(callee: Callee) -> int:
    """Where the callee's list parameter stands among its parameters."""
    params = callee.function.params
    names = [p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)]
    return names.index(callee.param) if callee.param in names else len(names)


class PassedRewriter(StatementRewriter):
    """Makes each site's set after its list, hands the sets to the callees and asks them there."""

    def __init__(self, sites: list[PassedSite], probes: dict[tuple[int, str], str]) -> None:
        super().__init__()
        self.inits = {id(s.init): s for s in sites}
        # id(call) -> keyword -> (the site whose set it hands, the callee's entry), in the
        # order of the callee's parameters
        self.calls: dict[int, dict[str, tuple[PassedSite, Callee]]] = {}
        for site in sites:
            for (call, _), callee in site.calls.items():
                self.calls.setdefault(call, {}).setdefault(callee.keyword, (site, callee))
        for call, given in self.calls.items():
            self.calls[call] = dict(sorted(given.items(), key=lambda kv: _position(kv[1][1])))
        self.funcs: dict[int, str] = {}  # id(call) -> the called expression's text
        self.params: dict[int, dict[str, Callee]] = {}  # id(callee) -> keyword -> entry
        self.tests: dict[int, tuple[Callee, str]] = {}  # id(test) -> entry, probe name
        for site in sites:
            for callee in site.calls.values():
                self.params.setdefault(id(callee.function), {})[callee.keyword] = callee
                probe = probes[(id(callee.function), callee.param)]
                for test in callee.tests:
                    self.tests[id(test)] = (callee, probe)

    def _body(self, original: tuple[cst.CSTNode, ...], updated: tuple[cst.CSTNode, ...]) -> list:
        out: list = []
        for old, new in zip(original, updated, strict=True):
            out.append(new)
            site = self.inits.get(id(old))
            if site is not None:
                checks = sorted(
                    {
                        f' and getattr(type({site.receiver}), "{c.function.name.value}", None)'
                        f" is {c.cls}.{c.function.name.value}"
                        for c in site.calls.values()
                        if c.cls
                    }
                )
                # what each call runs now must be the def that takes every set the call hands
                # (not a callable rebound on the instance or in the module's globals after it
                # was defined)
                checks += sorted(
                    {
                        f' and "{keyword}" in (getattr({f}, "__kwdefaults__", None) or ())'
                        for call in {k[0] for k in site.calls}
                        for f in [self.funcs[call]]
                        for keyword in self.calls[call]
                    }
                )
                out.append(snapshot_line(site.shadow, site.name, "".join(checks)))
        return out

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        given = self.calls.get(id(original_node))
        if not given:
            return updated_node
        self.funcs[id(original_node)] = code(original_node.func)
        equal = cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))
        handed = updated_node.with_changes(
            args=[
                *updated_node.args[:-1],
                updated_node.args[-1].with_changes(
                    comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                ),
                *(
                    cst.Arg(cst.Name(site.shadow), keyword=cst.Name(keyword), equal=equal)
                    for keyword, (site, _) in given.items()
                ),
            ]
        )
        shadows = dict.fromkeys(site.shadow for site, _ in given.values())
        made = " or ".join(f"{shadow} is not None" for shadow in shadows)
        if not any(callee.cls for _, callee in given.values()):
            # a function may be rebound while the caller runs (by code it calls): read again
            # just before the call reads it, it must still take every set
            func = code(original_node.func)
            made = f"({made})" + "".join(
                f' and "{keyword}" in (getattr({func}, "__kwdefaults__", None) or ())'
                for keyword in given
            )
        return cst.parse_expression(
            f"({code(handed)} if {made} else {code(updated_node)})"
        ).with_changes(
            lpar=[*updated_node.lpar, cst.LeftParen()], rpar=[cst.RightParen(), *updated_node.rpar]
        )

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        taken = self.params.get(id(original_node))
        if not taken:
            return updated_node
        params = updated_node.params
        extra = [
            cst.Param(
                cst.Name(keyword),
                default=cst.Name("None"),
                equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
            )
            for keyword, _ in sorted(taken.items(), key=lambda kv: _position(kv[1]))
        ]
        star = params.star_arg if isinstance(params.star_arg, cst.Param) else cst.ParamStar()
        return updated_node.with_changes(
            params=params.with_changes(star_arg=star, kwonly_params=[*params.kwonly_params, *extra])
        )

    def leave_Comparison(
        self, original_node: cst.Comparison, updated_node: cst.Comparison
    ) -> cst.BaseExpression:
        found = self.tests.get(id(original_node))
        if found is None:
            return updated_node
        callee, probe = found
        return needle_test(updated_node, callee.keyword, callee.param, probe)


def passed_stage(
    wrapper: MetadataWrapper, targets: Targets | None, taken: set[str], skip: frozenset[str]
) -> tuple[cst.Module, list[PassedSite], list[str]]:
    """The handed-down-list rewrite of the wrapped tree: the new tree, the sites and the
    refusals (``skip``: names another stage rewrote). ``taken`` gets the names it adds: a set
    per site, and per list parameter of a callee a keyword and a name for the tested value."""
    module = wrapper.module
    finder = PassedFinder(module, targets, skip)
    wrapper.visit(finder)
    if not finder.sites:
        return module, [], finder.refused
    keywords: dict[tuple[int, str], str] = {}
    probes: dict[tuple[int, str], str] = {}
    for site in finder.sites:
        site.shadow = unique_name(f"{site.name}_set", taken)
        taken.add(site.shadow)
        for callee in site.calls.values():
            key = (id(callee.function), callee.param)
            if key not in keywords:
                keywords[key] = unique_name(f"_{callee.param.strip('_')}_set", taken)
                taken.add(keywords[key])
                probes[key] = unique_name(f"_{callee.param}_key", taken)
                taken.add(probes[key])
            callee.keyword = keywords[key]
    new = module.visit(PassedRewriter(finder.sites, probes))
    try:
        compile(new.code, "<set-membership>", "exec")
    except SyntaxError as exc:
        return module, [], [*finder.refused, f"the handed-down rewrite would not compile ({exc})"]
    return new, finder.sites, finder.refused
