"""Drop ``copy.deepcopy`` of data a function only reads (``deepcopy-read-only``).

``cfg = copy.deepcopy(DEFAULTS)`` walks and copies everything reachable from ``DEFAULTS`` on
every call. When the function then only looks at ``cfg`` - tests, comparisons, ``len`` - the
copy buys nothing and ``cfg = DEFAULTS`` does the same::

    def allowed(user):                          def allowed(user):
        cfg = copy.deepcopy(DEFAULTS)     →         cfg = DEFAULTS
        return user in cfg["users"] and ...         return user in cfg["users"] and ...

Proving "only read" is deliberately narrow. The function must bind the copy once, to a plain
local name (no ``global``/``nonlocal``, no nested function or class, no lambda but a key, the
function of ``map``/``filter`` or one bound to a name and only called, ``deepcopy_lambdas``, no
``locals()`` or ``eval``), and every use of that
name must end in a value that cannot alias the data: a comparison or membership test, a
subscript's key, ``len``/``str``/``repr``/``int``/``float``/``bool``/``hash``/``isinstance``,
an f-string field, ``not``, the test of an ``if``/``while``/conditional, or the body of a key
lambda (only compared), reached only through subscripts, ``.get``/``.keys``/``.values``/
``.items``/``.count``/``.index``, ``min``/``max``/``sorted`` (an element of the data, or a new
list of them; see ``deepcopy_helpers``) and reads of the fields of a plain dataclass (the copy
of ``tiers[name]`` where ``tiers: dict[str, Tier]`` and ``Tier`` is a plain ``@dataclass`` of
this module; see ``deepcopy_types``), or in a value the annotations say is an immutable scalar
(``int``, ``str``...), which cannot alias the data whatever is done with it. A local name
bound once from such a read (``feat = cfg.get("x")``, ``for user in cfg["users"]``) is held to
the same rule, up to three levels deep. Nothing anywhere in the function may mutate anything
or run code that could (no call other than those builtins, ``abs``/``round``/``sum``, read
methods, constructors of plain dataclasses and ``append`` to a list the function made, no
assignment to a subscript or attribute, no ``del``, ``yield`` or ``await``), so the original
cannot change while the alias is read.
A value read from the copy may also leave the function, when it is returned (``return v``, or
an item of a dict, list or tuple display that is returned) or passed to such a constructor or
``append`` (itself, or as an item of a display): then that value alone is deep-copied where it
leaves, every such value through one memo, so values that shared an object in the original
still share one copy, as in the whole copy::

    def resolve(self, req):                  def resolve(self, req):
        p = deepcopy(self.base)      →           p = self.base
                                                 memo = {}
        return {"limit": p["limits"].get(        return {"limit": deepcopy(p["limits"].get(
            req["plan"], p["limits"]["*"])}          req["plan"], p["limits"]["*"]), memo)}

(the default of a ``.get`` on the copy may come from the copy too: the ``.get``'s value is
followed either way; a default from elsewhere, not literals or a scalar, is the caller's own
object when the key is missing, so such a ``.get`` may only be tested). A conditional's branch
whose other branch may be another value
(``c = wanted if ok else cfg["fallback"]``) is deep-copied where it is picked; and/or with
another value, the whole copy returned or stored, or a value that leaves in any other way
(assigned elsewhere, passed on) are refused. The copy may also come from a helper that only
returns ``copy.deepcopy(DEFAULTS)`` (``deepcopy_helpers``): ``cfg = defaults()`` becomes
``cfg = DEFAULTS`` where ``cfg`` is only read; or from a helper with parameters or a method,
whose read-only callers then call an uncopied sibling (``deepcopy_views``). The call may also
be read directly, never bound (``plan_for(t)["limits"]["rpm"]``, ``x not in plan_for(t)[
"regions"]``): its value is then followed as a name's is, and at most one value read from it
may leave. A call or store that runs only before the copy or after its last read is no reason
to keep it (``deepcopy_live``), nor is a builtin that only iterates or inspects its arguments
(``any``, ``zip``...; ``deepcopy_builtins``) or a function of the module that only reads the
copy it is passed (``deepcopy_callees``), or a method of the function's own class, called
through ``self``, that changes nothing (``deepcopy_methods``; the copy is then still made
when such a method is overridden, patched or hidden at run time: ``deepcopy_guards``); a
static or class method is taken likewise, also through ``cls`` or the class's name, and a
method handed the copy is followed into its parameter (``deepcopy_statics``). A new dict
made of the copy's parts (``{**part, "k": v}``) is followed as a read, and stores into it are
allowed (``deepcopy_dicts``); one value leaving once per item of a list of deep copies is
deep-copied on its own (``deepcopy_items``); a plain dataclass the function makes may be
filled from the copy, its new containers grown and its number fields stored to, what goes in
deep-copied there (``deepcopy_owned``). Making a builtin exception (``raise ValueError(...)``)
changes nothing; a read it carries must be a scalar (``deepcopy_builtins``).
Arithmetic on reads with scalars or other reads is followed as a read
(``deepcopy_operands.combined``; a module global bound once, to a number literal, is a
scalar), and so is a name rebound only to such values (``p = p * k``, ``f *= k`` where ``f``
starts as a number) or to a tuple of them (``best = (az, alt)``, whose items are each a read
or a scalar); ``+=`` on a read is refused (it may extend a list in place). A shallow copy is not
attempted. (Where each read goes is followed in ``deepcopy_reads``; the copy itself and what
else the function runs are judged in ``deepcopy_refusal``.)
A read compared with ``is``/``is not`` to anything but ``None``, a bool or ``...`` is refused:
the copy's objects were new, so ``cfg["mode"] is SENTINEL`` was false where the original's
sentinel would make it true.
What stays assumed: no other thread mutates the original meanwhile, deepcopy itself had no
side effects (a ``__deepcopy__`` hook or an uncopyable object would have run or raised), the
annotations are true, and reads of other values (subscripts, comparisons, the builtins above,
attributes of classes from elsewhere: ``deepcopy_descriptors`` judges the module's) run no code
that changes the original. Also that the data's values compare and
hash by value: an object that equals only itself (a plain ``object()`` sentinel, a class
without ``__eq__``) compared with ``==``/``in`` against the original's own object, or given to
``hash``/``repr``/``str`` (an address), answers differently for the original than it did for
its copy.
"""

