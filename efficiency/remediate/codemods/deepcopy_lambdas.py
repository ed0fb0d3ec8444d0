"""Lambdas in a function whose copy is dropped (``deepcopy-read-only``).

A lambda defined in the function can reach the copy two ways: its body mentions a name that
holds the copy or a read of it (a closure), or whoever calls it hands it such a value. It is
harmless when its body only reads and the lambda object goes nowhere that could call it
later, keep it, or do more with what it returns than the function itself may. Taken:

* the ``key=`` of ``min``/``max``/``sorted`` (builtins, not rebound) or of a ``.sort(...)``
  method call (only ``key=``/``reverse=``): the key's result is only compared. ``.sort`` of
  anything but a list the function made is a call of unknown code, judged as every call is
  (``deepcopy_live``: only before the copy or after its last read, and a lambda whose body
  mentions the copy is itself a read of it, so such a call never runs outside them);
* the function of ``map``/``filter`` (``deepcopy_builtins.mapped_lambda``);
* a lambda bound once to a local name (``score = lambda t: ...``) that is only ever called
  there, with plain positional arguments as many as it takes (``score(row)``): it is followed
  as a function of the module is (``deepcopy_callees``): a read handed to it is followed into
  its parameter, a read its body returns (through its parameter or its closure) is followed on
  from every call of it, and the name counts as a read of the copy for when code may run
  (``deepcopy_live``: a later ``score()`` reads the copy then).

A called lambda a read is handed to must be handed only reads of the copy or scalars by
every call of it (its value, deep-copied where it leaves, would otherwise be someone else's
object copied). A ``filter`` whose lambda, or a generator expression that, mentions the copy
must be read through where it is made (``lazy_reads``): kept, it would read the copy whenever
it is consumed, after the function's reads or the call.

Any other lambda (stored in a container or attribute, returned, passed to any other call,
bound to a name used otherwise) is refused: whoever holds it could call it at any time and
keep or change what it returns. The body of every lambda taken may call only the builtins
that read (``abs``, ``len``, ``min``...; ``LAMBDA_CALLS``) and the read methods, with no
keyword arguments, no walrus, ``yield`` or ``await``, no nested lambda or comprehension; its
plain parameters (one, but for a called lambda) shadow no local name and are named as no
other lambda's of the function (each is followed as a name of its own).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import libcst as cst

from efficiency.remediate.codemods.deepcopy_builtins import drained, mapped_lambda
from efficiency.remediate.codemods.deepcopy_helpers import LAMBDA_CALLS, PICKERS
from efficiency.remediate.codemods.deepcopy_types import READ_METHODS, Types
from efficiency.remediate.codemods.pysource import code, walk

Parents = Callable[[cst.CSTNode], cst.CSTNode | None]
_NESTED = (cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


def bound_lambda(node: cst.Lambda, parent: Parents, types: Types) -> str | None:
    """The local name ``node`` is bound to, once (``name = lambda ...``), or None."""
    assign = parent(node)
    if not isinstance(assign, cst.Assign) or assign.value is not node or len(assign.targets) != 1:
        return None
    target = assign.targets[0].target
    if not isinstance(target, cst.Name) or types.bound.get(target.value) != [assign]:
        return None
    return target.value


def called_lambda(call: cst.CSTNode | None, types: Types | None) -> cst.Lambda | None:
    """The lambda a call ``f(...)`` of a local name bound once to one calls, or None."""
    if types is None or not isinstance(call, cst.Call) or not isinstance(call.func, cst.Name):
        return None
    binds = types.bound.get(call.func.value, [])
    if len(binds) != 1 or not isinstance(binds[0], cst.Assign) or len(binds[0].targets) != 1:
        return None
    value = binds[0].value
    return value if isinstance(value, cst.Lambda) else None


def lambda_refusal(
    node: cst.Lambda, function: cst.FunctionDef, parent: Parents, types: Types
) -> str | None:
    """Why the lambda ``node`` in ``function`` is none of those above, or None."""
    shadowed = types.shadowed
    name = bound_lambda(node, parent, types)
    single = True
    if name is not None:
        why = _calls_only(node, name, function, parent)
        if why is not None:
            return why
        single = False
    else:
        mapped = mapped_lambda(node, parent, shadowed)  # the function of map/filter
        if mapped:
            return mapped
        if mapped is None and not _compared(node, parent, shadowed):
            return (
                "the function defines a lambda that may leave (not the key= of min/max/sorted/"
                ".sort, the function of map/filter, nor bound to a name only called)"
            )
    params = node.params
    star = isinstance(params.star_arg, cst.Param | cst.ParamStar)
    if params.posonly_params or params.kwonly_params or star or params.star_kwarg:
        return "a lambda takes other than plain parameters"
    if any(p.default is not None for p in params.params) or (single and len(params.params) != 1):
        return "a key lambda takes other than one plain parameter"
    others = [
        p.name.value
        for other in walk(function.body)
        if name is not None and isinstance(other, cst.Lambda) and other is not node
        for p in [*other.params.params, *other.params.kwonly_params]
    ]  # a called lambda's parameters are followed by name: no other lambda's may share one
    for param in params.params:
        if param.name.value in types.bound or param.name.value in others:
            return f"a lambda's parameter {param.name.value} shadows a local or another lambda's"
    return _body_refusal(node, shadowed, f"the lambda bound to {name}" if name else "a key lambda")


def lazy_reads(
    function: cst.FunctionDef, tracked: set[str], parent: Parents, shadowed: Callable[[str], bool]
) -> str | None:
    """Why a generator expression, or a ``filter`` whose lambda closes over the copy, that
    mentions a name holding the copy or a read of it may be read after the function's own
    reads (returned, stored, handed on: its test or item is computed when it is consumed,
    perhaps after someone changed the data), or None. Each must be read through where it is
    made (``deepcopy_builtins.drained``: a ``for``, ``list``, ``any``...) or joined there by
    a string literal's ``join``."""
    names = {n for n in tracked if n.isidentifier()}
    for node in walk(function.body):
        if isinstance(node, cst.GeneratorExp):
            made: cst.CSTNode | None = node
        elif isinstance(node, cst.Lambda) and mapped_lambda(node, parent, shadowed) == "":
            arg = parent(node)
            made = parent(arg) if arg is not None else None  # the map/filter call
        else:
            continue
        if made is None or not any(
            isinstance(n, cst.Name) and n.value in names for n in walk(node)
        ):
            continue
        arg = parent(made)
        joined = parent(arg) if isinstance(arg, cst.Arg) else None
        if drained(made, parent, shadowed) or (
            isinstance(joined, cst.Call)
            and isinstance(joined.func, cst.Attribute)
            and isinstance(joined.func.value, cst.SimpleString)
            and joined.func.attr.value == "join"
        ):
            continue
        return (
            "the function makes a lazy iterator that reads the copy when consumed (not read "
            "through where it is made: it may outlive the reads, or the call)"
        )
    return None


