"""Where ``hoist-re-compile`` may act: the call sites of ``re`` functions with a literal pattern
(or a module-level string constant) and literal flags, each with the refusal that keeps it in
place, and the check that compiling such a pattern once at import changes nothing."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import (
    GlobalScope,
    QualifiedNameProvider,
    QualifiedNameSource,
    ScopeProvider,
)

from efficiency.remediate.codemods.module_level import module_string_constants, top_imports
from efficiency.remediate.codemods.pysource import (
    ScopedVisitor,
    Targets,
    has_comment,
    literal_value,
)

#: re function → the position of its ``flags`` argument (the pattern is always first)
FLAGS_POSITION = {
    "compile": 1,
    "match": 2,
    "search": 2,
    "fullmatch": 2,
    "findall": 2,
    "finditer": 2,
    "split": 3,
    "sub": 4,
    "subn": 4,
}
#: flags a hoisted pattern may carry (DEBUG prints at compile time: refused)
SAFE_FLAGS = frozenset(
    {"A", "ASCII", "I", "IGNORECASE", "L", "LOCALE", "M", "MULTILINE", "NOFLAG", "S", "DOTALL"}
    | {"U", "UNICODE", "X", "VERBOSE"}
)


@dataclass
class Site:
    call: cst.Call
    function: str  # "compile", "search", ...
    key: tuple[object, ...]  # (pattern value, flags value): one constant per key
    pattern: cst.BaseExpression
    flags: cst.BaseExpression | None
    compile_func: cst.BaseExpression  # how the constant calls re.compile
    rest: list[cst.Arg]  # the call's other arguments (search/sub/...)
    owner: str  # enclosing def, or "" at module level
    top_index: int  # index of the module-level statement holding the call
    binding_index: int  # module-level statement that imports what the constant needs


class SiteFinder(ScopedVisitor):
    METADATA_DEPENDENCIES = (
        *ScopedVisitor.METADATA_DEPENDENCIES,
        QualifiedNameProvider,
        ScopeProvider,
    )

    def __init__(self, module: cst.Module, targets: Targets | None) -> None:
        super().__init__(targets)
        self.module = module
        self.loops = 0
        self.sites: list[Site] = []
        self.refused: list[str] = []
        self.top_index = {id(stmt): i for i, stmt in enumerate(module.body)}
        self.imports = self._module_level_imports(module)
        self.constants = module_string_constants(module)

    @staticmethod
    def _module_level_imports(module: cst.Module) -> dict[str, tuple[str, int]]:
        """Name → (what it is: ``re`` or ``re.<attr>``, index of its import statement)."""
        return {t.local: (t.target, t.index) for t in top_imports(module, "re")}

    # -- where loops are ------------------------------------------------------------------
    def _enter_loop(self, _node: cst.CSTNode) -> None:
        self.loops += 1

    def _leave_loop(self, _node: cst.CSTNode) -> None:
        self.loops -= 1

    visit_For_body = _enter_loop
    leave_For_body = _leave_loop
    visit_While = _enter_loop
    leave_While = _leave_loop
    visit_ListComp_elt = _enter_loop
    leave_ListComp_elt = _leave_loop
    visit_SetComp_elt = _enter_loop
    leave_SetComp_elt = _leave_loop
    visit_GeneratorExp_elt = _enter_loop
    leave_GeneratorExp_elt = _leave_loop
    visit_DictComp_key = _enter_loop
    leave_DictComp_key = _leave_loop
    visit_DictComp_value = _enter_loop
    leave_DictComp_value = _leave_loop
    visit_CompFor_ifs = _enter_loop
    leave_CompFor_ifs = _leave_loop
    visit_CompFor_inner_for_in = _enter_loop
    leave_CompFor_inner_for_in = _leave_loop

    # -- the calls ------------------------------------------------------------------------
    def _bound_once_at_module_level(self, name: cst.Name) -> int | None:
        """The import statement's index when ``name`` here means the module-level import."""
        if name.value not in self.imports:
            return None
        scope = self.get_metadata(ScopeProvider, name, None)
        if scope is None:
            return None
        assignments = scope[name.value]
        if len(assignments) != 1 or not isinstance(next(iter(assignments)).scope, GlobalScope):
            return None
        return self.imports[name.value][1]

    def _re_name(self, expr: cst.BaseExpression) -> tuple[str, int] | None:
        """``re.<attr>`` (and where it is imported) when ``expr`` is one, bound at module level."""
        names = self.get_metadata(QualifiedNameProvider, expr, set())
        if len(names) != 1:
            return None
        (qualified,) = names
        if qualified.source is not QualifiedNameSource.IMPORT or not qualified.name.startswith(
            "re."
        ):
            return None
        base = expr.value if isinstance(expr, cst.Attribute) else expr
        if not isinstance(base, cst.Name):
            return None
        index = self._bound_once_at_module_level(base)
        return None if index is None else (qualified.name, index)

    def _flags(self, expr: cst.BaseExpression) -> tuple[int, int] | None:
        """(value, import index) of a flags expression made of re constants and ints."""
        if isinstance(expr, cst.Integer):
            value = int(expr.value, 0)
            return None if value & re.DEBUG else (value, -1)
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
            left, right = self._flags(expr.left), self._flags(expr.right)
            if left is None or right is None:
                return None
            return left[0] | right[0], max(left[1], right[1])
        if isinstance(expr, (cst.Attribute, cst.Name)):
            found = self._re_name(expr)
            if found is None or found[0].removeprefix("re.") not in SAFE_FLAGS:
                return None
            return int(getattr(re, found[0].removeprefix("re."))), found[1]
        return None

    def _compile_func(self) -> tuple[cst.BaseExpression, int] | None:
        """An expression calling ``re.compile`` that works at module level."""
        for local, (what, index) in self.imports.items():
            if what == "re":
                return cst.Attribute(cst.Name(local), cst.Name("compile")), index
        for local, (what, index) in self.imports.items():
            if what == "re.compile":
                return cst.Name(local), index
        return None

    def visit_Call(self, node: cst.Call) -> None:
        if not self.active or (self.targets is None and self.loops == 0):
            return
        found = self._re_name(node.func)
        if found is None or found[0].removeprefix("re.") not in FLAGS_POSITION:
            return
        function = found[0].removeprefix("re.")
        args = list(node.args)
        if not args or args[0].keyword is not None or args[0].star:
            return
        pattern, constant_index = self._pattern(args[0].value)
        if pattern is None:
            return  # not a literal pattern: not ours to judge
        if any(a.star for a in args):
            return self._refuse(node, "called with *args/**kwargs")
        flags_arg, rest = self._split_flags(function, args[1:])
        flags_value, binding = 0, max(found[1], constant_index)
        if flags_arg is not None:
            flags = self._flags(flags_arg.value)
            if flags is None:
                return self._refuse(
                    node, "flags are not re.<FLAG> constants (DEBUG excluded) or an int"
                )
            flags_value, binding = flags[0], max(binding, flags[1])
        problem = check_compiles(pattern, flags_value)
        if problem:
            return self._refuse(node, problem)
        if any(has_comment(piece) for piece in (args[0], *([flags_arg] if flags_arg else []))):
            return self._refuse(node, "a comment sits inside the removed arguments")
        if function == "compile":
            compile_func: cst.BaseExpression = node.func
        else:
            made = self._compile_func()
            if made is None:
                return self._refuse(node, "no module-level `import re` to compile with")
            compile_func, binding = made[0], max(binding, made[1])
        top = next(a for a in (node, *self.ancestors(node)) if id(a) in self.top_index)
        self.sites.append(
            Site(
                call=node,
                function=function,
                key=(type(pattern), pattern, flags_value),
                pattern=args[0].value,
                flags=None if flags_arg is None else flags_arg.value,
                compile_func=compile_func,
                rest=rest,
                owner=self.def_stack[-1] if self.def_stack else "",
                top_index=self.top_index[id(top)],
                binding_index=binding,
            )
        )

    def _pattern(self, expr: cst.BaseExpression) -> tuple[str | bytes | None, int]:
        """The pattern's value and the index of the module-level statement binding it (-1 for a
        literal), for a literal or a name bound once, at module level, to a literal."""
        value = literal_value(expr)
        if value is not None:
            return value, -1
        if not isinstance(expr, cst.Name) or expr.value not in self.constants:
            return None, -1
        scope = self.get_metadata(ScopeProvider, expr, None)
        assignments = scope[expr.value] if scope is not None else set()
        if len(assignments) != 1 or not isinstance(next(iter(assignments)).scope, GlobalScope):
            return None, -1
        return self.constants[expr.value]

    @staticmethod
    def _split_flags(function: str, args: list[cst.Arg]) -> tuple[cst.Arg | None, list[cst.Arg]]:
        """The flags argument (positional or keyword) and the others, pattern excluded."""
        position = FLAGS_POSITION[function] - 1
        for index, arg in enumerate(args):
            by_keyword = arg.keyword is not None and arg.keyword.value == "flags"
            if by_keyword or (arg.keyword is None and index == position):
                return arg, args[:index] + args[index + 1 :]
        return None, args

    def _refuse(self, node: cst.Call, why: str) -> None:
        self.refused.append(f"{self.module.code_for_node(node).splitlines()[0]}: {why}")


def check_compiles(pattern: str | bytes, flags: int) -> str | None:
    """Why compiling at import time could differ from compiling in the loop, or None."""
    compiler = getattr(re, "_compiler", None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if compiler is not None:  # bypasses re's cache, so warnings show every time
                compiler.compile(pattern, flags)
            else:  # pragma: no cover - Python < 3.11
                re.purge()
                re.compile(pattern, flags)
        except (re.error, TypeError, ValueError) as exc:
            return f"the pattern does not compile ({exc})"
    if caught:
        return f"compiling the pattern warns ({caught[0].message})"
    return None
