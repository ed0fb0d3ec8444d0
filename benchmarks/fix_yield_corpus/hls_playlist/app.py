"""Render HLS media playlists (m3u8) for the rendition ladder of a VOD asset."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    uri: str
    duration: float
    discontinuity: bool = False
    byte_range: tuple[int, int] | None = None  # (length, offset)


@dataclass(frozen=True)
class Rendition:
    name: str
    bandwidth: int
    resolution: str
    codecs: str


class MediaPlaylistWriter:
    """Accumulates playlist lines for one rendition, then hands back the text."""

    def __init__(self, base_url: str, version: int = 6) -> None:
        self.base_url = base_url.rstrip("/")
        self.version = version
        self.text = ""
        self.segment_count = 0

    def _line(self, line: str) -> None:
        self.text += line + "\n"

    def header(self, target_duration: int, media_sequence: int = 0) -> None:
        self._line("#EXTM3U")
        self._line(f"#EXT-X-VERSION:{self.version}")
        self._line(f"#EXT-X-TARGETDURATION:{target_duration}")
        self._line(f"#EXT-X-MEDIA-SEQUENCE:{media_sequence}")
        self._line("#EXT-X-PLAYLIST-TYPE:VOD")

    def segment(self, seg: Segment) -> None:
        if seg.discontinuity:
            self._line("#EXT-X-DISCONTINUITY")
        self._line(f"#EXTINF:{seg.duration:.3f},")
        if seg.byte_range is not None:
            length, offset = seg.byte_range
            self._line(f"#EXT-X-BYTERANGE:{length}@{offset}")
        self._line(f"{self.base_url}/{seg.uri}")
        self.segment_count += 1

    def finish(self) -> str:
        self._line("#EXT-X-ENDLIST")
        return self.text


def target_duration(segments: Iterable[Segment]) -> int:
    longest = max((s.duration for s in segments), default=0.0)
    return max(1, math.ceil(longest))


def render_media_playlist(base_url: str, segments: list[Segment]) -> str:
    writer = MediaPlaylistWriter(base_url)
    writer.header(target_duration(segments))
    for seg in segments:
        writer.segment(seg)
    return writer.finish()


def render_master_playlist(renditions: list[Rendition]) -> str:
    lines = ["#EXTM3U", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for r in sorted(renditions, key=lambda r: r.bandwidth):
        lines.append(
            f'#EXT-X-STREAM-INF:BANDWIDTH={r.bandwidth},RESOLUTION={r.resolution},CODECS="{r.codecs}"'
        )
        lines.append(f"{r.name}/index.m3u8")
    return "\n".join(lines) + "\n"


def render_asset(
    cdn: str, asset_id: str, renditions: list[Rendition], segments: list[Segment]
) -> dict[str, str]:
    out = {"master.m3u8": render_master_playlist(renditions)}
    for r in renditions:
        out[f"{r.name}/index.m3u8"] = render_media_playlist(f"{cdn}/{asset_id}/{r.name}", segments)
    return out
