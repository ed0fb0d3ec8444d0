"""Patterns built and compiled on every call, compiled once per distinct input instead (the
part of ``hoist-re-compile`` for a pattern string computed in the function).

A method that escapes and joins the same words into a pattern for every item it handles pays
``re.escape``, the join, the generator and re's cache lookup each time::

    def filing_key(self, title, language):
        words = self.articles.get(language, ())
        alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        article = re.compile(rf"^(?:{alternatives})", re.IGNORECASE)

becomes, with two module-level functions placed before the class (``import functools``
added when missing)::

    @functools.lru_cache(maxsize=512)
    def _filing_key_pattern_memo(words):
        alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        return re.compile(rf"^(?:{alternatives})", re.IGNORECASE)


    def _filing_key_pattern(words):
        words = tuple(words)
        if all(type(item) is str for item in words):
            return _filing_key_pattern_memo(words)
        return _filing_key_pattern_memo.__wrapped__(words)

and ``article = _filing_key_pattern(words)`` in the method; ``re.search(<built>, s, flags)``
becomes ``_f_pattern(...).search(s)`` as for a parameter's pattern (:mod:`.re_memo`).

The pattern may also be built into a local just before the call and read from a container,
as a per-instance table of keyword lists is::

    def score(self, queue, text):
        keywords = self.rules[queue]
        pattern = r"(?<!\\w)(?:" + "|".join(re.escape(k) for k in keywords) + r")(?!\\w)"
        return len(re.findall(pattern, text, flags=re.IGNORECASE))

becomes ``return len(_score_pattern(self.rules[queue]).findall(text))``, the memo keyed on a
tuple of what ``self.rules[queue]`` holds (read once, per call, so a list changed between
calls is seen); ``d.values()``, ``d.keys()`` and ``d.items()`` (its pairs unpacked by a
comprehension, keyed as a tuple of exact ``(str, str)`` tuples) are read the same way. Such a
call is left out of re_memo's compile memo (:mod:`.hoist_re`), which would save only re's
cache lookup and not the building.

Why the results are the same:

* The pattern expression, and the statements just before it that bind locals read only by it
  (``alternatives``), must be made of the operations
  :mod:`efficiency.remediate.codemods.re_built_check` accepts: on exact ``str`` values each is a
  pure function of its operands. Its inputs (the names and ``name.attr`` it reads) become the
  memo's parameters. The memo is used only when every input is an exact ``str`` (an input
  that is iterated: a tuple of exact ``str``), so the key captures everything the pattern
  depends on (a str subclass, or ``1`` against ``1.0``, never meets another's entry); any other
  value runs the same code uncached, with the same results and errors.
* An iterated input is read once, into a tuple, where the original iterated it (it must be
  iterated once); the code then iterates the tuple, which yields the same items in the same
  order. Each input is read exactly where the original first read it: only the first input
  read may be one whose reading can run code or raise (an attribute, a local, an iterated
  value); every later one must be a parameter or a module-level name read as a ``str``. An
  input read after code may have run (a later input, one read twice or for every item) must be
  a parameter or loop value of the function that no nested function declares ``nonlocal``:
  a module-level name could be rebound by that code (a str subclass's ``translate``, say).
* Flags must be constants of re (``re.DEBUG``, ``re.TEMPLATE`` excluded) or ints. The other
  arguments of ``re.search`` and its siblings must be names, literals or lambdas, since the
  pattern is now compiled before they are evaluated (as in :mod:`.re_memo`); a name must be
  surely bound (a parameter, a loop's target, a local assigned just before in the block), or
  an invalid pattern would raise ``re.error`` where the original raised ``NameError``.
* Errors are never cached: an invalid pattern raises the same ``re.error`` at every call.
* The memo is bounded at re's own cache size (512), so it never holds more than re would.
* Statements absorbed into the memo bind a local assigned once in the function and read once,
  by the pattern; the call must then be the first thing its statement evaluates, and the
  function must not call ``locals()``/``vars()``/``eval``. The names the new functions use
  (``tuple``, ``all``, ``type``, ``str``, ``sorted``...) must be the builtins.

* Where: only in the function the engine names (the hot spot's); a rewrite is kept only when
  it replaces a line the profile sampled. Without a named function nothing is done, and a
  pattern held in a name or an attribute (nothing built) is :mod:`.re_memo`'s to judge.

The differences left: as with :mod:`.re_memo`, the Pattern's identity (the memo keeps its own
after ``re.purge()``; refused when the file calls it, or when it replaces an attribute of re,
``re.escape = ...``, after which the memo would keep its old results); and, for an input the
original rejects part-way (an iterator whose second item is not a str, say), the rewrite has
read all of the iterator into its tuple before the same error is raised, where the original
stopped reading at the item that failed.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst
from libcst.metadata import (
    BuiltinAssignment,
    ComprehensionScope,
    GlobalScope,
    ScopeProvider,
)

from efficiency.remediate.codemods.hoist_re_sites import FLAGS_POSITION
from efficiency.remediate.codemods.pysource import (
    Targets,
    calls_introspection,
    code,
    declares_global,
    has_comment,
    literal_value,
    names_in,
    walk,
)
from efficiency.remediate.codemods.re_built_check import Checker, Input, Refused
from efficiency.remediate.codemods.re_built_shapes import (
    binds,
    call_runs_first,
    local_kind,
    patches_module,
    single_assign,
)
from efficiency.remediate.codemods.re_memo import _TEMPLATE, MemoFinder, _evaluates_quietly
from efficiency.remediate.codemods.re_pattern_method import SIGNATURES

#: builtins the new functions call
BUILTINS_USED = ("tuple", "all", "type", "str", "len")


@dataclass
class BuiltSite:
    call: cst.Call
    function: str
    pattern: cst.BaseExpression
    flags: cst.BaseExpression | None
    kept: list[int]
    absorbed: list[tuple[cst.SimpleStatementLine, str, cst.BaseExpression]]
    statement: cst.CSTNode
    inputs: list[Input]
    owner: cst.FunctionDef
    top: int
    #: the indentation of the statement that holds the call
    column: int


class BuiltFinder(MemoFinder):
    """The calls of ``re`` whose pattern is built in the function (:attr:`built_sites`), and
    why each other one is left."""

    def __init__(self, module: cst.Module, targets: Targets | None) -> None:
        super().__init__(module, targets)
        self.built_sites: list[BuiltSite] = []
        #: the refusals of calls whose pattern is a local built just before them
        self.local_refused: list[str] = []

    def visit_Call(self, node: cst.Call) -> None:
        if self.targets is None or not self.active or not self.def_stack:
            return
        found = self._re_name(node.func)
        function = found[0].removeprefix("re.") if found else ""
        args = list(node.args)
        if function not in FLAGS_POSITION or not args:
            return
        first = args[0]
        if first.keyword is not None or first.star:
            return
        if isinstance(first.value, cst.Attribute) or (
            isinstance(first.value, cst.Name) and not self._built_local(node, first.value)
        ):
            return  # held, not built: re_memo's memo, or refused there
        if literal_value(first.value) is not None:
            return  # a literal: hoisted by the literal stage
        try:
            self.built_sites.append(self._site(node, function, args))
        except Refused as why:
            self._refuse(node, str(why))
            if isinstance(first.value, cst.Name):
                self.local_refused.append(self.refused[-1])

    def _site(self, node: cst.Call, function: str, args: list[cst.Arg]) -> BuiltSite:
        owner = self.scope_of(node)
        if not isinstance(owner, cst.FunctionDef):
            raise Refused("not in a function's own body (a lambda or class)")
        if any(a.star for a in args):
            raise Refused("called with *args/**kwargs")
        flags_arg, rest = self._split_flags(function, args[1:])
        most, keywords = SIGNATURES.get(function, (1, frozenset()))
        if len([a for a in rest if a.keyword is None]) > most - 1:
            raise Refused(f"more positional arguments than re.{function} takes")
        unknown = [a.keyword.value for a in rest if a.keyword and a.keyword.value not in keywords]
        if unknown:
            raise Refused(f"keyword {unknown[0]!r} has no counterpart in Pattern.{function}")
        if flags_arg is not None:
            flags = self._flags(flags_arg.value)
            if flags is None or flags[0] & _TEMPLATE:
                raise Refused("flags are not re.<FLAG> constants (DEBUG, TEMPLATE excluded)")
        loose = [a for a in rest if not _evaluates_quietly(a.value)]
        if loose:
            raise Refused(
                f"the argument {code(loose[0].value)} is not a name, literal or lambda "
                "(the pattern would be compiled before it is evaluated)"
            )
        if self.purges:
            raise Refused("the file calls re.purge (the memo would keep what it drops)")
        if patches_module(self.module, self._re_modules()):
            raise Refused("the file assigns an attribute of re (the memo keeps what it built)")
        if self._compile_func() is None:
            raise Refused("no module-level `import re` for the memo to compile with")
        statement, block = self._statement(node)
        for arg in rest:
            if isinstance(arg.value, cst.Name) and not self._bound(arg.value, statement, block):
                raise Refused(
                    f"{arg.value.value} may be unbound when it is read (the original raises "
                    "that before compiling; the memo would compile first)"
                )
        checker = Checker(self.get_metadata, self._re_modules())
        absorbed = self._absorbed(node, owner, statement, block, checker)
        checker.check(args[0].value, "str")
        self._check_inputs(checker.inputs, owner)
        top = next(a for a in [statement, *self.ancestors(statement)]
                   if self.parent(a) is self.module)  # fmt: skip
        column = sum(
            len(self.module.default_indent if a.indent is None else a.indent)
            for a in self.ancestors(statement)
            if isinstance(a, cst.IndentedBlock)
        )
        return BuiltSite(
            node, function, args[0].value, None if flags_arg is None else flags_arg.value,
            [i for i, a in enumerate(args) if i and a is not flags_arg], absorbed, statement,
            checker.inputs, owner, self.module.body.index(top), column,  # type: ignore[arg-type]
        )  # fmt: skip

    def _built_local(self, node: cst.Call, name: cst.Name) -> bool:
        """Is the pattern ``name`` a local that the statement just before the call's binds
        (``pattern = "|".join(...)``; re_built's to judge, not re_memo's)?"""
        try:
            statement, block = self._statement(node)
        except Refused:
            return False
        if not isinstance(block, cst.IndentedBlock):
            return False
        body = list(block.body)
        at = body.index(statement)  # type: ignore[arg-type]
        bound = single_assign(body[at - 1]) if at else None
        return (
            bound is not None
            and bound[0] == name.value
            and not isinstance(bound[1], cst.Name | cst.Attribute)
            and literal_value(bound[1]) is None
        )

    def _re_modules(self) -> set[str]:
        return {local for local, (what, _) in self.imports.items() if what == "re"}

    def _statement(self, node: cst.Call) -> tuple[cst.CSTNode, cst.CSTNode | None]:
        """The statement holding ``node`` and the block holding that statement."""
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, cst.SimpleStatementLine | cst.BaseCompoundStatement):
                return ancestor, self.parent(ancestor)
        raise Refused("not inside a statement")

    def _absorbed(
        self,
        node: cst.Call,
        owner: cst.FunctionDef,
        statement: cst.CSTNode,
        block: cst.CSTNode | None,
        checker: Checker,
    ) -> list[tuple[cst.SimpleStatementLine, str, cst.BaseExpression]]:
        """The statements just before ``statement`` that bind locals the pattern reads (and
        nothing else does), checked in order, their locals recorded in ``checker``."""
        if not isinstance(block, cst.IndentedBlock):
            return []
        body = list(block.body)
        at = body.index(statement)  # type: ignore[arg-type]
        needed = {n.value for n in walk(node.args[0].value) if isinstance(n, cst.Name)}
        taken: list[tuple[cst.SimpleStatementLine, str, cst.BaseExpression]] = []
        uses: dict[str, cst.CSTNode] = {}
        while at > 0:
            prev = body[at - 1]
            bound = single_assign(prev)
            if bound is None or bound[0] not in needed:
                break
            name, value = bound
            use = self._read_once_there(prev, name, node, [s for s, _, _ in taken])
            if use is None:
                raise Refused(f"the local {name} the pattern is built in is used elsewhere")
            uses[name] = use
            taken.insert(0, (prev, name, value))  # type: ignore[arg-type]
            needed |= {n.value for n in walk(value) if isinstance(n, cst.Name)}
            at -= 1
        if not taken:
            return []
        if calls_introspection(owner):
            raise Refused("the function calls locals()/vars()/eval (it could read the locals)")
        if any(has_comment(s) for s, _, _ in taken):
            raise Refused("a comment in the statements that build the pattern")
        if not call_runs_first(statement, node, self._builtin_name):
            raise Refused("the call is not the first thing its statement evaluates")
        for _, name, value in taken:
            kind = local_kind(value, uses[name], self.parent)
            checker.bind(name, value, kind)
        return taken

    def _builtin_name(self, node: cst.BaseExpression) -> bool:
        """Is ``node`` a name bound only to a builtin (reading it cannot raise)?"""
        if not isinstance(node, cst.Name):
            return False
        scope = self.get_metadata(ScopeProvider, node, None)
        found = list(scope[node.value]) if scope is not None else []
        return bool(found) and all(isinstance(a, BuiltinAssignment) for a in found)

    def _read_once_there(
        self,
        stmt: cst.SimpleStatementLine,
        name: str,
        call: cst.Call,
        later: list[cst.SimpleStatementLine],
    ) -> cst.CSTNode | None:
        """The one read of local ``name`` (bound by ``stmt``) when it is bound once in its
        function and read once, in the pattern or in the values of the ``later`` absorbed
        statements; else None."""
        target = stmt.body[0].targets[0].target  # type: ignore[attr-defined]
        scope = self.get_metadata(ScopeProvider, target, None)
        if (
            scope is None
            or isinstance(scope, GlobalScope)
            or declares_global(self.scope_of(stmt), name)
        ):
            return None
        assignments = list(scope.assignments[name])
        if len(assignments) != 1:
            return None
        references = list(assignments[0].references)
        places = [call.args[0].value, *later]
        inside = {id(n) for place in places for n in walk(place)}
        if len(references) == 1 and id(references[0].node) in inside:
            return references[0].node
        return None

    def _check_inputs(self, inputs: list[Input], owner: cst.FunctionDef) -> None:
        if not inputs:
            raise Refused("the pattern reads no input (a constant: nothing to key on)")
        for later in inputs[1:]:
            if not later.quiet:
                raise Refused(f"{later.text} is read after another input, and reading it "
                              "could run code or raise")  # fmt: skip
        for at, value in enumerate(inputs):
            again = at > 0 or len(value.nodes) > 1 or value.per_item
            if again and not self._fixed(value, owner):
                raise Refused(
                    f"{value.text} is read after code that could rebind it has run (a "
                    "module-level name, a closure's variable or one declared nonlocal)"
                )
        deleted = {n.value for d in walk(owner) if isinstance(d, cst.Del)
                   for n in walk(d.target) if isinstance(n, cst.Name)}  # fmt: skip
        for value in inputs:
            root = value.text.split(".")[0]
            if root in deleted:
                raise Refused(f"{root} is deleted in the function")
        scope = self.get_metadata(ScopeProvider, self.module, None)
        if isinstance(scope, GlobalScope):
            for name in BUILTINS_USED:
                if not all(isinstance(a, BuiltinAssignment) for a in scope[name]):
                    raise Refused(f"the module binds {name}")

    def _bound(self, name: cst.Name, statement: cst.CSTNode, block: cst.CSTNode | None) -> bool:
        """Is ``name`` surely bound where the call reads it: a parameter, a loop value of a
        comprehension, a builtin, a name the module binds at its top level, the target of a
        loop around the call, or a local an earlier statement of the same block assigns; never
        deleted nor declared global?"""
        if any(
            (isinstance(n, cst.Del) and name.value in names_in(n.target))
            or (isinstance(n, cst.Global) and any(g.name.value == name.value for g in n.names))
            for n in walk(self.module)
        ):
            return False
        scope = self.get_metadata(ScopeProvider, name, None)
        found = list(scope[name.value]) if scope is not None else []
        if not found:
            return False
        for assignment in found:
            if isinstance(assignment, BuiltinAssignment) or isinstance(assignment.node, cst.Param):
                return True
        if all(isinstance(a.scope, ComprehensionScope) for a in found):
            return True
        if all(isinstance(a.scope, GlobalScope) for a in found):
            return any(binds(s, name.value) for s in self.module.body)
        for loop in self.ancestors(statement):
            if isinstance(loop, cst.For) and name.value in names_in(loop.target):
                return any(a is loop.body for a in self.ancestors(statement))
        if not isinstance(block, cst.IndentedBlock):
            return False
        before = list(block.body)[: list(block.body).index(statement)]  # type: ignore[arg-type]
        return any(binds(s, name.value) for s in before)

    def _fixed(self, value: Input, owner: cst.FunctionDef) -> bool:
        """Can only ``owner``'s own statements rebind ``value`` (a parameter or loop value of
        the function that no nested function declares nonlocal)? Then no code that runs
        between two reads in one expression can change it."""
        node = value.nodes[0]
        if not isinstance(node, cst.Name):
            return False
        scope = self.get_metadata(ScopeProvider, node, None)
        own = self.get_metadata(ScopeProvider, owner.body.body[0], None)
        if scope is None or own is None:
            return False
        if not all(a.scope is own or isinstance(a.scope, ComprehensionScope)
                   for a in scope[node.value]):  # fmt: skip
            return False
        return not any(
            isinstance(n, cst.Nonlocal) and any(x.name.value == node.value for x in n.names)
            for n in walk(owner)
        )
