"""Build strings with a list and one ``join`` instead of ``+=`` in a loop (``join-strings``).

``s = ""`` followed by a loop doing ``s += piece`` copies the growing string on every
iteration when CPython cannot resize it in place (always, once anything else holds a reference
to it), which makes the loop quadratic. The rewrite appends the pieces to ``s_parts`` and joins
them once after the loop::

    s = ""                      s_parts = []
    for row in rows:      →     for row in rows:
        s += fmt(row)               s_parts.append(fmt(row))
                                s = "".join(s_parts)

The string may start as any str or bytes literal (``html = "<ul>"`` starts the list with it;
bytes are joined with ``b""``). Three spellings of the append are rewritten: ``s += piece``,
``s = s + a + b`` (the pieces after ``s``, in order) and ``s = "".join([s, a, b])`` (a list or
tuple display whose first item is ``s``, joined with an empty string); several pieces become
``s_parts.extend((a, b))``.

The string may also start as any other provably exact str (an f-string with text or two
fields, a conditional of str literals, ``"".join(...)``, a module constant bound once to a str
literal...: :mod:`~efficiency.remediate.codemods.join_exact`), which becomes the list's first
part. One site covers the whole *run* of
statements that build it (:mod:`efficiency.remediate.codemods.join_runs`): appends at the top
level before, between and after the loops (a header, a footer), several loops, and statements
that neither mention ``s`` nor define functions or classes (and, at module level, call nothing
that could read the global); every append in it goes to ``s_parts``, and the one join follows
the run's last append::

    s = "# title\n"            s_parts = ["# title\n"]
    s += header                 s_parts.append(header)
    for row in rows:      →     for row in rows:
        s += fmt(row)               s_parts.append(fmt(row))
    s += footer                 s_parts.append(footer)
    return s                    s = "".join(s_parts)
                                return s

The run ends at the first other use of ``s`` (``return s``, a read between two loops), or at a
``break``/``continue`` of an outer loop, which would jump past the join.

Refused: any other use of ``s`` in the loop (a read, another assignment, ``del``, use in the loop's
``else:`` or in a ``while`` test), ``s`` declared ``global``/``nonlocal`` or used inside a
nested function (which could read it mid-loop), ``locals()``/``eval``-style calls in the scope,
a loop inside ``try``/``with`` (an exception caught there would see ``s`` half-built; a
``try`` with only a ``finally`` that neither mentions ``s`` nor returns, breaks or continues
lets it leave the function, and is fine), an append inside a ``try``/``with`` within the loop
(``s += x`` raises ``TypeError`` for a non-str ``x`` there, which the handler would catch, while
``list.append`` does not raise), class bodies. The pieces are still evaluated in the same order,
once each.

Assumed: the pieces are of the string's own type (str, or bytes-like for bytes). A piece of
another type makes ``s += piece`` raise ``TypeError`` at that append, where the rewrite raises
it (another message) at the join, after the rest of the run has run; a str subclass with its
own ``__radd__`` is not consulted by ``join``.

An attribute built the same way (``self.text += piece`` in a loop) is handled by
:mod:`efficiency.remediate.codemods.join_attribute`; one appended to in helper methods that a
loop calls, or in a loop that rewrite refuses, by :mod:`~efficiency.remediate.codemods.join_builder`
(a list of parts behind a property); the str values of a private dict attribute grown with
``self._x[k] += piece`` by :mod:`~efficiency.remediate.codemods.join_dict` (lists of parts,
joined where an item is read); those of a local dict grown with ``d[k] += piece`` in a loop
first by :mod:`~efficiency.remediate.codemods.join_dict_whole` (the dict holds lists of parts
for its whole life in the function, joined where an item is read, when every use of it is one
that rewrite follows; only a dict with an append on a line the profile sampled, the
``sampled_lines`` param, when given), and where that refuses by
:mod:`~efficiency.remediate.codemods.join_dict_local` (a dict of lists of parts, each key's
joined and added once when the loop ends; only a loop holding a sampled line); a str parameter
threaded through a recursion (``out += x; out = f(..., out); return out``) by
:mod:`~efficiency.remediate.codemods.join_threaded` (one list for the whole recursion, joined
by a wrapper with ``f``'s signature); a str local of ``F`` that functions nested in it grow
through ``nonlocal`` by :mod:`~efficiency.remediate.codemods.join_closure` (one list, joined
right before ``F`` first reads it).
Each stage analyses the tree the stages before produced.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper

from efficiency.remediate.codemods.base import plural
from efficiency.remediate.codemods.join_attribute import (
    AttrFinder,
    AttrRewriter,
    AttrSite,
    _attr_append,
)
from efficiency.remediate.codemods.join_builder import BuilderFinder, _appenders, object_name
from efficiency.remediate.codemods.join_builder_reach import driven
from efficiency.remediate.codemods.join_builder_rewrite import BuilderRewriter, name_parts
from efficiency.remediate.codemods.join_closure_rewrite import closure_stage
from efficiency.remediate.codemods.join_dict import DictFinder
from efficiency.remediate.codemods.join_dict_rewrite import DictRewriter
from efficiency.remediate.codemods.join_dict_whole_rewrite import local_dict_stages
from efficiency.remediate.codemods.join_runs import Append, Run, append_of, find_run, string_init
from efficiency.remediate.codemods.join_threaded_rewrite import threaded_stage
from efficiency.remediate.codemods.pysource import (
    SCOPES,
    Edit,
    PythonCodemod,
    ScopedVisitor,
    StatementRewriter,
    Targets,
    calls_introspection,
    declares_global,
    mentions,
    mentions_in_nested_scopes,
    names_in,
    restage,
    unique_name,
    walk,
    where,
)


@dataclass
class _Site:
    init: cst.SimpleStatementLine
    name: str
    empty: str  # the empty literal to join with, in the init's kind and quotes: "" '' b""
    initial: cst.BaseExpression | None  # the init's value (the first part) unless empty
    run: Run
    owner: str


class _Finder(ScopedVisitor):
    def __init__(self, targets: Targets | None) -> None:
        super().__init__(targets)
        self.sites: list[_Site] = []
        self.refused: list[str] = []
        self.module: cst.Module | None = None

    def visit_Module(self, node: cst.Module) -> None:
        self.module = node
        self._scan(node.body)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._scan(node.body)

    def _scan(self, body: Sequence[cst.BaseStatement]) -> None:
        if not self.active:
            return
        for index, first in enumerate(body):
            found = string_init(first, self.module)
            if found is None:
                continue
            name, empty, initial = found
            scope = self.scope_of(first)
            run, ended = find_run(
                body[index + 1 :],
                name,
                isinstance(scope, cst.Module),
                lambda loop, appends, name=name: self._loop_refusal(loop, name, appends),
            )
            if run is None:
                if ended:
                    self.refused.append(f"`{name} += ...` loop: {ended}")
                continue
            why = self._scope_refusal(run, name, scope)
            if why:
                self.refused.append(f"`{name} += ...` loop: {why}")
                continue
            if ended:  # the earlier loops are still rewritten, joined before it
                self.refused.append(f"`{name} += ...` loop: {ended}")
            owner = self.def_stack[-1] if self.def_stack else ""
            assert isinstance(first, cst.SimpleStatementLine)
            self.sites.append(_Site(first, name, empty, initial, run, owner))

    def _loop_refusal(
        self, loop: cst.For | cst.While, name: str, augments: list[Append]
    ) -> str | None:
        """Why ``loop``, which appends to ``name``, cannot be part of the run."""
        allowed = {id(n) for a in augments for n in a.names}
        for node in walk(loop):
            if isinstance(node, cst.Name) and node.value == name and id(node) not in allowed:
                return f"{name} is used in the loop other than by appending to it"
        for augment in augments:
            if any(mentions(piece, name) for piece in augment.pieces):
                return f"{name} is read in the appended expression"
            chain = list(self.ancestors(augment.node))
            if not any(a is loop.body for a in chain):
                return f"{name} += sits outside the loop body"
            inner = chain[: next(i for i, a in enumerate(chain) if a is loop)]
            if any(isinstance(a, SCOPES) for a in inner):
                return f"{name} += sits in a nested function or class"
        return None

    def _scope_refusal(self, run: Run, name: str, scope: cst.CSTNode) -> str | None:
        """Why the scope rules out building ``name`` in a list at all."""
        if isinstance(scope, cst.ClassDef):
            return "class body"
        if declares_global(scope, name):
            return f"{name} is declared global/nonlocal"
        if mentions_in_nested_scopes(scope, name):
            return f"{name} is used by a nested function, which could read it mid-loop"
        if calls_introspection(scope):
            return "the scope calls locals()/vars()/eval()/exec()"
        if any(self.exceptions_observable(stmt, scope, name) for stmt in run.appending):
            return "the loop sits in try/with: a caught exception would see a half-built string"
        if any(self.exceptions_observable(a.node, scope, name) for a in run.appends):
            return (
                "an append sits in try/with in the loop: a += that raises there (a non-str "
                "piece) would be caught, where list.append does not raise"
            )
        return None


class _Rewriter(StatementRewriter):
    def __init__(self, sites: list[_Site], parts: dict[int, str]) -> None:
        super().__init__()
        self.inits = {id(s.init): s for s in sites}
        #: the last appending statement of each run, after which its join goes
        self.anchors: dict[int, list[_Site]] = {}
        for site in sites:
            self.anchors.setdefault(id(site.run.appending[-1]), []).append(site)
        self.augments = {id(a.node): (a, parts[id(s.init)]) for s in sites for a in s.run.appends}
        self.parts = parts

    def leave_AugAssign(
        self, original_node: cst.AugAssign, updated_node: cst.AugAssign
    ) -> cst.BaseSmallStatement:
        return self._appended(original_node, updated_node)

    def leave_Assign(
        self, original_node: cst.Assign, updated_node: cst.Assign
    ) -> cst.BaseSmallStatement:
        return self._appended(original_node, updated_node)

    def _appended(self, original: cst.CSTNode, updated: Any) -> cst.BaseSmallStatement:
        found = self.augments.get(id(original))
        if found is None:
            return updated
        append, parts = found
        name = append.names[0].value
        pieces = (append_of(updated, name) or append).pieces
        if len(pieces) == 1:
            method, arg = "append", pieces[0]
        else:
            method, arg = "extend", cst.Tuple(elements=[cst.Element(p) for p in pieces])
        call = cst.Call(
            func=cst.Attribute(value=cst.Name(parts), attr=cst.Name(method)), args=[cst.Arg(arg)]
        )
        return cst.Expr(value=call, semicolon=updated.semicolon)

    def _body(self, original: tuple[cst.CSTNode, ...], updated: tuple[cst.CSTNode, ...]) -> list:
        body = []
        for old, new in zip(original, updated, strict=True):
            if id(old) in self.inits:
                site = self.inits[id(old)]
                parts = self.parts[id(old)]
                assign = site.init.body[0]
                assert isinstance(assign, cst.Assign)
                target = assign.targets[0].with_changes(target=cst.Name(parts))
                start = [] if site.initial is None else [cst.Element(site.initial)]
                new = new.with_changes(
                    body=[assign.with_changes(targets=[target], value=cst.List(elements=start))]
                )
            body.append(new)
            for site in self.anchors.get(id(old), []):
                join = cst.Call(
                    func=cst.Attribute(value=cst.SimpleString(site.empty), attr=cst.Name("join")),
                    args=[cst.Arg(cst.Name(self.parts[id(site.init)]))],
                )
                body.append(
                    cst.SimpleStatementLine(
                        body=[
                            cst.Assign(targets=[cst.AssignTarget(cst.Name(site.name))], value=join)
                        ]
                    )
                )
        return body


class JoinStrings(PythonCodemod):
    name = "join-strings"
    needs = ("+=", "+", ".join(")

    def check_params(self, params: dict[str, Any]) -> None:
        lines = params.get("sampled_lines")
        if lines is not None and not all(
            isinstance(n, int) and not isinstance(n, bool) for n in lines
        ):
            raise ValueError(f"sampled_lines must be line numbers, not {lines!r}")

    def rewrite(
        self, wrapper: MetadataWrapper, targets: Targets | None, params: dict[str, Any]
    ) -> Edit:
        source = wrapper.module.code  # where the sampled lines are numbered
        finder = _Finder(targets)
        wrapper.visit(finder)
        new, built, owners = wrapper.module, [], [s.owner for s in finder.sites]
        if finder.sites:
            taken = names_in(new)
            parts: dict[int, str] = {}
            for site in finder.sites:
                parts[id(site.init)] = unique_name(f"{site.name}_parts", taken)
                taken.add(parts[id(site.init)])
            new = new.visit(_Rewriter(finder.sites, parts))
            built += sorted({s.name for s in finder.sites})
            wrapper, targets = restage(wrapper.module, new, targets)
            new = wrapper.module
        attrs = AttrFinder(wrapper.module, targets)
        wrapper.visit(attrs)
        skip = _taken(wrapper.module, attrs.sites)
        if attrs.sites:
            taken = names_in(new)
            for site in attrs.sites:
                for attr in site.attrs:
                    site.parts[attr] = unique_name(f"{attr.lstrip('_')}_parts", taken)
                    taken.add(site.parts[attr])
            new = new.visit(AttrRewriter(attrs.sites))
            built += sorted({f"{s.obj}.{a}" for s in attrs.sites for a in s.attrs})
            owners += [s.owner for s in attrs.sites]
            wrapper, targets = restage(wrapper.module, new, targets)
            new = wrapper.module
        dicts = DictFinder(wrapper.module, targets, params.get("other_modules"))
        wrapper.visit(dicts)
        if dicts.sites:
            new = new.visit(DictRewriter(dicts.sites))
            wrapper, targets = restage(wrapper.module, new, targets)
            new = wrapper.module
        local = local_dict_stages(wrapper, targets, source, params.get("sampled_lines"))
        local = threaded_stage(local, source, params.get("sampled_lines"))
        local = closure_stage(local, source, params.get("sampled_lines"), finder.refused)
        wrapper, targets = local.wrapper, local.targets
        new = wrapper.module
        builders = BuilderFinder(wrapper.module, targets, skip)
        wrapper.visit(builders)
        refused = "; ".join(
            finder.refused + attrs.refused + dicts.refused + local.refused + builders.refused
        )
        sites = len(finder.sites) + len(attrs.sites)
        if not sites and not builders.sites and not dicts.sites and not local.sites:
            why = refused or 'no `s = ""` followed by a loop doing `s += ...` or `s = s + ...`'
            return Edit(wrapper.module, 0, f"{self.name}: nothing to rewrite ({why})")
        summaries = []
        if sites:
            loops = sum(len(s.run.loops) for s in finder.sites) + len(attrs.sites)
            summaries.append(
                f"built {', '.join(built)} with list.append + str.join instead of += in a loop "
                f"{where(targets, owners)} ({plural(loops, 'loop')})"
            )
        if dicts.sites:
            kept = [f"{s.cls.name.value}.{s.attr}" for s in dicts.sites]
            appenders = sorted({o for s in dicts.sites for o in s.owners})
            summaries.append(
                f"kept the str values of {', '.join(kept)} as lists of parts (joined where an "
                f"item is read) instead of += in {', '.join(appenders)} "
                f"({plural(len(dicts.sites), 'attribute')})"
            )
        summaries += local.summaries
        if builders.sites:
            name_parts(builders.sites, new)
            new = new.visit(BuilderRewriter(builders.sites))
            kept = [f"{s.cls.name.value}.{s.attr}" for s in builders.sites]
            appenders = sorted({o for s in builders.sites for o in s.owners})
            summaries.append(
                f"kept {', '.join(kept)} as a list of parts behind a property (joined when "
                f"read) instead of += in {', '.join(appenders)} "
                f"({plural(len(builders.sites), 'attribute')})"
            )
        shown = "; ".join(summaries)
        if refused:
            shown += f"; left: {refused}"
        count = sites + len(builders.sites) + len(dicts.sites) + local.sites
        return Edit(new, count, shown)


def _taken(module: cst.Module, sites: list[AttrSite]) -> set[tuple[str, str]]:
    """The (class, attribute) pairs the loop rewrite is enough for: every other append to the
    attribute in the class is run once per call of a method no loop of the module calls. One
    that a loop drives (``for c in cues: self.add(c)`` where ``add`` appends outside its own
    rewritten loop) is left to join_builder, whose parts make every append cheap, those of the
    rewritten loops included."""
    covered = {key for site in sites for key in site.appends}
    taken: set[tuple[str, str]] = set()
    for site in sites:
        cls = site.cls
        methods = {
            m.name.value: m
            for m in cls.body.body
            if isinstance(m, cst.FunctionDef) and (m.params.posonly_params or m.params.params)
        }
        for attr in site.attrs:
            outside: dict[int, str] = {}
            for name, method in methods.items():
                obj = object_name(method)
                for node in walk(method):
                    found = _attr_append(node, obj)
                    if found is not None and found[0] == attr and id(node) not in covered:
                        outside[id(node)] = name
            appenders = _appenders(methods, set(outside.values()))
            if not outside or not driven(module, appenders, set(outside)):
                taken.add((cls.name.value, attr))
    return taken
