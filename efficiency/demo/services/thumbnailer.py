"""thumbnailer: renders image tiles, allocating a fresh buffer for every pixel row.

Hot path: ``render_tile`` → ``new_row`` — allocator churn: millions of short-lived small
objects, the pattern the allocator playbooks target.
"""

from __future__ import annotations

import signal
import sys


def new_row(width: int, shade: int) -> list[bytes]:
    return [bytes((shade, shade, shade)) for _ in range(width)]


def render_tile(size: int, shade: int) -> int:
    rows = [new_row(size, (shade + y) % 256) for y in range(size)]
    return sum(len(r) for r in rows)


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    shade = 0
    while True:
        render_tile(64, shade)
        shade = (shade + 1) % 256


if __name__ == "__main__":
    main()
