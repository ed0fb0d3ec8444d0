"""Calls a copy's reads may go through: builtins and functions of the module that only read
(``deepcopy-read-only``).

``deepcopy_read_only`` keeps a copy when the function calls anything but a few builtins while
the copy is read, and refuses any read passed to a call. Two kinds of call are safe:

* the builtins of ``deepcopy_builtins``: a read given to ``list``/``zip``/``enumerate``... is
  followed on through their value, a lazy one (an iterator over the data) may not leave;
* a function of this module to which the copy (or a read of it) is passed and which only reads
  that parameter::

      def needed_mm(profile: dict, stage: str) -> float:
          return profile["water_mm"].get(stage, 0.0) * profile["factor"]

      def plan(plot):
          profile = crop_profile(plot.crop)          profile = _crop_profile_view(plot.crop)
          mm = needed_mm(profile, plot.stage)   →    mm = needed_mm(profile, plot.stage)

  The function must be a plain module-level ``def`` (a method of a class of the module is
  followed likewise, behind the run-time check ``deepcopy_guards`` adds), bound once in the module,
  neither decorated nor async, in a module with no star import and no call of
  ``globals()``/``setattr``/``vars`` (which could rebind it); its body must change
  nothing and call nothing but what the caller may call (pure builtins, read methods, other
  such functions, at most three calls deep, never itself; and the number functions of an
  ``import math`` such as ``math.ceil``), and hold no nested function, lambda
  or class. Its parameter is then followed as a read of the copy, by the same rules as a name of
  the caller, and its value at the call (which may be what it returned of the parameter) is
  followed on in the caller as a read too; a value of the call that leaves the caller is
  refused (deep-copying it there could copy what was not the copy's). Such a function
  annotated to return a number or a string (``-> float``, not ``bool``: a truthy idiom may
  return a part of its argument under it) is believed where its body agrees, every
  ``return`` a value its own annotations prove a scalar (``deepcopy_returns``; not the
  annotation alone: ``-> float`` over ``return t["tiers"]`` would hand a list on): its value
  is then that scalar (``f = band(...)`` then ``f *= k`` makes a new number,
  ``base * factor(table)`` is arithmetic on scalars). Its parameters are followed three names
  deep each, however deep the calls that reach them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import libcst as cst

from efficiency.remediate.codemods.deepcopy_builtins import drained, lazy, passes_through
from efficiency.remediate.codemods.deepcopy_descriptors import Descriptors
from efficiency.remediate.codemods.deepcopy_lambdas import lazy_reads
from efficiency.remediate.codemods.deepcopy_mutation import mutation
from efficiency.remediate.codemods.deepcopy_names import rebinds as _rebinds
from efficiency.remediate.codemods.deepcopy_operands import _own_operand
from efficiency.remediate.codemods.deepcopy_returns import scalar_returns
from efficiency.remediate.codemods.deepcopy_types import Types
from efficiency.remediate.codemods.pysource import SCOPES, calls_introspection, code, walk

_DEPTH = 3
#: return annotations taken as an immutable value (not ``bool``: a truthy idiom may return a
#: part of an argument under it, as in ``deepcopy_methods``)
_SCALAR_RETURNS = frozenset({"int", "float", "complex", "str", "bytes"})
_LAZY = "an iterator over it"
_RETURNED = "<returned>"
#: functions of ``math`` that compute a number from numbers and change nothing
MATH = frozenset(
    {"ceil", "floor", "trunc", "sqrt", "exp", "log", "log2", "log10", "pow", "fabs", "hypot"}
    | {"isclose", "isfinite", "isinf", "isnan", "fsum", "prod", "copysign", "gcd", "lcm"}
    | {"sin", "cos", "tan", "asin", "acos", "atan", "atan2", "radians", "degrees"}
    | {"sinh", "cosh", "tanh", "expm1", "log1p", "fmod", "isqrt", "dist"}
)


class Callee(NamedTuple):
    """A function of the module a read is handed to."""

    #: None where it cannot be told (then ``refusal`` says why)
    function: cst.FunctionDef | None
    #: as the call spells it (``needed``, ``self._mask``)
    name: str
    #: why it may change something or be another function at run time, or None
    refusal: str | None
    #: the positional parameters the call fills itself (a method's ``self`` or ``cls``)
    skip: int


class CalleeReads:
    """Mixed into ``ReadFollower``: follows reads into the calls above."""

    _module: cst.Module | None
    _bound: dict[str, int]
    _types: Types | None
    _tracked: set[str]
    _escapes: list[cst.CSTNode]
    _entry: int
    _checking: frozenset[str]
    parent: Callable[[cst.CSTNode], cst.CSTNode | None]
    _shadowed: Callable[[str], bool]
    _read_only: Callable[..., str | None]
    _name_read_only: Callable[..., str | None]
    #: the module's classes' descriptors (``deepcopy_descriptors``), and the module they are of
    _descriptors: Descriptors
    _described: cst.Module | None = None

    def _descriptor_reads(
        self, function: cst.FunctionDef, types: Types, skip: tuple[cst.CSTNode, ...] = ()
    ) -> list[tuple[cst.Attribute, str]]:
        """The attribute reads in ``function`` (not under ``skip``) that may run code of a
        class of the module, each with why (``deepcopy_descriptors``)."""
        assert self._module is not None
        if self._described is not self._module:
            self._descriptors = Descriptors(self._module, self._bound)
            self._described = self._module
        return self._descriptors.refusal(function, types, skip)

    def _through_call(
        self, arg: cst.Arg, function: cst.FunctionDef, depth: int, whole: bool
    ) -> str | None:
        """For a read given as ``arg`` to a call: None when it is only read there and the
        call's value too, else why not; "" when the call is none of the kinds above."""
        call = self.parent(arg)
        if not isinstance(call, cst.Call) or depth >= _DEPTH:
            return ""
        if passes_through(arg, call, self._shadowed):
            leaving = _LAZY if lazy(call, self._shadowed) else None
            if leaving and drained(call, self.parent, self._shadowed):
                leaving = None  # read through at once: list(zip(...)), for x in reversed(...)
            if not self._own_others(call, arg):
                leaving = f"{code(call.func)}(), whose value may hold another argument's objects"
            return self._result(call, function, depth, leaving, whole)
        callee = self._callee(call)
        if callee is None:
            return ""
        helper, name, why, skip = callee
        if why is not None:
            return f"is passed to {name}(), which {why}"
        assert helper is not None  # found, and nothing refused
        param = _param_for(helper, call, arg, skip)
        if param is None:
            return f"is passed to {name}() other than as one plain parameter"
        why = self._param_reads(helper, param, depth)
        if why is not None and why != _RETURNED:
            return f"is passed to {name}(), where {why}"
        if why is None:
            return None  # nothing of it is returned: the call's value is not the copy's
        return self._result(call, function, depth + 1, f"the value of {name}()", False)

    def _callee(self, call: cst.Call) -> Callee | None:
        """The function of this module ``call`` calls, with why it may change something (or
        None); None when it calls no such function (``deepcopy_methods`` adds methods)."""
        if not isinstance(call.func, cst.Name) or self._local(call.func.value):
            return None
        helper = self._functions().get(call.func.value)
        if helper is None:
            return None
        return Callee(helper, call.func.value, self._pure_refusal(call.func.value, 0), 0)

    def _own(self, node: cst.BaseExpression) -> bool:
        """Is ``node`` a scalar or made only of reads of the copy (``_own_operand``)?"""
        assert self._types is not None
        return _own_operand(node, self._types, self._tracked)

    def _own_others(self, call: cst.Call, arg: cst.Arg) -> bool:
        """Is every other argument of ``call`` (but the function of ``map``/``filter`` and
        the ``key``/``reverse``/``strict`` switches) a scalar or a read of the copy too?"""
        assert self._types is not None
        func = call.args[0] if code(call.func) in ("map", "filter") else None
        switches = ("key", "reverse", "strict")
        return all(
            _own_operand(a.value, self._types, self._tracked)
            for a in call.args
            if a is not arg
            and a is not func
            and (a.keyword is None or a.keyword.value not in switches)
        )

    def _result(
        self,
        call: cst.Call,
        function: cst.FunctionDef,
        depth: int,
        leaving: str | None,
        whole: bool,
    ) -> str | None:
        count = len(self._escapes)
        why = self._read_only(call, function, depth, whole)
        if why is None and leaving is not None and len(self._escapes) > count:
            del self._escapes[count:]
            return f"leaves the function through {leaving} (deep-copying it there would differ)"
        return why

    def _param_reads(self, helper: cst.FunctionDef, param: cst.Param, depth: int) -> str | None:
        """Why ``helper`` could keep or change what ``param`` holds, or None."""
        assert self._module is not None
        saved = (self._types, self._tracked, self._escapes, self._entry)
        types = Types(self._module, helper)
        self._types, self._tracked, self._escapes = types, set(), []
        self._entry = depth + 1
        types.shadowed, types.math = self._shadowed, self._math
        types.returns = lambda call: (
            self._annotated(call, types.bound.__contains__) if self._pure_call(call) else None
        )
        try:
            if len(types.bound.get(param.name.value, [])) != 1:
                return f"{param.name.value} is rebound"
            why = self._name_read_only(helper, param.name.value, param.name, depth + 1)
            if why is None:  # a generator or filter made there that outlives the call
                why = lazy_reads(helper, self._tracked, self.parent, self._shadowed)
            return _RETURNED if why is None and self._escapes else why
        finally:
            self._types, self._tracked, self._escapes, self._entry = saved

    def _pure_call(self, call: cst.Call) -> bool:
        """Is ``call`` a call of a function of this module that changes nothing, or of a
        number function of ``math``?"""
        func = call.func
        if self._math(func):
            return True
        if not isinstance(func, cst.Name) or self._local(func.value):
            return False
        return func.value in self._functions() and self._pure_refusal(func.value, 0) is None

    def _math(self, func: cst.BaseExpression) -> bool:
        """Is ``func`` ``math.f`` for a function of ``MATH`` (``math`` imported once, plainly,
        at module level, and not bound in the function)?"""
        if not isinstance(func, cst.Attribute) or not isinstance(func.value, cst.Name):
            return False
        if func.value.value != "math" or func.attr.value not in MATH or self._local("math"):
            return False
        assert self._module is not None
        return self._bound.get("math") == 1 and any(
            isinstance(small, cst.Import)
            and any(
                a.asname is None and getattr(a.name, "value", "") == "math" for a in small.names
            )
            for line in self._module.body
            if isinstance(line, cst.SimpleStatementLine)
            for small in line.body
        )

    def _annotated(self, call: cst.Call, local: Callable[[str], bool]) -> cst.BaseExpression | None:
        """The number or string type the module function ``call`` calls is annotated to
        return, where its body agrees (``deepcopy_returns``), or None. Only a function
        bound once at module level, not by a name ``local`` to the caller: nothing can
        override it, unlike a method. It lets ``f = band_factor(...)`` then ``f *= k`` be a
        new number, not a list changed in place (``in_place``), and ``base * factor(t)`` be
        arithmetic on scalars (the caller asks only of functions that change nothing)."""
        func = call.func
        if not isinstance(func, cst.Name) or local(func.value):
            return None
        helper = self._functions().get(func.value)
        if helper is None or self._bound.get(func.value) != 1 or helper.returns is None:
            return None
        kind = helper.returns.annotation
        if not isinstance(kind, cst.Name) or kind.value not in _SCALAR_RETURNS:
            return None
        checking: frozenset[str] = getattr(self, "_checking", frozenset())
        if func.value in checking or len(checking) >= _DEPTH:
            return None  # (recursion: not believed)
        assert self._module is not None
        types = Types(self._module, helper)  # believed only where its body agrees
        types.shadowed = lambda n: n in self._bound or "*" in self._bound or n in types.bound
        types.math = self._math
        types.returns = lambda inner: self._annotated(inner, types.bound.__contains__)
        self._checking = checking | {func.value}
        try:
            return kind if scalar_returns(helper, types) else None
        finally:
            self._checking = checking

    def _local(self, name: str) -> bool:
        return self._types is not None and name in self._types.bound

    def _functions(self) -> dict[str, cst.FunctionDef]:
        """The module's top-level functions, by name."""
        assert self._module is not None
        return {s.name.value: s for s in self._module.body if isinstance(s, cst.FunctionDef)}

    def _pure_refusal(
        self, name: str, depth: int, seen: frozenset[str] = frozenset()
    ) -> str | None:
        """Why the module function ``name`` may change something (or be another function at
        run time), or None."""
        functions = self._functions()
        helper = functions[name]
        if name in seen or depth >= _DEPTH:
            return "calls functions too deep (or itself)"
        if self._bound.get(name) != 1 or self._bound.get("*"):
            return "is bound more than once in the module (or a star import may rebind it)"
        if helper.decorators or helper.asynchronous:
            return "is decorated or async"
        if _rebinds(self._module):
            return (
                "is in a module that calls globals()/setattr()/vars() or reaches a "
                "__dict__/__globals__, which could rebind it"
            )
        if calls_introspection(helper):
            return "calls locals()/vars()/eval()/exec()"
        if any(isinstance(n, SCOPES) for n in walk(helper.body)):
            return "defines a nested function, lambda or class"
        assert self._module is not None
        types = Types(self._module, helper)
        types.shadowed = lambda n: n in self._bound or n in types.bound
        types.returns = lambda call: self._annotated(call, types.bound.__contains__)
        spoiling = self._descriptor_reads(helper, types)
        if spoiling:
            return spoiling[0][1]
        for node in walk(helper.body):
            why = mutation(node, helper.name, types) or in_place(node, types)
            if why is None:
                continue
            inner = node.func if isinstance(node, cst.Call) else None
            if inner is not None and self._math(inner) and "math" not in types.bound:
                continue
            if (
                isinstance(inner, cst.Name)
                and inner.value in functions
                and inner.value not in types.bound
            ):
                again = self._pure_refusal(inner.value, depth + 1, seen | {name})
                if again is None:
                    continue
                return f"calls {inner.value}(), which {again}"
            return why.replace("the function ", "", 1)
        return None


