"""What in a function could change data while its copy is read (``deepcopy-read-only``).

``mutation`` answers, for one node of the function, why it could change data (or run code
that could): a ``yield``/``await``, a binding by ``as``, ``del``/``global``/``nonlocal``, a
store to a subscript or attribute, a call of anything but the builtins that read, read
methods, constructors of plain dataclasses, plain exception classes of the module
(``deepcopy_raised``) and what ``Types.harmless_call`` allows. The
finder (``deepcopy_refusal``) then lets through the calls and stores other modules prove
harmless, or that run only outside the copy's reads (``deepcopy_live``), and the ``except ... as
name`` clauses whose name hands nothing on (``deepcopy_excepts``).
"""

from __future__ import annotations

import libcst as cst

from efficiency.remediate.codemods.deepcopy_builtins import pure_builtin
from efficiency.remediate.codemods.deepcopy_derived import derived_call
from efficiency.remediate.codemods.deepcopy_raised import module_exception, raise_refusal
from efficiency.remediate.codemods.deepcopy_types import (
    READ_METHODS,
    SCALAR_BUILTINS,
    STR_METHODS,
    Types,
)
from efficiency.remediate.codemods.pysource import code, walk


def mutation(node: cst.CSTNode, copy_call: cst.BaseExpression, types: Types) -> str | None:
    """Why ``node``, somewhere in the function, could change data (or run code that could),
    or None. ``copy_call`` is the ``deepcopy(...)`` call itself."""
    if isinstance(node, (cst.Yield, cst.Await)):
        return "the function yields or awaits: other code runs while the copy is in use"
    if isinstance(node, cst.AsName):
        return "the function binds a name with `as` (a context manager or except clause)"
    if isinstance(node, (cst.Del, cst.Global, cst.Nonlocal)):
        return "the function deletes or rebinds outer names"
    if isinstance(node, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.For, cst.CompFor)):
        target = node.target
        if not isinstance(target, (cst.Name, cst.Tuple, cst.List)) or any(
            isinstance(n, (cst.Subscript, cst.Attribute)) for n in walk(target)
        ):
            return "the function assigns to a subscript or attribute"
    if isinstance(node, cst.Raise):
        return raise_refusal(node, types)  # ``raise Class``: made with no argument
    if isinstance(node, cst.Call) and node is not copy_call and not _harmless(node, types):
        return f"the function calls {code(node.func)}(), which could mutate the data"
    return None


def _harmless(node: cst.Call, types: Types) -> bool:
    func = node.func
    if types.harmless_call(node) or derived_call(node, types):
        return True
    if isinstance(func, cst.Name):
        scalar = func.value in SCALAR_BUILTINS and not types.shadowed(func.value)
        made = module_exception(node, types.module) is not None  # deepcopy_raised
        return scalar or made or pure_builtin(node, types.shadowed)
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.SimpleString):
        return func.attr.value in STR_METHODS  # ", ".join(parts): a new str
    return isinstance(func, cst.Attribute) and func.attr.value in READ_METHODS
