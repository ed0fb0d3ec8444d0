"""Give ``DataLoader(...)`` worker processes and pinned memory (``dataloader-workers``).

A ``torch.utils.data.DataLoader`` built with the defaults loads and collates every batch in the
training process (``num_workers=0``) into pageable memory (``pin_memory=False``): the GPU waits
for Python. The codemod adds ``num_workers=<n>`` (default 4) and ``pin_memory=True`` to every
``DataLoader(...)`` call (matched by name, ``torch.utils.data.DataLoader`` and imported aliases
included) that does not already say; an explicit value, keyword or positional, is never
changed.

Refused: calls with ``*args``/``**kwargs`` (the keywords may be in there), and, for
``num_workers``, calls whose dataset is visibly an ``IterableDataset`` (every worker would
replay the whole stream) or that pass a ``lambda`` (worker processes started with *spawn*
cannot pickle it). Worker processes do change where dataset code runs; the proposal's
verification step, not this codemod, measures the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper, QualifiedNameProvider

from efficiency.remediate.codemods.base import plural
from efficiency.remediate.codemods.pysource import (
    Edit,
    PythonCodemod,
    ScopedVisitor,
    Targets,
    code,
    walk,
    where,
)

#: DataLoader's positional parameters, in order (a positional argument counts as given)
POSITIONAL = (
    "dataset",
    "batch_size",
    "shuffle",
    "sampler",
    "batch_sampler",
    "num_workers",
    "collate_fn",
    "pin_memory",
)


@dataclass
class _Site:
    call: cst.Call
    added: list[tuple[str, cst.BaseExpression]]
    owner: str


def _iterable_dataset_classes(module: cst.Module) -> set[str]:
    """Classes in this module that derive (directly or through each other) from a class whose
    name says IterableDataset."""
    bases = {
        node.name.value: [code(b.value).rsplit(".", 1)[-1] for b in node.bases]
        for node in walk(module)
        if isinstance(node, cst.ClassDef)
    }
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, parents in bases.items():
            if name not in found and any(p == "IterableDataset" or p in found for p in parents):
                found.add(name)
                changed = True
    return found


def _value_node(value: object) -> cst.BaseExpression:
    if isinstance(value, bool):
        return cst.Name("True" if value else "False")
    if isinstance(value, int):
        return cst.Integer(str(value))
    raise ValueError(f"unsupported DataLoader parameter value {value!r}")


class _Finder(ScopedVisitor):
    METADATA_DEPENDENCIES = (*ScopedVisitor.METADATA_DEPENDENCIES, QualifiedNameProvider)

    def __init__(self, module: cst.Module, targets: Targets | None, wanted: dict[str, object]):
        super().__init__(targets)
        self.wanted = wanted
        self.iterable_classes = _iterable_dataset_classes(module) | {"IterableDataset"}
        self.iterable_names = self._names_bound_to_iterables(module)
        self.sites: list[_Site] = []
        self.refused: list[str] = []

    def _names_bound_to_iterables(self, module: cst.Module) -> set[str]:
        names = set()
        for node in walk(module):
            if isinstance(node, cst.Assign) and self._builds_iterable(node.value):
                names |= {t.target.value for t in node.targets if isinstance(t.target, cst.Name)}
        return names

    def _builds_iterable(self, node: cst.BaseExpression) -> bool:
        if not isinstance(node, cst.Call):
            return False
        return code(node.func).rsplit(".", 1)[-1] in self.iterable_classes

    def _is_dataloader(self, call: cst.Call) -> bool:
        func = call.func
        if isinstance(func, cst.Name) and func.value == "DataLoader":
            return True
        if isinstance(func, cst.Attribute) and func.attr.value == "DataLoader":
            return True
        qualified = self.get_metadata(QualifiedNameProvider, func, set())
        return any(q.name.endswith(".DataLoader") for q in qualified)

    def visit_Call(self, node: cst.Call) -> None:
        if not self.active or not self._is_dataloader(node):
            return
        if any(a.star for a in node.args):
            self.refused.append(f"{code(node.func)}(*args/**kwargs): cannot see its keywords")
            return
        positional = [a for a in node.args if a.keyword is None]
        given = set(POSITIONAL[: len(positional)])
        given |= {a.keyword.value for a in node.args if a.keyword is not None}
        added = [(k, _value_node(v)) for k, v in self.wanted.items() if k not in given]
        if any(k == "num_workers" for k, _ in added):
            why = self._workers_risk(node, positional)
            if why:
                self.refused.append(f"{code(node.func)}(...): {why}")
                added = [(k, v) for k, v in added if k != "num_workers"]
        if added:
            owner = self.def_stack[-1] if self.def_stack else ""
            self.sites.append(_Site(node, added, owner))

    def _workers_risk(self, call: cst.Call, positional: list[cst.Arg]) -> str | None:
        dataset = next(
            (a.value for a in call.args if a.keyword and a.keyword.value == "dataset"), None
        )
        if dataset is None and positional:
            dataset = positional[0].value
        if dataset is not None and (
            self._builds_iterable(dataset)
            or (isinstance(dataset, cst.Name) and dataset.value in self.iterable_names)
        ):
            return "an IterableDataset: every worker would replay it; num_workers not added"
        if any(isinstance(n, cst.Lambda) for n in walk(call)):
            return "a lambda argument cannot be pickled for worker processes; num_workers not added"
        return None


def _with_keywords(call: cst.Call, added: list[tuple[str, cst.BaseExpression]]) -> cst.Call:
    """``call`` with ``name=value`` keywords appended in the call's own layout: the separator
    between its last two arguments (or after the opening parenthesis when it is multi-line),
    and a trailing comma kept where it was."""
    args = list(call.args)
    last = args[-1] if args else None
    if len(args) >= 2 and isinstance(args[-2].comma, cst.Comma):
        separator = args[-2].comma.whitespace_after
    elif isinstance(call.whitespace_before_args, cst.ParenthesizedWhitespace):
        separator = call.whitespace_before_args
    else:
        separator = cst.SimpleWhitespace(" ")
    new = [
        cst.Arg(
            value=value,
            keyword=cst.Name(name),
            equal=cst.AssignEqual(
                whitespace_before=cst.SimpleWhitespace(""),
                whitespace_after=cst.SimpleWhitespace(""),
            ),
            comma=cst.Comma(whitespace_after=separator),
        )
        for name, value in added
    ]
    if last is None:
        new[-1] = new[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return call.with_changes(args=new)
    trailing = isinstance(last.comma, cst.Comma)
    closing = (
        last.comma.whitespace_after
        if isinstance(last.comma, cst.Comma)
        else last.whitespace_after_arg
    )
    line_end, closing = _split_line(closing, separator)
    args[-1] = last.with_changes(
        comma=cst.Comma(
            whitespace_before=last.comma.whitespace_before
            if trailing
            else cst.SimpleWhitespace(""),
            whitespace_after=line_end,
        ),
        whitespace_after_arg=cst.SimpleWhitespace(""),
    )
    if trailing:
        new[-1] = new[-1].with_changes(comma=last.comma.with_changes(whitespace_after=closing))
    else:
        new[-1] = new[-1].with_changes(
            comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=closing
        )
    return call.with_changes(args=[*args, *new])


def _split_line(
    closing: cst.BaseParenthesizableWhitespace, separator: cst.BaseParenthesizableWhitespace
) -> tuple[cst.BaseParenthesizableWhitespace, cst.BaseParenthesizableWhitespace]:
    """Split the whitespace after the old last argument into what ends its line (its comment
    stays with it) and what leads to the closing parenthesis; both ends take the separator's
    shape so the new arguments line up with the others."""
    if not isinstance(closing, cst.ParenthesizedWhitespace):
        return separator, closing
    if not isinstance(separator, cst.ParenthesizedWhitespace):
        return separator, closing
    line_end = separator.with_changes(
        first_line=closing.first_line, empty_lines=closing.empty_lines
    )
    to_paren = closing.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])
    return line_end, to_paren


class _Rewriter(cst.CSTTransformer):
    def __init__(self, sites: dict[int, _Site]) -> None:
        super().__init__()
        self.sites = sites

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        site = self.sites.get(id(original_node))
        return updated_node if site is None else _with_keywords(updated_node, site.added)


class DataLoaderWorkers(PythonCodemod):
    name = "dataloader-workers"
    needs = ("DataLoader",)

    def check_params(self, params: dict[str, Any]) -> None:
        workers = params.get("num_workers", 4)
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 0:
            raise ValueError(f"num_workers must be a non-negative int, not {workers!r}")
        if not isinstance(params.get("pin_memory", True), bool):
            raise ValueError(f"pin_memory must be a bool, not {params['pin_memory']!r}")

    def rewrite(
        self, wrapper: MetadataWrapper, targets: Targets | None, params: dict[str, Any]
    ) -> Edit:
        wanted: dict[str, object] = {}
        if params.get("num_workers", 4) > 0:
            wanted["num_workers"] = params.get("num_workers", 4)
        if params.get("pin_memory", True):
            wanted["pin_memory"] = True
        finder = _Finder(wrapper.module, targets, wanted)
        wrapper.visit(finder)
        refused = "; ".join(finder.refused)
        if not finder.sites:
            why = refused or "no DataLoader(...) call without num_workers/pin_memory"
            return Edit(wrapper.module, 0, f"{self.name}: nothing to add ({why})")
        new = wrapper.module.visit(_Rewriter({id(s.call): s for s in finder.sites}))
        added = sorted({f"{k}={code(v)}" for s in finder.sites for k, v in s.added})
        summary = (
            f"DataLoader(...) gains {', '.join(added)} "
            f"{where(targets, (s.owner for s in finder.sites))} "
            f"({plural(len(finder.sites), 'call')})"
        )
        if refused:
            summary += f"; {refused}"
        return Edit(new, len(finder.sites), summary)