def _compared(node: cst.Lambda, parent: Parents, shadowed: Callable[[str], bool]) -> bool:
    """Is ``node`` the ``key=`` of ``min``/``max``/``sorted`` or of a ``.sort()`` call?"""
    arg = parent(node)
    call = parent(arg) if arg is not None else None
    if not isinstance(arg, cst.Arg) or arg.keyword is None or arg.keyword.value != "key":
        return False
    if not isinstance(call, cst.Call):
        return False
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value == "sort":
        return all(
            a.keyword is not None and a.keyword.value in ("key", "reverse") and not a.star
            for a in call.args
        )
    return isinstance(func, cst.Name) and func.value in PICKERS and not shadowed(func.value)


def _calls_only(
    node: cst.Lambda, name: str, function: cst.FunctionDef, parent: Parents
) -> str | None:
    """Why the lambda bound to ``name`` may be used other than called with plain positional
    arguments, as many as it takes, or None."""
    count = len(node.params.params)
    for use in walk(function.body):
        if not isinstance(use, cst.Name) or use.value != name:
            continue
        above = parent(use)
        if isinstance(above, cst.AssignTarget) and above.target is use:
            continue  # its binding
        if isinstance(above, cst.Attribute) and above.attr is use:
            continue  # ``x.name``: another thing
        if isinstance(above, cst.Arg) and above.keyword is use:
            continue
        if not (isinstance(above, cst.Call) and above.func is use):
            return f"the lambda bound to {name} is used other than by calling it (it may leave)"
        if len(above.args) != count or any(a.keyword or a.star for a in above.args):
            return f"{name}() is called other than with one plain argument per parameter"
    return None


