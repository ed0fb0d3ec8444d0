"""Builtins that only iterate or inspect their arguments (``deepcopy-read-only``).

A function that reads its copy often also calls ``any``, ``all``, ``sum``, ``list``, ``zip``,
``enumerate``... on it. None of these changes anything: they iterate or look at their
arguments and build a new value (beyond the dunder methods of user classes, which the module
docstring of ``deepcopy_read_only`` already assumes harmless, and the iterators they are given,
which ``for`` would run as well). So such a call, where its name is not rebound in the module or
the function, is no reason to keep a copy, and a read of the copy may be given to one:

* ``any``/``all``/``len``/``format``/``abs``/``round``/``range``... (``TESTING``) keep nothing
  of their arguments: the read ends there, as in a comparison;
* ``sorted``/``list``/``tuple``/``set``/``dict``/``zip``/``enumerate``/``reversed``/``iter``/
  ``next``/``sum``/``min``/``max``/``map``/``filter`` (``PASSING``) return a value that may hold
  parts of their arguments: it is followed in turn as a read of the copy, and one that is lazy
  (``LAZY``, an iterator over the data) may not leave the function.

``map``/``filter`` run the function they are given: it must be ``None`` (``filter``), one of
these builtins, or a lambda, judged as a key lambda is (``deepcopy_helpers``); a ``map`` lambda
may read nothing but its parameter, since its result is an element of what ``map`` returns.
``id`` and ``hash`` (``IDENTITY``) are not among them: the copy's objects had other ids than
the original's, and the default hash is derived from the id. ``iter`` with a
sentinel calls its first argument, and a ``key=`` other than a lambda or one of
these builtins is a call of unknown code: both are refused.

The exception classes of ``builtins`` (``ValueError``, ``KeyError``... every subclass of
``BaseException`` there; ``EXCEPTIONS``) are pure builtins too: making one only stores its
arguments in ``args`` (and a few named attributes), running no code of theirs. The new object
holds those arguments, so a read of the copy given to one is not followed through it: it may
only be an immutable scalar or a value that keeps nothing of the copy (an f-string, ``len``...),
else it is refused (``raise ValueError(cfg["tiers"])`` hands whoever catches it the
original's own list, no longer a copy).
"""

from __future__ import annotations

import builtins
from collections.abc import Callable

import libcst as cst

from efficiency.remediate.codemods.pysource import walk

#: builtins whose result keeps no part of their arguments
TESTING = frozenset(
    {"any", "all", "len", "str", "repr", "format", "abs", "round", "isinstance", "range"}
    | {"int", "float", "bool", "callable"}
)
#: builtins that tell an object's identity (the default hash is derived from the id): the
#: copy's objects had other ids than the original's, so no read may be given to them
IDENTITY = frozenset({"id", "hash"})
#: builtins whose result may hold parts of their arguments
PASSING = frozenset(
    {"sorted", "min", "max", "sum", "list", "tuple", "set", "frozenset", "dict"}
    | {"enumerate", "zip", "reversed", "iter", "next", "map", "filter"}
)
#: the exception classes of ``builtins``: making one stores its arguments and runs nothing
EXCEPTIONS = frozenset(
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
)
#: those whose result is an iterator over their arguments (it reads them later)
LAZY = frozenset({"enumerate", "zip", "reversed", "iter", "map", "filter"})
#: the keywords each builtin may be given (``dict`` takes any: each value is stored)
_KEYWORDS = {
    "sorted": {"key", "reverse"},
    "min": {"key", "default"},
    "max": {"key", "default"},
    "sum": {"start"},
    "zip": {"strict"},
    "enumerate": {"start"},
    "round": {"ndigits"},
}
Parents = Callable[[cst.CSTNode], cst.CSTNode | None]


def _builtin(func: cst.BaseExpression, shadowed: Callable[[str], bool]) -> str | None:
    """The name of the builtin ``func`` reaches (not rebound), or None."""
    if isinstance(func, cst.Name) and func.value in TESTING | PASSING and not shadowed(func.value):
        return func.value
    return None


def exception(call: cst.CSTNode | None, shadowed: Callable[[str], bool]) -> str | None:
    """The name of the builtin exception class ``call`` makes (not rebound), or None."""
    func = call.func if isinstance(call, cst.Call) else None
    if isinstance(func, cst.Name) and func.value in EXCEPTIONS and not shadowed(func.value):
        return func.value
    return None


