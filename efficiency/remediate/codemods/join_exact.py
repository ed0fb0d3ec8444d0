"""Which expressions are provably an *exact* ``str`` (not a subclass, not another type), for
the ``join-strings`` codemods: a string builder may start from such a value, since ``+=`` on
an exact str with str pieces gives what ``"".join`` of the same pieces gives.

Exact str, whatever the names in them hold:

* a str literal (implicitly concatenated ones too), and ``"x" * 3`` / ``3 * "x"`` with an int
  literal count (another operand could define ``__rmul__``);
* an f-string with no replacement field or with at least two parts (one lone field,
  ``f"{x}"``, returns what ``x.__format__`` returns, which may be a str subclass);
* ``"sep".join(...)`` on a str literal (``join`` builds a new exact str even of one subclass
  item);
* ``"tmpl".format(...)`` and ``"tmpl" % args`` on a str literal whose template has literal
  text of its own (``"{}".format(x)`` and ``"%s" % (x,)`` return ``x``'s own str, which may be
  a subclass); for ``%`` the operand must be a tuple, list or dict display, a number or an
  exact str (a str subclass operand with ``__rmod__`` is asked first);
* ``a if c else b`` of exact strs, and ``a + b`` where either operand is an exact str: the
  other is taken to be a str, as the builders' pieces are (one that is not makes both versions
  raise ``TypeError`` at the same statement), in a module where no type adds itself to a str:
  no str subclass, no ``__add__``/``__radd__`` anywhere, no ``Markup`` import (an operand's own
  ``__radd__`` would be asked, and could return anything);
* a call of a function bound once in the module (an undecorated, non-async ``def`` at module
  level, no other binding of its name) or of a method ``self.m(...)`` of the class whose method
  holds the call (that method undecorated, ``self`` its first parameter, not rebound; the class
  has no bases, keywords or decorators, the module names it only to call it, it defines ``m``
  once and no attribute hook, and nothing in the module stores ``.m`` or uses
  ``setattr``/``__dict__``/``vars``: see :mod:`~efficiency.remediate.codemods.join_exact_callee`),
  when every ``return`` of that function returns an exact str, it never falls off its end and
  it neither yields nor awaits;
* a module-level name bound exactly once in the whole module, by ``NAME = <exact str>`` at
  module level (no other assignment, parameter, loop target, import, ``global`` or ``del`` of
  that name anywhere in the module, and no ``globals()``, ``vars()``, ``exec``, ``eval``,
  ``sys.modules`` or ``__dict__`` in it, which could rebind it by its name as a string).

Not exact: ``str(x)`` (returns what ``x.__str__`` returns, a subclass allowed), a parameter
even with a str default (a caller may pass anything), any other call or name.
Residual risks: code in another module storing a non-str into a module constant, patching a
module function, or subclassing the class to override ``m``; a ``+`` operand from another
module whose type handles str addition itself.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence

import libcst as cst

from efficiency.remediate.codemods.join_exact_callee import method_called, plain_addition
from efficiency.remediate.codemods.pysource import walk

_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[a-zA-Z]")


def is_str_literal(node: cst.BaseExpression | None) -> bool:
    """A str (not bytes) literal, implicitly concatenated or not, f-strings included."""
    if isinstance(node, cst.ConcatenatedString):
        return is_str_literal(node.left) and is_str_literal(node.right)  # type: ignore[arg-type]
    if isinstance(node, cst.SimpleString | cst.FormattedString):
        return "b" not in node.prefix.lower()
    return False


def exact_str(node: cst.BaseExpression | None, module: cst.Module | None, depth: int = 0) -> bool:
    """Is ``node`` provably an exact ``str`` (see the module docstring)? ``module`` is where
    module-level constants are looked up (``None``: names are never exact)."""
    if node is None or depth > 20:
        return False
    if isinstance(node, cst.SimpleString):
        return "b" not in node.prefix.lower()
    if isinstance(node, cst.ConcatenatedString | cst.FormattedString):
        if not is_str_literal(node):
            return False
        fields, text = _pieces(node)
        return fields != 1 or text  # one lone field returns what its __format__ returns
    if isinstance(node, cst.IfExp):
        return exact_str(node.body, module, depth + 1) and exact_str(node.orelse, module, depth + 1)
    if isinstance(node, cst.BinaryOperation):
        return _binary(node, module, depth)
    if isinstance(node, cst.Call):
        return _method_of_literal(node, module, depth) or _returns_exact(node, module, depth)
    if isinstance(node, cst.Name):
        value = module_constant(module, node.value)
        return value is not None and exact_str(value, module, depth + 1)
    return False


def _pieces(node: cst.CSTNode) -> tuple[int, bool]:
    """How many replacement fields a (concatenated) str literal has, and whether it has text."""
    if isinstance(node, cst.ConcatenatedString):
        (lf, lt), (rf, rt) = _pieces(node.left), _pieces(node.right)
        return lf + rf, lt or rt
    if isinstance(node, cst.SimpleString):
        return 0, bool(node.evaluated_value)
    assert isinstance(node, cst.FormattedString)
    fields = sum(isinstance(p, cst.FormattedStringExpression) for p in node.parts)
    text = any(isinstance(p, cst.FormattedStringText) and p.value for p in node.parts)
    return fields, text


def _binary(node: cst.BinaryOperation, module: cst.Module | None, depth: int) -> bool:
    left, right, op = node.left, node.right, node.operator
    if isinstance(op, cst.Add):
        one, other = exact_str(left, module, depth + 1), exact_str(right, module, depth + 1)
        return (one and other) or ((one or other) and plain_addition(module))
    if isinstance(op, cst.Multiply):
        return (exact_str(left, module, depth + 1) and isinstance(right, cst.Integer)) or (
            isinstance(left, cst.Integer) and exact_str(right, module, depth + 1)
        )
    if isinstance(op, cst.Modulo):
        text = _template(left)
        rest = None if text is None else _PERCENT_SPEC.sub("", text.replace("%%", "\0"))
        if not rest or "%" in rest:  # no text of its own, or a spec the pattern misreads
            return False
        return isinstance(
            right, cst.Tuple | cst.List | cst.Dict | cst.Integer | cst.Float
        ) or exact_str(right, module, depth + 1)
    return False


def _returns_exact(node: cst.Call, module: cst.Module | None, depth: int) -> bool:
    """A call of a module function or a ``self.`` method (see the module docstring) whose
    every ``return`` returns an exact str and which never ends without one."""
    func: cst.FunctionDef | None = None
    if isinstance(node.func, cst.Name):
        func = module_function(module, node.func.value)
    elif isinstance(node.func, cst.Attribute):
        func = method_called(node, module)
    if func is None or not isinstance(func.body, cst.IndentedBlock):
        return False
    returns: list[cst.Return] = []
    stack: list[cst.CSTNode] = [func.body]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Yield | cst.Await):
            return False
        if isinstance(current, cst.Return):
            returns.append(current)
        if not isinstance(current, cst.FunctionDef | cst.Lambda | cst.ClassDef):
            stack.extend(current.children)
    if not returns or not _ends(func.body.body):
        return False
    return all(exact_str(r.value, module, depth + 1) for r in returns)


def _ends(body: Sequence[cst.BaseStatement]) -> bool:
    """Does a block never run off its end (its last statement returns or raises, or is an
    ``if`` whose every branch does)?"""
    if not body:
        return False
    last = body[-1]
    if isinstance(last, cst.SimpleStatementLine):
        return isinstance(last.body[-1], cst.Return | cst.Raise)
    if isinstance(last, cst.If):
        other = last.orelse
        if other is None:
            return False
        rest = [other] if isinstance(other, cst.If) else list(other.body.body)
        return _ends(last.body.body) and _ends(rest)
    return False


def _template(node: cst.BaseExpression) -> str | None:
    """The text of a plain str literal (no f-string), else ``None``."""
    if isinstance(node, cst.SimpleString | cst.ConcatenatedString) and is_str_literal(node):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _method_of_literal(node: cst.Call, module: cst.Module | None, depth: int) -> bool:
    func = node.func
    if not isinstance(func, cst.Attribute):
        return False
    text = _template(func.value)
    if text is None:
        return False
    if func.attr.value == "join":
        return len(node.args) == 1 and not node.args[0].keyword and not node.args[0].star
    if func.attr.value == "format":
        try:
            return any(literal for literal, *_ in string.Formatter().parse(text))
        except ValueError:
            return False  # a malformed template raises, in both versions
    return False


def module_constant(module: cst.Module | None, name: str) -> cst.BaseExpression | None:
    """The value of ``name = <value>`` at module level when that is the one and only binding
    of ``name`` anywhere in ``module``; else ``None``."""
    found = _only_binding(module, name)
    return found.value if isinstance(found, cst.Assign) else None


def module_function(module: cst.Module | None, name: str) -> cst.FunctionDef | None:
    """The ``def name`` at module level, undecorated and not async, when that is the one and
    only binding of ``name`` anywhere in ``module``; else ``None``."""
    found = _only_binding(module, name)
    if not isinstance(found, cst.FunctionDef) or found.decorators or found.asynchronous:
        return None
    return found


def _only_binding(module: cst.Module | None, name: str) -> cst.Assign | cst.FunctionDef | None:
    """The one binding of ``name`` anywhere in ``module`` when it is a plain ``name = value``
    statement or a ``def`` at module level; else ``None``."""
    if module is None:
        return None
    found: cst.Assign | cst.FunctionDef | None = None
    top = {
        id(s.body[0])
        for s in module.body
        if isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1
    } | {id(s) for s in module.body if isinstance(s, cst.FunctionDef)}
    for node in walk(module):
        if isinstance(node, cst.Name) and node.value in _BY_NAME:
            return None  # globals()["NAME"] = ..., setattr(sys.modules[...], "NAME", ...)
        if isinstance(node, cst.Global | cst.Nonlocal):
            if any(a.name.value == name for a in node.names):
                return None
            continue
        target: cst.CSTNode | None = None
        if isinstance(node, cst.AssignTarget):
            continue  # seen through its Assign
        if isinstance(node, cst.Assign):
            if any(name in _names(t.target) for t in node.targets):
                plain = len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name)
                if found is not None or not plain or id(node) not in top:
                    return None
                found = node
            continue
        if isinstance(node, cst.FunctionDef) and node.name.value == name:
            if found is not None or id(node) not in top:
                return None
            found = node
            continue
        if isinstance(node, cst.AnnAssign | cst.AugAssign | cst.For | cst.CompFor | cst.NamedExpr
                      | cst.Del):  # fmt: skip
            target = node.target
        elif isinstance(node, _NAMED):
            target = node.name
        elif isinstance(node, cst.MatchMapping):
            target = node.rest  # ``case {**NAME}:``
        elif isinstance(node, cst.ImportAlias):
            target = node.asname.name if node.asname else node.name
        elif isinstance(node, cst.ImportStar):
            return None
        if target is not None and name in _names(target):
            return None
    return found


#: ways a module can rebind its own names without naming them as targets
_BY_NAME = frozenset({"globals", "vars", "exec", "eval", "modules", "__dict__", "__import__"})
_NAMED = (cst.AsName, cst.Param, cst.MatchAs, cst.MatchStar, cst.FunctionDef, cst.ClassDef)


def _names(target: cst.CSTNode) -> set[str]:
    return {n.value for n in walk(target) if isinstance(n, cst.Name)}
