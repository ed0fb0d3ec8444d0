"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import Kill, LootEntry, LootResolver, Player, resolve_session

MONSTERS = ("ghoul", "wraith", "bandit_chief", "ice_drake", "sand_golem")
ZONES = ("crypt", "tundra", "dunes", "keep")
RARITIES = ("common", "common", "magic", "rare", "legendary")


def make_input() -> tuple[LootResolver, Player, list[Kill]]:
    tables = {}
    for m, monster in enumerate(MONSTERS):
        entries = []
        for i in range(70):
            rarity = RARITIES[i % 5]
            item = f"{monster}_{rarity}_{i:03d}"
            entries.append(
                LootEntry(
                    item,
                    100 - i,
                    rarity,
                    unique=rarity == "legendary" and i % 2 == 0,
                    min_level=1 + (i * m) % 40,
                )
            )
        tables[monster] = entries
    bans = {
        z: [f"{MONSTERS[(k + z_i) % 5]}_common_{k * 5:03d}" for k in range(14)]
        + [f"event_token_{k}" for k in range(60)]
        for z_i, z in enumerate(ZONES)
    }
    owned = [f"{MONSTERS[k % 5]}_legendary_{(k * 7) % 70:03d}" for k in range(40)] + [
        f"season{s}_relic_{k:03d}" for s in range(4) for k in range(90)
    ]
    kills = [Kill(MONSTERS[i % 5], ZONES[i % 4], 1000 + i) for i in range(220)]
    return LootResolver(tables, bans), Player("p-77", 35, owned, magic_find=0.4), kills


def run(data: tuple[LootResolver, Player, list[Kill]]) -> dict[str, int]:
    resolver, player, kills = data
    snapshot = list(player.owned_uniques)
    try:
        return resolve_session(resolver, player, kills)
    finally:
        player.owned_uniques[:] = snapshot


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    data = make_input()
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        run(data)


if __name__ == "__main__":
    main()
