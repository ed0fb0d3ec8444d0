"""When code that could change the data runs outside the time a copy is read
(``deepcopy-read-only``).

``deepcopy_read_only`` drops a copy only when nothing in the function could change the data
while the alias that replaces it is read. Code that runs only before the copy is taken, or only
after its last read, cannot: the copy would have seen the same data, and nothing looks at the
alias afterwards. A check that calls another function of the module once it is done with the
plan (``if rate > rate_limit(tenant)`` after the last ``plan[...]``) keeps its copy today for
that call alone::

    plan = plan_for(tenant)                      plan = _plan_for_view(tenant)
    if tenant.region not in plan["regions"]:     if tenant.region not in plan["regions"]:
        return Decision(False, "region")    →        return Decision(False, "region")
    if request.rate > rate_limit(tenant):        if request.rate > rate_limit(tenant):
        ...                                          ...

"Before" and "after" are textual: the live range runs from the copy (its binding, or the call
whose value is read directly) to the last mention of any name that holds it or a read of it
(the deep copies of values that leave are made at those mentions). Textual order is execution
order except around loops, so a loop (``for``, ``while``, a comprehension) that holds both the
code and some of the live range is allowed only when it holds all of the range, and every name
that holds the copy or a read of it is bound by a statement directly in the loop's body, before
every mention of that name: each turn then takes a new copy (or read) before it reads one, and a
value read in an earlier turn is never read after the code ran. Anything else is refused as
before. Three more places where text and time part are judged by when the code runs: a
conditional's test runs before its branches (code there counts as spanning the whole
conditional), a ``with`` item's manager also runs its exit at the end of the block, and reads
inside a generator expression that is not handed straight to a call run whenever it is
consumed (the range then lasts to the end of the function). A call runs its callee once its
function and arguments are evaluated, so reads among its own arguments come before it
(``return cls(order_id, panel.title, rows)`` after the last other read runs ``cls`` after the
copy is read) when every argument that mentions the copy is an immutable scalar: the callee
is handed nothing of it to read while it runs (``min(cfg["a"], key=w)`` is, and stays
refused). A call whose value is kept (bound, passed on) rather than only tested or dropped
is refused wherever it is: the value may be a generator, a ``map`` or a manager whose code
runs later, while the copy is read; a value returned at once is no such case (the function
ends there).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import libcst as cst
from libcst.metadata import CodeRange

from efficiency.remediate.codemods.pysource import COMPREHENSIONS, code, walk

#: the range of a node's text in the module
Spans = Callable[[cst.CSTNode], CodeRange]
Parents = Callable[[cst.CSTNode], cst.CSTNode | None]
LOOPS = (cst.For, cst.While, *COMPREHENSIONS)
#: what may run outside the live range: calls, and stores to subscripts or attributes
LIVE_KINDS = (cst.Call, cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.Del)


def _bounds(span: CodeRange) -> tuple[tuple[int, int], tuple[int, int]]:
    return (span.start.line, span.start.column), (span.end.line, span.end.column)


def end_of_direct_read(call: cst.CSTNode, parent_of: Parents) -> cst.CSTNode:
    """The statement (or the test or iterable of a compound statement) around a call whose
    value is read directly: the read of it ends there at the latest."""
    node = call
    while True:
        parent = parent_of(node)
        if parent is None or isinstance(parent, cst.SimpleStatementLine | cst.IndentedBlock):
            return node
        if isinstance(parent, cst.BaseCompoundStatement | cst.Else):
            return node
        node = parent


def during_reads(
    flagged: list[tuple[cst.CSTNode, str]],
    copy: cst.Assign | cst.Call,
    function: cst.FunctionDef,
    tracked: Iterable[str],
    parent_of: Parents,
    span: Spans,
    scalar: Callable[[cst.BaseExpression], bool] | None = None,
) -> str | None:
    """Why one of ``flagged`` (code that could change the data, with the reason) may run while
    the copy made at ``copy`` (its binding, or a call read directly) is read, or None.
    ``scalar`` tells an immutable scalar (for a call's arguments, see ``runs_outside``)."""
    end = copy if isinstance(copy, cst.Assign) else end_of_direct_read(copy, parent_of)
    live = live_nodes(function, copy, end, tracked)
    for node, why in flagged:
        if not runs_outside(node, live, function, tracked, span, parent_of, scalar):
            return f"{why}, while the copy is read"
        if isinstance(node, cst.Call) and not _dropped(node, copy, parent_of):
            return f"{why}, and keeps its value (which may run code later, while the copy is read)"
    return None


def _dropped(call: cst.Call, copy: cst.Assign | cst.Call, parent_of: Parents) -> bool:
    """Is ``call``'s value only dropped, tested or compared (not kept to run later), or a copy
    made the same way as ``copy`` (data, not code)?"""
    made = copy.value if isinstance(copy, cst.Assign) else copy
    if isinstance(made, cst.Call) and code(call.func) == code(made.func):
        return True
    parent = parent_of(call)
    if isinstance(parent, cst.Expr | cst.ComparisonTarget | cst.Comparison):
        return True
    if isinstance(parent, cst.Return):
        return True  # the function ends: only a ``finally`` runs after (textually later)
    if isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not):
        return True
    return isinstance(parent, cst.If | cst.While | cst.IfExp) and parent.test is call


