"""The statements that build one string for ``join-strings``: the appends and the run.

After ``s = "<literal>"`` the *run* is the longest stretch of the same block made of

* statements that leave ``s`` alone (no mention of it, no ``def``/``class``, no
  ``locals()``-style call and, at module level, no call at all, which could read the global),
* top-level appends (``s += piece``, ``s = s + a + b``, ``s = "".join([s, a, b])``) whose
  pieces do not read ``s``,
* ``for``/``while`` loops whose only uses of ``s`` are such appends (the caller's
  ``loop_refusal`` says which loops qualify),

none of which can jump out of the block past the join (a ``break``/``continue`` of an outer
loop). It ends at the first statement that uses ``s`` in any other way, and is cut after its
last appending statement, where the one ``join`` goes. Ending a run early is always safe: the
join simply runs sooner, and whatever follows sees the finished string.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import libcst as cst

from efficiency.remediate.codemods.join_exact import exact_str
from efficiency.remediate.codemods.pysource import SCOPES, calls_introspection, mentions, walk

Loop = cst.For | cst.While


@dataclass
class Append:
    """One statement that appends to the string: ``s += a``, ``s = s + a + b`` or
    ``s = "".join([s, a, b])``."""

    node: cst.AugAssign | cst.Assign
    pieces: list[cst.BaseExpression]
    #: the ``s`` names the statement itself writes and reads (nothing else may mention ``s``)
    names: list[cst.Name]


@dataclass
class Run:
    """The appending statements of a run (loops and top-level appends, in order), the loops
    among them and every append they hold."""

    appending: list[cst.BaseStatement] = field(default_factory=list)
    loops: list[Loop] = field(default_factory=list)
    appends: list[Append] = field(default_factory=list)


#: why a loop that appends to ``s`` may not join a run (None: it may)
LoopRefusal = Callable[[Loop, list[Append]], str | None]


def _is_name(node: cst.CSTNode, name: str) -> bool:
    return isinstance(node, cst.Name) and node.value == name


def _concat_pieces(value: cst.BaseExpression, name: str) -> tuple[cst.Name, list] | None:
    """``s + a + b`` (left-associative, ``s`` leftmost) → (the ``s`` read, [a, b])."""
    pieces: list[cst.BaseExpression] = []
    while isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add):
        pieces.insert(0, value.right)
        value = value.left
    if not pieces or not _is_name(value, name) or value.lpar:
        return None
    assert isinstance(value, cst.Name)
    return value, pieces


def _join_pieces(value: cst.BaseExpression, name: str) -> tuple[cst.Name, list] | None:
    """``"".join([s, a, b])`` (or a tuple display) → (the ``s`` read, [a, b])."""
    if not (
        isinstance(value, cst.Call)
        and isinstance(value.func, cst.Attribute)
        and value.func.attr.value == "join"
        and isinstance(value.func.value, cst.SimpleString)
        and "b" not in value.func.value.prefix.lower()
        and value.func.value.evaluated_value == ""
        and len(value.args) == 1
        and value.args[0].keyword is None
        and not value.args[0].star
        and isinstance(value.args[0].value, (cst.List, cst.Tuple))
    ):
        return None
    elements = value.args[0].value.elements
    if len(elements) < 2 or any(isinstance(e, cst.StarredElement) for e in elements):
        return None
    first = elements[0].value
    if not _is_name(first, name):
        return None
    assert isinstance(first, cst.Name)
    return first, [e.value for e in elements[1:]]


def append_of(node: cst.CSTNode, name: str) -> Append | None:
    """The append ``node`` is, if it is one of the three spellings."""
    if isinstance(node, cst.AugAssign):
        if isinstance(node.operator, cst.AddAssign) and _is_name(node.target, name):
            assert isinstance(node.target, cst.Name)
            return Append(node, [node.value], [node.target])
        return None
    if not isinstance(node, cst.Assign) or len(node.targets) != 1:
        return None
    target = node.targets[0].target
    if not _is_name(target, name):
        return None
    assert isinstance(target, cst.Name)
    found = _concat_pieces(node.value, name) or _join_pieces(node.value, name)
    if found is None:
        return None
    read, pieces = found
    return Append(node, pieces, [target, read])


def appends_in(node: cst.CSTNode, name: str) -> list[Append]:
    return [found for n in walk(node) if (found := append_of(n, name)) is not None]


def string_init(
    stmt: cst.BaseStatement, module: cst.Module | None = None
) -> tuple[str, str, cst.BaseExpression | None] | None:
    """For a line ``name = "<literal>"`` (str or bytes) or ``name = <exact str>`` (an f-string,
    a conditional of str literals, a module constant...: see
    :mod:`~efficiency.remediate.codemods.join_exact`, with ``module`` for the constants): the
    name, the empty literal of the same kind to join with (``""``, ``''``, ``b""`` ...) and the
    initial value (the first part) when it is not the empty literal."""
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    assign = stmt.body[0]
    if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
        return None
    target, value = assign.targets[0].target, assign.value
    if not isinstance(target, cst.Name):
        return None
    if isinstance(value, cst.SimpleString) and not value.lpar:
        binary = "b" in value.prefix.lower()
        empty = ("b" if binary else "") + value.quote[0] * 2
        return target.value, empty, value if value.evaluated_value else None
    if not exact_str(value, module) or mentions(value, target.value):
        return None  # `s = f"{s}!"` reads s: an append, not a start
    if isinstance(value, cst.FormattedString):
        return target.value, value.end[0] * 2, value if value.parts else None
    return target.value, '""', value


def _escapes(node: cst.CSTNode) -> bool:
    """Does ``node`` hold a ``break``/``continue`` of a loop around it (one that would jump
    past a join placed after it)?"""
    if isinstance(node, (cst.Break, cst.Continue)):
        return True
    if isinstance(node, SCOPES):
        return False
    if isinstance(node, (cst.For, cst.While)):  # only its else: can leave an outer loop
        return node.orelse is not None and _escapes(node.orelse)
    return any(_escapes(child) for child in node.children)


def _member(
    stmt: cst.BaseStatement, name: str, module_level: bool, loop_refusal: LoopRefusal
) -> tuple[list[Append] | None, str | None]:
    """May ``stmt`` be in the run? Its appends ([] when it leaves ``s`` alone), or None when
    the run ends before it, with the reason when it looked like part of the pattern."""
    if _escapes(stmt):
        return None, f"a break/continue between `{name} = ...` and the join would skip the join"
    if not mentions(stmt, name):
        if calls_introspection(stmt) or isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            return None, None  # a def could be the one that reads it
        if module_level and any(isinstance(n, cst.Call) for n in walk(stmt)):
            return None, f"a call between `{name} = ...` and the loop could read the global {name}"
        return [], None
    found = appends_in(stmt, name)
    if not found:
        return None, None
    if isinstance(stmt, (cst.For, cst.While)):
        if isinstance(stmt, cst.For) and stmt.asynchronous is not None:
            return None, None
        why = loop_refusal(stmt, found)
        return (None, why) if why else (found, None)
    if not isinstance(stmt, cst.SimpleStatementLine):
        return None, None
    allowed = {id(n) for a in found for n in a.names}
    if any(_is_name(n, name) and id(n) not in allowed for n in walk(stmt)):
        return None, None
    if any(mentions(piece, name) for a in found for piece in a.pieces):
        return None, f"{name} is read in the appended expression"
    return found, None


def find_run(
    rest: Sequence[cst.BaseStatement], name: str, module_level: bool, loop_refusal: LoopRefusal
) -> tuple[Run | None, str | None]:
    """The run in ``rest`` (the statements after ``name = <literal>`` in its block) when it
    holds a loop, and why it ended early when a loop appending to ``name`` follows its end."""
    run = Run()
    end, why = len(rest), None
    for index, stmt in enumerate(rest):
        found, reason = _member(stmt, name, module_level, loop_refusal)
        if found is None:
            end, why = index, reason
            break
        if found:
            run.appending.append(stmt)
            run.appends += found
            if isinstance(stmt, (cst.For, cst.While)):
                run.loops.append(stmt)
    later_loop = any(
        isinstance(stmt, (cst.For, cst.While)) and appends_in(stmt, name) for stmt in rest[end:]
    )
    return (run if run.loops else None), (why if later_loop else None)