from __future__ import annotations

from typing import Any

import libcst as cst
from libcst.metadata import (
    MetadataWrapper,
    PositionProvider,
    QualifiedNameProvider,
    ScopeProvider,
)

from efficiency.remediate.codemods.deepcopy_args import direct_label, handed_to_call
from efficiency.remediate.codemods.deepcopy_derived import copied_element, listed_by_value
from efficiency.remediate.codemods.deepcopy_flow import (
    Rewriter,
    Site,
    direct_mark,
    summarize,
)
from efficiency.remediate.codemods.deepcopy_guards import (
    AddCaptures,
    Guard,
    checked_once,
    guard_refusal,
    inspect_import,
)
from efficiency.remediate.codemods.deepcopy_helpers import Helper, find_helpers, module_bindings
from efficiency.remediate.codemods.deepcopy_items import one_per_item
from efficiency.remediate.codemods.deepcopy_live import end_of_direct_read
from efficiency.remediate.codemods.deepcopy_properties import as_methods
from efficiency.remediate.codemods.deepcopy_refusal import CopyJudge
from efficiency.remediate.codemods.deepcopy_statics import first_param, owner_of
from efficiency.remediate.codemods.deepcopy_views import (
    AddViews,
    View,
    call_refusal,
    find_views,
    lookup,
)
from efficiency.remediate.codemods.pysource import (
    Edit,
    PythonCodemod,
    Targets,
    code,
    names_in,
    unique_name,
)


