"""Methods of the copying function's own class that change nothing (``deepcopy-read-only``).

``deepcopy_read_only`` keeps a copy when the function calls anything but builtins, read
methods and functions of the module that change nothing (``deepcopy_callees``) while the
copy is read. A method of the same class called through ``self`` is as common::

    def chargeable_kg(self, shipment):
        return max(shipment.weight_kg, math.ceil(shipment.volume_m3 * self.volumetric))

    def rate(self, shipment):
        lanes = [copy.deepcopy(r) for r in self.RULES ...]   →   lanes = [r for r in ...]
        kg = self.chargeable_kg(shipment)
        for lane in lanes: ...

Such a call is judged like a call of a module function, with what ``self.m`` may be at run
time pinned down as far as the module can tell: the calling function is a plain method (no
decorator) directly in a class at module level, ``self`` is its first parameter and is never
rebound; the class is bound once, has no decorator but ``@dataclass``, no metaclass or other
class keyword, no ``__getattribute__`` nor ``__new__``, no base class (which could have
them, or a metaclass), and no class of the module derives from it; its body
binds ``m`` once, by a ``def`` (no decorator but ``@staticmethod``/``@classmethod``, not
async; ``deepcopy_statics`` says how those are reached), and nothing in the module
assigns or deletes an attribute named ``m`` (an instance attribute would hide the method), nor
calls ``setattr``/``globals``/``vars``/``exec``/``eval``, mentions ``__setattr__`` or assigns
``.__class__``, nor makes a class at run time (``type(n, bases, ns)``, a nested ``class``);
the class's name is only called, read an attribute of, tested by
``isinstance`` or annotated with (``Alias = G`` then ``class H(Alias)`` would derive from it).
The method's body must change nothing (a ``+=`` on a local that may hold a list changes it in
place, as ``append`` would) and call nothing but what a module function may
(``deepcopy_callees``) and other such methods, at most three calls deep; attribute reads of
``self`` (or ``cls``) are reads, unless the class's own property, descriptor or
``__getattr__`` answers them (``deepcopy_hooks``).

What the module cannot see, a subclass elsewhere overriding ``m``, a patch of ``m`` on the
class, an instance attribute hiding it, is checked at run time: the copy is dropped only while
every method the proof reached through ``self``/``cls`` is the object the class statement made
(``deepcopy_guards``), and made as before otherwise. What stays assumed: that ``rate`` itself
is not called as ``TariffBook.rate(other, ...)`` with an object of an unrelated class (its
methods are then checked on ``other``, and kept where they differ), and - the same trust as in
attribute reads running no code - that reading ``self``'s attributes runs none (a property of a
subclass could). A method written here that changes anything, the original included, is
refused; a read of the copy handed to it is followed into its parameter, as into a module
function's (``deepcopy_statics``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import libcst as cst

from efficiency.remediate.codemods.deepcopy_callees import Callee, CalleeReads, _rebinds, in_place
from efficiency.remediate.codemods.deepcopy_hooks import hooked_read
from efficiency.remediate.codemods.deepcopy_mutation import mutation
from efficiency.remediate.codemods.deepcopy_statics import (
    THROUGH_CLASS,
    first_param,
    implicit,
    kind_refusal,
    mentions,
    method_kind,
    method_target,
    rebound,
)
from efficiency.remediate.codemods.deepcopy_types import Types
from efficiency.remediate.codemods.pysource import SCOPES, calls_introspection, code, walk

_DEPTH = 3
_DATACLASS = frozenset({"dataclass", "dataclasses.dataclass"})
_NUMBERS = frozenset({"int", "float", "complex", "str", "bytes"})


class MethodReads(CalleeReads):
    """Mixed into ``ReadFollower``: lets ``self.m(...)`` (and a static or class method,
    ``deepcopy_statics``) count as a call that changes nothing when the method above does, and
    follows a read handed to one into its parameter as a module function's is."""

    ancestors: Callable[[cst.CSTNode], Iterator[cst.CSTNode]]
    _is_deepcopy: Callable[[cst.Call], bool]
    #: for the copy judged (set by ``deepcopy_refusal``): the methods of the copying
    #: function's class that the proof reached through its ``self``/``cls``, which the rewrite
    #: checks are still the module's at run time (``deepcopy_guards``), and the functions
    #: (by id) whose ``self``/``cls`` is the copying function's: itself, and those reached
    _guards: list[str]
    _reached: set[int]

    def _note(self, call: cst.Call, target: tuple[cst.ClassDef, str, str]) -> None:
        """Record the method ``call`` reaches, when through the copying function's own
        ``self``/``cls`` (directly or from a method so reached)."""
        owner, name, through = target
        caller: cst.CSTNode | None = self.parent(call)
        while caller is not None and not isinstance(caller, cst.FunctionDef):
            caller = self.parent(caller)
        if through == THROUGH_CLASS or id(caller) not in self._reached:
            return  # through the class's own name: the method written here, as a function's
        if name not in self._guards:
            self._guards.append(name)
        method = _method_def(owner, name)
        if method is not None:
            self._reached.add(id(method))

    def _pure_call(self, call: cst.Call) -> bool:
        return super()._pure_call(call) or self._self_method(call) is None

    def _callee(self, call: cst.Call) -> Callee | None:
        """A function of the module (``deepcopy_callees``), or the method of a class of the
        module that ``call`` calls through ``self``, ``cls`` or the class (``deepcopy_statics``),
        with why it may change something or be another function at run time."""
        found = super()._callee(call)
        target = self._target(call)
        if found is not None or target is None:
            return found
        if isinstance(target, str):
            return Callee(None, code(call.func), target, 0)
        method = _method_def(*target[:2])
        kind = method_kind(method, self._bound) if method is not None else None
        return Callee(method, code(call.func), self._self_method(call), implicit(kind))

    def _returns(self, call: cst.Call) -> cst.BaseExpression | None:
        """The number or string type a method that changes nothing (above) is annotated to
        return, or None. Only such a method handed nothing of the copy: its value then holds
        nothing of it whatever it is (a function handed a read may return a part of it under
        ``-> bool``, and its value is followed instead). ``bool`` is not taken, for the same
        truthy idiom; the annotation is taken as true, as everywhere in
        ``deepcopy-read-only``."""
        reason = self._self_method(call)
        if reason == "" and self._pure_call(call):  # a function of the module (callees)
            return self._annotated(call, self._local)
        if reason is not None:
            return None
        if any(mentions(a.value, self._tracked) for a in call.args):
            return None
        target = self._target(call)
        assert isinstance(target, tuple)
        callee = _method_def(*target[:2])
        kind = callee.returns.annotation if callee is not None and callee.returns else None
        return kind if isinstance(kind, cst.Name) and kind.value in _NUMBERS else None

    def _target(self, call: cst.Call) -> tuple[cst.ClassDef, str, str] | str | None:
        return method_target(call, self._module_node(), self._bound, self.parent)

    def _method_note(self, node: cst.CSTNode, why: str) -> str:
        """``why`` a call is refused, with why a ``self.m(...)`` is not taken as a read."""
        if not isinstance(node, cst.Call):
            return why
        reason = self._self_method(node)
        return why if not reason else f"{why} ({code(node.func)} {reason})"

    def _self_method(self, call: cst.Call) -> str | None:
        """None when ``call`` is ``self.m(...)`` (or ``cls.m``, ``Class.m``) for a method that
        changes nothing (above), "" when it is no such call, else why the method is not taken
        as such."""
        target = self._target(call)
        if target is None or isinstance(target, str):
            return "" if target is None else target
        self._note(call, target)
        return self._method_refusal(*target, 0, frozenset())

    def _module_node(self) -> cst.Module:
        assert self._module is not None
        return self._module

    def _method_refusal(
        self, owner: cst.ClassDef, name: str, through: str, depth: int, seen: frozenset[str]
    ) -> str | None:
        """Why ``owner``'s method ``name``, called ``through`` an instance, a class object or
        the class's name (``deepcopy_statics``), may change something or be another function
        at run time, or None."""
        key = f"{owner.name.value}.{name}"
        if key in seen or depth >= _DEPTH:
            return "calls methods too deep (or itself)"
        why = self._class_refusal(owner, name)
        if why is not None:
            return why
        method = _method_def(owner, name)
        assert method is not None  # bound once in the class, by a def (_class_refusal)
        kind = method_kind(method, self._bound)
        why = kind_refusal(kind, through)
        if why is not None:
            return why
        first = first_param(method) if kind != "static" else None
        if method.asynchronous or (kind != "static" and first is None):
            return "is decorated, async or takes no self"
        if calls_introspection(method):
            return "calls locals()/vars()/eval()/exec()"
        if any(isinstance(n, SCOPES) for n in walk(method.body)):
            return "defines a nested function, lambda or class"
        module = self._module_node()
        why = hooked_read(method, owner, first, module, self._bound)
        if why is not None:
            return why
        types = Types(module, method)
        types.shadowed = lambda n: n in self._bound or n in types.bound
        if first is not None and rebound(method, first, self.parent):
            return f"rebinds {first}"
        spoiling = self._descriptor_reads(method, types)  # deepcopy_descriptors
        if spoiling:
            return spoiling[0][1]
        functions = self._functions()
        for node in walk(method.body):
            why = mutation(node, method.name, types) or in_place(node, types)
            if why is None:
                continue
            inner = node.func if isinstance(node, cst.Call) else None
            if inner is not None and self._math(inner) and "math" not in types.bound:
                continue
            if isinstance(node, cst.Call) and self._is_deepcopy(node):
                continue  # a copy changes nothing (deepcopy is taken to run no hooks)
            if (
                isinstance(inner, cst.Name)
                and inner.value in functions
                and inner.value not in types.bound
            ):
                again = self._pure_refusal(inner.value, depth + 1)
                if again is None:
                    continue
                return f"calls {inner.value}(), which {again}"
            target = self._target(node) if isinstance(node, cst.Call) else None
            if isinstance(target, str):
                return f"calls {code(inner or node)}(), which {target}"
            if target is not None:
                assert isinstance(node, cst.Call)
                self._note(node, target)
                again = self._method_refusal(*target, depth + 1, seen | {key})
                if again is None:
                    continue
                return f"calls {code(inner or node)}(), which {again}"
            return why.replace("the function ", "", 1)
        return None

    def _class_refusal(self, owner: cst.ClassDef, name: str) -> str | None:
        """Why ``self.name`` in a method of ``owner`` may not be ``owner``'s own ``def name``
        as far as the module can tell, or None."""
        module = self._module_node()
        cls = owner.name.value
        if self._bound.get(cls) != 1 or self._bound.get("*"):
            return f"is a method of {cls}, which is bound more than once (or a star import)"
        if owner.keywords or any(code(d.decorator) not in _DATACLASS for d in owner.decorators):
            return f"is a method of {cls}, which has a metaclass or a decorator"
        binds = [s for s in _body(owner) if name in _binds(s)]
        if len(binds) != 1 or not isinstance(binds[0], cst.FunctionDef):
            return f"is not bound once in {cls}, by a def"
        if any("__getattribute__" in _binds(s) for s in _body(owner)):
            return f"is looked up through {cls}.__getattribute__"
        if any("__new__" in _binds(s) for s in _body(owner)):
            return f"is a method of {cls}, whose __new__ may make an instance of another class"
        if any(code(b.value) != "object" for b in owner.bases):
            return f"is a method of {cls}, whose base class may look it up or make it otherwise"
        for node in walk(module):
            if isinstance(node, cst.ClassDef) and any(
                isinstance(n, cst.Name) and n.value == cls
                for base in node.bases
                for n in walk(base)
            ):
                return f"may be overridden by {node.name.value}, which derives from {cls}"
            if isinstance(node, cst.AssignTarget | cst.AugAssign | cst.AnnAssign | cst.Del):
                target = node.target
                if isinstance(target, cst.Attribute) and target.attr.value in (name, "__class__"):
                    return f"is hidden or rebound by an assignment to .{target.attr.value}"
            if isinstance(node, cst.Attribute) and node.attr.value == "__setattr__":
                return "is in a module that calls __setattr__, which could hide it"
            if _makes_class(node, module):
                return "is in a module that makes classes at run time (type(), a nested class)"
            if isinstance(node, cst.Name) and node.value == cls and self._passed(node):
                return f"is a method of {cls}, which is used as a value (a subclass may be made)"
        if _rebinds(module):
            return "is in a module that calls setattr()/globals()/vars(), which could rebind it"
        return None

    def _passed(self, name: cst.Name) -> bool:
        """Is the class name ``name`` used other than as its own class's name, called,
        read an attribute of, tested by isinstance or in an annotation (``Alias = G``,
        ``class H(Alias)``, ``type("X", (G,), ...)`` could make a subclass of it)?"""
        parent = self.parent(name)
        if isinstance(parent, cst.ClassDef) and parent.name is name:
            return False
        if isinstance(parent, cst.Call) and parent.func is name:
            return False
        if isinstance(parent, cst.Attribute) and parent.value is name:
            return False
        if isinstance(parent, cst.Arg) and parent.keyword is None:
            call = self.parent(parent)
            test = isinstance(call, cst.Call) and isinstance(call.func, cst.Name)
            if test and call.func.value in ("isinstance", "issubclass"):  # type: ignore
                return False
        return not any(isinstance(a, cst.Annotation) for a in self.ancestors(name))


