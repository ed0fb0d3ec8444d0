"""Shallow-copy a deep copy whose top level alone is changed (``deepcopy-shallow``).

``merged = copy.deepcopy(BASE); merged.update(overrides)`` copies everything reachable from
``BASE`` to change one level. When every change made to the copy is at its top level
(``d[k] = v``, ``del d[k]``, ``d |= ...``, ``d += ...``, ``d.update/pop/setdefault/clear/
popitem(...)``, ``lst.append/extend/insert/remove/pop/sort/reverse(...)``, as statements) and
every value read from it is only read (``deepcopy_shapes``), ``BASE.copy()`` does the same::

    merged = copy.deepcopy(BASE)        →       merged = BASE.copy()
    merged.update(overrides)                    merged.update(overrides)

What is copied must be known: ``BASE`` is a module constant bound once to a dict, list or set
display of plain literal data, in a module that calls no ``globals()``/``vars()``/``exec()``
(which could bind it again) (so the copy is of that exact type, its items run no code when
read, and what each read may be is known from the display), and every other use of ``BASE`` in
the module is the argument of a deep copy: nothing in the module reads or changes its objects
in place, so a value the shallow copy shares with it cannot change while it is held.

When the copy leaves the function (``return merged``), its callers in the module must keep to
the same rule, and callers elsewhere cannot be seen: the function stays as it is, and gets a
sibling that makes the shallow copy, which the callers found to keep to the rule call instead
(``self.pricing`` of a ``@property``, ``self.quote(...)`` of a method in a method of the same
class, ``helper(...)`` of a module function; a caller may bind the value to a name once, change
its top level and read it, but not hand it on). Like ``deepcopy_views``' views, the sibling
first checks that the function is still the one it was made from (an override, a patch or a
method of another instance, or a subclass's ``__getattribute__``, runs instead, as before)::

    @property                                    __pricing_deep = pricing
    def pricing(self): ...
                                                 def __pricing_shallow(self):
    def quote(self, b):                              if <type(self) has its own __getattribute__>:
        p = self.pricing             →                   return self.pricing
                                                     if <type(self).pricing is not
                                                             Op.__pricing_deep>:
                                                         return self.pricing
                                                     merged = BASE.copy() ...
                                                 def quote(self, b):
                                                     p = Op.__pricing_shallow(self)

The class must be at module level, undecorated, without base classes or a metaclass, and bound
once; the function undecorated (or a plain ``@property``), with plain parameters and no
defaults, bound once. What stays assumed: no code outside the module reads the constant's
objects and changes them (``module.BASE["x"].append``), and looking the function up on the
class runs no code that matters. Values put into the copy by its top-level changes are the
caller's, stored by reference before and after alike. A copy only read is left to
``deepcopy-read-only``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider, QualifiedNameProvider

from efficiency.remediate.codemods.deepcopy_helpers import module_bindings
from efficiency.remediate.codemods.deepcopy_names import bindings, loaded, reached_by_name
from efficiency.remediate.codemods.deepcopy_shapes import (
    Shapes,
    SharedUses,
    compares_items,
    shape_of,
    subscript,
)
from efficiency.remediate.codemods.deepcopy_sibling import (
    Sibling,
    add_siblings,
    caller_site,
    describe,
)
from efficiency.remediate.codemods.pysource import (
    SCOPES,
    Edit,
    PythonCodemod,
    Targets,
    calls_introspection,
    code,
    names_in,
    walk,
)

#: methods that change only the top level of a dict, list or set (their arguments are stored)
CHANGES = frozenset({"update", "pop", "setdefault", "clear", "popitem", "append", "extend"})
CHANGES |= {"insert", "remove", "sort", "reverse", "add", "discard"}
#: of those, the ones whose value is an item of the copy
GIVES_ITEM = frozenset({"pop", "setdefault"})


@dataclass
class Site:
    function: cst.FunctionDef
    copy: cst.Call
    constant: str
    #: the sibling made for callers, when the copy leaves the function
    sibling: Sibling | None = None
    callers: list[cst.BaseExpression] = field(default_factory=list)


class _Finder:
    def __init__(self, wrapper: MetadataWrapper, targets: Targets | None) -> None:
        self.module = wrapper.module
        self.targets = targets
        self.parents = wrapper.resolve(ParentNodeProvider)
        self.names = wrapper.resolve(QualifiedNameProvider)
        self.bound = module_bindings(self.module)
        #: names in use, and those the siblings take
        self.taken = names_in(self.module)
        self.constants = self._constants()
        functions = {
            s.name.value: s
            for s in self.module.body
            if isinstance(s, cst.FunctionDef)
            and not s.decorators
            and self.bound.get(s.name.value) == 1
            and self._plain_function(s) is None
        }
        self.uses = SharedUses(self.parent, functions, self.bound.__contains__)
        self.sites: list[Site] = []
        self.refused: list[str] = []

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.parents.get(node)

    def is_deepcopy(self, node: cst.CSTNode) -> bool:
        if not isinstance(node, cst.Call):
            return False
        names = self.names.get(node.func, set())
        names = names() if callable(names) else names  # resolved lazily by libcst
        return any(q.name == "copy.deepcopy" for q in names)

    def _constants(self) -> dict[str, Shapes]:
        """Module constants bound once to a dict, list or set display of plain data."""
        found: dict[str, Shapes] = {}
        if self.bound.get("*") or calls_introspection(self.module):
            return found  # globals()/exec() could bind a name the module does not show
        for statement in self.module.body:
            if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
                continue
            small = statement.body[0]
            if isinstance(small, cst.Assign) and len(small.targets) == 1:
                target, value = small.targets[0].target, small.value
            elif isinstance(small, cst.AnnAssign) and small.value is not None:
                target, value = small.target, small.value
            else:
                continue
            if not isinstance(target, cst.Name) or self.bound.get(target.value) != 1:
                continue
            shape = shape_of(value) if isinstance(value, cst.Dict | cst.List | cst.Set) else None
            if shape is not None:
                found[target.value] = frozenset({shape})
        return found

    def _plain_function(self, function: cst.FunctionDef) -> str | None:
        """Why ``function`` cannot be called in place of another (a sibling), or None."""
        params = function.params
        if function.asynchronous:
            return "is async"
        if params.posonly_params or params.kwonly_params or params.star_kwarg:
            return "takes positional-only, keyword-only or ** parameters"
        if isinstance(params.star_arg, cst.Param | cst.ParamStar):
            return "takes *args"
        if any(p.default is not None for p in params.params):
            return "takes a parameter with a default (an override's default could differ)"
        return self._closed(function)

    def _closed(self, function: cst.FunctionDef) -> str | None:
        """Why the code of ``function`` may run other than where it stands, or None."""
        for node in walk(function.body):
            if isinstance(node, cst.Yield | cst.Await):
                return "yields or awaits"
        if calls_introspection(function):
            return "calls locals()/vars()/eval()/exec()"
        return None

    def find(self) -> None:
        for statement in self.module.body:
            members = [statement] if isinstance(statement, cst.FunctionDef) else []
            if isinstance(statement, cst.ClassDef):
                members = [m for m in statement.body.body if isinstance(m, cst.FunctionDef)]
            for function in members:
                if self.targets is None or id(function) in self.targets.ids:
                    owner = statement if isinstance(statement, cst.ClassDef) else None
                    self._function(function, owner)

    def _function(self, function: cst.FunctionDef, owner: cst.ClassDef | None) -> None:
        for node in walk(function.body):
            if not (isinstance(node, cst.Assign) and self.is_deepcopy(node.value)):
                continue
            shown = code(node).splitlines()[0]
            site, why = self._site(function, owner, node)
            if why is not None:
                self.refused.append(f"{shown}: {why}")
            elif site is not None:
                self.sites.append(site)

    def _site(
        self, function: cst.FunctionDef, owner: cst.ClassDef | None, node: cst.Assign
    ) -> tuple[Site | None, str | None]:
        call = node.value
        assert isinstance(call, cst.Call)
        if len(call.args) != 1 or call.args[0].keyword or call.args[0].star:
            return None, "deepcopy with a memo or unusual arguments"
        source = call.args[0].value
        if not isinstance(source, cst.Name) or source.value not in self.constants:
            return None, (
                "the copied value is not a module constant bound once to a dict, list or set "
                "display of plain literal data (its exact type and contents are not known)"
            )
        constant = source.value
        reached = reached_by_name(self.module, constant)
        if reached is not None:  # code of the module (a property's too) may change it so
            return None, f"{constant} may be reached other than by its name ({reached})"
        for use in walk(self.module):
            above = self.parent(use)
            if isinstance(above, cst.AssignTarget | cst.AnnAssign) and above.target is use:
                continue  # its one binding
            if loaded(use, constant, self.parent) and not self._copied(use):
                return None, (
                    f"{constant} is used other than as the argument of a deep copy (its "
                    "objects could be read or changed in place while a shallow copy shares them)"
                )
        target = node.targets[0].target if len(node.targets) == 1 else None
        if not isinstance(target, cst.Name):
            return None, "the copy is not bound to one plain name"
        why = self._closed(function)
        if why is not None:
            return None, f"the function {why}"
        shapes = self.constants[constant]
        changed, leaves, why = self.root(function, target.value, target, shapes, outer=True)
        if why is not None:
            return None, why
        site = Site(function, call, constant)
        if not leaves:
            if not changed:
                return None, "the copy is never changed (left to deepcopy-read-only)"
            return site, None
        why = self._plain_function(function)
        if why is not None:
            return None, f"the copy is returned by a function that {why}"
        sibling, why = caller_site(self, function, owner, call)
        if sibling is None:
            return None, why
        site.sibling = sibling
        refusals = []
        for caller, reach in sibling.calls(self):
            why = reach or self.caller(caller, shapes)
            if why is None:
                site.callers.append(caller)
            else:
                refusals.append(f"caller `{code(caller)}`: {why}")
        self.refused += refusals
        if not site.callers:
            return None, "the copy is returned and no caller in the module only reads it"
        return site, None

    def _copied(self, use: cst.CSTNode) -> bool:
        arg = self.parent(use)
        call = self.parent(arg) if isinstance(arg, cst.Arg) else None
        return isinstance(call, cst.Call) and self.is_deepcopy(call) and len(call.args) == 1

    def root(
        self, function: cst.FunctionDef, name: str, binding: cst.Name, shapes: Shapes, outer: bool
    ) -> tuple[bool, bool, str | None]:
        """For the name ``name`` holding a shallow copy in ``function``: whether its top level
        is changed, whether it is returned (``outer``: allowed), and why not, if not."""
        augmented = sum(  # d |= x, lst += x: the same object, changed in place
            isinstance(n, cst.AugAssign)
            and isinstance(n.target, cst.Name)
            and n.target.value == name
            for n in walk(function.body)
        )
        if bindings(function, name) - augmented != 1:
            return False, False, f"{name} is bound more than once"
        changed = leaves = False
        for use in walk(function.body):
            if not loaded(use, name, self.parent) or use is binding:
                continue
            assert isinstance(use, cst.Name)
            if any(isinstance(a, SCOPES) for a in self._between(use, function)):
                return False, False, f"{name} is used inside a nested function, class or lambda"
            kind, why = self._top_change(use, name, shapes)
            if kind == "change":
                changed = True
                continue
            if why is not None:
                return False, False, why
            statement = self.parent(use)
            if isinstance(statement, cst.Return) and statement.value is use:
                if not outer:
                    return False, False, f"{name} is returned (its callers are not followed)"
                leaves = True
                continue
            why = self.uses.value(use, shapes, 0)
            if why is not None:
                return False, False, f"{name} {why}"
        return changed, leaves, None

    def _between(self, node: cst.CSTNode, top: cst.CSTNode) -> list[cst.CSTNode]:
        out, current = [], self.parent(node)
        while current is not None and current is not top:
            out.append(current)
            current = self.parent(current)
        return out

    def _top_change(self, use: cst.Name, name: str, shapes: Shapes) -> tuple[str, str | None]:
        """("change", None) when ``use`` changes only the top level of the copy; ("", why)
        when it would change something else; ("", None) when it is no change."""
        parent = self.parent(use)
        above = self.parent(parent) if parent is not None else None
        if isinstance(parent, cst.AugAssign) and parent.target is use:
            if isinstance(parent.operator, cst.BitOrAssign | cst.AddAssign):
                return self._arguments(name, [parent.value])
            return "", f"{name} is changed by `{code(parent).strip()}`"
        if isinstance(parent, cst.Subscript) and parent.value is use:
            if isinstance(above, cst.AssignTarget | cst.Del):
                assignment = self.parent(above)
                values = [assignment.value] if isinstance(assignment, cst.Assign) else []
                return self._arguments(name, [*values, *(s.slice for s in parent.slice)])
            return "", None
        if not (isinstance(parent, cst.Attribute) and parent.value is use):
            return "", None
        method = parent.attr.value
        if method not in CHANGES:
            return "", None
        if not isinstance(above, cst.Call) or above.func is not parent:
            return "", f"{name}.{method} is used other than by calling it"
        statement = self.parent(above)
        if method == "sort" and any(
            a.keyword is None or a.keyword.value != "reverse" for a in above.args
        ):
            return "", f"{name}.sort() is given a key (which could change the items it is given)"
        if method == "remove" and compares_items(shapes, above.args) is not None:
            return "", f"{name}.remove() {compares_items(shapes, above.args)}"
        kind, why = self._arguments(name, [a.value for a in above.args])
        if why is not None or isinstance(statement, cst.Expr):
            return kind, why
        if method in GIVES_ITEM and above.args:
            why = self.uses.value(above, subscript(shapes, above.args[0].value), 0)
            return ("change", None) if why is None else ("", f"{name}.{method}() {why}")
        return "", f"the value of {name}.{method}() is used"

    def _arguments(self, name: str, values: list[Any]) -> tuple[str, str | None]:
        for value in values:
            if any(loaded(n, name, self.parent) for n in walk(value)):
                return "", f"{name} changes its top level with values read from itself"
        return "change", None

    def caller(self, value: cst.BaseExpression, shapes: Shapes) -> str | None:
        """Why the shallow copy a caller gets as ``value`` could be changed below its top level
        or handed on, or None."""
        parent = self.parent(value)
        function = self._between(value, self.module)
        scope = next((n for n in function if isinstance(n, SCOPES)), None)
        if not isinstance(scope, cst.FunctionDef) or calls_introspection(scope):
            return "it is not in a function, or the function calls locals()/vars()/eval()"
        if isinstance(parent, cst.Assign) and parent.value is value and len(parent.targets) == 1:
            target = parent.targets[0].target
            if isinstance(target, cst.Name):
                return self.root(scope, target.value, target, shapes, outer=False)[2]
        why = self.uses.value(value, shapes, 0)
        return None if why is None else f"its value {why}"


class DeepcopyShallow(PythonCodemod):
    name = "deepcopy-shallow"
    needs = ("deepcopy",)

    def rewrite(
        self, wrapper: MetadataWrapper, targets: Targets | None, params: dict[str, Any]
    ) -> Edit:
        finder = _Finder(wrapper, targets)
        finder.find()
        refused = "; ".join(finder.refused)
        if not finder.sites:
            why = refused or "no `name = copy.deepcopy(CONSTANT)` in a function"
            return Edit(wrapper.module, 0, f"{self.name}: nothing to rewrite ({why})")
        new = add_siblings(wrapper.module, finder.sites)
        shown = ", ".join(
            f"{s.constant} in {s.function.name.value}()"
            + (
                f" for {len(s.callers)} caller(s) through {describe(s.sibling)}()"
                if s.sibling
                else ""
            )
            for s in finder.sites
        )
        summary = (
            f"{self.name}: {len(finder.sites)} deep copy(ies) made shallow ({shown}): only "
            "their top level is changed and the values they share with the constant are "
            "only read"
        )
        if any(s.sibling for s in finder.sites):
            summary += (
                "; the function stays for other callers, and its sibling calls it instead "
                "when it is overridden or replaced"
            )
        if refused:
            summary += f"; left: {refused}"
        return Edit(new, len(finder.sites), summary)
