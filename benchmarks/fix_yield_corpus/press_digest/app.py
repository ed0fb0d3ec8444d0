"""Morning newsletter: split the overnight wire into one plain-text email body per desk."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

SECTION_ORDER = ["world", "national", "business", "tech", "science", "sport", "culture", "opinion"]
SECTION_TITLES = {
    "world": "World",
    "national": "National",
    "business": "Business & Markets",
    "tech": "Technology",
    "science": "Science & Health",
    "sport": "Sport",
    "culture": "Arts & Culture",
    "opinion": "Opinion",
}
SUMMARY_LIMIT = 140


@dataclass(frozen=True)
class Article:
    slug: str
    section: str
    headline: str
    author: str
    published: datetime
    summary: str
    words: int
    paywalled: bool = False
    tags: tuple[str, ...] = field(default_factory=tuple)


def shorten(text: str, limit: int = SUMMARY_LIMIT) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    if cut <= 0:
        cut = limit - 1
    return text[:cut].rstrip(",;:") + "\u2026"


def reading_minutes(words: int) -> int:
    return max(1, round(words / 230))


def section_key(article: Article) -> str:
    return article.section if article.section in SECTION_TITLES else "national"


def build_digests(articles: list[Article], edition: datetime, base_url: str) -> dict[str, str]:
    """Return {section: email body}. Articles keep wire order within a section."""
    bodies: dict[str, str] = {}
    counts: dict[str, int] = {}
    stamp = edition.strftime("%A %d %B %Y")
    for art in articles:
        key = section_key(art)
        if key not in bodies:
            title = SECTION_TITLES[key]
            bodies[key] = (
                f"{title.upper()} \u2014 {stamp}\n{'=' * (len(title) + len(stamp) + 3)}\n\n"
            )
            counts[key] = 0
        counts[key] += 1
        lock = " [subscribers]" if art.paywalled else ""
        bodies[key] += f"{counts[key]}. {art.headline}{lock}\n"
        bodies[key] += (
            f"   {art.author} \u00b7 {art.published:%H:%M} \u00b7 {reading_minutes(art.words)} min read\n"  # noqa: E501
        )
        bodies[key] += f"   {shorten(art.summary)}\n"
        if art.tags:
            bodies[key] += "   #" + " #".join(art.tags) + "\n"
        bodies[key] += f"   {base_url.rstrip('/')}/{key}/{art.slug}\n\n"
    for key in bodies:
        n = counts[key]
        bodies[key] += (
            f"-- {n} {'story' if n == 1 else 'stories'} from the {SECTION_TITLES[key]} desk.\n"
        )
    return {key: bodies[key] for key in SECTION_ORDER if key in bodies}


def digest_sizes(digests: dict[str, str]) -> dict[str, int]:
    return {key: len(body) for key, body in digests.items()}
