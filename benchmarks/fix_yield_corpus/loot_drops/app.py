"""Resolve loot drops for defeated monsters, honouring unique-item ownership and zone bans."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass(frozen=True)
class LootEntry:
    item_id: str
    weight: int
    rarity: str
    unique: bool = False
    min_level: int = 1


@dataclass
class Player:
    player_id: str
    level: int
    owned_uniques: list[str] = field(default_factory=list)
    magic_find: float = 0.0


@dataclass(frozen=True)
class Kill:
    monster: str
    zone: str
    seed: int


RARITY_BONUS = {"common": 1.0, "magic": 1.0, "rare": 1.5, "legendary": 2.0}


class LootResolver:
    def __init__(self, tables: dict[str, list[LootEntry]], zone_bans: dict[str, list[str]]) -> None:
        self.tables = tables
        self.zone_bans = zone_bans

    def eligible(self, player: Player, kill: Kill) -> list[LootEntry]:
        banned = self.zone_bans.get(kill.zone, [])
        pool = []
        for entry in self.tables.get(kill.monster, []):
            if entry.min_level > player.level:
                continue
            if entry.item_id in banned:
                continue
            if entry.unique and entry.item_id in player.owned_uniques:
                continue
            pool.append(entry)
        return pool

    def _weight(self, entry: LootEntry, player: Player) -> float:
        if entry.rarity in ("rare", "legendary"):
            return entry.weight * (1.0 + player.magic_find * RARITY_BONUS[entry.rarity])
        return float(entry.weight)

    def roll(self, player: Player, kill: Kill, picks: int = 2) -> list[str]:
        pool = self.eligible(player, kill)
        if not pool:
            return []
        rng = random.Random(kill.seed)
        weights = [self._weight(e, player) for e in pool]
        drops: list[str] = []
        for _ in range(picks):
            entry = rng.choices(pool, weights=weights)[0]
            if entry.unique:
                if entry.item_id in drops:
                    continue
                player.owned_uniques.append(entry.item_id)
            drops.append(entry.item_id)
        return drops


def resolve_session(resolver: LootResolver, player: Player, kills: list[Kill]) -> dict[str, int]:
    """Roll every kill in order and tally how many of each item the player received."""
    tally: dict[str, int] = {}
    for kill in kills:
        for item in resolver.roll(player, kill):
            tally[item] = tally.get(item, 0) + 1
    return dict(sorted(tally.items()))
