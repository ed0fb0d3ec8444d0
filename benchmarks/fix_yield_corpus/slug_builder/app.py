"""Permalinks for the blog: each post title becomes a URL slug, unique within the batch."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable


def slugify(title: str) -> str:
    """ASCII letters, digits, underscores and hyphens, lower case, words joined by single
    hyphens (the rules of Django's slugify)."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text.lower())
    return re.sub(r"[-\s]+", "-", text).strip("-_")


def permalinks(titles: Iterable[str]) -> list[str]:
    """One slug per title, in order; a slug seen before gets -2, -3, ... and an empty one
    becomes "post"."""
    seen: dict[str, int] = {}
    out = []
    for title in titles:
        slug = slugify(title) or "post"
        count = seen.get(slug, 0) + 1
        seen[slug] = count
        out.append(slug if count == 1 else f"{slug}-{count}")
    return out
