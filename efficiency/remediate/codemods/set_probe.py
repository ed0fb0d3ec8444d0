"""The tested value of a rewritten ``x in some_list``, evaluated exactly once (shared by the
``set-membership`` stages).

The guarded test reads the value up to three times (its type, then the set or the list), so a
value that is not a plain name (``b.voter_id``, ``row[0]``, ``key(x)``) is bound once by ``:=``
to a fresh name, in the guard's first operand, which always runs first::

    b.voter_id in eligible  →  (_eligible_key in eligible_set if (type(_eligible_key :=
                                    b.voter_id) is str or ...) ... else _eligible_key in eligible)

The value is evaluated exactly once, before the set and the list are read, as it was before
the list; an exception it raises leaves the same way. ``x not in t`` keeps its ``not in`` on
both sides. The name is new to the module (it clashes with no comprehension variable) and lands
in the innermost function or lambda around the test (a comprehension's ``:=`` binds there).
Refused where that binding could not be placed or could be seen: in a comprehension's iterable
or an annotation (``:=`` is a SyntaxError there), in a class body or a comprehension in one (it
would bind a class attribute, or is a SyntaxError), at module level (it would bind a module
global), and in a function that reads its locals by name (``locals()``, ``vars()``, ``eval``...).
A name made here never starts with two underscores (:func:`stem`): Python mangles those."""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst

from efficiency.remediate.codemods.pysource import calls_introspection, code


def probe_refusal(test: cst.Comparison, ancestors: Iterable[cst.CSTNode]) -> str:
    """Why the value ``test`` tests cannot be bound once by ``:=`` where the test is
    (``ancestors``: the test's, innermost first), or '' (a plain name needs no binding)."""
    if isinstance(test.left, cst.Name):
        return ""
    start = f"the value tested, `{code(test.left)[:40]}`, is not a plain name and the test is"
    child: cst.CSTNode = test
    for ancestor in ancestors:
        if isinstance(ancestor, cst.Annotation):
            return f"{start} in an annotation (no `:=` there)"
        if isinstance(ancestor, cst.CompFor) and child is ancestor.iter:
            return f"{start} in a comprehension's iterable (no `:=` there)"
        if isinstance(ancestor, cst.FunctionDef | cst.Lambda) and child is ancestor.body:
            if calls_introspection(ancestor):
                return f"{start} in a function that reads its locals by name (`:=` would show)"
            return ""
        if isinstance(ancestor, cst.ClassDef) and child is ancestor.body:
            return f"{start} in a class body (`:=` would bind a class attribute, or not compile)"
        child = ancestor
    return f"{start} at module level (`:=` would bind a module global)"


def stem(name: str) -> str:
    """``name`` without its leading and trailing underscores, ``value`` for a name of
    underscores only: a list ``_`` would give ``__key``, which Python mangles to ``_Cls__key``
    in a class's method (a name the method may have; a module constant ``__2`` would then not
    be found)."""
    return name.strip("_") or "value"


def probed(left: cst.BaseExpression, probe: str) -> tuple[str, str]:
    """The text of the tested value where it is first evaluated and where it is read again:
    a plain name twice, else ``probe := <value>`` and then ``probe``."""
    if isinstance(left, cst.Name):
        return left.value, left.value
    return f"{probe} := {code(left)}", probe


def in_operator(test: cst.Comparison) -> str:
    """``in`` or ``not in``: the operator of the one-comparison ``test``."""
    return "not in" if isinstance(test.comparisons[0].operator, cst.NotIn) else "in"


def keep_parens(test: cst.Comparison, new: cst.BaseExpression) -> cst.BaseExpression:
    """``new`` with ``test``'s own parentheses kept around its own."""
    return new.with_changes(lpar=[*test.lpar, *new.lpar], rpar=[*new.rpar, *test.rpar])
