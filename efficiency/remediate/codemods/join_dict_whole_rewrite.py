"""The rewrite :mod:`efficiency.remediate.codemods.join_dict_whole` decided on (the binding
holds lists, appends append, stores store one-part lists, item reads join), and the two
local-dict stages of ``join-strings`` wired together: the whole-life lists first, then
:mod:`~efficiency.remediate.codemods.join_dict_local` on what they left."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import MetadataWrapper

from efficiency.remediate.codemods.base import plural
from efficiency.remediate.codemods.join_dict_local import LocalDictFinder
from efficiency.remediate.codemods.join_dict_local_rewrite import (
    LocalDictRewriter,
    current_lines,
    name_sites,
    summary,
)
from efficiency.remediate.codemods.join_dict_rewrite import DictRewriter
from efficiency.remediate.codemods.join_dict_whole import WholeDictFinder, WholeDictSite
from efficiency.remediate.codemods.pysource import Targets, restage


class WholeDictRewriter(cst.CSTTransformer):
    def __init__(self, sites: list[WholeDictSite]) -> None:
        super().__init__()
        self.bindings = {id(s.binding) for s in sites}
        self.appends = {k: v for s in sites for k, v in s.appends.items()}
        self.stores = {k for s in sites for k in s.stores}
        self.reads = {k: v for s in sites for k, v in s.reads.items()}

    def leave_Subscript(
        self, original_node: cst.Subscript, updated_node: cst.Subscript
    ) -> cst.BaseExpression:
        empty = self.reads.get(id(original_node))
        if empty is None:
            return updated_node
        join = cst.Attribute(value=cst.SimpleString(empty), attr=cst.Name("join"))
        return cst.Call(func=join, args=[cst.Arg(updated_node)])

    def leave_AugAssign(
        self, original_node: cst.AugAssign, updated_node: cst.AugAssign
    ) -> cst.BaseSmallStatement:
        if id(original_node) not in self.appends:
            return updated_node
        return DictRewriter._append(
            updated_node.target, [updated_node.value], updated_node.semicolon
        )

    def leave_Assign(
        self, original_node: cst.Assign, updated_node: cst.Assign
    ) -> cst.BaseSmallStatement:
        key = id(original_node)
        if key in self.bindings:
            return updated_node.with_changes(value=_lists(updated_node.value))
        if key in self.stores:
            return updated_node.with_changes(value=_parts(updated_node.value))
        count = self.appends.get(key)
        if count is None:
            return updated_node
        pieces: list[cst.BaseExpression] = []
        value = updated_node.value
        while len(pieces) < count:
            assert isinstance(value, cst.BinaryOperation)
            pieces.insert(0, value.right)
            value = value.left
        target = updated_node.targets[0].target
        return DictRewriter._append(target, pieces, updated_node.semicolon)

    def leave_AnnAssign(
        self, original_node: cst.AnnAssign, updated_node: cst.AnnAssign
    ) -> cst.AnnAssign:
        if id(original_node) not in self.bindings or updated_node.value is None:
            return updated_node
        return updated_node.with_changes(
            value=_lists(updated_node.value), annotation=_annotation(updated_node.annotation)
        )


def _parts(value: cst.BaseExpression) -> cst.List:
    """``[value]`` (``[]`` for ``""``); the value's own parentheses become the brackets, with
    their line breaks."""
    if isinstance(value, cst.SimpleString) and value.evaluated_value == "":
        return cst.List(elements=[])
    if len(value.lpar) == 1 and len(value.rpar) == 1:
        return cst.List(
            elements=[cst.Element(value.with_changes(lpar=[], rpar=[]))],
            lbracket=cst.LeftSquareBracket(whitespace_after=value.lpar[0].whitespace_after),
            rbracket=cst.RightSquareBracket(whitespace_before=value.rpar[0].whitespace_before),
        )
    return cst.List(elements=[cst.Element(value)])


def _lists(value: cst.BaseExpression) -> cst.BaseExpression:
    """The binding's value with lists of parts: ``defaultdict(str)`` → ``defaultdict(list)``,
    a display's values → ``[v]``; ``{}`` and ``dict()`` stay."""
    if isinstance(value, cst.Call) and value.args:
        return value.with_changes(args=[value.args[0].with_changes(value=cst.Name("list"))])
    if isinstance(value, cst.Dict):
        elements = [
            e.with_changes(value=_parts(e.value)) if isinstance(e, cst.DictElement) else e
            for e in value.elements
        ]
        return value.with_changes(elements=elements)
    return value


def _annotation(annotation: cst.Annotation) -> cst.Annotation:
    """``dict[str, str]`` (any subscript ending in ``str``) → ``dict[str, list[str]]``; a
    local's annotation is never evaluated, so only readers and type checkers see it."""
    node = annotation.annotation
    if not isinstance(node, cst.Subscript):
        return annotation
    last = node.slice[-1]
    if not (
        isinstance(last.slice, cst.Index)
        and isinstance(last.slice.value, cst.Name)
        and last.slice.value.value == "str"
    ):
        return annotation
    listed = cst.parse_expression("list[str]")
    elements = [*node.slice[:-1], last.with_changes(slice=last.slice.with_changes(value=listed))]
    return annotation.with_changes(annotation=node.with_changes(slice=elements))


@dataclass
class LocalStages:
    """What the two local-dict stages (and, after them, ``join_threaded_rewrite.threaded_stage``)
    did to the module ``wrapper`` now holds."""

    wrapper: MetadataWrapper
    targets: Targets | None
    sites: int = 0
    summaries: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def local_dict_stages(
    wrapper: MetadataWrapper, targets: Targets | None, source: str, sampled: list[int] | None
) -> LocalStages:
    """Run the whole-life stage, then the side-dict stage on what it left; ``source`` is the
    module the ``sampled`` lines are numbered in."""
    whole = WholeDictFinder(
        wrapper.module, targets, current_lines(source, wrapper.module.code, sampled)
    )
    wrapper.visit(whole)
    if whole.sites:
        new = wrapper.module.visit(WholeDictRewriter(whole.sites))
        wrapper, targets = restage(wrapper.module, new, targets)
    new = wrapper.module
    lines = current_lines(source, new.code, sampled)
    local = LocalDictFinder(new, targets, lines)
    wrapper.visit(local)
    if local.sites:
        name_sites(local.sites, new)
        new = new.visit(LocalDictRewriter(local.sites))
        wrapper, targets = restage(wrapper.module, new, targets)
    done = LocalStages(wrapper, targets, len(whole.sites) + len(local.sites))
    if whole.sites:
        shown = sorted({f"{s.name} ({s.func.name.value})" for s in whole.sites})
        done.summaries.append(
            f"kept the str values of the local dict {', '.join(shown)} as lists of parts for "
            f"the whole function (`d[k].append(...)`, joined where an item is read) instead "
            f"of `d[k] += ...` ({plural(len(whole.sites), 'dict')})"
        )
    if local.sites:
        done.summaries.append(summary(local.sites))
    kept = {(s.func.name.value, s.name) for s in local.sites}
    done.refused = [
        f"`{name}[...] += ...` in {func}: as lists for its whole life: {why}"
        for (func, name), why in whole.refusals
        if (func, name) not in kept
    ] + local.refused
    return done
