"""The rewrite for patterns built per call (:mod:`efficiency.remediate.codemods.re_built`):
the memo and its keying function placed before the statement that holds the function, the
call replaced by the keying function, the statements absorbed into the memo removed."""

from __future__ import annotations

import re
import textwrap

import libcst as cst
from libcst.metadata import MetadataWrapper

from efficiency.remediate.codemods.base import plural
from efficiency.remediate.codemods.module_level import (
    end_of_imports,
    insert_after_imports,
    module_import,
    name_free,
)
from efficiency.remediate.codemods.pysource import Edit, Targets, code, names_in, unique_name
from efficiency.remediate.codemods.re_built import BUILTINS_USED, BuiltFinder, BuiltSite
from efficiency.remediate.codemods.re_memo import kept_args

#: the memo's bound: re's own cache size (``re._MAXCACHE``)
MEMO_SIZE = 512


def rewrite_built(wrapper: MetadataWrapper, targets: Targets | None) -> Edit:
    """``wrapper``'s module with every built pattern in ``targets`` compiled through a memo
    (nothing without targets: the profile must name the function); the summary says what was
    done and why other calls were left."""
    module = wrapper.module
    finder = BuiltFinder(module, targets)
    wrapper.visit(finder)
    sites = finder.built_sites
    refused = list(finder.refused)
    functools_at = module_import(module, "functools")
    if sites and functools_at is None and not name_free(module, "functools"):
        refused += [f"{code(s.call).splitlines()[0]}: the name functools is taken" for s in sites]
        sites = []
    compile_func = finder._compile_func()
    re_at = compile_func[1] if compile_func else 0
    imports_end = end_of_imports(module, max(re_at, functools_at or 0))
    early = [s for s in sites if s.top <= imports_end]
    refused += [f"{code(s.call).splitlines()[0]}: its def comes before the imports end"
                for s in early]  # fmt: skip
    sites = [s for s in sites if s not in early]
    if not sites:
        return Edit(module, 0, "; ".join(refused))
    re_module = next(local for local, (what, _) in finder.imports.items() if what == "re")
    taken = names_in(module)
    replacements: dict[int, cst.BaseExpression | None] = {}
    calls: dict[int, tuple[BuiltSite, str]] = {}
    removed: dict[int, list[cst.EmptyLine]] = {}
    defs: dict[int, list[cst.BaseStatement]] = {}
    made = []
    for site in sites:
        base = f"_{site.owner.name.value.strip('_')}_pattern"
        front = unique_name(base, taken)
        taken.add(front)
        memo = unique_name(f"{front}_memo", taken)
        taken.add(memo)
        params = _params(site, re_module)
        source = builder_source(site, memo, front, re_module, params)
        defs.setdefault(site.top, []).extend(cst.parse_module(source).body)
        calls[id(site.call)] = (site, front)
        for stmt, _, _ in site.absorbed:
            replacements[id(stmt)] = None
        if site.absorbed:
            removed[id(site.statement)] = list(site.absorbed[0][0].leading_lines)
        made.append(front)
    new = module.visit(_Rewriter(calls, replacements, removed))
    body = list(new.body)
    for top in sorted(defs, reverse=True):
        stmts = defs[top]
        stmts[0] = stmts[0].with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()])
        following = body[top]
        if len(following.leading_lines) < 2:
            body[top] = following.with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()])
        body[top:top] = stmts
    new = new.with_changes(body=body)
    if functools_at is None:
        new = insert_after_imports(new, re_at, ["import functools"])
    owners = sorted({s.owner.name.value for s in sites})
    summary = (
        f"compiled the patterns built in {', '.join(owners)} once per distinct input, through "
        f"{', '.join(made)} (a functools.lru_cache of {MEMO_SIZE}, used when every input is an "
        f"exact str) instead of escaping, joining and compiling on every call "
        f"({plural(len(sites), 'call')})"
    )
    if refused:
        summary += f"; left {plural(len(refused), 'site')}: " + "; ".join(refused)
    return Edit(new, len(sites), summary)


def _params(site: BuiltSite, re_module: str) -> list[str]:
    """The memo's parameter names: an input's name (an attribute's last part), unless the
    built code, the flags or the new functions use that name for something else (``re``,
    ``type``, ``tuple``...)."""
    inputs = {id(n) for value in site.inputs for n in value.nodes}
    other = {name for _, name, _ in site.absorbed} | {re_module, *BUILTINS_USED}
    flags = [] if site.flags is None else [site.flags]
    for node in [site.pattern, *flags, *(value for _, _, value in site.absorbed)]:
        other.update(_names(node, inputs))
    params: list[str] = []
    for value in site.inputs:
        base = _base_name(value.text)
        name = base
        number = 2
        while name in other or name in params or name in ("functools", "item"):
            name = f"{base}_{number}"
            number += 1
        params.append(name)
    return params


