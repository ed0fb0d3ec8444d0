"""search: ranks documents for queries with a BM25-style score.

Hot path: ``rank`` → ``score`` (term-frequency lookups and logarithms per document).
"""

from __future__ import annotations

import math
import random
import signal
import sys
from collections import Counter

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
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    rng = random.Random(11)
    docs = build_index(rng, 500)
    n = len(docs)
    idf = {w: math.log(1 + n / (1 + sum(1 for d in docs if w in d))) for w in WORDS}
    while True:
        rank(docs, rng.sample(WORDS, 4), idf)


if __name__ == "__main__":
    main()
