"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import CatalogIndex, TitleRecord, build_index

WORDS = ("river", "night", "garden", "Éclat", "mémoire", "stadt", "silence", "ocean", "winter")
LEADS = {
    "eng": ("The", "A", "An", ""),
    "fre": ("Les", "L'", "Une", ""),
    "ger": ("Die", "Das", "Ein", ""),
    "spa": ("Los", "El", "Una", ""),
    "ita": ("Gli", "Il", "L'", ""),
}
LANGS = tuple(LEADS)


def make_input() -> list[TitleRecord]:
    records = []
    for i in range(2500):
        lang = LANGS[i % 5]
        lead = LEADS[lang][(i // 5) % 4]
        body = f"{WORDS[i % 9]} {WORDS[(i * 4) % 9]}: part {i % 13}!"
        title = f"{lead}{'' if lead.endswith(chr(39)) or not lead else ' '}{body}"
        records.append(TitleRecord(f"R{i:06d}", title, lang, 1900 + i % 120))
    return records


def run(data: list[TitleRecord]) -> CatalogIndex:
    return build_index(data)


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
