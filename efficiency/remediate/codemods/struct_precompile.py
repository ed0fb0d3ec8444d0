"""Compile constant ``struct`` formats once (``struct-precompile``).

``struct.pack("<IH", a, b)`` looks its format up in struct's cache of compiled formats (and
recompiles it when evicted) on every call. A module-level ``struct.Struct`` does that once::

    import struct                          import struct

                                           _STRUCT_ENCODE = struct.Struct("<IH")
    def encode(a, b):                →
        return struct.pack("<IH", a, b)    def encode(a, b):
                                               return _STRUCT_ENCODE.pack(a, b)

``pack``, ``unpack``, ``pack_into``, ``unpack_from``, ``iter_unpack`` become the Struct's
methods and ``calcsize(fmt)`` its ``size``. Calls with the same format share one constant.

Only for a format that is a str or bytes literal (or a name bound once, at module level, to
one: ``HEADER = "!BBH"``; the Struct then follows that binding), and that struct accepts (the
codemod builds the Struct itself first: a bad format would otherwise move its error from the
call to import time); only through a module ``struct`` imported once at module level
(``struct.pack``) or a function imported from it once at module level (``from struct import
pack`` then ``pack``; then ``import struct`` is added after that import when the module has
none and binds no other ``struct``), and only for calls in a function or a loop (code that runs
once gains nothing).

A ``struct.Struct(fmt)`` built in a function from a format computed at run time (a table's
item, a parameter, a concatenation) is then built once per format through a module-level memo,
under the conditions :mod:`efficiency.remediate.codemods.struct_memo` states; that stage runs
on the result of this one.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from typing import Any

import libcst as cst
from libcst.metadata import (
    GlobalScope,
    MetadataWrapper,
    QualifiedNameProvider,
    QualifiedNameSource,
    ScopeProvider,
)

from efficiency.remediate.codemods.base import plural
from efficiency.remediate.codemods.module_level import (
    end_of_imports,
    module_string_constants,
    top_imports,
)
from efficiency.remediate.codemods.pysource import (
    Edit,
    PythonCodemod,
    ScopedVisitor,
    Targets,
    code,
    literal_value,
    names_in,
    restage,
    unique_name,
    walk,
    where,
)
from efficiency.remediate.codemods.struct_memo import rewrite_structs

FUNCTIONS = frozenset({"pack", "unpack", "pack_into", "unpack_from", "iter_unpack", "calcsize"})


@dataclass
class _Site:
    call: cst.Call
    function: str
    module_name: str | None  # the local name of the struct module; None: a bare function
    fmt: cst.BaseExpression
    key: str | bytes
    owner: str
    import_index: int
    top_index: int


class _Finder(ScopedVisitor):
    METADATA_DEPENDENCIES = (
        *ScopedVisitor.METADATA_DEPENDENCIES,
        QualifiedNameProvider,
        ScopeProvider,
    )

    def __init__(self, module: cst.Module, targets: Targets | None) -> None:
        super().__init__(targets)
        self.imports, self.functions = _struct_imports(module)
        self.constants = module_string_constants(module)
        self.top_index = {id(stmt): i for i, stmt in enumerate(module.body)}
        self.loops = 0
        self.sites: list[_Site] = []
        self.refused: list[str] = []

    def _enter_loop(self, _node: cst.CSTNode) -> None:
        self.loops += 1

    def _leave_loop(self, _node: cst.CSTNode) -> None:
        self.loops -= 1

    visit_For = _enter_loop
    leave_For = _leave_loop
    visit_While = _enter_loop
    leave_While = _leave_loop

    def visit_Call(self, node: cst.Call) -> None:
        if not self.active:
            return
        if isinstance(node.func, cst.Attribute) and isinstance(node.func.value, cst.Name):
            base, function = node.func.value, node.func.attr.value
        elif isinstance(node.func, cst.Name):
            base, function = node.func, ""
        else:
            return
        names = self.get_metadata(QualifiedNameProvider, node.func, set())
        if len(names) != 1:
            return
        qualified = next(iter(names))
        if (
            qualified.source is not QualifiedNameSource.IMPORT
            or not qualified.name.startswith("struct.")
            or qualified.name.removeprefix("struct.") not in FUNCTIONS
            or (function and qualified.name != f"struct.{function}")
        ):
            return
        function = qualified.name.removeprefix("struct.")
        if not self.def_stack and not self.loops:
            return  # runs once
        shown = code(node).splitlines()[0]
        scope = self.get_metadata(ScopeProvider, base, None)
        bound = scope[base.value] if scope is not None else set()
        imported = self.imports if node.func is not base else self.functions
        if (
            base.value not in imported
            or len(bound) != 1
            or not isinstance(next(iter(bound)).scope, GlobalScope)
        ):
            self.refused.append(f"{shown}: struct is not imported once at module level")
            return
        if not node.args or node.args[0].keyword is not None or node.args[0].star:
            self.refused.append(f"{shown}: the format is not the first positional argument")
            return
        fmt = node.args[0].value
        value, bound_at = literal_value(fmt), -1
        if value is None and isinstance(fmt, cst.Name) and fmt.value in self.constants:
            scope = self.get_metadata(ScopeProvider, fmt, None)
            bindings = scope[fmt.value] if scope is not None else set()
            if len(bindings) == 1 and isinstance(next(iter(bindings)).scope, GlobalScope):
                value, bound_at = self.constants[fmt.value]
        if value is None:
            self.refused.append(
                f"{shown}: the format is not a literal (struct's own cache compiles it once)"
            )
            return
        try:
            struct.Struct(value)
        except struct.error as exc:
            self.refused.append(f"{shown}: struct rejects the format ({exc})")
            return
        if function == "calcsize" and len(node.args) != 1:
            self.refused.append(f"{shown}: calcsize with extra arguments")
            return
        owner = self.def_stack[-1] if self.def_stack else ""
        top = next(
            (self.top_index[id(a)] for a in self.ancestors(node) if id(a) in self.top_index), 0
        )
        module_name = base.value if node.func is not base else None
        after = max(imported[base.value], bound_at)
        self.sites.append(_Site(node, function, module_name, fmt, value, owner, after, top))


def _struct_imports(module: cst.Module) -> tuple[dict[str, int], dict[str, int]]:
    """Local names of the ``struct`` module, and of functions imported from it, → index of
    their module-level import statement."""
    imports = top_imports(module, "struct")
    found = {t.local: t.index for t in imports if t.target == "struct"}
    functions = {t.local: t.index for t in imports if t.target.removeprefix("struct.") in FUNCTIONS}
    return found, functions


def _binds(module: cst.Module, name: str) -> bool:
    """Does anything in the module bind or use ``name`` (an import, assignment, def ...)?"""
    return any(
        isinstance(n, cst.Name) and n.value == name
        for stmt in module.body
        if not _is_from_struct(stmt)
        for n in walk(stmt)
    )


def _is_from_struct(stmt: cst.BaseStatement) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.ImportFrom)
        and isinstance(stmt.body[0].module, cst.Name)
        and stmt.body[0].module.value == "struct"
    )


def _drop_unused_from_struct(body: list[cst.BaseStatement]) -> list[cst.BaseStatement]:
    """``from struct import ...`` lines without the functions no longer used; a line left with
    none is dropped (kept as it is when comments sit on or above it)."""
    nodes = [n for stmt in body if not _is_from_struct(stmt) for n in walk(stmt)]
    attrs = {id(n.attr) for n in nodes if isinstance(n, cst.Attribute)}
    used = {n.value for n in nodes if isinstance(n, cst.Name) and id(n) not in attrs}
    out: list[cst.BaseStatement] = []
    for stmt in body:
        if not _is_from_struct(stmt) or stmt.trailing_whitespace.comment is not None:
            out.append(stmt)
            continue
        small = stmt.body[0]
        assert isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar)
        kept = [
            a
            for a in small.names
            if not isinstance(a.name, cst.Name) or (a.evaluated_alias or a.name.value) in used
        ]
        if len(kept) == len(small.names):
            out.append(stmt)
        elif kept:
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            out.append(
                stmt.with_changes(body=[small.with_changes(names=kept, lpar=None, rpar=None)])
            )
        elif not stmt.leading_lines:
            continue
        else:
            out.append(stmt)  # keep the comments above it: leave the line as it is
    return out


def _constant_base(owner: str) -> str:
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", owner).strip("_")
    return f"_STRUCT_{snake.upper()}" if snake else "_STRUCT"


class _Rewriter(cst.CSTTransformer):
    def __init__(self, replacements: dict[int, cst.BaseExpression]) -> None:
        super().__init__()
        self.replacements = replacements

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        return self.replacements.get(id(original_node), updated_node)


class StructPrecompile(PythonCodemod):
    name = "struct-precompile"
    needs = ("struct",)

    def rewrite(
        self, wrapper: MetadataWrapper, targets: Targets | None, params: dict[str, Any]
    ) -> Edit:
        """The literal formats first, then, on that result, the Structs built per call from
        any format (:mod:`.struct_memo`)."""
        first = self._rewrite_literals(wrapper, targets)
        again, chosen = restage(wrapper.module, first.module, targets)
        built = rewrite_structs(again, chosen)
        if not built.sites:
            summary = f"{first.summary}; {built.summary}" if built.summary else first.summary
            return Edit(first.module, first.sites, summary)
        if not first.sites:
            return Edit(built.module, built.sites, built.summary)
        return Edit(built.module, first.sites + built.sites, f"{first.summary}; {built.summary}")

    def _rewrite_literals(self, wrapper: MetadataWrapper, targets: Targets | None) -> Edit:
        module = wrapper.module
        finder = _Finder(module, targets)
        wrapper.visit(finder)
        if finder.sites:
            insert_at = end_of_imports(module, max(s.import_index for s in finder.sites))
            early = [s for s in finder.sites if not s.owner and s.top_index <= insert_at]
            finder.refused += [f"{code(s.call)}: runs before the imports end" for s in early]
            sites = [s for s in finder.sites if s not in early]
        else:
            sites = []
        module_name = next(iter(finder.imports), None)
        if sites and module_name is None and _binds(module, "struct"):
            finder.refused += [
                f"{code(s.call)}: no `import struct` to add (the name struct is taken)"
                for s in sites
            ]
            sites = []
        if not sites:
            why = "; ".join(finder.refused) or "no struct call with a literal format"
            return Edit(module, 0, f"{self.name}: nothing to rewrite ({why})")
        taken = names_in(module)
        constants: dict[str | bytes, tuple[str, _Site]] = {}
        replacements: dict[int, cst.BaseExpression] = {}
        for site in sites:
            if site.key not in constants:
                constant = unique_name(_constant_base(site.owner), taken)
                taken.add(constant)
                constants[site.key] = (constant, site)
            name = cst.Name(constants[site.key][0])
            if site.function == "calcsize":
                replacements[id(site.call)] = cst.Attribute(value=name, attr=cst.Name("size"))
            else:
                func = cst.Attribute(value=name, attr=cst.Name(site.function))
                replacements[id(site.call)] = site.call.with_changes(
                    func=func, args=site.call.args[1:]
                )
        new = module.visit(_Rewriter(replacements))
        lines = [
            cst.SimpleStatementLine(
                body=[
                    cst.Assign(
                        targets=[cst.AssignTarget(cst.Name(constant))],
                        value=cst.Call(
                            func=cst.Attribute(
                                cst.Name(site.module_name or module_name or "struct"),
                                cst.Name("Struct"),
                            ),
                            args=[cst.Arg(site.fmt)],
                        ),
                    )
                ],
                leading_lines=[cst.EmptyLine()] if number == 0 else [],
            )
            for number, (constant, site) in enumerate(constants.values())
        ]
        if module_name is None:  # only functions imported from struct: import the module
            lines.insert(
                0,
                cst.SimpleStatementLine(
                    body=[cst.Import(names=[cst.ImportAlias(cst.Name("struct"))])]
                ),
            )
        body = list(new.body)
        following = body[insert_at + 1 :]
        if following and not following[0].leading_lines:
            following[0] = following[0].with_changes(leading_lines=[cst.EmptyLine()])
        body = [*body[: insert_at + 1], *lines, *following]
        new = new.with_changes(body=_drop_unused_from_struct(body))
        shown = ", ".join(
            f"{code(site.fmt)} as {constant}" for constant, site in constants.values()
        )
        summary = (
            f"compiled struct formats {shown} once "
            f"{where(targets, (s.owner for s in sites))} ({plural(len(sites), 'call')})"
        )
        if finder.refused:
            summary += "; left: " + "; ".join(finder.refused)
        return Edit(new, len(sites), summary)
