"""thumbnailer: renders image tiles and files them under names it checks.

Three inefficiencies the remediation playbooks know, on purpose:

- ``new_row`` allocates a fresh buffer for every pixel: allocator churn, millions of
  short-lived small objects;
- ``describe_tile`` formats a debug line for every row although the log level is INFO, so
  the formatting (a ``repr`` of the row) is thrown away: eager log formatting;
- ``valid_names`` compiles its regular expression once per name: ``re.compile`` in a loop.

``efficiency demo`` profiles it, finds these hot spots and proposes the fixes on a branch of
a small git repository holding this file.
"""

from __future__ import annotations

import logging
import re
import signal
import sys

log = logging.getLogger("thumbnailer")


def new_row(width: int, shade: int) -> list[bytes]:
    return [bytes((shade, shade, shade)) for _ in range(width)]


def describe_tile(rows: list[list[bytes]], shade: int) -> int:
    """Log each row at debug level; the number of rows described."""
    for y, row in enumerate(rows):
        log.debug(f"tile shade {shade} row {y}: {row!r}")
    return len(rows)


def valid_names(names: list[str]) -> list[str]:
    """The names that follow the tile naming scheme ``tile-WxH-SSS-N.png``."""
    valid = []
    for name in names:
        pattern = re.compile(r"^tile-(\d+)x(\d+)-(\d{3})-(\d+)\.png$")
        if pattern.match(name):
            valid.append(name)
    return valid


def render_tile(size: int, shade: int) -> int:
    rows = [new_row(size, (shade + y) % 256) for y in range(size)]
    describe_tile(rows, shade)
    names = [f"tile-{size}x{size}-{shade:03d}-{i}.png" for i in range(size * 4)]
    return sum(len(r) for r in rows) + len(valid_names(names))


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    shade = 0
    while True:
        render_tile(64, shade)
        shade = (shade + 1) % 256


if __name__ == "__main__":
    main()
