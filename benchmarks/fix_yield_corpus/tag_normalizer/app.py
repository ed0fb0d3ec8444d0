"""Tag normalisation for a bookmarking service: lower-case slugs, runs of anything but letters
and digits collapsed to one hyphen, empty tags dropped, first spelling kept."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence


class TagNormalizer:
    def __init__(self, max_length: int = 32) -> None:
        self.max_length = max_length

    def normalize(self, tags: Iterable[str]) -> list[str]:
        slugs = (re.compile(r"[^a-z0-9]+").sub("-", tag.lower()).strip("-") for tag in tags)
        out: list[str] = []
        for slug in slugs:
            slug = slug[: self.max_length]
            if slug and slug not in out:
                out.append(slug)
        return out

    def normalize_all(self, bookmarks: Sequence[Sequence[str]]) -> list[list[str]]:
        return [self.normalize(tags) for tags in bookmarks]
