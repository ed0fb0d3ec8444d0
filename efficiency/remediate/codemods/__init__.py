"""Codemods: mechanical, behaviour-preserving rewrites behind a code-fix proposal.

Each codemod edits one file's text and keeps everything it does not need to touch (layout,
comments) byte for byte. When it cannot prove a rewrite safe it changes nothing and says why in
the summary, so a proposal never carries a guess. Registered explicitly in :data:`CODEMODS`.
"""

from __future__ import annotations

from efficiency.remediate.codemods.any_all_loop import AnyAllLoop
from efficiency.remediate.codemods.base import Codemod, CodemodResult
from efficiency.remediate.codemods.comprehension import AppendToComprehension
from efficiency.remediate.codemods.constant_table import HoistConstantTable
from efficiency.remediate.codemods.dataloader import DataLoaderWorkers
from efficiency.remediate.codemods.deepcopy_plain import DeepcopyPlain
from efficiency.remediate.codemods.deepcopy_read_only import DeepcopyReadOnly
from efficiency.remediate.codemods.deepcopy_shallow import DeepcopyShallow
from efficiency.remediate.codemods.env_line import EnvLine
from efficiency.remediate.codemods.hoist_re import HoistReCompile
from efficiency.remediate.codemods.join_strings import JoinStrings
from efficiency.remediate.codemods.lazy_logging import LazyLogging
from efficiency.remediate.codemods.re_loop_pattern import ReLoopPattern
from efficiency.remediate.codemods.re_pattern_method import RePatternMethod
from efficiency.remediate.codemods.set_membership import SetMembership
from efficiency.remediate.codemods.struct_precompile import StructPrecompile

__all__ = ["CODEMODS", "Codemod", "CodemodResult", "codemod"]

#: every codemod, by name
CODEMODS: dict[str, Codemod] = {
    mod.name: mod
    for mod in (
        HoistReCompile(),
        RePatternMethod(),
        ReLoopPattern(),
        StructPrecompile(),
        DeepcopyReadOnly(),
        DeepcopyShallow(),
        DeepcopyPlain(),
        LazyLogging(),
        JoinStrings(),
        HoistConstantTable(),
        AppendToComprehension(),
        AnyAllLoop(),
        SetMembership(),
        DataLoaderWorkers(),
        EnvLine(),
    )
}


def codemod(name: str) -> Codemod:
    """The codemod called ``name``; a ValueError naming the known ones otherwise."""
    try:
        return CODEMODS[name]
    except KeyError:
        known = ", ".join(sorted(CODEMODS))
        raise ValueError(f"unknown codemod {name!r}; known: {known}") from None
