"""A list attribute that ``__init__`` binds to a new list and then fills, for
:mod:`~efficiency.remediate.codemods.attr_set`: its set is made once, right after the last
statement of ``__init__``'s own body that grows it.

The commonest way a class builds a lookup list::

    def __init__(self, rows):
        self.valid_codes: list[str] = []
        for code in parse(rows):
            if len(code) != 8:
                continue
            self.valid_codes.append(code)
        self.rates = ...

gets ``self.valid_codes_set = (...)`` after the ``for`` statement. The set is right while no
change of the list can come after it. What holds:

- every ``.append(x)``/``.extend(x)`` (one positional argument) and ``+=`` of the list is on the
  ``self`` of the ``__init__`` (or ``__post_init__``) that binds it, in a statement of its own
  body after the binding line, outside any nested function, lambda, class or comprehension (a
  generator could run later); a growth anywhere else is refused as any other change is;
- from the start of that method to the end of the last growing statement, ``self`` cannot get
  out, so nothing else can run ``__init__`` again on it (and grow the list it is filling after
  that run made its set): ``self`` appears only as ``self.name``, where ``name`` is not bound
  in the class body (a method would be bound to ``self``, a property would get it) and is
  not a special name but ``__class__`` (object's ``__str__``/``__format__``/``__ne__`` call the
  class's ``__repr__``/``__eq__`` with it), and there is no ``super()``; the class has no
  ``__new__`` (which could hand the object out before ``__init__``), nothing sets an attribute
  of the class from outside its body (``Cls.__new__ = ...``, ``Cls.tag = property(...)``), and
  the module neither calls ``.__init__`` explicitly (on an object others hold) nor names the
  method other than by its ``def`` (``again = __init__``, ``methodcaller("__init__")``);
- no ``return`` of the method comes between the binding line and the set (that path would
  leave the list without its set: refused rather than scanned in silence).

A ``raise`` before the set leaves it unmade: the object's tests scan (the class-level ``None``,
or the set of an earlier list the attribute no longer holds), as before the rewrite. Whatever
the repository's other modules do with the list is checked as for any list attribute (a
subclass there that appends after ``super().__init__()`` names it and refuses a public one);
an ``obj.__init__(...)`` run again from code outside the module, from inside a callback of
the loop that fills the list, is not seen.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from efficiency.remediate.codemods.constant_table import binds
from efficiency.remediate.codemods.pysource import code, walk

#: list methods that add new items and return None
_GROWERS = frozenset({"append", "extend"})
#: scopes whose code may run later than the statement they are written in
_LATER = (
    cst.FunctionDef,
    cst.Lambda,
    cst.ClassDef,
    cst.GeneratorExp,
    cst.ListComp,
    cst.SetComp,
    cst.DictComp,
)


@dataclass
class Growth:
    """The growth of a list in its ``__init__``: the statement after which its set is made
    and the ``.attr`` nodes of the growing uses (read as proven)."""

    after: cst.BaseStatement
    uses: set[int] = field(default_factory=set)


def grows(use: cst.Attribute, parents: dict[int, cst.CSTNode]) -> bool:
    """Is ``use`` (an ``.attr``) grown: ``x.attr.append(v)``/``.extend(v)`` or ``x.attr += v``?"""
    parent = parents.get(id(use))
    if isinstance(parent, cst.AugAssign):
        return parent.target is use and isinstance(parent.operator, cst.AddAssign)
    if isinstance(parent, cst.Attribute) and parent.value is use:
        call = parents.get(id(parent))
        return (
            parent.attr.value in _GROWERS
            and isinstance(call, cst.Call)
            and call.func is parent
            and len(call.args) == 1
            and call.args[0].keyword is None
            and not call.args[0].star
        )
    return False


def init_growth(
    module: cst.Module,
    cls: cst.ClassDef,
    method: cst.FunctionDef,
    holder: str,
    line: cst.SimpleStatementLine,
    attr: str,
    parents: dict[int, cst.CSTNode],
) -> tuple[Growth | None, str]:
    """The growth of ``holder.attr`` bound by ``line`` in ``method`` (None when the method does
    not grow it), or why it is refused."""
    body = list(method.body.body) if isinstance(method.body, cst.IndentedBlock) else []
    start = body.index(line)
    found = _growing(method, holder, attr, parents)
    if not found:
        return None, ""
    where: list[int] = []
    for use in found:
        top = _top_statement(use, method, parents)
        if top is None or any(isinstance(a, _LATER) for a in _between(use, method, parents)):
            return None, (
                f"{code(use)} grows in a nested function, lambda, class or comprehension of "
                f"{method.name.value} (it could run after the set is made)"
            )
        at = body.index(top)
        if at <= start:
            return None, f"{code(use)} grows before {attr} is bound in {method.name.value}"
        where.append(at)
    last = max(where)
    why = _escape_refusal(module, cls, method, holder, attr, body[: last + 1], parents)
    if why:
        return None, why
    for statement in body[start + 1 : last + 1]:
        if any(isinstance(n, cst.Return) and _own(n, method, parents) for n in walk(statement)):
            return None, (
                f"{method.name.value} may return before the last change of {attr}, "
                "leaving it without its set"
            )
    return Growth(body[last], {id(u) for u in found}), ""


def _growing(
    method: cst.FunctionDef, holder: str, attr: str, parents: dict[int, cst.CSTNode]
) -> list[cst.Attribute]:
    """The ``holder.attr`` nodes in ``method`` that grow the list."""
    return [
        n
        for n in walk(method.body)
        if isinstance(n, cst.Attribute)
        and n.attr.value == attr
        and isinstance(n.value, cst.Name)
        and n.value.value == holder
        and grows(n, parents)
    ]


def _between(
    node: cst.CSTNode, method: cst.FunctionDef, parents: dict[int, cst.CSTNode]
) -> list[cst.CSTNode]:
    """The nodes from ``node``'s parent up to (not including) ``method``."""
    out = []
    current = parents.get(id(node))
    while current is not None and current is not method:
        out.append(current)
        current = parents.get(id(current))
    return out


