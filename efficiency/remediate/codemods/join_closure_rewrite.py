"""The rewrite :mod:`efficiency.remediate.codemods.join_closure` decided on (the accumulator a
function's nested functions grow through ``nonlocal`` kept as one list of parts, joined right
before its first read), and the stage wired for ``join-strings``: a fresh name for the list
(not a word of a string literal either), the sampled lines as they lie in the tree the earlier
stages rewrote, the summary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import libcst as cst

from efficiency.remediate.codemods.base import plural
from efficiency.remediate.codemods.join_closure import ClosureFinder, ClosureSite
from efficiency.remediate.codemods.join_dict_local_rewrite import current_lines
from efficiency.remediate.codemods.join_dict_rewrite import DictRewriter
from efficiency.remediate.codemods.join_dict_whole_rewrite import LocalStages
from efficiency.remediate.codemods.join_threaded_rewrite import run_stage
from efficiency.remediate.codemods.pysource import (
    StatementRewriter,
    unique_name,
    walk,
)


class ClosureRewriter(StatementRewriter):
    def __init__(self, sites: list[ClosureSite], module: cst.Module) -> None:
        super().__init__()
        self.inits = {id(s.init): s for s in sites}
        self.reads: dict[int, list[ClosureSite]] = {}
        for site in sites:
            self.reads.setdefault(id(site.read), []).append(site)
        self.appends = {k: s for s in sites for k in s.appends}
        #: the names each ``nonlocal`` statement loses
        self.dropped: dict[int, set[str]] = {}
        for site in sites:
            for key in site.nonlocals:
                self.dropped.setdefault(key, set()).add(site.name)
        #: the lines that go whole (every statement on them a ``nonlocal`` losing every name)
        self.gone = {
            id(n)
            for n in walk(module)
            if isinstance(n, cst.SimpleStatementLine)
            and all(
                isinstance(s, cst.Nonlocal)
                and {i.name.value for i in s.names} <= self.dropped.get(id(s), set())
                for s in n.body
            )
        }

    def leave_AugAssign(
        self, original_node: cst.AugAssign, updated_node: cst.AugAssign
    ) -> cst.BaseSmallStatement:
        site = self.appends.get(id(original_node))
        if site is None:
            return updated_node
        return DictRewriter._append(
            cst.Name(site.parts), [updated_node.value], updated_node.semicolon
        )

    def leave_Nonlocal(
        self, original_node: cst.Nonlocal, updated_node: cst.Nonlocal
    ) -> cst.Nonlocal | cst.RemovalSentinel:
        dropped = self.dropped.get(id(original_node))
        if not dropped:
            return updated_node
        kept = [i for i in updated_node.names if i.name.value not in dropped]
        if not kept:
            return cst.RemovalSentinel.REMOVE
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(names=kept)

    def _body(self, original: tuple[cst.CSTNode, ...], updated: tuple[cst.CSTNode, ...]) -> list:
        remaining: Sequence[cst.CSTNode] = [s for s in original if id(s) not in self.gone]
        body: list[Any] = []
        for old, new in zip(remaining, updated, strict=True):
            site = self.inits.get(id(old))
            if site is not None:
                assign = cst.ensure_type(site.init.body[0], cst.Assign)
                target = assign.targets[0].with_changes(target=cst.Name(site.parts))
                start = [] if site.initial is None else [cst.Element(site.initial)]
                value = cst.List(elements=start)
                assert isinstance(new, cst.SimpleStatementLine)
                new = new.with_changes(body=[assign.with_changes(targets=[target], value=value)])
            for site in self.reads.get(id(old), []):
                assert isinstance(new, cst.SimpleStatementLine | cst.BaseCompoundStatement)
                join = cst.parse_statement(f"{site.name} = {site.empty}.join({site.parts})")
                body.append(join.with_changes(leading_lines=new.leading_lines))
                new = new.with_changes(leading_lines=())
            body.append(new)
        return body


def closure_stage(
    done: LocalStages, source: str, sampled: list[int] | None, loops: list[str]
) -> LocalStages:
    """Find and rewrite the accumulators grown through closures in the module the stages
    before left, adding to what they ``done``; ``source`` is the module the ``sampled`` lines
    are numbered in. ``loops``, the loop stage's refusals, loses one "declared nonlocal" per
    accumulator rewritten here (the messages do not name the function: two functions with an
    accumulator of the same name could swap theirs)."""
    module = done.wrapper.module
    finder = ClosureFinder(module, done.targets, current_lines(source, module.code, sampled))

    def name(site: ClosureSite, taken: set[str]) -> None:
        site.parts = unique_name(f"{site.name}_parts", taken)
        taken.add(site.parts)

    sites = run_stage(done, finder, name, ClosureRewriter)
    if not sites:
        return done
    for site in sites:
        stale = f"`{site.name} += ...` loop: {site.name} is declared global/nonlocal"
        if stale in loops:
            loops.remove(stale)
    shown = sorted(f"{s.name} ({s.func.name.value})" for s in sites)
    done.summaries.append(
        f"kept the str {', '.join(shown)} that nested functions grow through `nonlocal` as "
        f"one list of parts (joined once, before its first read) instead of `+=` "
        f"({plural(len({id(s.func) for s in sites}), 'function')})"
    )
    return done