def _body_refusal(node: cst.Lambda, shadowed: Callable[[str], bool], shown: str) -> str | None:
    for inner in walk(node.body):
        if isinstance(inner, _NESTED):
            return f"{shown} holds a lambda or comprehension"
        if isinstance(inner, cst.NamedExpr | cst.Yield | cst.Await):
            return f"{shown} binds a name, yields or awaits"
        if isinstance(inner, cst.Call):
            if any(a.keyword is not None for a in inner.args):
                return f"{shown} calls with keyword arguments"
            func = inner.func
            if isinstance(func, cst.Name) and func.value in LAMBDA_CALLS:
                if not shadowed(func.value):
                    continue
            elif isinstance(func, cst.Attribute) and func.attr.value in READ_METHODS:
                continue
            return f"{shown} calls {code(func)}(), which could change or keep data"
    return None


class LambdaReads:
    """Mixed into ``ReadFollower`` before ``MethodReads``: follows reads into and out of a
    lambda bound to a name and called (above)."""

    _types: Types | None
    _tracked: set[str]
    parent: Parents
    ancestors: Callable[[cst.CSTNode], Iterator[cst.CSTNode]]
    _read_only: Callable[..., str | None]
    _own: Callable[[cst.BaseExpression], bool]

    def _compared_in_lambda(self, use: cst.CSTNode, function: cst.FunctionDef) -> bool:
        """Is ``use`` inside a lambda whose value is only compared or tested (a key, the
        function of ``map``/``filter``; judged by ``lambda_refusal``)? A use inside a called
        lambda is followed instead, and the lambda's name counts as a read of the copy from
        then on: each call of it reads the copy (``deepcopy_live``)."""
        assert self._types is not None
        for ancestor in self.ancestors(use):
            if ancestor is function:
                return False
            if isinstance(ancestor, cst.Lambda):
                name = bound_lambda(ancestor, self.parent, self._types)
                if name is None:
                    return True
                self._tracked.add(name)
                return False
        return False

    def _lambda_value(self, node: cst.CSTNode, function: cst.FunctionDef, depth: int) -> str | None:
        """For a read that is the whole body of a called lambda: why the value of some call of
        it could keep the data, or None; "" when ``node`` is no such body."""
        above = self.parent(node)
        if not isinstance(above, cst.Lambda) or above.body is not node:
            return ""
        assert self._types is not None
        name = bound_lambda(above, self.parent, self._types)
        if name is None:
            return None  # a key (only compared)
        calls = [c for c in walk(function.body) if isinstance(c, cst.Call) and code(c.func) == name]
        params = [p.name.value for p in above.params.params]
        for call in calls:  # a parameter handed a read is in the value: so is each other call's
            for param, arg in zip(params, call.args, strict=False):
                if param in self._tracked and not self._own(arg.value):
                    # ``ident(mine)``: someone else's, which would be deep-copied where it leaves
                    return f"is returned by {name}(), which is also handed what is not the copy's"
        if f"{name}()" in self._tracked:
            return None  # its calls are being followed already
        self._tracked |= {name, f"{name}()"}
        for call in calls:
            why = self._read_only(call, function, depth, False)
            if why is not None:
                return f"is returned by {name}(), whose value {why}"
        return None

    def _through_call(
        self, arg: cst.Arg, function: cst.FunctionDef, depth: int, whole: bool
    ) -> str | None:
        """A read handed to a called lambda is followed into its parameter (whose name no other
        lambda and no local has); other calls as ``deepcopy_callees`` follows them."""
        call = self.parent(arg)
        lam = called_lambda(call, self._types)
        if lam is None:
            return super()._through_call(arg, function, depth, whole)  # type: ignore[misc]
        assert isinstance(call, cst.Call)
        index = next(i for i, a in enumerate(call.args) if a is arg)
        param = lam.params.params[index].name.value  # plain, one per argument (judged)
        if param in self._tracked:
            return None  # followed already, from another call
        self._tracked.add(param)
        for use in walk(lam.body):
            if isinstance(use, cst.Name) and use.value == param:
                above = self.parent(use)
                if isinstance(above, cst.Attribute) and above.attr is use:
                    continue
                why = self._read_only(use, function, depth + 1)
                if why is not None:
                    return f"is passed to {code(call.func)}(), where {param} {why}"
        return None
