"""A deep copy handed straight to a call (``deepcopy-read-only``).

``f(..., copy.deepcopy(v), ...)`` is ``tmp = copy.deepcopy(v); f(..., tmp, ...)`` with ``tmp``
used once, as that argument. It is judged as a copy read directly (``deepcopy_read_only``'s
``visit_Call``), so the proofs for a name are reused as they stand::

    n = self._count(t, copy.deepcopy(t.log), today)   →   n = self._count(t, t.log, today)

* the argument is followed into the callee's parameter (``deepcopy_callees``: a function of
  the module; ``deepcopy_methods``/``deepcopy_statics``: a method reached through ``self`` or
  ``cls``, behind the run-time check of ``deepcopy_guards``), which must only read it; a
  callee that keeps it, stores it, mutates it or hands it to anything that could is refused;
* the call's value, where the callee may return a piece of the parameter, is followed on in
  the caller as a read (``deepcopy_returns``): a caller that changes it, or lets it leave
  (returned, stored, passed on), keeps the copy, since its own caller could then change it;
* the call itself, like every call of the function, must change nothing (or run only before
  the copy or after the end of the statement: ``deepcopy_live``). The copy's live range
  spans the whole statement, so an argument anywhere in the call that could change the
  original (``f(copy.deepcopy(v), v.pop())``, evaluated after the copy and before the
  callee; or written before it) is refused, whatever the order of evaluation.

Only a plain argument (positional or ``name=``, not ``*``/``**``) of a call that is a
statement's whole value (an expression statement, the value of an assignment or a
``return``) is taken: deeper in an expression the order in which the rest runs is the
finder's usual business, and nothing here was proven of it.
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from efficiency.remediate.codemods.pysource import code

Parents = Callable[[cst.CSTNode], cst.CSTNode | None]


def handed_to_call(copy: cst.Call, parent_of: Parents) -> cst.Call | None:
    """The call ``copy`` (a ``copy.deepcopy(...)`` call) is handed to as a plain argument,
    where that call is a statement's whole value; otherwise None."""
    arg = parent_of(copy)
    if not isinstance(arg, cst.Arg) or arg.value is not copy or arg.star:
        return None
    call = parent_of(arg)
    if not isinstance(call, cst.Call) or not any(a is arg for a in call.args):
        return None
    statement = parent_of(call)
    if isinstance(statement, cst.Expr | cst.Return) and statement.value is call:
        return call
    if isinstance(statement, cst.Assign | cst.AnnAssign) and statement.value is call:
        return call
    return None


def direct_label(call: cst.Call, parent_of: Parents) -> str:
    """How the summary names a copy read directly: ``f(...)``, or for a deep copy handed to
    a call ``copy.deepcopy(...) passed to g()``."""
    shown = f"{code(call.func)}(...)"
    handed = handed_to_call(call, parent_of)
    return shown if handed is None else f"{shown} passed to {code(handed.func)}()"