def pure_builtin(call: cst.Call, shadowed: Callable[[str], bool]) -> bool:
    """Is ``call`` one of these builtins, called so that it runs no code of unknown callers
    (each lambda it is given is judged apart)?"""
    if exception(call, shadowed):
        return not any(a.star for a in call.args)  # ``*args`` would iterate unknown code
    name = _builtin(call.func, shadowed)
    if name is None or any(a.star for a in call.args):
        return False
    positional = [a for a in call.args if a.keyword is None]
    for arg in call.args:
        if arg.keyword is None:
            continue
        if name != "dict" and arg.keyword.value not in _KEYWORDS.get(name, set()):
            return False
        if arg.keyword.value == "key" and not _function_value(arg.value, shadowed):
            return False
    if name == "iter" and len(positional) != 1:
        return False  # iter(f, sentinel) calls f
    if name in ("map", "filter"):
        if not positional or len(positional) < 2:
            return False
        first = positional[0].value
        none = isinstance(first, cst.Name) and first.value == "None" and name == "filter"
        return none or _function_value(first, shadowed)
    return True


def _function_value(node: cst.BaseExpression, shadowed: Callable[[str], bool]) -> bool:
    return isinstance(node, cst.Lambda) or _builtin(node, shadowed) is not None


def passes_through(arg: cst.Arg, call: cst.CSTNode | None, shadowed: Callable[[str], bool]) -> bool:
    """Is ``arg`` given to a pure builtin whose result may hold it or parts of it (not the
    function of ``map``/``filter``, not a ``key=``)?"""
    if not isinstance(call, cst.Call) or not pure_builtin(call, shadowed):
        return False
    name = _builtin(call.func, shadowed)
    if name not in PASSING or arg.star:
        return False
    if name in ("map", "filter") and call.args[0] is arg:
        return False
    return arg.keyword is None or arg.keyword.value in ("default", "start") or name == "dict"


def lazy(call: cst.Call, shadowed: Callable[[str], bool]) -> bool:
    return _builtin(call.func, shadowed) in LAZY


def materialized(node: cst.CSTNode, shadowed: Callable[[str], bool]) -> bool:
    """Is ``node`` a call of a pure builtin that is not lazy (``list``, ``any``...): what it
    is given is read through when it runs?"""
    return (
        isinstance(node, cst.Call)
        and pure_builtin(node, shadowed)
        and _builtin(node.func, shadowed) in (PASSING | TESTING) - LAZY
    )


def drained(node: cst.CSTNode, parent_of: Parents, shadowed: Callable[[str], bool]) -> bool:
    """Is the iterator ``node`` makes (a call, a generator expression) read through where it
    is made: iterated by a ``for``, or given to a builtin that is not lazy itself (``list``,
    ``sorted``, ``any``...)?"""
    parent = parent_of(node)
    if isinstance(parent, cst.For) and parent.iter is node:
        return True
    outer = parent_of(parent) if isinstance(parent, cst.Arg) else None
    return isinstance(outer, cst.Call) and materialized(outer, shadowed)


def tests_only(call: cst.CSTNode | None, shadowed: Callable[[str], bool]) -> bool:
    """Is ``call`` a pure builtin whose result keeps nothing of its arguments?"""
    return (
        isinstance(call, cst.Call)
        and pure_builtin(call, shadowed)
        and _builtin(call.func, shadowed) in TESTING
    )


def mapped_lambda(
    node: cst.Lambda, parent_of: Parents, shadowed: Callable[[str], bool]
) -> str | None:
    """For a lambda that is the function of ``map``/``filter`` (a pure builtin): "" when it is
    one (judged further as a key lambda), a reason when it is a ``map`` lambda that reads more
    than its parameter, None when it is no such lambda."""
    arg = parent_of(node)
    call = parent_of(arg) if arg is not None else None
    if not isinstance(arg, cst.Arg) or not isinstance(call, cst.Call):
        return None
    name = _builtin(call.func, shadowed)
    if name not in ("map", "filter") or call.args[0] is not arg or arg.keyword is not None:
        return None
    if not pure_builtin(call, shadowed):
        return None
    if name == "filter":
        return ""  # its result is only tested
    own = {p.name.value for p in node.params.params}
    for inner in walk(node.body):
        if (
            isinstance(inner, cst.Name)
            and inner.value not in own
            and _builtin(inner, shadowed) is None
            and not _attr_name(inner, parent_of)
        ):
            return f"a map lambda reads {inner.value}, not only its parameter"
    return ""


def _attr_name(name: cst.Name, parent_of: Parents) -> bool:
    """Is ``name`` the attribute part of ``x.name`` (not a variable)?"""
    parent = parent_of(name)
    return isinstance(parent, cst.Attribute) and parent.attr is name
