"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import CatalogEntry, MarcIndexer

_TITLES = [
    ("eng", "The name of the wind", "a novel"),
    ("fre", "L'étranger", None),
    ("ger", "Der Zauberberg", "Roman"),
    ("spa", "La sombra del viento", None),
    ("ita", "Il nome della rosa", "romanzo"),
    ("eng", "A wizard of Earthsea", None),
]


def make_input() -> tuple[MarcIndexer, str]:
    blocks = []
    for i in range(600):
        lang, title, sub = _TITLES[i % len(_TITLES)]
        lines = [
            "=LDR  00000nam  2200000 a 4500",
            f"=001  ocm{10000000 + i}",
            f"=008  {'9' * 35}{lang}d",
            f"=020  \\\\$a978-0-{i % 10}{i:05d}-{i % 9}-X (pbk.) :$c$12.99",
            f"=020  \\\\$a0{i:08d}{i % 10}",
            f"=100  1\\$aAuthor{i % 17}, Jane,$d1950-",
            f"=245  14$a{title} {i} /" + (f"$b{sub} /" if sub else "") + "$cby somebody.",
            f"=264  \\1$aNew York :$bPenguin,$c{1950 + i % 70}.",
            "=650  \\0$aFiction.",
        ]
        blocks.append("\n".join(lines))
    return MarcIndexer(), "\n\n".join(blocks)


def run(data: tuple[MarcIndexer, str]) -> list[CatalogEntry]:
    indexer, text = data
    return indexer.build_index(text)


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
