"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import Grid, WordList, check_grid

LETTERS = "EEEEAAAIIOOTTNNSSRRLLDCUMPHGBYFWKVXZJQ"

LENGTHS = [3, 4, 4, 5, 5, 6, 7, 8, 9, 10, 12, 15]

TEMPLATE = [
    "....#.....#....",
    "....#.....#....",
    "...............",
    "...#....#......",
    "###....#....###",
    "......#....#...",
    ".....#.....#...",
    "....#.....#....",
    "...#.....#.....",
    "...#....#......",
    "###....#....###",
    "......#....#...",
    "...............",
    "....#.....#....",
    "....#.....#....",
]


def _word_list_text(rng: random.Random) -> tuple[str, dict[int, list[str]]]:
    words: dict[str, int] = {}
    while len(words) < 18000:
        word = "".join(rng.choice(LETTERS) for _ in range(rng.choice(LENGTHS)))
        words[word] = rng.choice([10, 25, 50, 50, 60, 80])
    by_length: dict[int, list[str]] = {}
    for word in words:
        by_length.setdefault(len(word), []).append(word)
    text = "\n".join(f"{w.lower()};{s}" for w, s in words.items())
    return "# generated list\n" + text + "\n", by_length


def _fill(rng: random.Random, by_length: dict[int, list[str]]) -> Grid:
    rows = [[ch if ch == "#" else rng.choice(LETTERS) for ch in row] for row in TEMPLATE]
    grid = Grid(["".join(r) for r in rows])
    for slot in grid.slots:
        if slot.direction == "A" and rng.random() < 0.85:
            word = rng.choice(by_length[len(slot.cells)])
            for (r, c), ch in zip(slot.cells, word, strict=True):
                rows[r][c] = ch
        elif rng.random() < 0.05:
            r, c = slot.cells[-1]
            rows[r][c] = "."
    return Grid(["".join(r) for r in rows])


def make_input() -> tuple[WordList, list[Grid]]:
    rng = random.Random(24)
    text, by_length = _word_list_text(rng)
    words = WordList(text, min_score=20)
    return words, [_fill(rng, by_length) for _ in range(8)]


def run(data: tuple[WordList, list[Grid]]) -> int:
    words, grids = data
    return sum(len(check_grid(grid, words).unknown) for grid in grids)


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
