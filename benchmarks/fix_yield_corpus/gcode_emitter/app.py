"""Emit G-code for a 2.5D pocketing job on a small CNC router.

A job is a list of closed polygon outlines (in millimetres) that get cut at
successive depth passes. The writer produces plain RS-274 text that the
controller streams line by line.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

Point = tuple[float, float]

SAFE_Z = 5.0
HEADER = ("G21 ; mm", "G90 ; absolute", "G17 ; XY plane")


def _fmt(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class GcodeWriter:
    def __init__(self, feed: float, plunge: float, spindle_rpm: int, line_numbers: bool = True):
        self.feed = feed
        self.plunge = plunge
        self.spindle_rpm = spindle_rpm
        self.line_numbers = line_numbers
        self.program = ""
        self._n = 0
        self._pos: tuple[float | None, float | None, float | None] = (None, None, None)

    def emit(self, code: str, comment: str | None = None) -> None:
        self._n += 10
        if self.line_numbers:
            self.program += f"N{self._n} "
        self.program += code
        if comment:
            self.program += f" ; {comment}"
        self.program += "\n"

    def _move(self, cmd: str, x=None, y=None, z=None, feed=None) -> None:
        words = [cmd]
        cx, cy, cz = self._pos
        if x is not None and x != cx:
            words.append("X" + _fmt(x))
            cx = x
        if y is not None and y != cy:
            words.append("Y" + _fmt(y))
            cy = y
        if z is not None and z != cz:
            words.append("Z" + _fmt(z))
            cz = z
        if len(words) == 1:
            return
        if feed is not None:
            words.append("F" + _fmt(feed))
        self._pos = (cx, cy, cz)
        self.emit(" ".join(words))

    def rapid(self, x=None, y=None, z=None) -> None:
        self._move("G0", x, y, z)

    def cut(self, x=None, y=None, z=None, feed=None) -> None:
        self._move("G1", x, y, z, feed)

    def start(self) -> None:
        for line in HEADER:
            code, _, comment = line.partition(" ; ")
            self.emit(code, comment)
        self.rapid(z=SAFE_Z)
        self.emit(f"M3 S{self.spindle_rpm}", "spindle on")

    def finish(self) -> str:
        self.rapid(z=SAFE_Z)
        self.emit("M5", "spindle off")
        self.emit("M30", "end of program")
        return self.program


def depth_passes(total_depth: float, step_down: float) -> list[float]:
    if step_down <= 0:
        raise ValueError("step_down must be positive")
    count = math.ceil(total_depth / step_down - 1e-9)
    return [-min(total_depth, step_down * (i + 1)) for i in range(count)]


def cut_outline(writer: GcodeWriter, outline: Sequence[Point], depth: float) -> None:
    if len(outline) < 3:
        raise ValueError("outline needs at least 3 points")
    x0, y0 = outline[0]
    writer.rapid(z=SAFE_Z)
    writer.rapid(x0, y0)
    writer.cut(z=depth, feed=writer.plunge)
    first = True
    for x, y in [*outline[1:], outline[0]]:
        writer.cut(x, y, feed=writer.feed if first else None)
        first = False


def generate(
    outlines: Iterable[Sequence[Point]],
    total_depth: float,
    step_down: float,
    feed: float = 800.0,
    plunge: float = 200.0,
    spindle_rpm: int = 18000,
) -> str:
    writer = GcodeWriter(feed, plunge, spindle_rpm)
    writer.start()
    shapes = list(outlines)
    for depth in depth_passes(total_depth, step_down):
        writer.emit(f"(pass at Z{_fmt(depth)})")
        for outline in shapes:
            cut_outline(writer, outline, depth)
    return writer.finish()
