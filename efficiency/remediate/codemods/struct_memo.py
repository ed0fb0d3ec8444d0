"""``struct.Struct`` objects built on every call, built once per format instead (the part of
``struct-precompile`` for a Struct whose format is not a constant).

A helper that builds its record layout from a table, a parameter or an f-string pays for a new
Struct (the format parsed, its codes allocated, the object freed after) at every call, though
the same few formats come back::

    def read_sample(version, blob, offset):
        order, fields = LAYOUTS[version]
        layout = struct.Struct(order + fields)
        return layout.unpack_from(blob, offset), offset + layout.size

becomes ``layout = _struct_for(order + fields)``, with two module-level functions after the
imports (``import functools`` added when missing)::

    @functools.lru_cache(maxsize=100)
    def _struct_compiled(fmt):
        return struct.Struct(fmt)


    def _struct_for(fmt, real=struct.Struct):
        if struct.Struct is real and (type(fmt) is str or type(fmt) is bytes):
            return _struct_compiled(fmt)
        return struct.Struct(fmt)

The format may be anything (a concatenation, an f-string, a join, a table's item, a parameter,
a literal); ``Struct(fmt).method(...)`` written inline is rewritten the same way.

Why the results are the same:

* A Struct depends only on its format's text: struct reads a str's characters (ASCII) or a
  bytes' bytes, never a subclass's methods. The memo is asked only for an exact ``str`` or
  ``bytes``, whose hash and equality are those of their text, so equal keys mean equal
  formats; any other value (a subclass that may redefine ``==``, an object struct rejects)
  goes to ``struct.Struct`` as before, with the same result or error. A str and a bytes
  format never share an entry (they are never equal).
* Errors are never cached: a bad format raises the same ``struct.error`` (a non-ASCII str the
  same ``UnicodeEncodeError``) at every call, from the same argument evaluated once, in the
  same order (the name ``struct`` is read a little later, from the same module-level import).
* Sharing one Struct between calls cannot be seen: it is used only by calling its ``pack``,
  ``unpack``, ``pack_into``, ``unpack_from`` or ``iter_unpack`` or reading its ``size`` or
  ``format``, directly on the call or through a local bound once to it, in a function that
  does not call ``locals()``/``vars()``/``eval``. It is never returned, stored, passed on,
  compared, deleted, or re-initialised (``Struct.__init__`` would change it in place); a
  bound method is never taken either (its ``__self__`` is the Struct). struct's own
  module functions share their cached Structs the same way.
* The memo holds at most 100 formats, the size of struct's own cache of compiled formats;
  formats past that are rebuilt, which changes only which (equal) object is used.
* The functions are bound after the imports of ``struct`` and ``functools``: refused when a
  statement before that point other than an import or an undecorated ``def`` could run code
  (which might call a rewritten function before they exist), when ``struct`` (or the
  imported ``Struct``) is not bound once, at module level, by its import, or when the module
  binds ``type``, ``str``, ``bytes`` or (other than by its import) ``functools``, or could
  bind them (or ``struct``) where libcst's scopes do not look: a star import, a ``match``
  capture, a ``:=`` in a comprehension, ``exec``/``globals()``/``vars()``.
* The memo is asked only while ``struct.Struct`` is still the class it was when the functions
  were bound: a test that patches it (``mock.patch``) gets its fake at every call, as before,
  and never leaves a fake in the memo for the calls after the patch.
* Where: the calls in the function the engine names (a rewrite is kept only when it replaces a
  line the profile sampled) or, with no function named, in loops inside functions; never at
  module level, where a Struct is built once anyway.

The difference left: the extra frames of the two functions in a traceback (and a Struct
reached through a frame's or closure's internals, ``sys._getframe().f_locals``, is shared).
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst
from libcst.metadata import (
    BuiltinAssignment,
    ExpressionContext,
    ExpressionContextProvider,
    FunctionScope,
    GlobalScope,
    ImportAssignment,
    MetadataWrapper,
    QualifiedNameProvider,
    QualifiedNameSource,
    ScopeProvider,
)

from efficiency.remediate.codemods.base import plural
from efficiency.remediate.codemods.module_level import (
    end_of_imports,
    hidden_binding,
    module_import,
    name_free,
)
from efficiency.remediate.codemods.pysource import (
    Edit,
    ScopedVisitor,
    Targets,
    calls_introspection,
    code,
    names_in,
    unique_name,
    walk,
    where,
)
from efficiency.remediate.codemods.re_memo import too_late_for_memo

#: methods a shared Struct may have called on it, and attributes it may have read
METHODS = frozenset({"pack", "unpack", "pack_into", "unpack_from", "iter_unpack"})
ATTRIBUTES = frozenset({"size", "format"})
#: the memo's bound: struct's own cache of compiled formats (``_struct.c`` MAXCACHE)
MEMO_SIZE = 100
#: builtins the new function calls
BUILTINS_USED = ("type", "str", "bytes")


@dataclass
class StructSite:
    call: cst.Call
    owner: str


class StructFinder(ScopedVisitor):
    """The ``struct.Struct(fmt)`` calls whose Struct can be shared (:attr:`sites`), the index
    of the import they go through, and why each other call is left (:attr:`refused`)."""

    METADATA_DEPENDENCIES = (
        *ScopedVisitor.METADATA_DEPENDENCIES,
        QualifiedNameProvider,
        ScopeProvider,
        ExpressionContextProvider,
    )

    def __init__(self, module: cst.Module, targets: Targets | None) -> None:
        super().__init__(targets)
        self.module = module
        self.top = {
            id(small): index
            for index, stmt in enumerate(module.body)
            if isinstance(stmt, cst.SimpleStatementLine)
            for small in stmt.body
        }
        self.loops = 0
        self.sites: list[StructSite] = []
        self.refused: list[str] = []
        self.struct_at = 0
        self.rebound: list[str] = []

    def visit_Module(self, node: cst.Module) -> None:
        scope = self.get_metadata(ScopeProvider, node, None)
        if isinstance(scope, GlobalScope):
            self.rebound = [
                name
                for name in BUILTINS_USED
                if not all(isinstance(a, BuiltinAssignment) for a in scope[name])
            ]

    def _enter_loop(self, _node: cst.CSTNode) -> None:
        self.loops += 1

    def _leave_loop(self, _node: cst.CSTNode) -> None:
        self.loops -= 1

    # a comprehension's element comes before its `for` in the tree: count the whole of it
    visit_For = visit_While = visit_ListComp = visit_SetComp = visit_DictComp = _enter_loop
    leave_For = leave_While = leave_ListComp = leave_SetComp = leave_DictComp = _leave_loop
    visit_GeneratorExp = _enter_loop
    leave_GeneratorExp = _leave_loop

    def visit_Call(self, node: cst.Call) -> None:
        if not self.active or not self.def_stack or (self.targets is None and not self.loops):
            return
        names = self.get_metadata(QualifiedNameProvider, node.func, set())
        if len(names) != 1:
            return
        qualified = next(iter(names))
        if qualified.name != "struct.Struct" or qualified.source is not QualifiedNameSource.IMPORT:
            return
        why = self._refusal(node)
        if why is not None:
            self.refused.append(f"{code(node).splitlines()[0]}: {why}")
        else:
            self.sites.append(StructSite(node, self.def_stack[-1]))

    def _refusal(self, node: cst.Call) -> str | None:
        func = node.func
        root = func.value if isinstance(func, cst.Attribute) else func
        if not isinstance(root, cst.Name):
            return "struct is not reached through a name"
        scope = self.get_metadata(ScopeProvider, root, None)
        bound = list(scope[root.value]) if scope is not None else []
        if (
            len(bound) != 1
            or not isinstance(bound[0], ImportAssignment)
            or not isinstance(bound[0].scope, GlobalScope)
            or id(bound[0].node) not in self.top
        ):
            return f"{root.value} is not bound once, at module level, by its import"
        args = node.args
        if len(args) != 1 or args[0].keyword is not None or args[0].star:
            return "not called with one positional format"
        if self.rebound:
            return f"the module binds {self.rebound[0]}"
        hidden = hidden_binding(self.module, (*BUILTINS_USED, root.value))
        if hidden is not None:
            return hidden
        why = self._use(node)
        if why is None:
            self.struct_at = max(self.struct_at, self.top[id(bound[0].node)])
        return why

    def _use(self, call: cst.Call) -> str | None:
        """None when the Struct ``call`` builds is used only as sharing allows (see the
        module docstring); else why not."""
        parent = self.parent(call)
        if isinstance(parent, cst.Attribute) and parent.value is call:
            return self._attribute_use(parent)
        if (
            isinstance(parent, cst.Assign)
            and len(parent.targets) == 1
            and isinstance(parent.targets[0].target, cst.Name)
        ):
            return self._name_uses(parent.targets[0].target)
        if isinstance(parent, cst.AnnAssign) and isinstance(parent.target, cst.Name):
            return self._name_uses(parent.target)
        how = {cst.Return: "returned", cst.Arg: "passed to a call"}.get(type(parent), "kept")
        return f"the Struct is {how} (a shared one could be changed or told apart by its holder)"

    def _attribute_use(self, attr: cst.Attribute) -> str | None:
        name = attr.attr.value
        context = self.get_metadata(ExpressionContextProvider, attr, None)
        parent = self.parent(attr)
        if name in METHODS and isinstance(parent, cst.Call) and parent.func is attr:
            return None
        if name in ATTRIBUTES and context is ExpressionContext.LOAD:
            return None
        return (
            f"the Struct's {name} is used other than by calling pack/unpack/pack_into/"
            "unpack_from/iter_unpack or reading size/format"
        )

    def _name_uses(self, target: cst.Name) -> str | None:
        """Is the local ``target`` names bound once, in a function, and only used by
        :meth:`_attribute_use`'s rules?"""
        name = target.value
        scope = self.get_metadata(ScopeProvider, target, None)
        if not isinstance(scope, FunctionScope) or len(scope[name]) != 1:
            return f"{name} is not a local bound only here"
        function = scope.node
        if calls_introspection(function):
            return "the function calls locals(), vars(), eval() or the like"
        if any(
            isinstance(n, cst.Global | cst.Nonlocal) and any(g.name.value == name for g in n.names)
            for n in walk(self.module)
        ):
            return f"{name} is declared global or nonlocal"
        skip = {id(target)}
        for node in walk(function):
            if isinstance(node, cst.Attribute):
                skip.add(id(node.attr))
            elif isinstance(node, cst.Arg) and node.keyword is not None:
                skip.add(id(node.keyword))
        for node in walk(function):
            if not isinstance(node, cst.Name) or node.value != name or id(node) in skip:
                continue
            parent = self.parent(node)
            if not isinstance(parent, cst.Attribute) or parent.value is not node:
                return f"{name} is used other than through the Struct's methods, size and format"
            why = self._attribute_use(parent)
            if why is not None:
                return why
        return None


