"""Caption export: render timed cues as SubRip (.srt) or WebVTT text."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

logger = logging.getLogger(__name__)

MAX_LINE_CHARS = 42
MIN_CUE_MS = 700


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int
    text: str
    speaker: str | None = None


def _timestamp(ms: int, sep: str) -> str:
    hours, rem = divmod(ms, 3_600_000)
    minutes, rem = divmod(rem, 60_000)
    seconds, millis = divmod(rem, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{sep}{millis:03d}"


def wrap_caption(text: str, width: int = MAX_LINE_CHARS) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines


class CaptionWriter:
    """Accumulates cues into one caption document."""

    def __init__(self, fmt: str = "srt") -> None:
        if fmt not in ("srt", "vtt"):
            raise ValueError(f"unknown caption format {fmt!r}")
        self.fmt = fmt
        self.count = 0
        self.skipped = 0
        self._doc = "WEBVTT\n\n" if fmt == "vtt" else ""

    def add(self, cue: Cue) -> None:
        if cue.end_ms - cue.start_ms < MIN_CUE_MS or not cue.text.strip():
            self.skipped += 1
            return
        self.count += 1
        sep = "," if self.fmt == "srt" else "."
        if self.fmt == "srt":
            self._doc += f"{self.count}\n"
        self._doc += f"{_timestamp(cue.start_ms, sep)} --> {_timestamp(cue.end_ms, sep)}\n"
        lines = wrap_caption(cue.text)
        if cue.speaker:
            lines[0] = f"{cue.speaker.upper()}: {lines[0]}"
        for line in lines:
            self._doc += line + "\n"
        self._doc += "\n"

    def extend(self, cues: Iterable[Cue]) -> CaptionWriter:
        for cue in cues:
            self.add(cue)
        return self

    def getvalue(self) -> str:
        if self.skipped:
            logger.info("dropped %d short or empty cues", self.skipped)
        return self._doc


def export_captions(cues: Iterable[Cue], fmt: str = "srt") -> str:
    ordered = sorted(cues, key=lambda c: (c.start_ms, c.end_ms))
    return CaptionWriter(fmt).extend(ordered).getvalue()
