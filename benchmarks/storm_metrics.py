"""The storm benchmarks' metrics (:mod:`benchmarks.storm`, :mod:`benchmarks.storm_split`).

**Pairwise F1** over alert items (a pair is positive when both are in one group; counted from
the contingency table, not by enumerating pairs); **compression** ``1 - groups / alerts`` where
groups counts every group the alerts end in (pending ones too); **root cause first**: per true
failure, the incident holding most of its alerts must rank the failure's root service first
among its service candidates (the baseline's "root cause" of a group is the group's own
service).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from benchmarks.storm import Storm


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pair_counts(predicted: Sequence[str], truth: Sequence[str]) -> tuple[int, int, int]:
    """(pairs in one predicted and one true group, pairs in one predicted group, pairs in one
    true group): summed over storms, they pool :func:`pairwise_scores` over them."""
    cells = Counter(zip(predicted, truth, strict=True))
    return (
        sum(_pairs(n) for n in cells.values()),
        sum(_pairs(n) for n in Counter(predicted).values()),
        sum(_pairs(n) for n in Counter(truth).values()),
    )


def pairwise_scores(predicted: Sequence[str], truth: Sequence[str]) -> tuple[float, float, float]:
    """(precision, recall, F1) over pairs of items put in the same group.

    From the contingency table: true positive pairs are the pairs inside each (predicted,
    truth) cell. With no predicted (or true) pairs, precision (recall) is 1 by convention.
    """
    if len(predicted) != len(truth):
        raise ValueError("predicted and truth differ in length")
    tp, pred, true = pair_counts(predicted, truth)
    precision = tp / pred if pred else 1.0
    recall = tp / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def compression(predicted: Sequence[str]) -> float:
    """``1 - groups / items``: how many alerts one group saves paging for."""
    return 1.0 - len(set(predicted)) / len(predicted) if predicted else 0.0


def root_cause_hits(
    predicted: Sequence[str],
    truth: Sequence[str],
    roots: dict[str, str],
    top_service: dict[str, str | None],
) -> tuple[int, int]:
    """(failures whose main incident ranks the true root service first, failures)."""
    holder: dict[str, Counter[str]] = defaultdict(Counter)
    for p, t in zip(predicted, truth, strict=True):
        if t in roots:
            holder[t][p] += 1
    hits = 0
    for failure, root in roots.items():
        if failure in holder:
            main = min(holder[failure].items(), key=lambda kv: (-kv[1], kv[0]))[0]
            hits += top_service.get(main) == root
    return hits, len(roots)


def loss_breakdown(
    predicted: Sequence[str], truth: Sequence[str], failures: Sequence[str]
) -> dict[str, int]:
    """Where the pairwise errors come from, in pairs of items. False pairs:
    ``merged_failures`` (two different failures in one group), ``noise_joined`` (a background
    alert with a failure or with another background source). Missed pairs: ``split_failures``
    (two alerts of one failure in different groups), ``split_noise`` (of one background
    source). From the contingency table, like :func:`pairwise_scores`."""
    failure_set = set(failures)
    cells = Counter(zip(predicted, truth, strict=True))
    per_group: dict[str, list[tuple[bool, int]]] = defaultdict(list)
    inside = {True: 0, False: 0}
    for (group, true), n in cells.items():
        per_group[group].append((true in failure_set, n))
        inside[true in failure_set] += _pairs(n)
    merged = noise = 0
    for members in per_group.values():
        fail = [n for is_failure, n in members if is_failure]
        other = [n for is_failure, n in members if not is_failure]
        merged += (sum(fail) ** 2 - sum(n * n for n in fail)) // 2
        noise += sum(fail) * sum(other) + (sum(other) ** 2 - sum(n * n for n in other)) // 2
    total = {True: 0, False: 0}
    for true, n in Counter(truth).items():
        total[true in failure_set] += _pairs(n)
    return {
        "merged_failures": merged,
        "noise_joined": noise,
        "split_failures": total[True] - inside[True],
        "split_noise": total[False] - inside[False],
    }


@dataclass
class Result:
    """One grouping's scores on one storm, or pooled over storms (:func:`pooled`)."""

    name: str
    precision: float
    recall: float
    f1: float
    compression: float
    groups: int
    rc_hits: int
    rc_total: int
    #: F1 of each seed (pooled results only)
    seed_f1: list[float] = field(default_factory=list)
    #: :func:`loss_breakdown`, summed over the seeds
    losses: dict[str, int] = field(default_factory=dict)


def evaluate(
    storm: Storm, predicted: Sequence[str], top: dict[str, str | None], name: str
) -> Result:
    """``predicted`` (the group of each alert item) and ``top`` (each group's first service)
    scored against the storm's truth."""
    precision, recall, f1 = pairwise_scores(predicted, storm.truth)
    hits, total = root_cause_hits(predicted, storm.truth, storm.roots, top)
    return Result(
        name,
        precision,
        recall,
        f1,
        compression(predicted),
        len(set(predicted)),
        hits,
        total,
        losses=loss_breakdown(predicted, storm.truth, list(storm.roots)),
    )


def pooled(results: list[Result], name: str, per_seed_pairs: list[tuple[int, int, int]]) -> Result:
    """One grouping's per-seed results pooled: pair counts (:func:`pair_counts` of each
    seed) summed, root-cause hits and losses summed, with each seed's F1 kept."""
    tp = sum(p[0] for p in per_seed_pairs)
    pred = sum(p[1] for p in per_seed_pairs)
    true = sum(p[2] for p in per_seed_pairs)
    precision, recall = tp / pred, tp / true
    return Result(
        name,
        precision,
        recall,
        2 * precision * recall / (precision + recall),
        1 - sum(r.groups for r in results) / (5000 * len(results)),
        sum(r.groups for r in results),
        sum(r.rc_hits for r in results),
        sum(r.rc_total for r in results),
        seed_f1=[r.f1 for r in results],
        losses={k: sum(r.losses[k] for r in results) for k in results[0].losses},
    )
