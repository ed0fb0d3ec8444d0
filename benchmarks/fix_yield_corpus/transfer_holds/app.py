"""Screen outgoing transfers against account holds before they post to the ledger."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

DEBIT_HOLDS = ("freeze", "debit_block")
CREDIT_HOLDS = ("freeze", "credit_block")


@dataclass(frozen=True)
class Transfer:
    ref: str
    source: str
    dest: str
    amount_cents: int
    currency: str = "EUR"


@dataclass(frozen=True)
class Hold:
    account: str
    kind: str
    reason: str = ""


@dataclass
class ScreenResult:
    accepted: list[Transfer] = field(default_factory=list)
    rejected: list[tuple[Transfer, str]] = field(default_factory=list)
    posted_cents: dict[str, int] = field(default_factory=dict)

    @property
    def accepted_total(self) -> int:
        return sum(t.amount_cents for t in self.accepted)


class HoldRegistry:
    """Active holds, as loaded from the compliance feed."""

    def __init__(self, holds: Iterable[Hold]) -> None:
        self._holds = list(holds)

    def accounts_with(self, kinds: tuple[str, ...]) -> list[str]:
        return [h.account for h in self._holds if h.kind in kinds]

    def __len__(self) -> int:
        return len(self._holds)


class TransferScreen:
    def __init__(
        self,
        registry: HoldRegistry,
        daily_limit_cents: int,
        currencies: tuple[str, ...] = ("EUR", "USD", "GBP"),
    ) -> None:
        self.registry = registry
        self.daily_limit_cents = daily_limit_cents
        self.currencies = currencies

    def _reject_reason(
        self,
        t: Transfer,
        debit_blocked: list[str],
        credit_blocked: list[str],
        spent: dict[str, int],
    ) -> str | None:
        if t.amount_cents <= 0:
            return "non-positive amount"
        if t.currency not in self.currencies:
            return "unsupported currency"
        if t.source == t.dest:
            return "self transfer"
        if t.source in debit_blocked:
            return "source on hold"
        if t.dest in credit_blocked:
            return "destination on hold"
        if spent.get(t.source, 0) + t.amount_cents > self.daily_limit_cents:
            return "daily limit exceeded"
        return None

    def screen(self, transfers: Iterable[Transfer]) -> ScreenResult:
        debit_blocked = self.registry.accounts_with(DEBIT_HOLDS)
        credit_blocked = self.registry.accounts_with(CREDIT_HOLDS)
        result = ScreenResult()
        spent: dict[str, int] = {}
        for t in transfers:
            reason = self._reject_reason(t, debit_blocked, credit_blocked, spent)
            if reason is not None:
                result.rejected.append((t, reason))
                continue
            spent[t.source] = spent.get(t.source, 0) + t.amount_cents
            result.accepted.append(t)
        result.posted_cents = spent
        log.info(
            "screened %d transfers: %d accepted, %d rejected",
            len(result.accepted) + len(result.rejected),
            len(result.accepted),
            len(result.rejected),
        )
        return result


def screen_batch(
    transfers: list[Transfer], holds: list[Hold], daily_limit_cents: int = 500_000
) -> ScreenResult:
    screen = TransferScreen(HoldRegistry(holds), daily_limit_cents)
    return screen.screen(transfers)
