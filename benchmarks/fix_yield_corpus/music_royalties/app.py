"""Quarterly royalty statement from streaming-service usage reports.

Each usage line is one aggregated report row: a recording (ISRC), the
territory, the number of streams and the net revenue the service paid for
them.  The statement credits the artist's share per recording, converts
currencies, withholds tax per territory and lists recordings in the order
they first appear in the usage report, as the distributor's statements do.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

log = logging.getLogger(__name__)

ISRC_RE = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}\d{2}\d{5}$")


@dataclass(frozen=True)
class UsageLine:
    service: str
    isrc: str
    territory: str
    streams: int
    net_revenue: float
    currency: str


@dataclass
class RecordingLine:
    isrc: str
    title: str
    streams: int = 0
    gross: float = 0.0
    withheld: float = 0.0

    @property
    def payable(self) -> float:
        return round(self.gross - self.withheld, 2)


@dataclass
class Statement:
    lines: list[RecordingLine]
    unmatched: dict[str, int]  # ISRC -> streams, for recordings not in the catalogue
    skipped: int
    total_streams: int
    total_payable: float


def normalise_isrc(raw: str) -> str:
    code = raw.replace("-", "").replace(" ", "").upper()
    if not ISRC_RE.match(code):
        raise ValueError(f"bad ISRC {raw!r}")
    return code


class RoyaltyCalculator:
    def __init__(
        self,
        catalogue: dict[str, str],
        artist_share: float,
        fx_to_eur: dict[str, float],
        withholding: dict[str, float],
    ) -> None:
        if not 0 < artist_share <= 1:
            raise ValueError("artist share must be in (0, 1]")
        self.catalogue = {normalise_isrc(k): v for k, v in catalogue.items()}
        self.artist_share = artist_share
        self.fx_to_eur = fx_to_eur
        self.withholding = withholding

    def credit(self, usage: UsageLine) -> tuple[float, float]:
        """Artist's gross credit and tax withheld for one usage row, in EUR."""
        try:
            rate = self.fx_to_eur[usage.currency]
        except KeyError:
            raise ValueError(f"no exchange rate for {usage.currency}") from None
        gross = usage.net_revenue * rate * self.artist_share
        return gross, gross * self.withholding.get(usage.territory, 0.0)

    def statement(self, usage: list[UsageLine]) -> Statement:
        order: list[str] = []
        unmatched: dict[str, int] = {}
        skipped = 0
        totals: dict[str, RecordingLine] = {}
        for row in usage:
            try:
                isrc = normalise_isrc(row.isrc)
            except ValueError:
                log.debug("skipping usage row with bad ISRC %r", row.isrc)
                skipped += 1
                continue
            if isrc not in self.catalogue:
                unmatched[isrc] = unmatched.get(isrc, 0) + row.streams
                continue
            if isrc not in order:
                order.append(isrc)
                totals[isrc] = RecordingLine(isrc, self.catalogue[isrc])
            gross, withheld = self.credit(row)
            line = totals[isrc]
            line.streams += row.streams
            line.gross += gross
            line.withheld += withheld

        lines = []
        for isrc in order:
            line = totals[isrc]
            line.gross = round(line.gross, 2)
            line.withheld = round(line.withheld, 2)
            lines.append(line)
        return Statement(
            lines,
            unmatched,
            skipped,
            sum(line.streams for line in lines),
            round(sum(line.payable for line in lines), 2),
        )


def render_statement(statement: Statement, artist: str, period: str) -> str:
    out = [f"Royalty statement - {artist} - {period}", ""]
    for line in statement.lines:
        out.append(
            f"{line.isrc}  {line.title[:32]:<32} {line.streams:>10,} "
            f"{line.gross:>10.2f} {line.withheld:>8.2f} {line.payable:>10.2f}"
        )
    out.append(
        f"{'Total':<46} {statement.total_streams:>10,} {'':>19} {statement.total_payable:>10.2f}"
    )
    if statement.unmatched:
        out.append(
            f"Unmatched recordings: {len(statement.unmatched)} "
            f"({sum(statement.unmatched.values()):,} streams)"
        )
    return "\n".join(out) + "\n"
