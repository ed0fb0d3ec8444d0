"""The rewrite of :mod:`~efficiency.remediate.codemods.tuple_set`: the snapshot of frozensets
made right after the line binding the tuple (or the dict of tuples), and asked in the tests for
the very tuple each was made of."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper

from efficiency.remediate.codemods.base import plural
from efficiency.remediate.codemods.pysource import (
    Targets,
    code,
    unique_name,
    where,
)
from efficiency.remediate.codemods.set_snapshot import MIN_LEN
from efficiency.remediate.codemods.site_rewriter import SiteRewriter
from efficiency.remediate.codemods.tuple_set import TupleFinder, TupleSite


def snapshot_line(site: TupleSite) -> cst.BaseStatement:
    """``snapshot = {id(t): (t, frozenset(t)) for each exact tuple t of exact str/int items``
    (of at least :data:`MIN_LEN`) among the dict's values, or the name's own tuple}."""
    name = site.name
    tuples = (
        f"(tuple(dict.values({name})) if issubclass(type({name}), dict) else ())"
        if site.from_dict
        else f"({name},)"
    )
    return cst.parse_statement(
        f"{site.snapshot} = {{id(v): (v, frozenset(v)) for v in {tuples} if type(v) is tuple "
        f"and len(v) >= {MIN_LEN} and {{str, int}}.issuperset(map(type, v))}}\n"
    )


class TupleRewriter(SiteRewriter):
    def after(self, site: TupleSite) -> cst.BaseStatement:
        return snapshot_line(site)

    def leave_Comparison(
        self, original_node: cst.Comparison, updated_node: cst.Comparison
    ) -> cst.BaseExpression:
        site = self.tests.get(id(original_node))
        if site is None:
            return updated_node
        comparison = updated_node.comparisons[0]
        op = "not in" if isinstance(comparison.operator, cst.NotIn) else "in"
        left = updated_node.left
        if isinstance(left, cst.Name) and isinstance(comparison.comparator, cst.Name):
            # read twice, with only a local's read between: no code runs that could rebind it
            value = left.value
            safe = f"(type({value}) is str or type({value}) is int)"
        else:  # evaluated once, first, as before (the tuple expression may rebind a name)
            value = site.probes[site.depth[id(original_node)]]
            safe = f"(type({value} := {code(left)}) is str or type({value}) is int)"
        entry, held = site.entry, site.held
        lookup = f"({entry} := {site.snapshot}.get(id({held} := {code(comparison.comparator)})))"
        new = cst.parse_expression(
            f"({value} {op} {entry}[1] if ({safe}, {lookup})[0] and {entry} is not None and "
            f"{entry}[0] is {held} else {value} {op} {held})"
        )
        return new.with_changes(
            lpar=[*updated_node.lpar, *new.lpar], rpar=[*new.rpar, *updated_node.rpar]
        )


def tuple_stage(
    wrapper: MetadataWrapper, targets: Targets | None, taken: set[str], skip: frozenset[str]
) -> tuple[cst.Module, list[TupleSite], list[str], str]:
    """The tuple-snapshot rewrite of the wrapped tree: the new tree, the sites, the refusals
    and the summary's part (``skip``: names another stage rewrote). ``taken`` gets the names
    it adds."""
    module = wrapper.module
    finder = TupleFinder(module, targets, skip)
    wrapper.visit(finder)
    if not finder.sites:
        return module, [], finder.refused, ""
    for site in finder.sites:
        base = site.name.strip("_")
        for attr, stem in (("snapshot", "sets"), ("entry", "entry"), ("held", "held")):
            setattr(site, attr, unique_name(f"_{base}_{stem}", taken))
            taken.add(getattr(site, attr))
        for _ in range(max(site.depth.values()) + 1):
            site.probes.append(unique_name(f"_{base}_probe", taken))
            taken.add(site.probes[-1])
    new = module.visit(TupleRewriter(finder.sites))
    try:
        compile(new.code, "<set-membership>", "exec")
    except SyntaxError as exc:
        why = f"the tuple-snapshot rewrite would not compile ({exc})"
        return module, [], [*finder.refused, why], ""
    names = ", ".join(f"{s.name}'s values" if s.from_dict else s.name for s in finder.sites)
    part = (
        f"membership in the tuples of {names} by frozensets made once beside them, asked only "
        f"for the very tuple each was made of and for exact str/int values "
        f"{where(targets, (s.owner for s in finder.sites))} "
        f"({plural(sum(len(s.tests) for s in finder.sites), 'membership test')})"
    )
    return new, finder.sites, finder.refused, part
