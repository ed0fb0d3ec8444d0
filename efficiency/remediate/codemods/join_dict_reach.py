"""What could change a private dict attribute while a value going into one of its items is
evaluated, for :mod:`~efficiency.remediate.codemods.join_dict`.

``self._x[k] += piece`` reads the item before ``piece`` runs and stores after it, so the
original drops whatever ``piece`` did to that item (an append, a ``pop``, a ``del``, a
``clear``) and re-inserts the key; the rewrite's ``self._x[k].append(piece)`` keeps the list
it read, so the append lands and a removed key stays removed. A value must therefore reach no
code that changes the dict:

* :func:`dict_writers`: the module's functions and classes that store ``.attr``, ``del`` it or
  an item of it, or call a method on it other than ``get``/``keys``, those that name one of
  them in any way (a call, a property read ``self.stamp``, a bound method handed to
  ``map``/``sorted``), and the names and attributes assigned a value that names one
  (``self._cb = self.also``, ``cb = self.also``); :func:`reach` is that closure, which
  :mod:`~efficiency.remediate.codemods.join_builder` (over the defs storing its attribute)
  and :mod:`~efficiency.remediate.codemods.join_attribute` (over those reading it) share;
* :func:`naming`: the first name in a value that is one of them;
* :func:`value_refusal`: a value that names a writer, or changes the dict itself
  (``self._x.pop(k, "")`` in an f-string field);
* :func:`piece_refusal`: a value (or, for ``join_builder``, an appended piece) that yields or
  awaits, hands the object on, or calls what could store the attribute;
* :func:`generator_refusal`: a writer that is a generator runs whenever anything resumes it
  (``next(it)``, a ``join`` over it), which a name in the value need not show (a generator
  handed back by a call); a value that calls or iterates nothing cannot resume it.
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from efficiency.remediate.codemods.join_builder_facts import callee, storers
from efficiency.remediate.codemods.pysource import code, walk

#: expressions that could resume a generator
_RESUMING = (cst.Call, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp,
             cst.StarredElement, cst.StarredDictElement, cst.Comparison)  # fmt: skip
#: dict methods that change nothing
_READERS = frozenset({"get", "keys"})


def _changes_dict(d: cst.CSTNode, names: set[str]) -> bool:
    """Does ``d`` call a method other than a reader on ``<x>.attr`` (any spelling in names)?"""
    for n in walk(d):
        if (
            isinstance(n, cst.Call)
            and isinstance(n.func, cst.Attribute)
            and isinstance(n.func.value, cst.Attribute)
            and n.func.value.attr.value in names
            and n.func.attr.value not in _READERS
        ):
            return True
    return False


def _named(d: cst.CSTNode) -> set[str]:
    """Every name ``d`` uses, as a name or as an attribute (``f``, ``x.f``)."""
    found: set[str] = set()
    for n in walk(d):
        if isinstance(n, cst.Name):
            found.add(n.value)
        elif isinstance(n, cst.Attribute):
            found.add(n.attr.value)
    return found


def dict_writers(module: cst.Module, names: set[str]) -> set[str]:
    """The module's functions and classes that change the dict (see the module docstring),
    closed over naming one another (:func:`reach`)."""
    defs = [d for d in walk(module) if isinstance(d, cst.FunctionDef | cst.ClassDef)]
    found: set[str] = set()
    for name in names:
        found |= storers(module, name)
    found |= {d.name.value for d in defs if _changes_dict(d, names)}
    return reach(module, found, names)


def reach(module: cst.Module, base: set[str], names: set[str]) -> set[str]:
    """``base`` (names of defs that change or read an attribute), closed over the module's
    functions and classes that name one of them in any way (a call, a property read, a bound
    method handed on) and over the names and attributes assigned a value that names one
    (``self._cb = self.also``, ``cb = self.also``); assignments to ``names`` themselves, the
    attribute's own spellings, bind nothing here."""
    defs = [d for d in walk(module) if isinstance(d, cst.FunctionDef | cst.ClassDef)]
    found = set(base)
    used = {id(d): _named(d.body) for d in defs}
    stores = _bindings(module, names)
    grown = True
    while grown:
        before = len(found)
        found |= {d.name.value for d in defs if used[id(d)] & found}
        found |= {t for targets, value in stores if value & found for t in targets}
        grown = len(found) > before
    return found


