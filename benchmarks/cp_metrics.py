"""Change point scoring from TCPDBench's definitions (van den Burg & Williams, "An Evaluation
of Change Point Detection Algorithms", 2020), used by :mod:`benchmarks.tcpd`:

- **F1** with a margin of 5 points. Index 0 counts as a change point for every annotator and for
  every method (so "no change at all" still earns something). Precision is against the union of
  all annotators' points, recall is averaged over the annotators, and a predicted point can
  match at most one true point.
- **Cover**: segmentation covering (Arbelaez et al., "Contour Detection and Hierarchical Image
  Segmentation", 2010): every annotated segment is weighted by its length and matched to the
  predicted segment with the largest Jaccard overlap; averaged over the annotators.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import pairwise


def true_positives(truth: Iterable[int], predicted: Iterable[int], margin: int = 5) -> set[int]:
    """The true change points that a prediction matches within ``margin`` points.

    Each true point takes the nearest prediction still unused (ties to the earlier point), so
    one prediction never counts for two true points; true points are visited in order.
    """
    free = set(predicted)
    hits: set[int] = set()
    for tau in sorted(set(truth)):
        near = sorted((abs(tau - x), x) for x in free if abs(tau - x) <= margin)
        if near:
            hits.add(tau)
            free.remove(near[0][1])
    return hits


def precision_recall(
    annotations: Mapping[str, Iterable[int]], predicted: Iterable[int], margin: int = 5
) -> tuple[float, float]:
    """TCPDBench precision and recall; index 0 is added to every set of points.

    Precision asks how many predictions are near *some* annotator's point (the union), recall
    how many of *each* annotator's points were found, averaged over annotators: a method is not
    punished for a point only one annotator saw, nor rewarded for finding it in everyone's name.
    """
    if not annotations:
        raise ValueError("at least one annotator is needed")
    pred = set(predicted) | {0}
    per_annotator = [set(points) | {0} for points in annotations.values()]
    union = set().union(*per_annotator)
    precision = len(true_positives(union, pred, margin)) / len(pred)
    recall = sum(len(true_positives(t, pred, margin)) / len(t) for t in per_annotator) / len(
        per_annotator
    )
    return precision, recall


def f1_score(
    annotations: Mapping[str, Iterable[int]], predicted: Iterable[int], margin: int = 5
) -> float:
    """Harmonic mean of :func:`precision_recall` (0 when both are 0)."""
    p, r = precision_recall(annotations, predicted, margin)
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def segments(change_points: Iterable[int], n_obs: int) -> list[range]:
    """The segmentation of ``range(n_obs)`` that starts a new segment at each change point
    (points at 0 or outside the series start nothing)."""
    cuts = sorted({c for c in change_points if 0 < c < n_obs})
    bounds = [0, *cuts, n_obs]
    return [range(a, b) for a, b in pairwise(bounds)]


def _jaccard(a: range, b: range) -> float:
    inter = max(0, min(a.stop, b.stop) - max(a.start, b.start))
    return inter / (len(a) + len(b) - inter)


def cover_single(truth: Iterable[int], predicted: Iterable[int], n_obs: int) -> float:
    """Covering of the true segmentation by the predicted one:
    ``sum over true segments R of |R| * max over predicted R' of J(R, R') / n_obs``."""
    pred = segments(predicted, n_obs)
    return sum(len(r) * max(_jaccard(r, q) for q in pred) for r in segments(truth, n_obs)) / n_obs


def covering(
    annotations: Mapping[str, Iterable[int]], predicted: Iterable[int], n_obs: int
) -> float:
    """Segmentation covering averaged over annotators, as TCPDBench reports it."""
    if not annotations:
        raise ValueError("at least one annotator is needed")
    predicted = list(predicted)
    return sum(cover_single(t, predicted, n_obs) for t in annotations.values()) / len(annotations)