class _Rewriter(cst.CSTTransformer):
    def __init__(self, calls: set[int], helper: str) -> None:
        super().__init__()
        self.calls = calls
        self.helper = helper

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if id(original_node) not in self.calls:
            return updated_node
        return updated_node.with_changes(func=cst.Name(self.helper))


def _helpers(callee: str, memo: str, helper: str) -> list[cst.BaseStatement]:
    """The memo and the function the calls go through, building with ``callee``."""
    root = callee.split(".")[0]
    param = "spec" if root == "fmt" else "fmt"
    real = "original" if root == "real" else "real"
    text = (
        f"@functools.lru_cache(maxsize={MEMO_SIZE})\n"
        f"def {memo}({param}):\n"
        f"    return {callee}({param})\n"
        f"\n\n"
        f"def {helper}({param}, {real}={callee}):\n"
        f"    if {callee} is {real} and (type({param}) is str or type({param}) is bytes):\n"
        f"        return {memo}({param})\n"
        f"    return {callee}({param})\n"
    )
    blank = [cst.EmptyLine(), cst.EmptyLine()]
    return [s.with_changes(leading_lines=blank) for s in cst.parse_module(text).body]


def rewrite_structs(wrapper: MetadataWrapper, targets: Targets | None) -> Edit:
    """Route the shareable ``struct.Struct(fmt)`` calls through a per-format memo; the
    summary says what was done and why other calls were left (empty when there were none)."""
    module = wrapper.module
    finder = StructFinder(module, targets)
    wrapper.visit(finder)
    sites, refused = finder.sites, finder.refused
    functools_at = module_import(module, "functools")
    why = None
    if sites and functools_at is None and not name_free(module, "functools"):
        why = "the name functools is bound to something other than the module"
    at = end_of_imports(module, max(finder.struct_at, functools_at or 0))
    if sites and why is None:
        why = too_late_for_memo(module, at + 1)
    if why is not None:
        refused += [f"{code(s.call).splitlines()[0]}: {why}" for s in sites]
        sites = []
    if not sites:
        summary = f"struct.Struct left: {'; '.join(refused)}" if refused else ""
        return Edit(module, 0, summary)
    taken = names_in(module)
    memo = unique_name("_struct_compiled", taken)
    helper = unique_name("_struct_for", taken | {memo})
    new = module.visit(_Rewriter({id(s.call) for s in sites}, helper))
    made = _helpers(code(sites[0].call.func), memo, helper)
    if functools_at is None:
        made.insert(0, cst.parse_statement("import functools\n"))
    body = list(new.body)
    following = body[at + 1 :]
    if following and len(following[0].leading_lines) < 2:
        following[0] = following[0].with_changes(leading_lines=[cst.EmptyLine()] * 2)
    new = new.with_changes(body=[*body[: at + 1], *made, *following])
    summary = (
        f"built struct.Struct once per format through {helper} "
        f"{where(targets, (s.owner for s in sites))} ({plural(len(sites), 'call')})"
    )
    if refused:
        summary += "; struct.Struct left: " + "; ".join(refused)
    return Edit(new, len(sites), summary)
