"""Token statistics for the moderation queue: how many words, numbers, hashtags, mentions
and links a batch of posts holds, and the most used hashtags."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable


def count_tokens(posts: Iterable[str]) -> dict[str, Counter[str]]:
    """``kinds``: tokens per kind (word, number, hashtag, mention, link, other);
    ``hashtags``: hashtag use, lower-cased. Tokens are split on whitespace and stripped
    of trailing punctuation."""
    kinds: Counter[str] = Counter()
    hashtags: Counter[str] = Counter()
    for post in posts:
        for raw in post.split():
            token = raw.rstrip(".,!?;:")
            if not token:
                kinds["other"] += 1
            elif re.match(r"[A-Za-z]+(?:'[a-z]+)?$", token):
                kinds["word"] += 1
            elif re.match(r"[+-]?\d+(?:\.\d+)?%?$", token):
                kinds["number"] += 1
            elif re.match(r"#\w+$", token):
                kinds["hashtag"] += 1
                hashtags[token.lower()] += 1
            elif re.match(r"@\w+$", token):
                kinds["mention"] += 1
            elif re.match(r"https?://\S+$", token):
                kinds["link"] += 1
            else:
                kinds["other"] += 1
    return {"kinds": kinds, "hashtags": hashtags}
