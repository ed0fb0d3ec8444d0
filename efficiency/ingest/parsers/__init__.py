"""Profile parsers: each turns one file format into a :class:`ParsedProfile`."""

from efficiency.ingest.parsers.model import FrameKey, ParsedProfile, parse_frame

__all__ = ["FrameKey", "ParsedProfile", "parse_frame"]
