"""search: an HTTP service that ranks documents for a query with a BM25-style score.

``GET /search?q=w1+w2`` answers the ten best document ids. Hot path: ``rank`` → ``score``
(term-frequency lookups and logarithms per document).
"""

from __future__ import annotations

import math
import random
from collections import Counter

from efficiency.demo.services.web import serve

WORDS = [f"w{i}" for i in range(400)]


def build_index(rng: random.Random, n_docs: int) -> list[Counter[str]]:
    return [Counter(rng.choices(WORDS, k=rng.randint(50, 200))) for _ in range(n_docs)]


def score(doc: Counter[str], terms: list[str], idf: dict[str, float], avg_len: float) -> float:
    length = sum(doc.values())
    total = 0.0
    for term in terms:
        tf = doc.get(term, 0)
        if tf:
            total += idf[term] * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * length / avg_len))
    return total


def rank(docs: list[Counter[str]], terms: list[str], idf: dict[str, float]) -> list[int]:
    avg_len = sum(sum(d.values()) for d in docs) / len(docs)
    scores = [(score(d, terms, idf, avg_len), i) for i, d in enumerate(docs)]
    return [i for _, i in sorted(scores, reverse=True)[:10]]


def main() -> None:
    rng = random.Random(11)
    docs = build_index(rng, 2000)
    n = len(docs)
    idf = {w: math.log(1 + n / (1 + sum(1 for d in docs if w in d))) for w in WORDS}

    def search(query: dict[str, list[str]]) -> list[int]:
        terms = [t for t in " ".join(query.get("q", [])).split() if t in idf] or WORDS[:4]
        return rank(docs, terms, idf)

    serve({"/search": search})


if __name__ == "__main__":
    main()