#: displays and comprehensions: each makes a new container
_NEW_CONTAINERS = (cst.List, cst.Dict, cst.Set, cst.Tuple, cst.ListComp, cst.DictComp, cst.SetComp)


def in_place(node: cst.CSTNode, types: Types) -> str | None:
    """Why ``node`` may change a local's value in place (``x += [...]`` extends the list ``x``
    holds, which may be the data), or None where ``x`` is an immutable scalar or is bound,
    besides such statements, only to scalars (not a method's value: an annotation may lie) or
    to the results of operations (a new object, as the module assumes of operators) or new
    containers."""
    if not isinstance(node, cst.AugAssign) or not isinstance(node.target, cst.Name):
        return None
    name = node.target.value
    if types.scalar(types.type_of(node.target)):
        return None
    starts = [b for b in types.bound.get(name, []) if not isinstance(b, cst.AugAssign)]
    if starts and all(
        isinstance(b, cst.Assign)
        and len(b.targets) == 1
        and isinstance(b.targets[0].target, cst.Name)
        and (
            isinstance(b.value, (cst.BinaryOperation, *_NEW_CONTAINERS))
            or (
                types.scalar(types.type_of(b.value))
                and not (isinstance(b.value, cst.Call) and isinstance(b.value.func, cst.Attribute))
            )
        )
        for b in starts
    ):
        # starts as a number or string (``total = 0``), as the new value an operation makes
        # (``amount = Decimal(x) * rate``: not the data's own object, whatever it is) or as a
        # new container (``parts = [...]``: ``+=`` changes its top level, not what it holds)
        return None
    return f"changes {name} in place (augmented assignment on what may be a list)"


def _param_for(
    helper: cst.FunctionDef, call: cst.Call, arg: cst.Arg, skip: int
) -> cst.Param | None:
    """The parameter of ``helper`` that ``arg`` of ``call`` binds, when every argument is plain
    and ``helper`` takes no ``*args``/``**kwargs`` (the first ``skip`` positional parameters
    are bound by the call itself: a method's ``self`` or ``cls``)."""
    params = helper.params
    if params.star_kwarg is not None or isinstance(params.star_arg, cst.Param):
        return None
    if any(a.star for a in call.args):
        return None
    if arg.keyword is not None:
        named = [*params.params[max(0, skip - len(params.posonly_params)) :]]
        named += params.kwonly_params
        return next((p for p in named if p.name.value == arg.keyword.value), None)
    positional = [a for a in call.args if a.keyword is None]
    ordered = [*params.posonly_params, *params.params][skip:]
    index = next(i for i, a in enumerate(positional) if a is arg)
    return ordered[index] if index < len(ordered) else None
