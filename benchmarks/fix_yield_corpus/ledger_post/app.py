"""Double-entry ledger: each transfer posts a debit and a credit, balances kept per account
in integer cents."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any


class Ledger:
    def __init__(self) -> None:
        self.logger = logging.getLogger(__name__)
        self.balances: defaultdict[str, int] = defaultdict(int)

    def _describe(self, transfer: Mapping[str, Any]) -> str:
        return ", ".join(f"{key}={transfer[key]!r}" for key in sorted(transfer))

    def post(self, transfers: Iterable[Mapping[str, Any]]) -> list[tuple[str, str, int]]:
        """The journal entries ``(transfer id, account, signed cents)``, debit first."""
        entries = []
        for transfer in transfers:
            self.logger.debug("posting transfer %s" % self._describe(transfer))  # noqa: UP031
            cents = transfer["cents"]
            self.balances[transfer["source"]] -= cents
            self.balances[transfer["target"]] += cents
            entries.append((transfer["id"], transfer["source"], -cents))
            entries.append((transfer["id"], transfer["target"], cents))
        return entries
