"""Binary message framing for a device protocol: a 4-byte header (version, kind, payload
length, network byte order) before each payload, and the reverse."""

from __future__ import annotations

import struct
from collections.abc import Iterable

VERSION = 2


class FramePacker:
    def __init__(self, version: int = VERSION) -> None:
        self.version = version

    def _header(self, kind: int, length: int) -> bytes:
        return struct.pack("!BBH", self.version, kind, length)

    def pack_all(self, messages: Iterable[tuple[int, bytes]]) -> bytes:
        chunks = []
        for kind, payload in messages:
            chunks.append(self._header(kind, len(payload)))
            chunks.append(payload)
        return b"".join(chunks)

    def unpack_all(self, blob: bytes) -> list[tuple[int, bytes]]:
        out, at = [], 0
        while at < len(blob):
            _, kind, length = struct.unpack_from("!BBH", blob, at)
            out.append((kind, blob[at + 4 : at + 4 + length]))
            at += 4 + length
        return out