def _base_name(text: str) -> str:
    """A parameter name for an input: its last identifier before any item or view
    (``rules`` for ``self.rules[queue]`` or ``self.rules.values()``)."""
    head = re.sub(r"\.(keys|values|items)\(\)$", "", text.split("[", 1)[0])
    return head.rsplit(".", 1)[-1]


def _names(node: cst.CSTNode, skip: set[int]) -> list[str]:
    """The names under ``node`` other than the input reads ``skip`` (and their parts)."""
    out: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in skip:
            continue
        if isinstance(current, cst.Name):
            out.append(current.value)
        if isinstance(current, cst.Attribute):
            stack.append(current.value)
            continue
        stack.extend(current.children)
    return out


class _Rewriter(cst.CSTTransformer):
    def __init__(
        self,
        calls: dict[int, tuple[BuiltSite, str]],
        dropped: dict[int, cst.BaseExpression | None],
        leading: dict[int, list[cst.EmptyLine]],
    ) -> None:
        super().__init__()
        self.calls = calls
        self.dropped = dropped
        self.leading = leading

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        found = self.calls.get(id(original_node))
        if found is None:
            return updated_node
        site, front = found
        args = [cst.Arg(value.nodes[0].with_changes(lpar=[], rpar=[])) for value in site.inputs]
        for arg_at in range(len(args) - 1):
            args[arg_at] = args[arg_at].with_changes(
                comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            )
        memo = cst.Call(func=cst.Name(front), args=args)
        if site.function == "compile":
            return memo.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)
        return updated_node.with_changes(
            func=cst.Attribute(value=memo, attr=cst.Name(site.function)),
            args=kept_args(updated_node, site.kept),
        )

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        if not any(id(s) in self.dropped or id(s) in self.leading for s in original_node.body):
            return updated_node
        body = []
        for old, new in zip(original_node.body, updated_node.body, strict=True):
            if id(old) in self.dropped:
                continue
            if id(old) in self.leading:
                new = new.with_changes(leading_lines=self.leading[id(old)])
            body.append(new)
        return updated_node.with_changes(body=body)


def builder_source(
    site: BuiltSite, memo: str, front: str, re_module: str, params: list[str]
) -> str:
    """The two module-level functions for ``site``: the memo and the function that keys it."""
    rename = {id(n): name for value, name in zip(site.inputs, params, strict=True)
              for n in value.nodes}  # fmt: skip
    lines = []
    for _, name, value in site.absorbed:
        lines.append(f"{name} = {_dedent(_renamed(value, rename), site.column)}")
    pattern = _dedent(_renamed(site.pattern, rename), site.column)
    flags = "" if site.flags is None else f", {code(site.flags)}"
    lines.append(f"return {re_module}.compile({pattern}{flags})")
    body = textwrap.indent("\n".join(lines), "    ")
    joined = ", ".join(params)
    item = _unused("item", params)
    key = []
    checks = []
    for value, name in zip(site.inputs, params, strict=True):
        if value.kind == "strs":
            key.append(f"    {name} = tuple({name})")
            checks.append(f"all(type({item}) is str for {item} in {name})")
        elif value.kind == "pairs":
            key.append(f"    {name} = tuple({name})")
            checks.append(
                f"all(type({item}) is tuple and len({item}) == 2 and type({item}[0]) is str "
                f"and type({item}[1]) is str for {item} in {name})"
            )
        else:
            checks.append(f"type({name}) is str")
    owner = site.owner.name.value
    return (
        f"@functools.lru_cache(maxsize={MEMO_SIZE})\ndef {memo}({joined}):\n{body}\n\n\n"
        f"def {front}({joined}):\n"
        f'    """{owner}\'s pattern, compiled once per input when every input is an exact str."""\n'
        + "".join(line + "\n" for line in key)
        + f"    if {' and '.join(checks)}:\n"
        f"        return {memo}({joined})\n"
        f"    return {memo}.__wrapped__({joined})\n"
    )


def _unused(base: str, taken: list[str]) -> str:
    name = base
    while name in taken:
        name += "_"
    return name


class _Rename(cst.CSTTransformer):
    def __init__(self, rename: dict[int, str]) -> None:
        super().__init__()
        self.rename = rename

    def on_leave(
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]:
        name = self.rename.get(id(original_node))
        if name is None or not isinstance(updated_node, cst.BaseExpression):
            return super().on_leave(original_node, updated_node)
        return cst.Name(name, lpar=updated_node.lpar, rpar=updated_node.rpar)


def _renamed(expr: cst.BaseExpression, rename: dict[int, str]) -> str:
    return code(expr.visit(_Rename(rename)))  # type: ignore[arg-type]


def _dedent(text: str, column: int) -> str:
    """``text``'s continuation lines moved left to the new function's body (when no string
    spans lines: its text must stay as it is)."""
    lines = text.split("\n")
    shift = column - 4
    if len(lines) == 1 or shift <= 0 or re.search(r"'''|\"\"\"|\\\n", text):
        return text
    if not all(not line.strip() or line.startswith(" " * shift) for line in lines[1:]):
        return text
    return "\n".join([lines[0], *(line[shift:] for line in lines[1:])])
