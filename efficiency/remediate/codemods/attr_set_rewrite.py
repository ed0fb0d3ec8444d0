"""The rewrite half of :mod:`efficiency.remediate.codemods.attr_set`: the frozenset made
beside each proven attribute list, the class-level ``None`` and the guarded tests.

The set's attribute holds ``(the list, its frozenset)``, and a test asks the set only while the
attribute still holds that very list: code the module cannot see that binds another list to it
(another module, a test's monkeypatch) makes the tests scan the new list, as before."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper

from efficiency.remediate.codemods.attr_set import AttrFinder
from efficiency.remediate.codemods.attr_set_sites import AttrSite
from efficiency.remediate.codemods.public_names import Elsewhere
from efficiency.remediate.codemods.pysource import StatementRewriter, Targets, unique_name
from efficiency.remediate.codemods.set_probe import in_operator, keep_parens, probed


class AttrRewriter(StatementRewriter):
    """Makes each site's set after the line that binds its list (and a class-level ``None``
    for an instance attribute) and asks it in the tests."""

    def __init__(self, sites: list[AttrSite]) -> None:
        super().__init__()
        self.inits = {id(s.init): s for s in sites}
        # the set is made after the line that binds the list, or after __init__ grows it
        self.afters: dict[int, list[AttrSite]] = {}
        for site in sites:
            if site.shape is None:
                self.afters.setdefault(id(site.after or site.init), []).append(site)
        # the class-level None of each list the method binds (two lists: two Nones)
        self.defaults: dict[int, list[AttrSite]] = {}
        for site in sites:
            if site.method is not None:
                self.defaults.setdefault(id(site.method), []).append(site)
        self.tests = {id(c): (s, obj) for s in sites for c, obj in _pairs(s)}
        # a dataclass field's set is made in __post_init__: the class's own, or one added
        self.posts: dict[int, list[AttrSite]] = {}
        for site in sites:
            if site.shape is not None:
                key = id(site.shape.post_init) if site.shape.post_init else id(site.cls)
                self.posts.setdefault(key, []).append(site)

    def _body(self, original: tuple[cst.CSTNode, ...], updated: tuple[cst.CSTNode, ...]) -> list:
        out: list = []
        added: list[AttrSite] = []
        for old, new in zip(original, updated, strict=True):
            if id(old) in self.posts and isinstance(new, cst.FunctionDef):
                new = _made_first(new, self.posts[id(old)])
            site = self.inits.get(id(old))
            if site is not None and site.shape is not None:
                out += [new, cst.parse_statement(f"{site.shadow} = None\n")]
                added += [] if site.shape.post_init else [site]
                continue
            bound = self.defaults.get(id(old), [])
            if bound and isinstance(new, cst.FunctionDef):
                lines = list(new.leading_lines)
                blank = 0
                while blank < len(lines) and lines[blank].comment is None:
                    blank += 1
                for i, site in enumerate(bound):
                    default = cst.parse_statement(f"{site.shadow} = None\n")
                    out.append(default.with_changes(leading_lines=lines[:blank] if i == 0 else []))
                new = new.with_changes(leading_lines=[cst.EmptyLine(indent=False), *lines[blank:]])
            out.append(new)
            for site in self.afters.get(id(old), []):
                prefix = f"{site.holder}." if site.holder else ""
                held = f"{prefix}{site.attr}"
                out.append(
                    cst.parse_statement(
                        f"{prefix}{site.shadow} = (({held}, frozenset({held})) if all(type(v) "
                        f"is str or type(v) is int for v in {held}) else None)\n"
                    )
                )
        if added:
            made = _pair(added[0].shape.holder, added)  # type: ignore[union-attr]
            post = cst.parse_statement(f"def __post_init__({added[0].shape.holder}):\n{made}")  # type: ignore[union-attr]
            out.append(post.with_changes(leading_lines=[cst.EmptyLine(indent=False)]))
        return out

    def leave_Comparison(
        self, original_node: cst.Comparison, updated_node: cst.Comparison
    ) -> cst.BaseExpression:
        found = self.tests.get(id(original_node))
        if found is None:
            return updated_node
        site, obj = found
        # a class attribute's set is read through its class: a method borrowed by another
        # class (``Codes.hit(other, v)``) meets a self without the set, and its own list
        holder = obj if site.holder else site.cls.name.value
        shadow, held = f"{holder}.{site.shadow}", f"{obj}.{site.attr}"
        op = in_operator(updated_node)
        first, value = probed(updated_node.left, site.probe)
        # an instance's set only on an instance: a borrowed method's self may have none
        mine = f"isinstance({obj}, {site.cls.name.value}) and " if site.holder else ""
        new = cst.parse_expression(
            f"({value} {op} {shadow}[1] if (type({first}) is str or type({value}) is int) and "
            f"{mine}{shadow} is not None and {shadow}[0] is {held} else {value} {op} {held})"
        )
        return keep_parens(updated_node, new)


def _pair(holder: str, sites: list[AttrSite], indent: str = "    ") -> str:
    """The lines that make each site's ``(list, frozenset)`` pair on ``holder``."""
    return "".join(
        f"{indent}{holder}.{s.shadow} = (({holder}.{s.attr}, frozenset({holder}.{s.attr})) if "
        f"all(type(v) is str or type(v) is int for v in {holder}.{s.attr}) else None)\n"
        for s in sites
    )


