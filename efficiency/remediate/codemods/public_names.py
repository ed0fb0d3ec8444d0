"""Whether a public name of the module a codemod rewrites may be changed in place by another
module: a private (``_x``) or constant (``ALL_CAPS``) name is taken as the module's own; a
public one only when the repository's other modules (the ``other_modules`` param, an
:class:`~efficiency.remediate.other_modules.OtherModules`) name it nowhere, and the summary says
that this is what the rewrite rests on."""

from __future__ import annotations

from collections.abc import Callable

#: given a name, '' when no other module of the repository names it, else which one does
Elsewhere = Callable[[str], str]


def public_refusal(name: str, elsewhere: Elsewhere | None = None) -> str:
    """'' for a private (``_x``) or constant (``ALL_CAPS``) name, which no other module should
    change in place, and for a public one that ``elsewhere`` (the repository's other modules,
    :class:`~efficiency.remediate.other_modules.OtherModules`) shows no other module naming;
    else why not: without ``elsewhere`` this file cannot see the other modules."""
    if name.startswith("_") or name.isupper():
        return ""
    if elsewhere is None:
        return f"{name} is public: another module could change the list in place, unseen here"
    why = elsewhere(name)
    if why:
        return f"{name} is public and {why}: it could change the list in place"
    return ""


def public_assumption(name: str) -> str:
    """What accepting the public ``name`` rests on, said in the summary."""
    return (
        f"{name} is public; no other module of the repository names it (code outside the "
        "repository could still change it in place)"
    )