class _Finder(CopyJudge):
    METADATA_DEPENDENCIES = (
        *CopyJudge.METADATA_DEPENDENCIES,
        QualifiedNameProvider,
        ScopeProvider,
        PositionProvider,
    )

    def __init__(self, targets: Targets | None) -> None:
        super().__init__(targets)
        self.sites: list[Site] = []
        #: the helpers whose views some call site now calls
        self.views: list[View] = []
        self.refused: list[str] = []
        self._module: cst.Module | None = None
        #: per class whose methods a copy's check compares: the capture's name, the methods
        self.captures: dict[str, tuple[str, str, set[str]]] = {}
        self.taken: set[str] = set()
        self._guards, self._reached = [], set()

    def visit_Module(self, node: cst.Module) -> None:
        self._module = node
        self._bound = module_bindings(node)
        self.taken = names_in(node)
        self._helpers, self._not_helpers = find_helpers(node, self._is_deepcopy)
        self._views, self._not_views = find_views(node, self._is_deepcopy, self._bound)

    def _is_deepcopy(self, call: cst.Call) -> bool:
        names = self.get_metadata(QualifiedNameProvider, call.func, set())
        return any(q.name == "copy.deepcopy" for q in names)

    def _helper(self, call: cst.Call) -> Helper | View | str | None:
        """The helper ``call`` calls (with no argument), or the helper with a view it calls
        (``deepcopy_views``), when this call site or the helper is selected, why the function
        it calls is not taken as one, or None."""
        func = call.func
        name = f"self.{func.attr.value}" if isinstance(func, cst.Attribute) else code(func)
        caller = self.scope_of(call)
        key = lookup(call, caller, self.parent)
        chosen = self.targets is None or any(
            d.name.value == name.removeprefix("self.") for d in self.targets.defs
        )
        if not (self.active or chosen):
            return None
        helper = self._helpers.get(name)
        if helper is not None and not call.args:
            return helper
        if key in self._views:
            assert isinstance(caller, cst.FunctionDef) and key is not None
            return call_refusal(call, caller, self._views[key]) or self._views[key]
        if isinstance(func, cst.Attribute) and code(func.value) != "self":
            return None
        return self._not_views.get(key) if key in self._not_views else self._not_helpers.get(name)

    def visit_Assign(self, node: cst.Assign) -> None:
        element = copied_element(node.value)
        if element is not None and self._is_deepcopy(element) and self.active:
            self._copied_list(node, element)
        if not isinstance(node.value, cst.Call):
            return
        helper: Helper | str | None = None
        if not self._is_deepcopy(node.value):
            helper = self._helper(node.value)
            if helper is None:
                return
        elif not self.active:
            return
        shown = code(node).splitlines()[0]
        if isinstance(helper, str):
            self.refused.append(f"{shown}: {helper}")
            return
        self._tracked, self._escapes = set(), []
        why = self._refusal(node, helper)
        if (
            why is None
            and self._escapes
            and not isinstance(self.parent(node), cst.SimpleStatementLine)
        ):
            why = "a value read from it leaves the function, and it is bound in a one-line block"
        if why is not None:
            self.refused.append(f"{shown}: {why}")
            return
        assert isinstance(node.targets[0].target, cst.Name)
        assert isinstance(node.value, cst.Call) and not isinstance(helper, str)
        self._add_site(node, node.value, node.targets[0].target.value, helper)

    def _copied_list(self, node: cst.Assign, call: cst.Call) -> None:
        """``xs = [copy.deepcopy(x) for x in src if ...]`` (``deepcopy_derived``): the list is
        new either way; its items are followed as the copy's parts. Each item was copied on its
        own, with no memo shared between them, so no value read from it may leave (one memo
        where it leaves would join what the separate copies kept apart), but one value read
        once per item, deep-copied on its own (``deepcopy_items``)."""
        shown = code(node).splitlines()[0]
        self._tracked, self._escapes = set(), []
        why = self._refusal(node, None)
        target = node.targets[0].target
        function = self.scope_of(node)
        alone = (
            why is None
            and isinstance(target, cst.Name)
            and isinstance(function, cst.FunctionDef)
            and one_per_item(
                function, target.value, target, self._escapes, self.ancestors, self.parent
            )
        )
        if why is None and self._escapes and not alone:
            why = "a value read from an item leaves the function (each item had its own copy)"
        if why is None and not listed_by_value(node.value, self._types, self._module):
            why = (
                "its items may hold objects that compare by identity (items sharing an object "
                "had separate copies of it, unequal; the items themselves share it)"
            )
        if why is not None:
            self.refused.append(f"{shown}: {why}")
            return
        assert isinstance(target, cst.Name)
        # a value leaving once per item is deep-copied with no memo (a site with no binding)
        assert isinstance(node.value, cst.ListComp)
        once = node.value if checked_once(node.value, call, self._types) else None
        self._add_site(None if alone else node, call, target.value, None, once)

    def visit_Call(self, node: cst.Call) -> None:
        """A copy read directly, never bound: ``plan_for(t)["limits"]["rpm"]``."""
        parent = self.parent(node)
        if isinstance(parent, cst.Assign) and parent.value is node:
            return  # judged by visit_Assign
        if not isinstance(self.scope_of(node), cst.FunctionDef):
            return
        helper: Helper | View | str | None = None
        if self._is_deepcopy(node):
            read = isinstance(parent, cst.Subscript | cst.Attribute) and parent.value is node
            read = read or handed_to_call(node, self.parent) is not None  # deepcopy_args
            if not (self.active and read):
                return
        else:
            helper = self._helper(node)
            if helper is None:
                return
        shown = code(end_of_direct_read(node, self.parent)).splitlines()[0]
        if isinstance(helper, str):
            self.refused.append(f"{shown}: {helper}")
            return
        self._tracked, self._escapes = {direct_mark(node)}, []
        why = self._refusal(node, helper)
        if why is None and len(self._escapes) > 1:
            why = "more than one value read from it leaves the function (unbound: no memo)"
        if why is None and any(self._repeated(e, node) for e in self._escapes):
            why = (
                "the value read from it leaves on each turn of a loop that does not read it "
                "anew (unbound: no memo to keep it one object)"
            )
        if why is not None:
            self.refused.append(f"{shown}: {why}")
            return
        self._add_site(None, node, direct_label(node, self.parent), helper)

    def _add_site(
        self,
        node: cst.Assign | None,
        call: cst.Call,
        name: str,
        helper: Helper | View | None,
        around: cst.ListComp | None = None,
    ) -> None:
        """Adds the site; ``around``: the comprehension whose check (if any) may run once,
        before it (``deepcopy_guards.checked_once``)."""
        owner = self.def_stack[-1]
        if isinstance(helper, Helper | View):
            source, copier = (call, helper.copier) if isinstance(helper, View) else (
                helper.source, helper.copier)  # fmt: skip
        else:
            source, copier = call.args[0].value, call.func
        guard = self._guard(call, helper)
        if isinstance(guard, Guard) and around is not None:
            guard.around = around
            parent = self.parent(around)
            guard.bare = isinstance(parent, cst.Assign) and parent.value is around
        if isinstance(guard, str):
            shown = code(node if node is not None else call).splitlines()[0]
            self.refused.append(f"{shown}: {guard}")
            return
        view = None
        if isinstance(helper, View):  # a method's view is reached through its class
            view = f"{helper.owner.name.value}.{helper.view}" if helper.owner else helper.view
        self.sites.append(
            Site(node, call, name, owner, list(self._escapes), source, copier, view, guard)
        )
        if isinstance(helper, View):
            self.views.append(helper)

    def _guard(self, call: cst.Call, helper: Helper | View | None) -> Guard | str | None:
        """The run-time check the copy at ``call`` needs (``deepcopy_guards``), or why the
        module cannot have it, or None where the proof relied on no method reached through
        ``self``/``cls``. The method whose view the call is made to call is none: the view
        checks it is still itself (``deepcopy_views``), and its other calls are left as they
        were."""
        names = list(self._guards)
        if isinstance(helper, View) and helper.helper.name.value in names:
            names.remove(helper.helper.name.value)
        if not names:
            return None
        mangled = [n for n in names if n.startswith("__") and not n.endswith("__")]
        if mangled:  # the class stores it as _Class__name: the check could not look it up
            return f"the run-time method check cannot name the private method {mangled[0]}"
        assert self._module is not None
        why = guard_refusal(self._bound, self._module)
        if why is not None:
            return why
        function = self.scope_of(call)
        while not isinstance(function, cst.FunctionDef):
            function = self.parent(function)
        owner = owner_of(function, self.parent)
        subject = first_param(function)
        assert owner is not None and subject is not None  # it reached methods through self
        cls = owner.name.value
        if cls not in self.captures:
            stem = cls.lower().lstrip("_")
            defs = unique_name(f"_{stem.upper()}_DEFS", self.taken)
            check = unique_name(f"_{stem}_unchanged", self.taken | {defs})
            self.taken |= {defs, check}
            self.captures[cls] = (defs, check, set())
        self.captures[cls][2].update(names)
        return Guard(subject, self.captures[cls][1], tuple(names))


