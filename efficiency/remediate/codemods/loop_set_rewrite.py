"""The rewrite of :mod:`~efficiency.remediate.codemods.loop_set`: the snapshot made right before
each loop (after the loop's iterable, evaluated into a name first where it calls anything), and
asked in the loop's tests in place of the list when the tested value allows."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper

from efficiency.remediate.codemods.loop_set import LoopFinder, LoopSite
from efficiency.remediate.codemods.pysource import StatementRewriter, Targets, code, unique_name
from efficiency.remediate.codemods.set_snapshot import needle_test, snapshot_line


class LoopRewriter(StatementRewriter):
    """Puts each site's snapshot before its loops and asks it in the tests."""

    def __init__(self, sites: list[LoopSite]) -> None:
        super().__init__()
        self.loops: dict[int, list[LoopSite]] = {}
        for site in sites:
            for loop_id in site.loops:
                self.loops.setdefault(loop_id, []).append(site)
        self.tests = {id(t): s for s in sites for t in s.tests}
        self.rows: dict[int, str] = {}

    def set_rows(self, names: dict[int, str]) -> None:
        """The names the hoisted iterables get (``id`` of the loop -> name)."""
        self.rows = names

    def _body(self, original: tuple[cst.CSTNode, ...], updated: tuple[cst.CSTNode, ...]) -> list:
        out: list = []
        for old, new in zip(original, updated, strict=True):
            sites = self.loops.get(id(old), [])
            if sites and id(old) in self.rows and isinstance(new, cst.For):
                rows = self.rows[id(old)]
                out.append(cst.parse_statement(f"{rows} = {code(new.iter)}\n"))
                new = new.with_changes(iter=cst.Name(rows))
            out += [snapshot_line(s.shadow, s.name) for s in sites]
            out.append(new)
        return out

    def leave_Comparison(
        self, original_node: cst.Comparison, updated_node: cst.Comparison
    ) -> cst.BaseExpression:
        site = self.tests.get(id(original_node))
        if site is None:
            return updated_node
        return needle_test(updated_node, site.shadow, site.name, site.probe)


def loop_stage(
    wrapper: MetadataWrapper, targets: Targets | None, taken: set[str], skip: frozenset[str]
) -> tuple[cst.Module, list[LoopSite], list[str]]:
    """The loop-snapshot rewrite of the wrapped tree: the new tree, the sites and the refusals
    (``skip``: names another stage rewrote). ``taken`` gets the names it adds."""
    module = wrapper.module
    finder = LoopFinder(module, targets, skip)
    wrapper.visit(finder)
    if not finder.sites:
        return module, [], finder.refused
    rows: dict[int, str] = {}
    for site in finder.sites:
        site.shadow = unique_name(f"{site.name}_set", taken)
        site.probe = unique_name(f"_{site.name.strip('_')}_key", taken | {site.shadow})
        taken |= {site.shadow, site.probe}
        for loop_id, hoisted in site.loops.items():
            if hoisted and loop_id not in rows:
                rows[loop_id] = unique_name("_rows", taken)
                taken.add(rows[loop_id])
    rewriter = LoopRewriter(finder.sites)
    rewriter.set_rows(rows)
    new = module.visit(rewriter)
    try:
        compile(new.code, "<set-membership>", "exec")
    except SyntaxError as exc:
        return module, [], [*finder.refused, f"the loop-snapshot rewrite would not compile ({exc})"]
    return new, finder.sites, finder.refused
