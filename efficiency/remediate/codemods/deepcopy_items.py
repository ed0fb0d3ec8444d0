"""A value that leaves from one item of a list of deep copies (``deepcopy-read-only``).

``lanes = [copy.deepcopy(r) for r in RULES if ...]`` copies each item on its own, with a memo
of its own. A value read from the list that leaves the function is deep-copied where it
leaves; through one memo that would join what the separate copies kept apart, so such a value
was refused (``deepcopy_read_only._copied_list``). One case is exact without any memo::

    for lane in lanes:                      for lane in lanes:
        ...                           →         ...
        best = Quote(lane["carrier"])           best = Quote(copy.deepcopy(lane["carrier"]))

when ``lanes`` is used only as the iterable of that one ``for`` statement (in no loop itself:
run again, it would read each item again), whose target is a
plain name bound nowhere else, and exactly one value leaves, read from that target (through
subscripts, fields and read methods), in the loop's body and in no loop nested in it. Each turn
then reads a different item of the list, and that value leaves at most once per turn: with the
copies, every value that left came from an item of its own and shared nothing with the others;
deep-copied where it leaves, on its own, it shares nothing either, and what it shares inside
itself its own deep copy keeps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import libcst as cst

from efficiency.remediate.codemods.pysource import COMPREHENSIONS, walk

_LOOPS = (cst.For, cst.While, *COMPREHENSIONS)


def one_per_item(
    function: cst.FunctionDef,
    name: str,
    bound: cst.CSTNode,
    escapes: list[cst.CSTNode],
    ancestors: Callable[[cst.CSTNode], Iterator[cst.CSTNode]],
    parent_of: Callable[[cst.CSTNode], cst.CSTNode | None],
) -> bool:
    """Is the one value in ``escapes`` read from the target of the only loop over ``name``
    (bound at ``bound``), once per turn (see above)?"""
    if len(escapes) != 1:
        return False
    uses = [n for n in walk(function.body) if isinstance(n, cst.Name) and n.value == name]
    uses = [n for n in uses if n is not bound]
    loop = parent_of(uses[0]) if len(uses) == 1 else None
    if not isinstance(loop, cst.For) or loop.iter is not uses[0] or loop.orelse is not None:
        return False
    if not isinstance(loop.target, cst.Name):
        return False
    if any(isinstance(a, _LOOPS) for a in ancestors(loop)):
        return False  # run again by an outer loop: an item's value would leave twice
    item = loop.target.value
    binds = [
        n
        for n in walk(function.body)
        if isinstance(n, cst.Name) and n.value == item and binds_name(n, parent_of)
    ]
    if binds != [loop.target]:
        return False
    (leaving,) = escapes
    root: cst.CSTNode = leaving
    while isinstance(root, cst.Subscript | cst.Attribute | cst.Call):
        if isinstance(root, cst.Call):
            if not isinstance(root.func, cst.Attribute):
                return False
            root = root.func
        root = root.value
    if not (isinstance(root, cst.Name) and root.value == item):
        return False
    inner = next((a for a in ancestors(leaving) if isinstance(a, _LOOPS)), None)
    return inner is loop and any(a is loop.body for a in ancestors(leaving))


def binds_name(name: cst.Name, parent_of: Callable[[cst.CSTNode], cst.CSTNode | None]) -> bool:
    """Is ``name`` (or a tuple it is in) the target of a binding?"""
    node: cst.CSTNode = name
    parent = parent_of(node)
    while isinstance(parent, cst.Element | cst.Tuple | cst.List | cst.StarredElement):
        node, parent = parent, parent_of(parent)
    if isinstance(parent, cst.AssignTarget | cst.AugAssign | cst.AnnAssign):
        return parent.target is node
    if isinstance(parent, cst.For | cst.CompFor):
        return parent.target is node
    if isinstance(parent, cst.AsName | cst.NamedExpr):
        return True
    return isinstance(parent, cst.Param | cst.Global | cst.Nonlocal | cst.Del)