class DeepcopyReadOnly(PythonCodemod):
    name = "deepcopy-read-only"
    needs = ("deepcopy",)

    def rewrite(
        self, wrapper: MetadataWrapper, targets: Targets | None, params: dict[str, Any]
    ) -> Edit:
        original = wrapper.module
        properties = as_methods(wrapper, targets)  # deepcopy_properties
        wrapper, targets = properties.wrapper, properties.targets
        finder = _Finder(targets)
        wrapper.visit(finder)
        refused = properties.reword("; ".join(finder.refused))
        if not finder.sites:
            why = refused or (
                "no `name = copy.deepcopy(value)` or `f(copy.deepcopy(value))` in a function, "
                "nor `name = f()` where f only returns copy.deepcopy of a module global"
            )
            return Edit(original, 0, f"{self.name}: nothing to rewrite ({why})")
        taken = names_in(wrapper.module) | finder.taken
        memos: dict[int, str] = {}
        for site in finder.sites:
            if site.escapes and site.assign is not None:
                memos[id(site.assign)] = unique_name("memo", taken)
                taken.add(memos[id(site.assign)])
        new = wrapper.module.visit(Rewriter(finder.sites, memos))
        if finder.captures:
            imported = inspect_import(new) is not None
            new = new.visit(AddCaptures(finder.captures, imported))
        views = {id(v.helper): v for v in finder.views}
        if views:
            new = new.visit(AddViews(list(views.values())))
        new, shown = properties.restore(new, list(views.values()))
        summary = properties.reword(summarize(finder.sites, targets, bool(views)) + shown)
        if refused:
            summary += f"; left: {refused}"
        return Edit(new, len(finder.sites), summary)