def _makes_class(node: cst.CSTNode, module: cst.Module) -> bool:
    """Is ``node`` a class made at run time, which may derive from any class it is handed
    (``type(name, bases, ns)``, ``types.new_class``, a class statement not at module level)?"""
    if isinstance(node, cst.ClassDef):
        return not any(s is node for s in module.body)
    if isinstance(node, cst.Call):
        name = node.func.attr.value if isinstance(node.func, cst.Attribute) else code(node.func)
        return name == "new_class" or (name == "type" and len(node.args) == 3)
    return False


def _body(owner: cst.ClassDef) -> list[cst.CSTNode]:
    """The statements of a class body, those of one-line statements one by one."""
    found: list[cst.CSTNode] = []
    if not isinstance(owner.body, cst.IndentedBlock):
        return found
    for statement in owner.body.body:
        if isinstance(statement, cst.SimpleStatementLine):
            found.extend(statement.body)
        else:
            found.append(statement)
    return found


def _binds(statement: cst.CSTNode) -> set[str]:
    """The names a class-body statement binds in the class namespace (any nested statement
    counted, to stay on the safe side)."""
    if isinstance(statement, cst.FunctionDef | cst.ClassDef):
        return {statement.name.value}
    names: set[str] = set()
    for node in walk(statement):
        targets: list[cst.CSTNode] = []
        if isinstance(node, cst.AssignTarget | cst.AnnAssign | cst.AugAssign | cst.For):
            targets = [node.target]
        elif isinstance(node, cst.AsName | cst.NamedExpr):
            targets = [node.name if isinstance(node, cst.AsName) else node.target]
        elif isinstance(node, cst.Import | cst.ImportFrom) and not isinstance(
            node.names, cst.ImportStar
        ):
            targets = [a.asname.name if a.asname else a.name for a in node.names]
        elif isinstance(node, cst.FunctionDef | cst.ClassDef):
            names.add(node.name.value)
        for target in targets:
            names.update(n.value for n in walk(target) if isinstance(n, cst.Name))
    return names


def _method_def(owner: cst.ClassDef, name: str) -> cst.FunctionDef | None:
    """The first ``def name`` directly in ``owner``'s body, or None."""
    return next(
        (s for s in _body(owner) if isinstance(s, cst.FunctionDef) and s.name.value == name), None
    )
