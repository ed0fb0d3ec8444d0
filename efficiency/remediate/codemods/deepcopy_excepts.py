"""``except ... as name`` in a function whose copy is dropped (``deepcopy-read-only``).

``deepcopy_mutation`` refuses every binding by ``as``: the name is bound to an object the
function never made, and an exception may carry a piece of the copy (``KeyError(key)`` holds
the key looked up, ``AttributeError`` the object, a handler's exception its traceback, hence
the frame and its locals). Once the copy is the original, whoever keeps or changes that piece
keeps or changes the original's. An ``except`` clause is let through when its name cannot hand
anything on::

    for raw in seat_map:                         for raw in seat_map:
        seat = copy.deepcopy(raw)          →         seat = raw
        try:                                         try:
            total += price(seat)                         total += price(seat)
        except PricingError as exc:                  except PricingError as exc:
            errors += 1                                  errors += 1
            notes.append(f"{exc}")                       notes.append(f"{exc}")

The name must be bound by ``except`` clauses alone in the function (never assigned, a
parameter, declared ``global``, nor read outside the handlers that bind it; so it is none of
the names the copy or its reads are held in) and each use of it in its handler must be one of:
``raise name`` (the same object leaves as it would uncaught), ``str``/``repr``/``format`` of it,
an f-string field, the right operand of ``"..." % name`` (alone or an item of a tuple there) or
the first argument of ``isinstance`` against builtin exceptions or plain classes of the module
(a metaclass's ``__instancecheck__`` is handed the exception, and may keep it). Each of those
makes a new ``str`` (or a bool) and keeps nothing; storing it, returning it, passing it to any
other call, reading its attributes (``exc.args``) or calling its methods is refused. Formatting
runs the exception's ``__str__``/``__repr__``/``__format__``: a builtin exception's formats its
arguments, which are reads (their text is the same for the original as for the copy, as the
module docstring assumes). So where the name is formatted, every class the clause names must be
a builtin exception (not rebound) or a class of the module, bound once, undecorated, with no
metaclass (which may add hooks to its namespace), that defines none of ``__str__``,
``__repr__``, ``__format__``, ``__getattr__``, ``__getattribute__``, with such bases; and every
class of the module that could be caught there (one whose bases reach a caught class, or any
exception class of the module where a builtin one is caught) must be one too.
A ``with ... as`` stays refused: its manager's ``__enter__`` chooses what the name holds.
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from efficiency.remediate.codemods.deepcopy_builtins import EXCEPTIONS
from efficiency.remediate.codemods.pysource import walk

#: what an exception class may not define where its instance is formatted
_HOOKS = frozenset({"__str__", "__repr__", "__format__", "__getattr__", "__getattribute__"})
#: builtins that make a new str (or bool) of the exception, keeping nothing of it
_FORMATTING = frozenset({"str", "repr", "format"})
Parents = Callable[[cst.CSTNode], cst.CSTNode | None]


def except_refusals(
    function: cst.FunctionDef,
    module: cst.Module,
    bound: dict[str, int],
    shadowed: Callable[[str], bool],
    parent_of: Parents,
) -> dict[int, str | None]:
    """For each ``except ... as name`` in ``function``: the id of its ``AsName`` → why the
    name could hand on a piece of the copy, or None where it cannot."""
    handlers = [
        h for h in walk(function.body) if isinstance(h, cst.ExceptHandler) and h.name is not None
    ]
    judged: dict[int, str | None] = {}
    for handler in handlers:
        assert handler.name is not None
        target = handler.name.name
        if not isinstance(target, cst.Name):
            judged[id(handler.name)] = "the except clause binds something other than a name"
            continue
        why = _handler_refusal(handler, target.value, function, module, bound, shadowed, parent_of)
        judged[id(handler.name)] = why
    return judged


def _handler_refusal(
    handler: cst.ExceptHandler,
    name: str,
    function: cst.FunctionDef,
    module: cst.Module,
    bound: dict[str, int],
    shadowed: Callable[[str], bool],
    parent_of: Parents,
) -> str | None:
    formatted = False
    for node in walk(function):
        if not (isinstance(node, cst.Name) and node.value == name):
            continue
        owner = _binding_handler(node, name, parent_of)
        if owner is not None and owner.name is not None and owner.name.name is node:
            continue  # the clause's own binding
        if owner is None:
            return f"`{name}` of an except clause is also bound or used outside its handlers"
        if owner is not handler:
            continue  # judged with the clause that binds it there
        use = _use(node, parent_of, shadowed)
        if use is None:
            return (
                f"the except clause's `{name}` is used other than formatted, tested with "
                "isinstance or re-raised (the exception may carry a piece of the copy)"
            )
        if use == "tested":
            why = _test_refusal(parent_of(parent_of(node)), module, bound, shadowed)
            if why is not None:
                return why
        formatted = formatted or use == "formatted"
    if formatted:
        return _class_refusal(handler.type, module, bound, shadowed)
    return None


def _binding_handler(node: cst.CSTNode, name: str, parent_of: Parents) -> cst.ExceptHandler | None:
    """The innermost handler around ``node`` (or whose clause holds it) binding ``name``."""
    current: cst.CSTNode | None = node
    while current is not None and not isinstance(current, cst.FunctionDef):
        if isinstance(current, cst.ExceptHandler) and current.name is not None:
            target = current.name.name
            if isinstance(target, cst.Name) and target.value == name:
                return current
        current = parent_of(current)
    return None


def _use(node: cst.Name, parent_of: Parents, shadowed: Callable[[str], bool]) -> str | None:
    """ "raised", "tested" or "formatted": what the use of the name at ``node`` does, or None
    where it is none of the uses allowed."""
    parent = parent_of(node)
    if isinstance(parent, cst.Raise) and parent.exc is node and parent.cause is None:
        return "raised"
    if isinstance(parent, cst.FormattedStringExpression) and parent.expression is node:
        return "formatted"
    if isinstance(parent, cst.Arg) and parent.value is node and not parent.star:
        call = parent_of(parent)
        if not isinstance(call, cst.Call) or parent.keyword is not None:
            return None
        func = call.func
        if not isinstance(func, cst.Name) or shadowed(func.value) or call.args[0] is not parent:
            return None
        if func.value == "isinstance":
            return "tested"
        return "formatted" if func.value in _FORMATTING else None
    operand: cst.CSTNode = node
    if isinstance(parent, cst.Element) and parent.value is node:
        tuple_ = parent_of(parent)
        if isinstance(tuple_, cst.Tuple) and not any(
            isinstance(e, cst.StarredElement) for e in tuple_.elements
        ):
            operand, parent = tuple_, parent_of(tuple_)
    if (
        isinstance(parent, cst.BinaryOperation)
        and isinstance(parent.operator, cst.Modulo)
        and parent.right is operand
        and isinstance(parent.left, cst.SimpleString | cst.ConcatenatedString)
    ):
        return "formatted"
    return None


def _test_refusal(
    call: cst.CSTNode | None,
    module: cst.Module,
    bound: dict[str, int],
    shadowed: Callable[[str], bool],
) -> str | None:
    """Why ``isinstance(name, classes)`` could hand the exception to code: a metaclass's
    ``__instancecheck__`` is called with it (and may keep it), so each class tested against
    must be a builtin exception or a plain class of the module (no metaclass), or None."""
    why = "the except clause's name is tested with isinstance against a class that may hook it"
    if not isinstance(call, cst.Call) or len(call.args) != 2:
        return why
    second = call.args[1]
    if second.star or second.keyword is not None:
        return why
    value = second.value
    items = value.elements if isinstance(value, cst.Tuple) else [value]
    classes = {c.name.value: c for c in module.body if isinstance(c, cst.ClassDef)}
    for item in items:
        if isinstance(item, cst.StarredElement):
            return why
        name = item.value if isinstance(item, cst.Element) else item
        if not isinstance(name, cst.Name) or not _plain(
            name.value, classes, bound, shadowed, set()
        ):
            return why
    return None


def _class_refusal(
    caught: cst.BaseExpression | None,
    module: cst.Module,
    bound: dict[str, int],
    shadowed: Callable[[str], bool],
) -> str | None:
    """Why formatting an exception the clause ``caught`` catches could run code of the module
    (or of unknown origin), or None."""
    names = caught.elements if isinstance(caught, cst.Tuple) else [caught]
    classes = {c.name.value: c for c in module.body if isinstance(c, cst.ClassDef)}
    wanted: set[str] = set()
    for element in names:
        value = element.value if isinstance(element, cst.Element) else element
        if not isinstance(value, cst.Name):
            return "the except clause's class is not a plain name (its formatting is unknown)"
        wanted.add(value.value)
    for name in wanted:
        if name in EXCEPTIONS and not shadowed(name):
            continue
        if name not in classes or not _plain(name, classes, bound, shadowed, set()):
            return f"{name} may format itself with code of its own (the except clause's name)"
    builtin = any(n in EXCEPTIONS for n in wanted)
    for name in classes:
        if _reaches(name, classes, wanted, builtin, set()) and not _plain(
            name, classes, bound, shadowed, set()
        ):
            return f"{name}, which the except clause may catch, may format itself with its code"
    return None


def _plain(
    name: str,
    classes: dict[str, cst.ClassDef],
    bound: dict[str, int],
    shadowed: Callable[[str], bool],
    seen: set[str],
) -> bool:
    """Is ``name`` a builtin exception, or a class of the module bound once, undecorated,
    without a metaclass or other class keyword, defining none of ``_HOOKS`` and with such
    bases?"""
    if name in EXCEPTIONS and not shadowed(name):
        return True
    node = classes.get(name)
    if name in seen:
        return True  # judged already (a base shared by two bases)
    if node is None or bound.get(name, 0) != 1 or "*" in bound:
        return False
    if node.decorators or node.keywords or any(a.keyword or a.star for a in node.bases):
        return False
    seen.add(name)
    defined = {t.value for n in walk(node.body) for t in _defined(n) if isinstance(t, cst.Name)}
    if defined & _HOOKS:
        return False
    return all(
        isinstance(b.value, cst.Name) and _plain(b.value.value, classes, bound, shadowed, seen)
        for b in node.bases
    )


def _defined(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The names a statement of a class body binds there (a def, an assignment's targets)."""
    if isinstance(node, cst.FunctionDef | cst.ClassDef):
        return [node.name]
    if isinstance(node, cst.AssignTarget | cst.AnnAssign | cst.AugAssign):
        return list(walk(node.target))
    return []


def _reaches(
    name: str,
    classes: dict[str, cst.ClassDef],
    wanted: set[str],
    builtin: bool,
    seen: set[str],
) -> bool:
    """Could an instance of the module's class ``name`` be caught by a clause naming
    ``wanted``: do its bases reach one, or (``builtin``: a builtin exception is caught) reach
    any builtin exception, or a base that is not a class of the module (unknown)?"""
    if name in seen:
        return False
    seen.add(name)
    for base in classes[name].bases:
        value = base.value
        if not isinstance(value, cst.Name):
            return True  # ``lib.Error``: unknown
        if value.value in wanted or (builtin and value.value in EXCEPTIONS):
            return True
        if value.value in classes:
            if _reaches(value.value, classes, wanted, builtin, seen):
                return True
        elif value.value != "object":
            return True
    return False
