"""The guards shared by the set-membership snapshots (:mod:`~efficiency.remediate.codemods.
loop_set`, :mod:`~efficiency.remediate.codemods.passed_set`): a frozenset is made of a list only
when the list is exactly a ``list`` or ``tuple`` of at least :data:`MIN_LEN` items, each exactly a
``str`` or an ``int`` or a tuple of those (whose ``==`` and ``hash`` agree, so the set finds a value
exactly when the list does), and it is asked only for a value of exactly those types; the value
is evaluated once, first, as before. Also: which classes of a module could run code of the
module's when a loop compares, hashes, formats or reads attributes of their instances."""

from __future__ import annotations

import libcst as cst

from efficiency.remediate.codemods.pysource import code, declares_global, walk
from efficiency.remediate.codemods.set_probe import probe_refusal, probed

#: a shorter list scans about as fast as the snapshot's guards
MIN_LEN = 8
#: builtins the rewrite calls
SNAPSHOT_BUILTINS = frozenset(
    {"type", "str", "int", "tuple", "list", "len", "frozenset", "map", "all"}
)


def snapshot_line(shadow: str, listed: str, extra: str = "") -> cst.BaseStatement:
    """``shadow = (frozenset(listed) if <listed is an exact list/tuple of hash-safe items>
    [and extra] else None)``."""
    cond = (
        f"(type({listed}) is list or type({listed}) is tuple) and len({listed}) >= {MIN_LEN} "
        f"and ({{str, int}}.issuperset(map(type, {listed})) or all(type(v) is tuple and "
        f"{{str, int}}.issuperset(map(type, v)) for v in {listed}))"
    )
    return cst.parse_statement(f"{shadow} = (frozenset({listed}) if {cond}{extra} else None)\n")


def _simple(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name | cst.Integer) or (
        isinstance(node, cst.SimpleString) and not node.prefix.lower().strip("r")
    )


def needle_refusal(node: cst.Comparison, ancestors: list[cst.CSTNode]) -> str:
    """Why the value ``node`` tests cannot be bound by ``:=`` where it is, or ''."""
    left = node.left
    if isinstance(left, cst.Name) or (
        isinstance(left, cst.Tuple)
        and left.elements
        and all(isinstance(e, cst.Element) and _simple(e.value) for e in left.elements)
    ):
        return ""
    return probe_refusal(node, ancestors)


def needle_test(node: cst.Comparison, shadow: str, listed: str, probe: str) -> cst.BaseExpression:
    """``x in listed`` → ``(x in shadow if <x hash-safe> and shadow is not None else x in
    listed)``, the value evaluated once and first; ``probe`` names it when it is no plain name
    or display of plain names."""
    left = node.left
    op = "not in" if isinstance(node.comparisons[0].operator, cst.NotIn) else "in"

    def safe(v: str) -> str:
        return f"(type({v}) is str or type({v}) is int)"

    if isinstance(left, cst.Name):
        value, guard = left.value, f"{shadow} is not None and {safe(left.value)}"
    elif isinstance(left, cst.Tuple) and all(
        isinstance(e, cst.Element) and _simple(e.value) for e in left.elements
    ):
        names = [e.value.value for e in left.elements if isinstance(e.value, cst.Name)]
        value = code(left.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]))
        guard = " and ".join([f"{shadow} is not None", *(safe(n) for n in names)])
    else:
        first, value = probed(left, probe)
        guard = f"(type({first}) is str or type({value}) is int) and {shadow} is not None"
    new = cst.parse_expression(f"({value} {op} {shadow} if {guard} else {value} {op} {listed})")
    return new.with_changes(lpar=[*node.lpar, *new.lpar], rpar=[*new.rpar, *node.rpar])


def module_hooks(module: cst.Module) -> tuple[dict[str, str], set[str]]:
    """The dunder methods the module's classes define (name -> ``Class.__eq__``), and the names
    of their decorated methods and computed class attributes (which may run code when read)."""
    dunders: dict[str, str] = {}
    attrs: set[str] = set()
    for cls in (n for n in walk(module) if isinstance(n, cst.ClassDef)):
        for statement in cls.body.body if isinstance(cls.body, cst.IndentedBlock) else ():
            if isinstance(statement, cst.FunctionDef):
                name = statement.name.value
                if name.startswith("__") and name.endswith("__"):
                    dunders.setdefault(name, f"{cls.name.value}.{name}")
                if statement.decorators:
                    attrs.add(name)
            elif isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if (
                        isinstance(small, cst.Assign | cst.AnnAssign)
                        and isinstance(small.value, cst.Call)
                        and code(small.value.func) not in {"field", "dataclasses.field"}
                    ):
                        targets = small.targets if isinstance(small, cst.Assign) else [small]
                        attrs |= {t.target.value for t in targets
                                  if isinstance(t.target, cst.Name)}  # fmt: skip
    return dunders, attrs


def module_generators(module: cst.Module) -> list[str]:
    """The names of the module's generator functions (a ``def`` with ``yield`` of its own),
    whose code runs whenever something iterates what they return."""
    out = []
    for function in (n for n in walk(module) if isinstance(n, cst.FunctionDef)):
        stack: list[cst.CSTNode] = [function.body]
        while stack:
            node = stack.pop()
            if isinstance(node, cst.Yield):
                out.append(function.name.value)
                break
            if not isinstance(node, cst.FunctionDef | cst.Lambda | cst.ClassDef):
                stack.extend(node.children)
    return out


def scalar_local(local: str, function: cst.FunctionDef) -> bool:
    """Is ``local`` bound in ``function`` only to number or string literals (and by augmented
    assignments), so that ``+=``/``*=`` on it cannot grow a list in place?"""
    if local in {p.name.value for p in walk(function.params) if isinstance(p, cst.Param)}:
        return False
    literal = cst.Integer | cst.Float | cst.SimpleString | cst.FormattedString
    for node in walk(function.body):
        if isinstance(node, cst.Assign) and any(
            local in {n.value for n in walk(t.target) if isinstance(n, cst.Name)}
            for t in node.targets
        ):
            if not (len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name)
                    and isinstance(node.value, literal)):  # fmt: skip
                return False
        elif not isinstance(node, cst.AugAssign | cst.AssignTarget) and local in {
            n.value for n in walk(getattr(node, "target", None) or cst.Pass())
            if isinstance(n, cst.Name)
        }:  # fmt: skip
            return False
    return not declares_global(function, local)
