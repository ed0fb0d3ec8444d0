"""Folded stacks: ``frame;frame;frame COUNT`` per line, root first.

Written by Brendan Gregg's stackcollapse scripts, ``py-spy record --format raw`` and many
others. Blank lines and ``#`` comments are skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from efficiency.ingest.errors import InputError
from efficiency.ingest.parsers.model import ParsedProfile


def parse_folded(
    lines: Iterable[str] | str,
    profile: ParsedProfile | None = None,
    *,
    skipped: list[tuple[int, str, str]] | None = None,
) -> ParsedProfile:
    """Parse folded stack lines into ``profile`` (a new one by default).

    A malformed line is an :class:`InputError` naming the line, unless ``skipped`` is given:
    then each malformed line is appended to it as ``(line number, reason, the line)`` and
    parsing goes on. Data a user sends is refused whole; a window our own collector recorded
    keeps its good lines (one odd stack of a profiler must not lose the window).
    """
    if isinstance(lines, str):
        # "\n" only: str.splitlines() also splits at \x0c, \x1c, \x85, \u2028..., which a
        # frame's name or file may hold (code compiled from a string with such a name)
        lines = lines.split("\n")
    lines = (line.rstrip("\r\n") for line in lines)
    profile = profile if profile is not None else ParsedProfile()
    add = profile.add_folded
    for number, line in enumerate(lines, 1):
        if not line or line.startswith("#"):
            continue
        try:
            _parse_line(line, number, add)
        except InputError as exc:
            if skipped is None:
                raise
            skipped.append((number, exc.message, line))
    return profile


def _parse_line(line: str, number: int, add: Callable[[str, int], None]) -> None:
    stack, sep, count_text = line.rpartition(" ")
    if sep and not stack.strip() and count_text.isdigit():
        # py-spy writes " N" for samples of a thread that had no Python frame yet (an
        # interpreter caught while starting or exiting): nothing to attribute, not an error.
        return
    if not sep or not stack:
        raise InputError(f"line {number}", "expected 'frame;frame;... COUNT'")
    try:
        count = int(count_text)
    except ValueError:
        raise InputError(
            f"line {number}", f"sample count {count_text[:40]!r} is not an integer"
        ) from None
    if count < 0:
        raise InputError(f"line {number}", "sample count is negative")
    try:
        add(stack, count)
    except InputError as exc:
        raise InputError(f"line {number}", exc.message) from None