def live_nodes(
    function: cst.FunctionDef, start: cst.CSTNode, end: cst.CSTNode, tracked: Iterable[str]
) -> list[cst.CSTNode]:
    """The copy's start, the node its direct read ends in, and every mention of a name that
    holds the copy or a read of it."""
    names = {name for name in tracked if name.isidentifier()}
    mentions = [n for n in walk(function.body) if isinstance(n, cst.Name) and n.value in names]
    return [start, end, *mentions]


def runs_outside(
    node: cst.CSTNode,
    live: list[cst.CSTNode],
    function: cst.FunctionDef,
    tracked: Iterable[str],
    span: Spans,
    parent_of: Parents,
    scalar: Callable[[cst.BaseExpression], bool] | None = None,
) -> bool:
    """Does ``node`` run only before the copy is taken or after its last read (see above)?"""
    first, last = _bounds(span(node))
    if isinstance(node, cst.Call) and scalar is not None and _reads_first(node, live, scalar):
        first = last  # its callee runs once its arguments are read, and reads nothing of the copy
    ranges = [_bounds(span(n)) for n in live]
    begin, finish = min(r[0] for r in ranges), max(r[1] for r in ranges)
    for other in walk(function.body):
        if isinstance(other, cst.IfExp) and _contains(span(other.test), (first, last)):
            first, last = _bounds(span(other))  # runs before either branch
        elif (
            isinstance(other, cst.GeneratorExp)
            and not isinstance(parent_of(other), cst.Arg)
            and any(_contains(span(other), r) for r in ranges)
        ):
            finish = max(finish, _bounds(span(function))[1])  # read whenever it is consumed
    for block in (n for n in walk(function.body) if isinstance(n, cst.With)):
        exit_at = _bounds(span(block))[1]  # the managers' exits run at the end of the block
        inside = any(_contains(span(item), (first, last)) for item in block.items)
        if inside and begin < exit_at < finish:
            return False
    if not (last <= begin or first >= finish):
        return False
    for loop in (n for n in walk(function.body) if isinstance(n, LOOPS)):
        inside = [_contains(span(loop), r) for r in ranges]
        if not _contains(span(loop), _bounds(span(node))) or not any(inside):
            continue
        if not all(inside) or not isinstance(loop, cst.For | cst.While):
            return False
        names = [name for name in tracked if name.isidentifier()]
        if not all(_rebound_each_turn(loop, name, span) for name in names):
            return False
    return True


def _reads_first(
    call: cst.Call, live: list[cst.CSTNode], scalar: Callable[[cst.BaseExpression], bool]
) -> bool:
    """Is every argument of ``call`` that mentions the copy (or a name holding a read of it)
    an immutable scalar, so that the callee, which runs once they are evaluated, is handed
    nothing of the copy to read while it runs?"""
    mentioned = {id(n) for n in live}
    if any(id(n) in mentioned for n in walk(call.func)):
        return False  # a part of the copy called, or its method
    return all(
        scalar(a.value) and not a.star
        for a in call.args
        if any(id(n) in mentioned for n in walk(a))
    )


def _contains(outer: CodeRange, inner: tuple[tuple[int, int], tuple[int, int]]) -> bool:
    start, end = _bounds(outer)
    return start <= inner[0] and inner[1] <= end


def _rebound_each_turn(loop: cst.For | cst.While, name: str, span: Spans) -> bool:
    """Is ``name`` bound by a statement directly in ``loop``'s body that comes before every
    mention of it in the loop?"""
    body = loop.body
    if not isinstance(body, cst.IndentedBlock):
        return False
    for statement in body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        targets = [
            t.target
            for small in statement.body
            if isinstance(small, cst.Assign)
            for t in small.targets
            if isinstance(t.target, cst.Name) and t.target.value == name
        ]
        if not targets:
            continue
        end = _bounds(span(statement))[1]
        mentions = [
            _bounds(span(n))
            for n in walk(loop)
            if isinstance(n, cst.Name) and n.value == name and all(n is not t for t in targets)
        ]
        return all(m[0] >= end for m in mentions)
    return False