def _top_statement(
    node: cst.CSTNode, method: cst.FunctionDef, parents: dict[int, cst.CSTNode]
) -> cst.BaseStatement | None:
    """The statement of ``method``'s own body that holds ``node``."""
    chain = [node, *_between(node, method, parents)]
    if len(chain) < 2 or not isinstance(chain[-1], cst.IndentedBlock):
        return None
    top = chain[-2]
    return top if isinstance(top, cst.BaseStatement) else None


def _own(node: cst.CSTNode, method: cst.FunctionDef, parents: dict[int, cst.CSTNode]) -> bool:
    """Is ``node`` in ``method``'s own code (not a nested function, lambda or class)?"""
    return not any(
        isinstance(a, cst.FunctionDef | cst.Lambda | cst.ClassDef)
        for a in _between(node, method, parents)
    )


def _escape_refusal(
    module: cst.Module,
    cls: cst.ClassDef,
    method: cst.FunctionDef,
    holder: str,
    attr: str,
    statements: list[cst.BaseStatement],
    parents: dict[int, cst.CSTNode],
) -> str:
    """Why ``self`` could get out (or ``__init__`` run again on it) before the list is
    finished; '' if it cannot."""
    own = binds(cls, top=True)
    if "__new__" in own:
        return (
            f"{cls.name.value} has a __new__, which could hand the object out before "
            f"{attr} is built"
        )
    name = method.name.value
    why = _rerun_refusal(module, cls, method, attr, parents)
    if why:
        return why
    for statement in statements:
        for n in walk(statement):
            if not isinstance(n, cst.Name):
                continue
            if n.value == "super":
                return f"{name} calls super() before {attr} is built (it hands {holder} out)"
            if n.value != holder:
                continue
            parent = parents.get(id(n))
            if not isinstance(parent, cst.Attribute) or parent.value is not n:
                return f"{name} hands {holder} out (`{_shown(n, parents)}`) before {attr} is built"
            if parent.attr.value in own or _dunder(parent.attr.value):
                return (
                    f"{name} reads {code(parent)} before {attr} is built (a method or "
                    f"descriptor of the class, or object's own __str__/__ne__/... calling "
                    f"one, could reach {holder})"
                )
    return ""


def _dunder(name: str) -> bool:
    """A special name other than ``__class__`` (object's ``__str__``, ``__format__``,
    ``__ne__``... call the class's own ``__repr__``/``__eq__`` with the object)."""
    return name.startswith("__") and name.endswith("__") and name != "__class__"


def _rerun_refusal(
    module: cst.Module,
    cls: cst.ClassDef,
    method: cst.FunctionDef,
    attr: str,
    parents: dict[int, cst.CSTNode],
) -> str:
    """Why something in the module could run ``method`` again on an object (or hand the
    object out before it runs): an explicit ``.__init__``, the method named other than by its
    ``def`` (``again = __init__`` in the class body, ``methodcaller("__init__")``), or an
    attribute set on the class from outside its body (``Cls.__new__ = ...`` would hand the
    object out, ``Cls.tag = property(...)`` would give ``self.tag`` a getter); '' if not."""
    name, cls_name = method.name.value, cls.name.value
    for n in walk(module):
        if (
            isinstance(n, cst.Attribute)
            and n.attr.value in ("__init__", name)
            and not (isinstance(n.value, cst.Call) and code(n.value.func) == "super")
        ):  # another class's super().__init__ is not this one's (no subclass in the module)
            return (
                f"{code(n)[:40]} runs an __init__ explicitly (again, on an object whose "
                f"{attr} others may be filling)"
            )
        if (
            isinstance(n, cst.Name)
            and n.value == name
            and not (isinstance(parents.get(id(n)), cst.FunctionDef | cst.Attribute))
        ) or (isinstance(n, cst.SimpleString) and n.evaluated_value == name):
            return (
                f"`{_shown(n, parents)}` names {name} other than by its def (it could run "
                f"again on an object whose {attr} is being filled)"
            )
        if (
            isinstance(n, cst.Attribute)
            and isinstance(n.value, cst.Name)
            and n.value.value == cls_name
            and _is_set(n, parents)
        ):
            return (
                f"{code(n)[:40]} is set outside the class body (a __new__ or a descriptor "
                f"added so could hand the object out before {attr} is built)"
            )
    return ""


def _is_set(node: cst.CSTNode, parents: dict[int, cst.CSTNode]) -> bool:
    """Is ``node`` a target of an assignment, augmented assignment or ``del``?"""
    parent = parents.get(id(node))
    while isinstance(parent, cst.Element | cst.StarredElement | cst.List | cst.Tuple):
        node, parent = parent, parents.get(id(parent))
    if isinstance(parent, cst.AssignTarget | cst.AugAssign | cst.AnnAssign | cst.Del):
        return parent.target is node
    return False


def _shown(node: cst.CSTNode, parents: dict[int, cst.CSTNode]) -> str:
    """The call ``node`` is an argument of, or its statement, for a refusal."""
    current: cst.CSTNode | None = node
    while current is not None and not isinstance(current, cst.Call | cst.BaseSmallStatement):
        current = parents.get(id(current))
    return code(current if current is not None else node).strip()[:40]