def _bindings(module: cst.Module, names: set[str]) -> list[tuple[set[str], set[str]]]:
    """Each assignment of the module as (the names or attributes it binds, the names its
    value uses): ``self._cb = self.also`` makes ``_cb`` hold a writer. The attribute itself
    (or items of the dict) holds exact strs (checked apart), so it binds nothing here."""
    out: list[tuple[set[str], set[str]]] = []
    for n in walk(module):
        targets: list[cst.CSTNode] = []
        if isinstance(n, cst.Assign):
            targets = [t.target for t in n.targets]
        elif isinstance(n, cst.AnnAssign | cst.AugAssign | cst.NamedExpr):
            targets = [n.target]
        if not targets or n.value is None:  # type: ignore[attr-defined]
            continue
        bound = {b for t in targets for b in _bound(t)} - names
        out.append((bound, _named(n.value)))  # type: ignore[attr-defined]
    return out


def _bound(target: cst.BaseExpression) -> set[str]:
    """What a target makes hold the value: a name, an attribute, or the container an item
    goes into (``self._cbs[k] = ...`` → ``_cbs``)."""
    if isinstance(target, cst.Tuple | cst.List):
        return {b for e in target.elements for b in _bound(e.value)}
    if isinstance(target, cst.StarredElement):
        return _bound(target.value)
    if isinstance(target, cst.Subscript):
        return _bound(target.value)
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, cst.Attribute):
        return {target.attr.value}
    return set()


def naming(value: cst.BaseExpression, reached: set[str]) -> cst.CSTNode | None:
    """The first name or attribute in ``value`` that is one of ``reached`` (a def that could
    change the attribute, or a name or attribute that could hold one), else None."""
    for node in walk(value):
        if isinstance(node, cst.Name) and node.value in reached:
            return node
        if isinstance(node, cst.Attribute) and node.attr.value in reached:
            return node
    return None


def value_refusal(
    value: cst.BaseExpression, writers: set[str], names: set[str], parent: Callable
) -> str:
    """Why ``value`` could change the dict while it is evaluated, else ''."""
    found = naming(value, writers)
    if found is not None:
        return f"`{code(found)}` in a value put in an item could change the dict"
    for node in walk(value):
        if isinstance(node, cst.Attribute) and node.attr.value in names:
            up = parent(node)
            if isinstance(up, cst.Attribute) and up.value is node and up.attr.value not in _READERS:
                return f"`{code(up)}` in a value put in an item changes the dict"
    return ""


def piece_refusal(
    piece: cst.BaseExpression,
    obj: str,
    attr: str,
    storing: set[str],
    parent: Callable[[cst.CSTNode], cst.CSTNode | None],
    noun: str,
) -> str:
    """Why ``piece`` (``noun`` in the reason: "an appended piece") could change ``.attr`` of
    ``obj`` behind the append, else '': it yields or awaits, passes ``obj`` itself on, or calls
    a callee with no name or one of ``storing`` (the defs storing it, getattr-like builtins)."""
    for node in walk(piece):
        if isinstance(node, cst.Yield | cst.Await):
            return f"{noun} yields or awaits"
        if isinstance(node, cst.Name) and node.value == obj:
            up = parent(node)
            if not (isinstance(up, cst.Attribute) and up.value is node):
                return f"{noun} passes {obj} itself on"
        if isinstance(node, cst.Call):
            name = callee(node.func)
            if name is None or name in storing:
                return f"`{code(node.func)}` in {noun} could store .{attr}"
    return ""


def generator_refusal(
    module: cst.Module, writers: set[str], values: list[cst.BaseExpression], what: str = "the dict"
) -> str:
    """Why a generator that changes the dict rules the rewrite out: a value that calls,
    iterates (a comprehension, ``*``), or tests ``in`` could resume it. '' if none."""
    if not any(isinstance(n, _RESUMING) for v in values for n in walk(v)):
        return ""
    for d in walk(module):
        if (
            isinstance(d, cst.FunctionDef)
            and d.name.value in writers
            and any(isinstance(n, cst.Yield) for n in walk(d.body))
        ):
            return f"{d.name.value} is a generator that changes {what}: a value could resume it"
    return ""