def _made_first(method: cst.FunctionDef, sites: list[AttrSite]) -> cst.FunctionDef:
    """The class's own ``__post_init__`` with the pairs made first (after its docstring)."""
    body = method.body
    assert isinstance(body, cst.IndentedBlock)
    made = cst.parse_module(_pair(sites[0].shape.holder, sites, "")).body  # type: ignore[union-attr]
    lines = list(body.body)
    at = 1 if lines and method.get_docstring() is not None else 0
    return method.with_changes(body=body.with_changes(body=[*lines[:at], *made, *lines[at:]]))


def _pairs(site: AttrSite) -> list[tuple[cst.Comparison, str]]:
    return [(c, site.tests[id(c)]) for c in site.nodes]


def attribute_stage(
    wrapper: MetadataWrapper,
    targets: Targets | None,
    taken: set[str],
    elsewhere: Elsewhere | None = None,
) -> tuple[cst.Module, list[AttrSite], list[str]]:
    """The attribute-list rewrite of the wrapped tree (``targets`` found in it, as
    :func:`~efficiency.remediate.codemods.pysource.restage` gives them): the new tree, the sites
    rewritten and the refusals. ``taken`` gets the names it adds. ``elsewhere`` (the
    ``other_modules`` param) lets a public attribute through that no other module names."""
    module = wrapper.module
    finder = AttrFinder(wrapper.module, targets, elsewhere)
    wrapper.visit(finder)
    finder.finish()
    if not finder.sites:
        return module, [], finder.refused
    sites = []
    for site in finder.sites:
        upper = site.attr.isupper()
        site.shadow = unique_name(f"{site.attr}{'_SET' if upper else '_set'}", taken)
        site.probe = unique_name(f"_{site.attr.strip('_').lower()}_key", taken)
        taken |= {site.shadow, site.probe}
        why = _taken_elsewhere(elsewhere, site.shadow)
        if why:  # another module's own .{shadow} would meet (or overwrite) the set
            finder.refused.append(f"{site.cls.name.value}.{site.attr}: the set's name, "
                                  f"{site.shadow}, is used elsewhere ({why})")  # fmt: skip
        else:
            sites.append(site)
    finder.sites = sites
    if not sites:
        return module, [], finder.refused
    new = wrapper.module.visit(AttrRewriter(sites))
    try:
        compile(new.code, "<set-membership>", "exec")
    except SyntaxError as exc:  # e.g. `:=` where Python allows none
        return module, [], [*finder.refused, f"the attribute rewrite would not compile ({exc})"]
    return new, finder.sites, finder.refused


def _taken_elsewhere(elsewhere: Elsewhere | None, name: str) -> str:
    """Why another module of the repository may use the attribute ``name`` ('' if none names
    it; without the repository, only a private list's set is made, under the same assumption
    that lets the list through)."""
    if elsewhere is None:
        return ""
    naming = getattr(elsewhere, "naming", None)
    if naming is None:
        return elsewhere(name)
    files, _ = naming(name)
    return f"{files[0]} names it" if files else ""
