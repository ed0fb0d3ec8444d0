"""Swiss-system chess tournament pairing.

Players are grouped by score each round and paired top half against bottom half
within a score group, never meeting the same opponent twice and, where it can be
helped, alternating colours.  Standings are ordered by score, then Buchholz
(the sum of the opponents' scores), then rating.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

WIN, DRAW, LOSS = 1.0, 0.5, 0.0
BYE_POINTS = 1.0


class PairingError(RuntimeError):
    """No legal pairing exists for the round."""


@dataclass
class Player:
    player_id: str
    name: str
    rating: int
    score: float = 0.0
    opponents: list[str] = field(default_factory=list)
    colours: list[str] = field(default_factory=list)  # "W", "B" or "-" for a bye
    results: list[float] = field(default_factory=list)

    def colour_due(self) -> str:
        played = [c for c in self.colours if c != "-"]
        if not played:
            return "W"
        whites = played.count("W")
        if whites * 2 > len(played):
            return "B"
        if whites * 2 < len(played):
            return "W"
        return "B" if played[-1] == "W" else "W"


@dataclass(frozen=True)
class Pairing:
    board: int
    white: str
    black: str | None  # None = bye


class SwissTournament:
    def __init__(self, players: list[Player]) -> None:
        if len({p.player_id for p in players}) != len(players):
            raise ValueError("duplicate player id")
        self.players = {p.player_id: p for p in players}
        self.rounds: list[list[Pairing]] = []

    def buchholz(self, player: Player) -> float:
        return sum(self.players[o].score for o in player.opponents)

    def standings(self) -> list[Player]:
        snapshot = copy.deepcopy(list(self.players.values()))
        return sorted(snapshot, key=lambda p: (-p.score, -self.buchholz(p), -p.rating, p.player_id))

    def pair_round(self) -> list[Pairing]:
        order = self.standings()
        unpaired = [p.player_id for p in order]
        pairings: list[Pairing] = []
        if len(unpaired) % 2:
            bye = self._bye_candidate(order)
            unpaired.remove(bye)
            pairings.append(Pairing(0, bye, None))
        by_id = {p.player_id: p for p in order}
        while unpaired:
            top = by_id[unpaired.pop(0)]
            group = [pid for pid in unpaired if by_id[pid].score == top.score]
            half = len(group) // 2
            candidates = group[half:] + group[:half] + unpaired[len(group) :]
            rival = next((pid for pid in candidates if pid not in top.opponents), None)
            if rival is None:
                raise PairingError(f"no legal opponent for {top.player_id}")
            unpaired.remove(rival)
            other = by_id[rival]
            if top.colour_due() == "B" and other.colour_due() == "W":
                white, black = other.player_id, top.player_id
            else:
                white, black = top.player_id, other.player_id
            pairings.append(Pairing(len(pairings) + 1, white, black))
        self.rounds.append(pairings)
        return pairings

    def _bye_candidate(self, order: list[Player]) -> str:
        for player in reversed(order):
            if "-" not in player.colours:
                return player.player_id
        return order[-1].player_id

    def record(self, pairings: list[Pairing], result_of: Callable[[Player, Player], float]) -> None:
        for pairing in pairings:
            white = self.players[pairing.white]
            if pairing.black is None:
                white.score += BYE_POINTS
                white.colours.append("-")
                white.results.append(BYE_POINTS)
                continue
            black = self.players[pairing.black]
            points = result_of(white, black)
            if points not in (WIN, DRAW, LOSS):
                raise ValueError(f"bad result {points!r} on board {pairing.board}")
            white.score += points
            black.score += 1.0 - points
            white.opponents.append(black.player_id)
            black.opponents.append(white.player_id)
            white.colours.append("W")
            black.colours.append("B")
            white.results.append(points)
            black.results.append(1.0 - points)

    def play(self, n_rounds: int, result_of: Callable[[Player, Player], float]) -> list[Player]:
        for number in range(1, n_rounds + 1):
            pairings = self.pair_round()
            log.debug("round %d: %d boards", number, len(pairings))
            self.record(pairings, result_of)
        return self.standings()


def rating_result(white: Player, black: Player) -> float:
    """Deterministic stand-in for a game: the stronger player (plus a white edge) wins."""
    gap = white.rating + 35 - black.rating
    if abs(gap) < 40:
        return DRAW
    return WIN if gap > 0 else LOSS


def crosstable_line(t: SwissTournament, rank: int, player: Player) -> str:
    cells = []
    for opp, colour, res in zip(player.opponents, player.colours, player.results, strict=False):
        cells.append(f"{opp}{colour.lower()}{res:g}")
    return f"{rank:>3} {player.name:<18} {player.score:>4} {t.buchholz(player):>5} " + " ".join(
        cells
    )
