"""The statement rewriter the set-membership stages share: a line made right after each site's
binding statement, and the site's tests rewritten by the subclass (``leave_Comparison``)."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import Any

import libcst as cst

from efficiency.remediate.codemods.pysource import StatementRewriter


class SiteRewriter(StatementRewriter):
    """Sites are objects with ``init`` (the binding statement) and ``tests`` (the comparisons
    to rewrite); :meth:`after` gives the statement that follows each ``init``."""

    def __init__(self, sites: Sequence[Any]) -> None:
        super().__init__()
        self.inits = {id(s.init): s for s in sites}
        self.tests = {id(t): s for s in sites for t in s.tests}

    @abstractmethod
    def after(self, site: Any) -> cst.BaseStatement:
        """The statement made right after ``site``'s binding."""

    def _body(self, original: tuple[cst.CSTNode, ...], updated: tuple[cst.CSTNode, ...]) -> list:
        out: list = []
        for old, new in zip(original, updated, strict=True):
            out.append(new)
            site = self.inits.get(id(old))
            if site is not None:
                out.append(self.after(site))
        return out
