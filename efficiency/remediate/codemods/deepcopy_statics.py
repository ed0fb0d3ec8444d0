"""Static and class methods, and methods handed the copy (``deepcopy-read-only``).

``deepcopy_methods`` lets a plain method of the copying function's own class, called through
``self``, run while the copy is read when, as written in this module, it changes nothing.
Two neighbouring shapes are as common::

    @staticmethod
    def airmass(altitude_deg: float) -> float: ...

    def _mask_altitude(self, profile: dict, azimuth_deg: float) -> float:
        mask = profile["horizon_mask"] ...

    def score(self, target):
        profile = copy.deepcopy(self._site)       →   profile = self._site
        if target.altitude_deg <= self._mask_altitude(profile, target.azimuth_deg): ...
        am = self.airmass(target.altitude_deg)

* A method decorated with ``@staticmethod`` or ``@classmethod`` alone (the builtins: neither
  name is bound in the module) is judged as a plain method is (``deepcopy_methods``): its body
  must change nothing and call nothing but what a module function may, and other such methods.
  It may be called through ``self`` (the first parameter of a plain method), through ``cls``
  (the first parameter of a ``@classmethod``), or through the class's own name
  (``Planner.airmass(x)``, the name not bound in the calling function). A plain method called
  through ``cls`` or the class's name would take its first argument as ``self`` and is
  refused. A static method reaches nothing of the instance; a class method reaches what its
  ``cls`` holds, and reads of it are reads, as reads of ``self`` are for a plain method, while
  a store to ``cls.X`` or a call such as ``cls.X.append(...)`` is a change, and refused.
* The copy, or a read of it, may be handed to such a method or to a plain method called through
  ``self``: the method's parameter is then followed as a read of the copy, exactly as a module
  function's parameter is (``deepcopy_callees``): only read there (a store such as
  ``self.kept = profile`` is refused, as is a change of it), and the method's value, which may
  be a part of the parameter, is followed on in the caller. Arguments are matched to the
  parameters past the implicit ``self``/``cls``. The return annotation of a method handed a
  read is not taken as proof that its value holds nothing of the copy.

A method called through ``self`` or ``cls`` may be overridden by a subclass defined in another
module, patched on the class or hidden by an instance attribute; with the copy dropped such a
method would be handed the original where it was handed a copy. So the copy is dropped only
behind a run-time check that every method so reached is still the one the class statement made
(``deepcopy_guards``); otherwise it is made as before. A class of this module deriving from the
method's class (overriding the method or not) keeps the copy outright. Called through the
class's own name, the method is the one written here and is not checked, as a module function
is not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import libcst as cst

from efficiency.remediate.codemods.deepcopy_flow import direct_mark
from efficiency.remediate.codemods.deepcopy_items import binds_name
from efficiency.remediate.codemods.pysource import SCOPES, walk

Parents = Callable[[cst.CSTNode], cst.CSTNode | None]
#: how a method is reached: through an instance (``self``), a class object of the class or
#: a subclass (``cls``), or the class's own name
THROUGH_SELF, THROUGH_CLS, THROUGH_CLASS = "self", "cls", "class"
_DECORATORS = {"staticmethod": "static", "classmethod": "class"}


def method_kind(method: cst.FunctionDef, bound: Mapping[str, int]) -> str | None:
    """The kind: "method" for an undecorated def, "static" or "class" for one decorated
    only with the builtin ``@staticmethod``/``@classmethod`` (not bound in the module), else
    None."""
    if not method.decorators:
        return "method"
    decorator = method.decorators[0].decorator
    if len(method.decorators) != 1 or not isinstance(decorator, cst.Name):
        return None
    if decorator.value not in _DECORATORS or decorator.value in bound or bound.get("*"):
        return None
    return _DECORATORS[decorator.value]


def kind_refusal(kind: str | None, through: str) -> str | None:
    """Why a method of ``kind`` may not be called as ``through`` says, or None."""
    if kind is None:
        return "is decorated, async or takes no self"  # decorated other than the two above
    if kind == "method" and through != THROUGH_SELF:
        return "is a plain method called through the class (its first argument is taken as self)"
    return None


def implicit(kind: str | None) -> int:
    """How many parameters a call of a method of ``kind``, through ``self``, ``cls`` or the
    class, fills before its first argument (``self`` or ``cls``)."""
    return 0 if kind == "static" else 1


def first_param(function: cst.FunctionDef) -> str | None:
    params = [*function.params.posonly_params, *function.params.params]
    return params[0].name.value if params else None


def rebound(function: cst.FunctionDef, name: str, parent_of: Parents) -> bool:
    """Is the parameter ``name`` bound again in ``function``'s body?"""
    return any(
        isinstance(n, cst.Name) and n.value == name and binds_name(n, parent_of)
        for n in walk(function.body)
    )


def binds(function: cst.FunctionDef, name: str, parent_of: Parents) -> bool:
    """Does ``function`` bind ``name`` anywhere (a parameter, an assignment, an import)?"""
    for node in walk(function):
        if isinstance(node, cst.Name) and node.value == name and binds_name(node, parent_of):
            return True
        imported = isinstance(node, cst.ImportAlias) and node.asname is None
        if imported and node.evaluated_name.split(".")[0] == name:  # type: ignore[union-attr]
            return True
    return False


def owner_of(function: cst.FunctionDef, parent_of: Parents) -> cst.ClassDef | None:
    """The class at module level whose body holds ``function`` directly."""
    block = parent_of(function)
    owner = parent_of(block) if isinstance(block, cst.IndentedBlock) else None
    if isinstance(owner, cst.ClassDef) and isinstance(parent_of(owner), cst.Module):
        return owner
    return None


def method_target(
    call: cst.Call, module: cst.Module, bound: Mapping[str, int], parent_of: Parents
) -> tuple[cst.ClassDef, str, str] | str | None:
    """For ``x.m(...)``: the class of this module, the method's name and how it is reached
    (``THROUGH_*``) when ``x`` is the first parameter of a plain method or class method
    directly in that class, never rebound, or the class's own name, not bound in the calling
    function; why not when ``x`` is the first parameter of a method decorated otherwise (a
    static method's first parameter is no instance); None when the call is none of these."""
    func = call.func
    if not isinstance(func, cst.Attribute) or not isinstance(func.value, cst.Name):
        return None
    through = func.value.value
    caller: cst.CSTNode | None = parent_of(call)
    while caller is not None and not isinstance(caller, (*SCOPES, cst.Module)):
        caller = parent_of(caller)
    if not isinstance(caller, cst.FunctionDef):
        return None
    owner = owner_of(caller, parent_of)
    if owner is not None and first_param(caller) == through:
        kind = method_kind(caller, bound)
        if kind not in ("method", "class"):
            return "is called from a decorated method (self may be no instance)"
        if rebound(caller, through, parent_of):
            return f"is called through {through}, which is rebound"
        return owner, func.attr.value, THROUGH_SELF if kind == "method" else THROUGH_CLS
    if binds(caller, through, parent_of):
        return None
    named = next(
        (s for s in module.body if isinstance(s, cst.ClassDef) and s.name.value == through), None
    )
    return (named, func.attr.value, THROUGH_CLASS) if named is not None else None


def mentions(node: cst.CSTNode, tracked: set[str]) -> bool:
    """Does ``node`` hold a name in ``tracked`` (a name holding the copy or a read of it), or
    a copy read directly?"""
    return any(
        (isinstance(n, cst.Name) and n.value in tracked)
        or (isinstance(n, cst.Call) and direct_mark(n) in tracked)
        for n in walk(node)
    )
